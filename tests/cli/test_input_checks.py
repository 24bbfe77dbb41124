"""Silent acceptance is gone: replay merges/drops are reported, -g names real graders,
gate/compare refuse 0 samples or 0 pairs in one line, and --pair-by is explicit."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from evals.cli import app
from evals.log import read_manifest, read_samples
from reports.synthetic import SyntheticSpec, write_synthetic_run

ROOT = Path(__file__).resolve().parents[2]
SUITE = str(ROOT / "tests" / "fixtures" / "suite")
PERSONA = str(ROOT / "personas" / "backend-engineer.md")
cli = CliRunner()


def _one_line_error(result: object, code: int = 2) -> str:
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    err = result.stderr.strip()  # type: ignore[attr-defined]
    assert len(err.splitlines()) == 1 and "Traceback" not in result.output, err  # type: ignore[attr-defined]
    return err


def _run(*args: str) -> object:
    return cli.invoke(app, ["run", "--suite", SUITE, "--persona", PERSONA, "--no-report", *args])


def _replay(tmp_path: Path, lines: list[dict]) -> str:
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return f"replay/{path}"


def test_replay_plans_every_epoch_and_reports_what_it_merged_or_left_out(
    tmp_path: Path,
) -> None:
    model = _replay(
        tmp_path,
        [
            {"task_id": "calc", "output": "first", "epoch": 0},
            {"task_id": "calc", "output": "second", "epoch": 0},
            {"task_id": "calc", "output": "x", "epoch": 3},
            {"task_id": "nosuchtask", "output": "x"},
        ],
    )
    result = _run("--model", model, "--out", str(tmp_path / "all"))
    assert result.exit_code == 0, result.output
    samples = read_samples(tmp_path / "all")
    assert sorted(s.epoch for s in samples) == [0, 3]  # every epoch the file holds
    assert {s.output for s in samples if s.epoch == 0} == {"second"}  # the later line
    notes = read_manifest(tmp_path / "all").notes
    assert any("1 duplicate line(s) merged (line 2 repeats task calc epoch 0" in n for n in notes)
    assert any("1 output(s) not graded: unknown task id (nosuchtask@0)" in n for n in notes)
    assert "duplicate line(s) merged" in result.stderr
    limited = _run("--model", model, "--epochs", "2", "--out", str(tmp_path / "two"))
    assert limited.exit_code == 0, limited.output
    assert [s.epoch for s in read_samples(tmp_path / "two")] == [0]
    assert "epoch beyond --epochs 2 (calc@3)" in limited.stderr


def test_replay_with_a_non_utf8_byte_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"task_id": "calc", "output": "caf\xe9"}\n')
    err = _one_line_error(_run("--model", f"replay/{path}", "--out", str(tmp_path / "r")))
    assert "out.jsonl:1: not UTF-8 (byte 0xe9" in err
    assert not (tmp_path / "r").exists()


def test_unknown_or_idle_grader_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    err = _one_line_error(
        _run("--model", "oracle/gold", "-g", "nosuchgrader", "--out", str(tmp_path / "a"))
    )
    assert "--grader: unknown grader 'nosuchgrader'; known: " in err and "lint" in err
    assert not (tmp_path / "a").exists()


def _synthetic(tmp_path: Path, name: str, model: str, **kw: object) -> Path:
    spec = SyntheticSpec(models=(model,), n_tasks=6, epochs=2, **kw)  # type: ignore[arg-type]
    return write_synthetic_run(tmp_path / name, spec)


def test_gate_on_a_run_with_zero_samples_exits_2(tmp_path: Path) -> None:
    empty = _synthetic(tmp_path, "empty", "m/a", max_samples=0)
    assert read_samples(empty) == []
    err = _one_line_error(cli.invoke(app, ["gate", str(empty)]))
    assert "holds 0 samples: nothing to gate" in err


def test_runs_of_different_models_need_an_explicit_pairing(tmp_path: Path) -> None:
    gold = _synthetic(tmp_path, "gold", "oracle/gold")
    flawed = _synthetic(tmp_path, "flawed", "oracle/flawed", pass_rates={"never-sql-concat": 0.1})
    err = _one_line_error(cli.invoke(app, ["gate", str(flawed), "--baseline", str(gold)]))
    assert (
        "0 comparable (sample, rule) pairs" in err
        and "--pair-by task,variant,pressure,epoch" in err
    )
    err = _one_line_error(cli.invoke(app, ["compare", str(gold), str(flawed)]))
    assert "the models differ (oracle/gold vs oracle/flawed)" in err
    keys = "task,variant,pressure,epoch"
    paired = cli.invoke(app, ["gate", str(flawed), "--baseline", str(gold), "--pair-by", keys])
    assert paired.exit_code == 1, paired.output  # the planted regression is found
    assert "samples paired by task, variant, pressure, epoch (`--pair-by " in paired.stdout
    assert "never-sql-concat" in paired.stdout
    bad = _one_line_error(
        cli.invoke(app, ["compare", str(gold), str(flawed), "--pair-by", "model"])
    )
    assert "--pair-by: 'model' is not a comma list" in bad


def test_unknown_rule_exits_2_and_a_known_one_narrows_the_table(tmp_path: Path) -> None:
    base = _synthetic(tmp_path, "base", "m/a")
    worse = _synthetic(tmp_path, "worse", "m/a", pass_rates={"never-sql-concat": 0.1})
    for command in (
        ["gate", str(worse), "--baseline", str(base)],
        ["compare", str(base), str(worse)],
    ):
        err = _one_line_error(cli.invoke(app, [*command, "--rule", "no-such-rule"]))
        assert "--rule: unknown rule 'no-such-rule'" in err and "never-sql-concat" in err
    only = cli.invoke(
        app, ["gate", str(worse), "--baseline", str(base), "--rule", "never-sql-concat"]
    )
    assert only.exit_code == 1, only.output
    rows = [line for line in only.stdout.splitlines() if line.startswith("| `")]
    assert rows and all("never-sql-concat" in row for row in rows)
    other = cli.invoke(
        app, ["gate", str(worse), "--baseline", str(base), "--rule", "always-parameterized-queries"]
    )
    assert other.exit_code == 0, other.output  # the regression is on the other rule
