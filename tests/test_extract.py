"""Extraction over the answer shapes models produce, including hostile paths."""

from __future__ import annotations

import pytest

from evals.extract import extract_files, safe_relpath
from evals.providers._render import files_as_answer


def test_contract_format_round_trips() -> None:
    files = {"app/repo.py": "x = 1\n", "README.md": "# hi\n", "calc.py": "def f():\n    pass\n"}
    got = extract_files(files_as_answer(files))
    assert got.files == files
    assert got.rejected == []


@pytest.mark.parametrize(
    "answer",
    [
        "```python file=calc.py\nX\n```",
        "```python path=calc.py\nX\n```",
        '```python title="calc.py"\nX\n```',
        "```calc.py\nX\n```",
        "```python:calc.py\nX\n```",
        "```python calc.py\nX\n```",
        "### calc.py\n```python\nX\n```",
        "**calc.py**\n```python\nX\n```",
        "File: calc.py\n\n```python\nX\n```",
        "`calc.py`:\n```python\nX\n```",
        "~~~python file=calc.py\nX\n~~~",
        "````python file=calc.py\nX\n```inner```\n````",
    ],
)
def test_common_variants(answer: str) -> None:
    got = extract_files("Here you go.\n\n" + answer + "\n\nDone.")
    assert list(got.files) == ["calc.py"]
    assert got.files["calc.py"].startswith("X\n")


def test_first_line_comment_names_the_file() -> None:
    got = extract_files("```python\n# app/service.py\nimport os\n```")
    assert "app/service.py" in got.files


def test_single_unlabeled_block_when_one_file_expected() -> None:
    got = extract_files("Sure:\n```python\nprint(1)\n```", expected=["main.py"])
    assert got.files == {"main.py": "print(1)\n"}
    assert any("unlabeled" in n for n in got.notes)


def test_unlabeled_block_not_guessed_when_several_files_expected() -> None:
    got = extract_files("```python\nprint(1)\n```", expected=["a.py", "b.py"])
    assert got.files == {}


@pytest.mark.parametrize(
    "path",
    ["../evil.py", "/etc/passwd", "a/../../b.py", "C:/x.py", "C:\\x.py", "~/x.py", "..\\x.py"],
)
def test_hostile_paths_rejected(path: str) -> None:
    got = extract_files(f"```python file={path}\nboom\n```\n```python file=ok.py\nfine\n```")
    assert got.files == {"ok.py": "fine\n"}
    assert got.rejected and any("escape" in n for n in got.notes)


def test_duplicate_path_last_wins_and_is_noted() -> None:
    got = extract_files("```python file=a.py\n1\n```\n```python file=a.py\n2\n```")
    assert got.files == {"a.py": "2\n"}
    assert any("duplicate" in n for n in got.notes)


def test_no_files() -> None:
    got = extract_files("I cannot help with that.")
    assert got.files == {}
    assert "no files" in got.notes[-1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("./a/b.py", "a/b.py"), ("a//b.py", "a/b.py"), ("a\\b.py", "a/b.py"), ("", None)],
)
def test_safe_relpath(raw: str, expected: str | None) -> None:
    assert safe_relpath(raw) == expected
