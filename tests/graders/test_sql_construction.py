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


# -- causes found on the external corpus (#17) ----------------------------------------

_BAD_SNIPPETS = {
    "built_not_executed": (
        "def q(ident):\n    return \"SELECT * FROM foo WHERE id = '%s'\" % ident\n"
    ),
    "stored_at_module_level": 'query = "DELETE FROM foo WHERE id = \'" + identifier + "\'"\n',
    "whole_query_from_parameter": "def run(cursor, sql_query):\n    cursor.execute(sql_query)\n",
    "text_of_parameter": (
        "from sqlalchemy import text\n\n\ndef run(session, q):\n"
        "    return session.execute(text(q))\n"
    ),
    "second_definition_of_a_name": (
        "def find(cur, n):\n    cur.execute('SELECT 1 WHERE n = ?', (n,))\n\n\n"
        "def find(cur, n):\n    cur.execute(f'SELECT * FROM t WHERE n = {n}')\n"
    ),
    "sqlalchemy_filter_text": (
        "def f(session, var):\n    q = session.query(User)\n"
        "    return q.filter('name = {}'.format(var)).all()\n"
    ),
    "sqlalchemy_order_by_chain": (
        "def f(session, col):\n    return session.query(User).order_by('x' + col).all()\n"
    ),
    "literal_column": (
        "from sqlalchemy import literal_column, select\n\n\ndef f(col):\n"
        "    return select(literal_column('id, ' + col))\n"
    ),
    "pg8000_run": "def f(conn, user_input):\n    conn.run('SELECT * FROM {}'.format(user_input))\n",
    "asyncpg_fetchrow": (
        "async def f(conn, uid):\n"
        "    return await conn.fetchrow(f'SELECT * FROM u WHERE id={uid}')\n"
    ),
    "positional_extra": (
        "def f(request):\n    q = request.GET['q']\n"
        "    return User.objects.extra({'t': 'name = ' + q})\n"
    ),
    "executemany": (
        "def f(con, table, rows):\n    con.executemany(f'INSERT INTO {table} VALUES (?)', rows)\n"
    ),
    "executescript": "def f(c, name):\n    c.executescript('DROP TABLE ' + name)\n",
    "string_template": (
        "import string\n\n\ndef f(cur, uid):\n"
        "    t = string.Template('SELECT * FROM users WHERE id = $uid')\n"
        "    cur.execute(t.substitute(uid=uid))\n"
    ),
    "str_replace_and_getattr_execute": (
        "def f(cur, ident):\n    sql = 'SELECT * FROM foo WHERE id = [V]'.replace('[V]', ident)\n"
        "    getattr(cur, 'execute')(sql)\n"
    ),
    "format_on_an_imported_constant": (
        "import queries\n\n\ndef f(conn, uid):\n    return conn.fetch(queries.BY_ID.format(uid))\n"
    ),
}
_GOOD_SNIPPETS = {
    "wrapper_passing_bind_parameters": (
        "def run(cur, sql, params=()):\n    cur.execute(sql, params)\n"
    ),
    "wrapper_called_with_constants": (
        "def run(cur, sql):\n    cur.execute(sql)\n\n\ndef main(cur):\n    run(cur, 'SELECT 1')\n"
    ),
    "message_not_sql": "def f(name):\n    return f'Could not update {name}: try again'\n",
    "sqlalchemy_filter_expression": (
        "def f(session, name):\n    return session.query(User).filter(User.name == name).all()\n"
    ),
    "django_order_by_field": "def f(field):\n    return User.objects.order_by('-' + field)\n",
    "psycopg_sql_composition": (
        "from psycopg import sql\n\n\ndef f(cur, table):\n"
        "    cur.execute(sql.SQL('SELECT * FROM {}').format(sql.Identifier(table)))\n"
    ),
    "format_without_data": "def f(cur):\n    cur.execute('SELECT * FROM john'.format())\n",
}


@pytest.mark.parametrize("name", sorted(_BAD_SNIPPETS))
def test_external_corpus_causes_fail(name: str) -> None:
    grade = _grade(_BAD_SNIPPETS[name])
    assert grade.verdict == "fail", grade.reason


@pytest.mark.parametrize("name", sorted(_GOOD_SNIPPETS))
def test_external_corpus_near_misses_pass(name: str) -> None:
    grade = _grade(_GOOD_SNIPPETS[name])
    assert grade.verdict == "pass", [e.message for e in grade.evidence]


def test_built_only_and_parameter_findings_say_what_happened() -> None:
    built = _grade(_BAD_SNIPPETS["built_not_executed"])
    assert "not executed here" in built.evidence[0].message
    raw = _grade(_BAD_SNIPPETS["whole_query_from_parameter"])
    assert "parameter `sql_query` of run() is executed as the whole SQL text" in (
        raw.evidence[0].message
    )
