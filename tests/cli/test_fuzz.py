"""Every command fed malformed inputs: a documented exit code, one line, no traceback,
nothing lost.

Exit codes (README): 0 ok, 1 a gate/coverage verdict, 2 bad input (one line), 3 a run
that did not complete, 130/143 interrupted. A reader never changes the files it reads;
a writer keeps every whole line already recorded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_RUN = ROOT / "tests" / "log" / "fixtures" / "run-2026-12"
SUITE = ROOT / "tests" / "fixtures" / "suite"
PERSONA = ROOT / "personas" / "backend-engineer.md"
cli = CliRunner()


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".jsonl", ".json", ".md", ".yaml", ".py")
    }


def _invoke(args: list[str]) -> object:
    result = cli.invoke(app, args)
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"{args}: {exc!r}\n{result.output}"
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1, 2, 3), (args, result.exit_code, result.output)
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("error: "), (args, result.stderr)
    return result


# -- run directories ----------------------------------------------------------------------


def _lines(run: Path) -> list[bytes]:
    return (run / "samples.jsonl").read_bytes().splitlines(keepends=True)


def _set_lines(run: Path, lines: list[bytes]) -> None:
    (run / "samples.jsonl").write_bytes(b"".join(lines))


def _first_record(run: Path) -> dict:
    return json.loads(_lines(run)[0])


def _with_record(run: Path, edit: Callable[[dict], None]) -> None:
    record = _first_record(run)
    edit(record)
    _set_lines(run, [json.dumps(record).encode() + b"\n", *_lines(run)[1:]])


RUN_DAMAGE: dict[str, Callable[[Path], None]] = {
    "torn tail": lambda r: _set_lines(r, [*_lines(r)[:-1], _lines(r)[-1][:77]]),
    "garbled middle line": lambda r: _set_lines(
        r, [_lines(r)[0], b"{\x07garbage\n", *_lines(r)[1:]]
    ),
    "NUL bytes": lambda r: _set_lines(r, [_lines(r)[0], b"\x00" * 64 + b"\n", *_lines(r)[1:]]),
    "non-UTF-8 line": lambda r: _set_lines(r, [b'{"sample_id": "\xff\xfe"}\n', *_lines(r)]),
    "empty samples": lambda r: (r / "samples.jsonl").write_bytes(b""),
    "no samples file": lambda r: (r / "samples.jsonl").unlink(),
    "samples is a directory": lambda r: (
        (r / "samples.jsonl").unlink(),
        (r / "samples.jsonl").mkdir(),
    ),
    "one sample": lambda r: _set_lines(r, _lines(r)[:1]),
    "duplicated lines": lambda r: _set_lines(r, _lines(r) + _lines(r)),
    "future sample version": lambda r: _with_record(r, lambda x: x.update(schema_version=99)),
    "unknown fields": lambda r: _with_record(r, lambda x: x.update(from_plugin={"a": [1]})),
    "10 MB output": lambda r: _with_record(r, lambda x: x.update(output="x" * 10_000_000)),
    "10,000 files": lambda r: _with_record(
        r, lambda x: x.update(files={f"pkg/m{i}.py": "x = 1\n" for i in range(10_000)})
    ),
    "hostile file paths": lambda r: _with_record(
        r,
        lambda x: x.update(
            files={"../../etc/passwd": "root", "/abs.py": "", "C:\\win\\x.py": "", "a/../b.py": ""}
        ),
    ),
    "truncated manifest": lambda r: (r / "manifest.json").write_bytes(
        (r / "manifest.json").read_bytes()[:200]
    ),
    "garbled manifest": lambda r: (r / "manifest.json").write_bytes(b"\xff\x00{]"),
    "manifest is a list": lambda r: (r / "manifest.json").write_text("[1, 2]"),
    "manifest wrong types": lambda r: (r / "manifest.json").write_text('{"run_id": 5}'),
    "future manifest version": lambda r: (r / "manifest.json").write_text(
        json.dumps({**json.loads((r / "manifest.json").read_text()), "schema_version": 9})
    ),
    "no manifest": lambda r: (r / "manifest.json").unlink(),
}

READERS: dict[str, Callable[[Path, Path], list[str]]] = {
    "report": lambda run, good: ["report", str(run), "--out", str(run.parent / "s.html")],
    "compare": lambda run, good: [
        "compare",
        str(good),
        str(run),
        "--out-html",
        str(run.parent / "c.html"),
    ],
    "gate": lambda run, good: [
        "gate",
        str(run),
        "--baseline",
        str(good),
        "--junit",
        str(run.parent / "j.xml"),
    ],
    "trend": lambda run, good: ["trend", str(run.parent), "--out", str(run.parent / "t.html")],
    "judge agreement": lambda run, good: ["judge", "agreement", str(run)],
}


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shutil.copytree(FIXTURE_RUN, tmp_path_factory.mktemp("good") / "good")


FATAL = {
    "garbled middle line",
    "NUL bytes",
    "non-UTF-8 line",
    "samples is a directory",
    "future sample version",
    "truncated manifest",
    "garbled manifest",
    "manifest is a list",
    "manifest wrong types",
    "future manifest version",
    "no manifest",
}
HEAVY = {"10 MB output", "10,000 files"}


def _reader_cases() -> list[object]:
    """Fatal damage on every reader (fast); a readable log renders a full scorecard, so
    by default only ``report`` reads it, and the rest run with ``-m slow`` (CI)."""
    cases = []
    for command in sorted(READERS):
        for damage in sorted(RUN_DAMAGE):
            if damage in HEAVY and command not in ("report", "gate"):
                continue  # the large inputs are read the same way by every reader
            slow = damage in HEAVY or (damage not in FATAL and command != "report")
            marks = [pytest.mark.slow] if slow else []
            cases.append(pytest.param(command, damage, marks=marks, id=f"{command}-{damage}"))
    return cases


@pytest.mark.parametrize(("command", "damage"), _reader_cases())
def test_readers_on_damaged_run_directories(
    tmp_path: Path, good_run: Path, damage: str, command: str
) -> None:
    run = shutil.copytree(FIXTURE_RUN, tmp_path / "runs" / "run")
    RUN_DAMAGE[damage](run)
    before = _digest(run)
    result = _invoke(READERS[command](run, good_run))
    assert _digest(run) == before  # a reader never changes what it reads
    fatal = damage in FATAL
    if fatal:
        assert result.exit_code == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "damage", ["torn tail", "garbled middle line", "future sample version", "garbled manifest"]
)
def test_resume_of_a_damaged_run_keeps_every_whole_line(tmp_path: Path, damage: str) -> None:
    run = shutil.copytree(FIXTURE_RUN, tmp_path / "run")
    RUN_DAMAGE[damage](run)
    whole = [line for line in _lines(run) if line.endswith(b"\n")]
    result = _invoke(["run", "--resume", str(run)])
    assert result.exit_code in (0, 2, 3)  # type: ignore[attr-defined]
    assert _lines(run)[: len(whole)] == whole


# -- personas, task folders, replay files -----------------------------------------------

PERSONA_DAMAGE = {
    "truncated frontmatter": lambda text: text[: text.index("\n", 10)],
    "NUL bytes": lambda text: text.replace("\n", "\n\x00", 3),
    "binary": lambda text: "\x89PNG\r\n\x1a\n" + "\x00" * 100,
    "empty": lambda text: "",
    "garbled yaml": lambda text: "---\nname: [unclosed\n---\nbody\n",
}


@pytest.mark.parametrize("damage", sorted(PERSONA_DAMAGE))
def test_damaged_persona(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "p.md"
    path.write_text(PERSONA_DAMAGE[damage](PERSONA.read_text()), encoding="utf-8")
    _invoke(["persona", "show", str(path)])
    out = tmp_path / "run"
    result = _invoke(["run", "--suite", str(SUITE), "--persona", str(path), "--out", str(out)])
    assert result.exit_code in (0, 2, 3)  # type: ignore[attr-defined]


def test_non_utf8_persona(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_bytes(PERSONA.read_bytes().replace(b"Senior", b"S\xe9nior", 1))
    result = _invoke(["persona", "show", str(path)])
    assert result.exit_code in (0, 2)  # type: ignore[attr-defined]


TASK_DAMAGE = {
    "garbled yaml": b"id: [calc\n",
    "not a mapping": b"- 1\n- 2\n",
    "NUL bytes": b"id: calc\x00\n",
    "non-UTF-8": b"id: c\xe9lc\n",
    "empty": b"",
    "path escape": b"id: ../../etc\n",
}


@pytest.mark.parametrize("damage", sorted(TASK_DAMAGE))
def test_damaged_task_yaml(tmp_path: Path, damage: str) -> None:
    suite = shutil.copytree(SUITE, tmp_path / "suite")
    (suite / "calc" / "task.yaml").write_bytes(TASK_DAMAGE[damage])
    for args in (
        ["tasks", "list", "--suite", str(suite)],
        ["tasks", "validate", "--suite", str(suite)],
    ):
        result = _invoke(args)
        assert result.exit_code in (1, 2)  # type: ignore[attr-defined]
    out = tmp_path / "run"
    result = _invoke(["run", "--suite", str(suite), "--persona", str(PERSONA), "--out", str(out)])
    assert result.exit_code == 2 and not (out / "samples.jsonl").exists()  # type: ignore[attr-defined]


def _answer(files: dict[str, str]) -> str:
    return "\n".join(f"```python file={name}\n{text}\n```" for name, text in files.items())


REPLAY_LINES: dict[str, bytes] = {
    "NUL in a line": b'{"task_id": "calc", "output": "x"}\x00\n',
    "non-UTF-8": b'{"task_id": "calc", "output": "caf\xe9"}\n',
    "not an object": b"[1, 2, 3]\n",
    "task id with ..": json.dumps({"task_id": "../calc", "output": "x"}).encode() + b"\n",
    "absolute task id": json.dumps({"task_id": "/etc/passwd", "output": "x"}).encode() + b"\n",
    "windows task id": json.dumps({"task_id": "C:\\calc", "output": "x"}).encode() + b"\n",
    "bad epoch": json.dumps({"task_id": "calc", "output": "x", "epoch": -3}).encode() + b"\n",
    "hostile answer paths": json.dumps(
        {
            "task_id": "calc",
            "output": _answer(
                {"../../escape.py": "x = 1", "/tmp/abs_escape.py": "x = 1", "C:\\w.py": "x = 1"}
            ),
        }
    ).encode()
    + b"\n",
    "10 MB answer": json.dumps({"task_id": "calc", "output": "y" * 10_000_000}).encode() + b"\n",
    "10,000 files": json.dumps(
        {"task_id": "calc", "output": _answer({f"m{i}.py": "x = 1" for i in range(10_000)})}
    ).encode()
    + b"\n",
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=[pytest.mark.slow] if c.startswith("10") else [])
        for c in sorted(REPLAY_LINES)
    ],
)
def test_damaged_replay_files(tmp_path: Path, case: str) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(REPLAY_LINES[case])
    out = tmp_path / "run"
    result = _invoke(
        [
            "run",
            "--suite",
            str(SUITE),
            "--persona",
            str(PERSONA),
            "--model",
            f"replay/{path}",
            "--grader",
            "sql_construction",
            "--no-report",
            "--out",
            str(out),
        ]
    )
    assert not (tmp_path / "escape.py").exists() and not Path("/tmp/abs_escape.py").exists()
    if result.exit_code == 0:  # type: ignore[attr-defined]
        (sample,) = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
        for name in sample["files"]:
            assert not name.startswith(("/", "..")) and "\\" not in name and ":" not in name
        _invoke(["report", str(out)])
