"""Plan expansion, stable sample ids, the append-only log and config files."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.errors import ConfigError, RunLogError
from evals.persona import load_persona
from evals.providers import get_provider
from evals.runner import RunConfig, RunLog, build_plan, load_config, read_samples, sample_id
from evals.schema import Sample
from evals.tasks import load_suite


def test_plan_spans_variants_pressure_and_epochs(fixture_suite: Path, persona_path: Path) -> None:
    suite = load_suite(fixture_suite)
    persona = load_persona(persona_path)
    gold, flawed = get_provider("oracle/gold"), get_provider("oracle/flawed")
    plan = build_plan([persona], [gold, flawed], list(suite.tasks), epochs=2)
    # gold: (plain + 1 pressure) x 2 epochs; flawed: 2 variants x 2 epochs (no pressure)
    assert len(plan) == 4 + 4
    assert len({p.sample_id for p in plan}) == len(plan)
    again = build_plan([persona], [gold, flawed], list(suite.tasks), epochs=2)
    assert [p.sample_id for p in plan] == [p.sample_id for p in again]
    assert not build_plan([persona], [gold], list(suite.tasks), 1, pressure=False)[0].pressure


def test_sample_id_depends_on_every_coordinate() -> None:
    base = sample_id("sha", "m/x", "t", None, None, 0)
    others = [
        sample_id("sha2", "m/x", "t", None, None, 0),
        sample_id("sha", "m/y", "t", None, None, 0),
        sample_id("sha", "m/x", "u", None, None, 0),
        sample_id("sha", "m/x", "t", "v", None, 0),
        sample_id("sha", "m/x", "t", None, "p", 0),
        sample_id("sha", "m/x", "t", None, None, 1),
    ]
    assert base not in others and len(set(others)) == len(others)


def _sample(i: int) -> Sample:
    return Sample(
        sample_id=f"s{i}",
        task_id="t",
        model="m/x",
        persona="p",
        persona_ref="p.md",
        persona_sha="sha",
    )


def test_log_appends_and_repairs_a_torn_tail(tmp_path: Path) -> None:
    log = RunLog(tmp_path)
    log.append(_sample(1))
    log.append(_sample(2))
    log.close()
    with (tmp_path / "samples.jsonl").open("a") as fh:
        fh.write('{"sample_id": "s3", "task_')  # a crash mid-write
    assert [s.sample_id for s in read_samples(tmp_path)] == ["s1", "s2"]
    log = RunLog(tmp_path)
    assert {s.sample_id for s in read_samples(tmp_path)} == {"s1", "s2"}
    log.append(_sample(3))
    log.close()
    assert [s.sample_id for s in read_samples(tmp_path)] == ["s1", "s2", "s3"]
    assert "s3" in (tmp_path / "samples.partial").read_text()


def test_corrupt_line_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "samples.jsonl").write_text('{"nope": 1}\n')
    with pytest.raises(RunLogError, match="samples.jsonl: line 1"):
        list(read_samples(tmp_path))


def test_config_file_and_overrides(tmp_path: Path) -> None:
    cfg = tmp_path / "evals.toml"
    cfg.write_text('models = ["oracle/flawed"]\nepochs = 3\nmax-cost = 2.5\n')
    config = load_config(cfg)
    assert config.models == ["oracle/flawed"] and config.epochs == 3 and config.max_cost == 2.5
    merged = config.merged({"epochs": 5, "models": None})
    assert merged.epochs == 5 and merged.models == ["oracle/flawed"]
    py = tmp_path / "pyproject.toml"
    py.write_text("[tool.evals]\nepochs = 2\n")
    assert load_config(py).epochs == 2


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("colour = 1\n", r"evals.toml: colour: unknown option"),
        ("epochs = 0\n", r"evals.toml: epochs"),
        ("epochs = [\n", r"evals.toml: invalid TOML"),
    ],
)
def test_bad_config(tmp_path: Path, text: str, match: str) -> None:
    cfg = tmp_path / "evals.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=match):
        load_config(cfg)


def test_defaults() -> None:
    config = RunConfig()
    assert config.personas == ["personas/backend-engineer.md"] and config.models == ["oracle/gold"]
