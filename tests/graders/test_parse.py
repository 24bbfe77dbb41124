"""Parsing candidate code: newer syntax, and one unreadable file graded apart."""

from __future__ import annotations

import pytest

from graders import GradeContext, get_grader
from graders._parse import ParseError, parse_python

PY314_EXCEPT = "def f():\n    try:\n        g()\n    except KeyError, ValueError:\n        raise\n"
PY312_SYNTAX = (
    "type Pair[T] = tuple[T, T]\n\n\nclass Box[T]:\n    def get[U](self, x: U) -> T: ...\n\n\n"
    'def greet(d):\n    return f"hi {d["name"]}"\n'
)
STATIC = [
    "sql_construction",
    "typed_errors",
    "secrets_in_code",
    "input_validation",
    "n_plus_one",
    "async_blocking",
    "structured_logging",
]


def test_newer_syntax_parses_on_the_same_lines() -> None:
    tree = parse_python("a.py", PY314_EXCEPT)
    handler = tree.body[0].body[0].handlers[0]  # type: ignore[attr-defined]
    assert handler.lineno == 4
    tree = parse_python("b.py", PY312_SYNTAX)
    assert [type(n).__name__ for n in tree.body] == ["Assign", "ClassDef", "FunctionDef"]
    assert tree.body[2].lineno == 8


def test_unparsable_file_names_file_and_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_python("bad.py", "def f(:\n    pass\n")
    assert str(info.value).startswith("bad.py:1: cannot parse")
    assert info.value.line == 1


@pytest.mark.parametrize("name", STATIC)
def test_one_unreadable_file_is_an_error_for_that_file_only(name: str) -> None:
    grader = get_grader(name)
    files = {
        "app/good.py": "def add(a, b):\n    return a + b\n",
        "app/new.py": PY314_EXCEPT,
        "app/broken.py": "def f(:\n",
    }
    grades = grader.check(GradeContext(files=files, rule_ids=grader.default_rules))  # type: ignore[attr-defined]
    errors = [g for g in grades if g.verdict == "error"]
    assert len(errors) == 1
    assert [e.file for e in errors[0].evidence] == ["app/broken.py"]
    assert "app/broken.py:1" in errors[0].reason
    others = [g for g in grades if g.verdict != "error"]
    assert others  # the readable files were graded


def test_only_unreadable_files_give_only_the_error() -> None:
    grader = get_grader("sql_construction")
    grades = grader.check(GradeContext(files={"x.py": "def (\n"}, rule_ids=()))  # type: ignore[attr-defined]
    assert [g.verdict for g in grades] == ["error"]


def test_sql_found_in_the_readable_files_beside_an_unreadable_one() -> None:
    grader = get_grader("sql_construction")
    files = {
        "db.py": "def f(cur, n):\n    cur.execute(f'SELECT * FROM t WHERE n = {n}')\n",
        "broken.py": "def (\n",
    }
    grades = grader.check(GradeContext(files=files, rule_ids=()))  # type: ignore[attr-defined]
    assert sorted(g.verdict for g in grades) == ["error", "fail"]


@pytest.mark.parametrize(
    "deep",
    [
        "x = " + "-" * 1500 + "1\n",  # parses, too deep for a recursive analysis
        "x = " + "-" * 20000 + "1\n",  # too deep for the parser itself
        "x = " + " + ".join(["a"] * 5000) + "\n",
        "x = a" + ".b" * 3000 + "\n",
    ],
    ids=["unary-1500", "unary-20000", "binop-5000", "attribute-3000"],
)
@pytest.mark.parametrize("name", STATIC)
def test_a_file_nested_too_deeply_cannot_hide_the_others(name: str, deep: str) -> None:
    grader = get_grader(name)
    files = {
        "deep.py": deep,
        "db.py": "def f(cur, n):\n    cur.execute(f'SELECT * FROM t WHERE n = {n}')\n",
    }
    grades = grader.check(GradeContext(files=files, rule_ids=grader.default_rules))  # type: ignore[attr-defined]
    assert not any("crashed" in g.reason for g in grades)
    if name == "sql_construction":
        assert "fail" in {g.verdict for g in grades}
    for g in grades:
        if g.verdict == "error":
            assert [e.file for e in g.evidence] == ["deep.py"]
