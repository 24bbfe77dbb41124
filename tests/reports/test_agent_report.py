"""Agent runs in the reports: the scorecard's agent section and trajectory timeline, and
`evals compare` between a single-turn run and an agent run of the same model."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from evals.cli import app
from evals.log import RunLog, ToolStep, Trajectory, Turn, append_trajectory, write_manifest
from evals.schema import Grade, Manifest, Sample, Usage
from reports.agent import agent_section, base_model
from reports.compare import compare_paths
from reports.scorecard import write_scorecard
from reports.synthetic import SyntheticSpec, write_synthetic_run


def _grade(grader: str, rule: str, verdict: str) -> Grade:
    return Grade(grader=grader, rule_ids=[rule], verdict=verdict, score=float(verdict == "pass"))


def _agent_run(path: Path) -> Path:
    path.mkdir()
    manifest = Manifest(run_id="r", harness_version="t", models=["claude-code/claude-x"])
    manifest.state = "complete"
    write_manifest(path, manifest)
    log = RunLog(path)
    for i, (code, process) in enumerate([("pass", "fail"), ("pass", "pass")]):
        traj = Trajectory(
            sample_id=f"s{i}",
            attempt=f"a{i}",
            provider="claude-code/claude-x",
            mode="main",
            turns=[
                Turn(index=0, usage=Usage(input_tokens=100), cost_usd=0.5, text="I'll write it")
            ],
            tools=[
                ToolStep(id="t", name="Bash", input={"command": "pytest -q"}, output="3 passed")
            ],
            usage=Usage(input_tokens=100),
            cost_usd=0.5,
            wall_s=12.5,
            capped="turns" if i == 0 else None,
        )
        append_trajectory(path, traj)
        log.append(
            Sample(
                sample_id=f"s{i}",
                task_id="rest-crud",
                model="claude-code/claude-x",
                persona="p",
                persona_ref="p.md",
                persona_sha="0" * 64,
                files={"app.py": "x = 1\n"},
                agent=traj.summary(),
                cost_usd=0.5,
                grades=[
                    _grade("tests_included", "always-write-tests", code),
                    _grade("tests_first", "always-write-tests", process),
                ],
            )
        )
    log.close()
    return path


def test_agent_section_puts_process_rules_beside_code_rules(tmp_path: Path) -> None:
    run = _agent_run(tmp_path / "run")
    section = agent_section(run)
    assert section is not None
    (rule,) = section["rules"]
    assert rule["rule"] == "always-write-tests"
    assert rule["code"]["rate"] == 1.0 and rule["process"]["rate"] == 0.5
    totals = section["totals"]
    assert totals["samples"] == 2 and totals["turns"] == 2 and totals["capped"] == 1
    assert totals["cost"] == 1.0 and totals["wall_s"] == 25.0
    html = write_scorecard(run).read_text()
    assert "Process rules beside code rules" in html and "Agent samples (2)" in html
    assert "Trajectory" in html and "pytest -q" in html and "3 passed" in html
    assert "stopped by the turns cap" in html


def test_single_turn_scorecard_has_no_agent_section(tmp_path: Path) -> None:
    run = write_synthetic_run(tmp_path / "single", SyntheticSpec(n_tasks=2, epochs=1))
    assert agent_section(run) is None
    assert 'id="agent"' not in write_scorecard(run).read_text()


def test_base_model_of_agent_candidates() -> None:
    assert base_model("claude-code/claude-sonnet-4-5") == "anthropic/claude-sonnet-4-5"
    assert base_model("claude-code-delegate/m") == "anthropic/m"
    assert base_model("agent/openai/gpt-4.1") == "openai/gpt-4.1"
    assert base_model("anthropic/m") == "anthropic/m" and base_model("oracle/gold") == "oracle/gold"


def test_compare_single_turn_with_agent_run_pairs_by_base_model(tmp_path: Path) -> None:
    spec = {"n_tasks": 12, "epochs": 3, "infra_error_rate": 0.0, "pressure_every": 0}
    single = write_synthetic_run(
        tmp_path / "single", SyntheticSpec(models=("anthropic/claude-x",), **spec)
    )
    agent = write_synthetic_run(
        tmp_path / "agent",
        SyntheticSpec(
            models=("claude-code/claude-x",),
            pass_rates={"never-deploy-untested": 0.999, "always-write-tests": 0.15},
            seed=1,
            **spec,
        ),
    )
    result = compare_paths(single, agent)
    assert result.pairs > 0  # without base-model pairing there would be none
    assert "always-write-tests" in result.regressed
    cli = CliRunner().invoke(app, ["compare", str(single), str(agent)], catch_exceptions=False)
    assert "always-write-tests" in cli.output
