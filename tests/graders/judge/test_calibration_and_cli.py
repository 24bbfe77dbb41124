"""The shipped labels, calibration over recorded replies, and the ``evals judge`` CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app
from evals.errors import ConfigError
from evals.runner import RunLog, write_manifest
from evals.schema import Grade, JudgeDetail, Manifest, Sample
from evals.tasks import load_task
from graders.judge import LABELS_PATH, load_labels
from graders.judge._rubric import rubric_for
from graders.judge.calibration import calibrate
from graders.judge.recorded import recorded_provider

HERE = Path(__file__).parent
RECORDED = HERE / "recorded" / "calibration"
ROOT = HERE.parents[2]


def _variant_source(source: str) -> str:
    """``tasks/<id>/solution/<file>`` or ``tasks/<id>/flawed/<variant>/<file>``, materialised."""
    _, task_id, kind, rest = source.split("/", 3)
    task = load_task(ROOT / "tasks" / task_id)
    if kind == "solution":
        return task.solution[rest]
    variant, name = rest.split("/", 1)
    return task.variant_files(variant)[name]


def test_shipped_labels_are_valid_varied_and_traceable_to_the_suite() -> None:
    items = load_labels(LABELS_PATH)
    assert len(items) >= 60
    assert {i.verdict for i in items} == {"pass", "fail", "not_applicable"}
    assert all(rubric_for(i.rule) is not None for i in items)
    suite = [i for i in items if i.source != "handwritten"]
    assert len(suite) >= 30 and len(items) - len(suite) >= 20
    for item in suite:  # every excerpt is verbatim source of the variant it names
        source = _variant_source(item.source)
        for block in next(iter(item.files.values())).strip().split("\n\n"):
            assert block.strip() in source, item.id


def test_calibration_over_recorded_replies_through_the_sdk() -> None:
    items = load_labels(LABELS_PATH)

    async def go():  # type: ignore[no-untyped-def]
        provider = recorded_provider(RECORDED)
        try:
            return await calibrate(items, provider, "anthropic/recorded-judge")
        finally:
            await provider.aclose()

    report = asyncio.run(go())
    assert report.kappa.n == len(items) and report.coverage == 1.0
    assert report.kappa.kappa == pytest.approx(0.9523, abs=1e-3)
    disagreements = report.frame[report.frame["human"] != report.frame["judge"]]
    assert sorted(disagreements["id"]) == ["ff-circuit-swallow-parse", "prof-batch-gold"]
    assert int(report.confusion.values.sum()) == len(items)


def test_a_label_without_a_recording_is_an_error_not_a_verdict(tmp_path: Path) -> None:
    item = load_labels(LABELS_PATH)[0]
    changed = item.model_copy(update={"files": {"x.py": "print('changed output')\n"}})

    async def go():  # type: ignore[no-untyped-def]
        provider = recorded_provider(RECORDED)
        try:
            return await calibrate([changed], provider, "anthropic/recorded-judge")
        finally:
            await provider.aclose()

    report = asyncio.run(go())
    assert list(report.frame["judge"]) == ["error"]
    assert "no recorded reply" in report.frame["reason"][0]


def test_bad_labels_file_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(
        '{"id": "a", "rule": "r", "source": "s", "files": {"a.py": "x"}, '
        '"verdict": "maybe", "rationale": "r"}\n'
    )
    with pytest.raises(ConfigError, match=r"labels.jsonl:1: verdict"):
        load_labels(path)
    path.write_text("{not json\n")
    with pytest.raises(ConfigError, match="labels.jsonl:1"):
        load_labels(path)


runner = CliRunner()


def test_cli_calibrate_recorded_prints_kappa_matrix_and_per_rule(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["judge", "calibrate", str(LABELS_PATH), "--recorded", str(RECORDED), "--save"]
    )
    assert result.exit_code == 0, result.output
    assert "Cohen's kappa: 0.952" in result.output
    assert "confusion matrix" in result.output and "principle-fail-fast" in result.output
    assert "prof-batch-gold" in result.output  # disagreements are listed
    saved = json.loads((tmp_path / "calibration.json").read_text())
    assert saved["judges"]["recorded:anthropic/recorded-judge"]["n"] == 74


def test_cli_calibrate_without_a_judge_is_one_clear_line() -> None:
    result = runner.invoke(app, ["judge", "calibrate", str(LABELS_PATH)])
    assert result.exit_code == 2
    assert "--judge" in result.output and "Traceback" not in result.output


def _sample(sid: str, judge: str, rule_grader: str) -> Sample:
    rule = "always-parameterized-queries"
    return Sample(
        sample_id=sid,
        task_id="sql-search",
        model="oracle/gold",
        persona="p",
        persona_ref="p.md",
        persona_sha="x",
        grades=[
            Grade(
                grader="judge",
                rule_ids=[rule],
                verdict=judge,
                score=1.0,
                judge=JudgeDetail(model="m", second_opinion=True),
            ),
            Grade(
                grader="sql_construction",
                rule_ids=[rule, "never-sql-concat"],
                verdict=rule_grader,
                score=1.0,
            ),
        ],
    )


def test_cli_agreement_prints_per_rule_kappa(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    write_manifest(run, Manifest(run_id="run", harness_version="0"))
    log = RunLog(run)
    for i, (j, g) in enumerate(
        [("pass", "pass"), ("fail", "fail"), ("fail", "pass"), ("pass", "pass")]
    ):
        log.append(_sample(f"s{i}", j, g))
    log.close()
    result = runner.invoke(app, ["judge", "agreement", str(run)])
    assert result.exit_code == 0, result.output
    assert "always-parameterized-queries" in result.output and "75.0%" in result.output
    assert "0.500" in result.output  # κ for 3/4 agreement with these margins


def test_cli_agreement_without_second_opinions_says_how_to_get_them(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    write_manifest(run, Manifest(run_id="run", harness_version="0"))
    result = runner.invoke(app, ["judge", "agreement", str(run)])
    assert result.exit_code == 2 and "second_opinion" in result.output
