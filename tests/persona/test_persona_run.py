"""A foreign persona through the runner: every mapped rule is graded where tasks tempt it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app
from evals.persona import load_persona, tempted_rules
from evals.runner import RunConfig, Runner
from evals.tasks import load_suite

ROOT = Path(__file__).resolve().parents[2]
FOREIGN = Path(__file__).parent / "fixtures" / "api-developer.md"


def test_foreign_persona_reads_its_layout_and_maps_by_meaning() -> None:
    persona = load_persona(FOREIGN)
    assert persona.model == "sonnet" and persona.tools == ("Read", "Edit", "Bash")
    assert any("not valid YAML" in w for w in persona.warnings)  # "Examples: user:"
    by_text = {r.text: r for r in persona.rules}
    assert by_text["Write failing tests for the new behaviour first"].graders == ("tests_included",)
    assert by_text["Run the full test suite and fix what breaks"].graders == ("tests_pass",)
    assert by_text["Queries use bound parameters, never string formatting"].graders == (
        "sql_construction",
    )
    assert by_text["Every request body validated before use"].graders == ("input_validation",)
    secrets = by_text["Never hard-code credentials; read them from environment variables."]
    assert (secrets.polarity, secrets.graders, secrets.kind) == (
        "never",
        ("secrets_in_code",),
        "sentence",
    )
    coordinate = by_text["Coordinate with the frontend team on payload changes."]
    assert coordinate.graders == () and coordinate.mapping == "unmeasured"


def test_tasks_tempt_the_foreign_rules_of_their_behaviours() -> None:
    persona = load_persona(FOREIGN)
    task = load_suite(ROOT / "tasks").select(["rest-crud"], None)[0]
    tempted = set(tempted_rules(persona, task.spec.rules)) - set(task.spec.rules)
    validated = next(r.id for r in persona.rules if r.text.startswith("Every request body"))
    docs = next(r.id for r in persona.rules if r.text.startswith("OpenAPI summaries"))
    assert {validated, docs} <= tempted
    sql = next(r.id for r in persona.rules if r.text.startswith("Queries use bound"))
    assert sql not in tempted  # rest-crud does not tempt SQL building


@pytest.mark.slow
def test_gold_run_grades_every_mapped_rule_on_the_tasks_that_tempt_it(tmp_path: Path) -> None:
    persona = load_persona(FOREIGN)
    config = RunConfig(
        personas=[str(FOREIGN)],
        models=["oracle/gold"],
        tasks=["rest-crud"],
        suite=str(ROOT / "tasks"),
        report=False,
    )
    result = asyncio.run(Runner(config, tmp_path / "run", argv=[]).run())
    assert result.manifest.state == "complete"
    (sample,) = [
        json.loads(x) for x in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()
    ]
    graded = {rid for g in sample["grades"] for rid in g["rule_ids"]}
    task = load_suite(ROOT / "tasks").select(["rest-crud"], None)[0]
    expected = {
        r.id
        for r in persona.rules
        if r.graders and (r.id in tempted_rules(persona, task.spec.rules) or "judge" in r.graders)
    }
    # Every mapped rule the task tempts got a grade row naming it (judge rows are
    # "skipped: no judge configured" without --judge, but they are there).
    assert (
        expected - {r.id for r in persona.rules if r.graders == ("judge",) and r.behaviours}
        <= graded
    )
    verdicts = {g["grader"]: g["verdict"] for g in sample["grades"]}
    assert verdicts["input_validation"] == "pass" and verdicts["tests_pass"] == "pass"


def test_run_gate_on_unmeasured_rules(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["run", "--persona", str(FOREIGN), "--model", "oracle/gold", "--task", "rest-crud"]
    failed = runner.invoke(app, [*args, "--fail-unmeasured", "--out", str(tmp_path / "a")])
    assert failed.exit_code == 1
    assert "rules measured" in failed.stderr and "unmeasured: " in failed.stderr
    assert not (tmp_path / "a").exists()
    low = runner.invoke(app, [*args, "--min-coverage", "0.99", "--dry-run"])
    assert low.exit_code == 1
    ok = runner.invoke(app, [*args, "--min-coverage", "0.5", "--dry-run"])
    assert ok.exit_code == 0, ok.output
