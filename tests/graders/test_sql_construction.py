"""sql_construction: accuracy on the labelled examples, and evidence content."""

from __future__ import annotations

import asyncio
import textwrap

import pytest

from evals.errors import GraderError
from evals.schema import Grade
from graders import GradeContext, get_grader
from graders._accuracy import evaluate
from graders.sql_construction import SqlConstructionGrader


def _grade(code: str, path: str = "app.py", **options: object) -> Grade:
    ctx = GradeContext(
        files={path: textwrap.dedent(code)}, rule_ids=("never-sql-concat",), options=options
    )
    (grade,) = SqlConstructionGrader().check(ctx)
    return grade


def test_accuracy_floor_on_labelled_examples() -> None:
    acc = evaluate("sql_construction")
    assert acc.n >= 80
    mistakes = "\n".join(
        f"{label} {path}: {verdict} {reason}" for label, path, verdict, reason in acc.mistakes
    )
    assert acc.f1 >= 0.95, f"F1 {acc.f1:.3f} (P {acc.precision:.3f} R {acc.recall:.3f})\n{mistakes}"


def test_registered_by_name_and_async_interface() -> None:
    grader = get_grader("sql_construction")
    assert isinstance(grader, SqlConstructionGrader)
    assert grader.scope == "all"
    ctx = GradeContext(files={"a.py": "x = 1\n"}, rule_ids=())
    (grade,) = asyncio.run(grader.grade(ctx))
    assert grade.verdict == "pass"
    assert grade.rule_ids == ["never-sql-concat", "always-parameterized-queries"]


def test_evidence_names_entry_line_and_sink() -> None:
    grade = _grade(
        """\
        import sqlite3


        def find(conn: sqlite3.Connection, name: str):
            query = "SELECT * FROM users WHERE 1=1"
            query += " AND name = '" + name + "'"
            return conn.execute(query).fetchall()
        """
    )
    assert grade.verdict == "fail"
    assert grade.rule_ids == ["never-sql-concat"]
    assert grade.kind == "injection"
    (ev,) = grade.evidence
    assert (ev.file, ev.line) == ("app.py", 6)
    assert ev.snippet == """query += " AND name = '" + name + "'\""""
    assert "`name`" in ev.message and "`conn.execute`" in ev.message and "line 7" in ev.message
    assert ev.message.startswith("[injection]")
    assert grade.metadata["severity_counts"] == {"injection": 1, "style": 0}


def test_helper_origin_is_reported_inside_the_helper() -> None:
    grade = _grade(
        """\
        def build(table):
            return f"SELECT * FROM {table}"


        def rows(cur, table):
            cur.execute(build(table))
            return cur.fetchall()
        """
    )
    assert grade.verdict == "fail"
    assert [e.line for e in grade.evidence] == [2]
    assert "line 6" in grade.evidence[0].message


def test_helper_called_only_with_constants_is_style() -> None:
    grade = _grade(
        """\
        def build(table):
            return f"SELECT * FROM {table}"


        def rows(cur):
            cur.execute(build("users"))
        """
    )
    assert grade.verdict == "pass"
    assert grade.metadata["severity_counts"]["style"] == 1


def test_style_fails_only_when_configured() -> None:
    code = """\
        COLUMNS = "id, name"


        def rows(cur, since):
            cur.execute("SELECT " + COLUMNS + " FROM users WHERE created >= ?", (since,))
        """
    default = _grade(code)
    assert default.verdict == "pass"
    assert default.evidence[0].message.startswith("[style]")
    strict = _grade(code, fail_on=["injection", "style"])
    assert strict.verdict == "fail"
    assert strict.metadata["fail_on"] == ["injection", "style"]


def test_bad_fail_on_option_is_a_grader_error() -> None:
    with pytest.raises(GraderError, match="fail_on"):
        _grade("x = 1\n", fail_on=["loud"])


def test_unparsable_file_is_an_error_not_a_pass() -> None:
    grade = _grade("def broken(:\n    pass\n", path="svc/broken.py")
    assert grade.verdict == "error"
    assert "svc/broken.py:1" in grade.reason


def test_test_files_are_not_graded() -> None:
    code = 'def q(cur, x):\n    cur.execute(f"SELECT * FROM t WHERE a = {x}")\n'
    for path in ("tests/helpers.py", "test_app.py", "app_test.py", "conftest.py"):
        assert _grade(code, path=path).verdict == "skipped"
    assert _grade(code, path="app.py").verdict == "fail"


def test_params_and_like_value_pass() -> None:
    grade = _grade(
        """\
        async def search(pool, term):
            return await pool.fetch("SELECT id FROM books WHERE title ILIKE $1", f"%{term}%")
        """
    )
    assert grade.verdict == "pass" and grade.evidence == []


def test_allowlist_guard_narrows_only_after_the_check() -> None:
    ok = _grade(
        """\
        ALLOWED = {"name", "email"}

        def rows(cur, col):
            if col not in ALLOWED:
                raise ValueError(col)
            cur.execute(f"SELECT {col} FROM users")
        """
    )
    assert ok.verdict == "pass"
    unguarded = _grade(
        """\
        ALLOWED = {"name", "email"}

        def rows(cur, col):
            if col not in ALLOWED:
                print("unexpected column")
            cur.execute(f"SELECT {col} FROM users")
        """
    )
    assert unguarded.verdict == "fail"


def test_http_client_fetch_is_not_a_sink_but_db_fetch_is() -> None:
    grade = _grade(
        """\
        async def go(client, pool, uid):
            await client.fetch(f"https://api.example.com/users/{uid}")
            await pool.fetch(f"SELECT * FROM users WHERE id = {uid}")
        """
    )
    assert [e.line for e in grade.evidence] == [3]
