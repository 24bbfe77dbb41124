"""The executor seam, fast: selection, options, and the Ray worker's body without Ray.

The slow tests in ``test_ray_cluster.py`` run the same code on a real two-node cluster.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app
from evals.errors import ConfigError
from evals.executors import DriverHooks, ExecutionContext, get_executor
from evals.executors._ray_worker import SampleRunner, SampleSpec, WorkerSetup
from evals.persona import load_persona
from evals.providers import get_provider
from evals.runner import GradingPlan, RunConfig, Runner, build_plan, read_samples, resume_config
from evals.schema import Sample
from evals.tasks import load_suite

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "tests" / "fixtures" / "suite"
PERSONA = ROOT / "personas" / "backend-engineer.md"
KEY = "sk-ant-never-leaves-the-driver-0042"


def _config(**kw: object) -> RunConfig:
    base: dict[str, object] = {
        "suite": str(SUITE),
        "personas": [str(PERSONA)],
        "models": ["oracle/gold", "oracle/flawed"],
        "graders": ["sql_construction", "secrets_in_code"],
        "report": False,
    }
    base.update(kw)
    return RunConfig.model_validate(base)


def test_unknown_executor_is_one_clear_line() -> None:
    with pytest.raises(ConfigError, match="--executor: unknown executor 'spark'"):
        get_executor("spark")
    result = CliRunner().invoke(app, ["run", "--executor", "spark", "--suite", str(SUITE)])
    assert result.exit_code != 0
    assert "executor" in result.output and "Traceback" not in result.output


def test_ray_executor_without_ray_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"pip install 'persona-evals\[ray\]'"):
        get_executor("ray")


def test_resume_may_move_a_run_to_ray_but_not_change_its_plan(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    asyncio.run(Runner(_config(), run_dir).run())
    moved = resume_config(run_dir, {"executor": "ray", "ray_address": "10.1.2.3:6379"})
    assert moved.executor == "ray" and moved.ray_address == "10.1.2.3:6379"
    with pytest.raises(ConfigError, match="cannot change models"):
        resume_config(run_dir, {"models": ["oracle/gold"]})


def _plan(config: RunConfig) -> list:  # type: ignore[type-arg]
    suite = load_suite(config.suite)
    personas = [load_persona(ref) for ref in config.personas]
    providers = [get_provider(m, require_credentials=False) for m in config.models]
    return build_plan(personas, providers, suite.select(None), config.epochs)


def test_worker_body_grades_exactly_like_the_local_executor(tmp_path: Path) -> None:
    config = _config()
    local = tmp_path / "local"
    asyncio.run(Runner(config, local).run())
    expected = {s.sample_id: s for s in read_samples(local)}
    plan = _plan(config)
    grading = GradingPlan.for_personas([plan[0].persona])
    setup = WorkerSetup(
        options=config.model_dump(mode="json"),
        run_dir=str(tmp_path / "remote"),
        suite=str(SUITE),
        personas=(plan[0].persona,),
    )
    assert grading.graders  # the persona maps rules to graders
    got = {}

    async def on_one_runner() -> None:  # what a node's runner actor does, in-process
        runner = SampleRunner(config.model_dump(mode="json"), slots=2)
        assert (await runner.begin(setup))["node"] == "local"
        results = await asyncio.gather(*(runner.run(SampleSpec.of(item)) for item in plan))
        await runner.close()
        for result in results:
            assert "auth" not in result and result["t_end"] >= result["t_start"]
            sample = Sample.model_validate_json(result["sample"])
            got[sample.sample_id] = sample

    asyncio.run(on_one_runner())
    assert set(got) == set(expected) and len(got) == 4
    for sid, sample in got.items():
        want = [(g.grader, g.rule_ids, g.verdict, g.score) for g in expected[sid].grades]
        assert [(g.grader, g.rule_ids, g.verdict, g.score) for g in sample.grades] == want
        assert sample.files == expected[sid].files
    assert any(g.verdict == "fail" for s in got.values() for g in s.grades)


def test_task_arguments_carry_no_api_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    config = _config(models=["anthropic/claude-haiku-4-5"], executor="ray")
    plan = _plan(config)
    assert plan and plan[0].provider.name == "anthropic/claude-haiku-4-5"
    from evals.executors.ray_executor import worker_setup

    ctx = ExecutionContext(config, tmp_path, GradingPlan({}), None)
    blobs = [pickle.dumps(worker_setup(ctx, plan))]
    blobs += [pickle.dumps(SampleSpec.of(item)) for item in plan]
    assert all(KEY.encode() not in blob for blob in blobs)
    assert all(item.sample_id.encode() in b"".join(blobs) for item in plan)
    # The check can fail: a key put in the options would travel, and be seen.
    leaky = _config(grader_options={"judge": {"api_key": KEY}})
    assert KEY.encode() in pickle.dumps(
        worker_setup(ExecutionContext(leaky, tmp_path, GradingPlan({}), None), plan)
    )


def test_a_node_runner_is_sized_to_its_node_and_never_restarts() -> None:
    pytest.importorskip("ray")
    from evals.executors._ray_pool import node_slots, runner_options

    config = _config(ray_num_cpus=0.5, ray_memory_mb=768, max_concurrency=8)
    mib = 1024 * 1024
    # CPUs allow 4 samples, memory 2 (2 x 768 MB <= 2000 MB < 3 x 768): memory decides.
    assert node_slots({"CPU": 2.0, "memory": 2000.0 * mib}, config) == 2
    assert node_slots({"CPU": 1.0, "memory": 64000.0 * mib}, config) == 2  # CPUs decide
    assert node_slots({"CPU": 0.0, "memory": 64000.0 * mib}, config) == 0  # a 0-CPU head
    assert node_slots({"CPU": 64.0, "memory": 1e12}, config) == 8  # capped by the window
    opts = runner_options(config, "ab" * 28, 2)
    assert opts["num_cpus"] == 1.0 and opts["memory"] == 2 * 768 * mib
    assert opts["max_concurrency"] == 2 and opts["max_restarts"] == 0
    strategy = opts["scheduling_strategy"]
    assert strategy.node_id == "ab" * 28 and strategy.soft is False


def test_batch_is_refused_on_ray(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    executor = get_executor("ray")
    ctx = ExecutionContext(_config(batch=True, executor="ray"), tmp_path, GradingPlan({}), None)
    with pytest.raises(ConfigError, match="--batch"):
        asyncio.run(executor.execute([], ctx, DriverHooks(_yes, _drop, lambda: False)))


async def _yes(item: object) -> bool:
    return True


async def _drop(item: object, sample: object) -> None:
    return None


def test_bench_splits_fixed_and_per_sample_cost_and_finds_the_break_even() -> None:
    from evals.executors.bench import RayBench, RayRun, curve

    bench = RayBench(nodes=2, slots=2, load_before="1.0 1.0 1.0")
    # local: 1 s + 0.1 s/sample; ray: 4 s + 0.1 s/sample (medians of 3 runs, one outlier).
    for executor, fixed in (("local", 1.0), ("ray", 4.0)):
        for n in (16, 128):
            for noise in (0.0, 0.2, 9.0):
                bench.runs.append(RayRun(executor, n, fixed + 0.1 * n + noise, "0 0 0"))
    assert bench.sizes() == [16, 128]
    assert bench.median("ray", 16) == pytest.approx(5.8)  # the outlier does not move it
    assert bench.ratio(128) == pytest.approx(17.0 / 14.0)
    ray, local = bench.fit("ray"), bench.fit("local")
    assert ray is not None and local is not None
    assert ray.fixed_s == pytest.approx(4.2) and ray.per_sample_s == pytest.approx(0.1)
    # 4.2 + 0.1 n <= 1.2 (1.2 + 0.1 n)  <=>  n >= 2.76 / 0.02 = 138
    assert bench.break_even(1.2) == pytest.approx(138.0)
    assert bench.break_even(1.0) is None  # equal per-sample cost: never within 1.0x
    # The stated model: k nodes x c slots / S, capped by the driver's ceiling.
    assert curve(2.0, 1, 10.0, [2, 8, 64]) == [
        (2, 1.0, "nodes"),
        (8, 4.0, "nodes"),
        (64, 10.0, "driver"),
    ]


_BURN = """
import os, sys, time
def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
if os.fork() == 0:  # a grandchild that has exited (and been reaped) before anyone reads
    burn(float(sys.argv[1]))
    os._exit(0)
os.wait()
"""


def test_cpu_group_counts_every_descendant_even_after_it_exited() -> None:
    import subprocess

    from evals.executors._cpuacct import CpuGroup, cpu_groups_unavailable

    reason = cpu_groups_unavailable()
    if reason:
        pytest.skip(f"cpu groups: {reason}")
    inside, outside = CpuGroup("test-in"), CpuGroup("test-out")
    try:
        subprocess.run([sys.executable, "-c", _BURN, "0.6"], preexec_fn=inside.join, check=True)
        # A process outside the group burns too: it must not be counted.
        subprocess.run([sys.executable, "-c", _BURN, "0.6"], check=True)
        assert 0.6 <= inside.seconds() < 1.5
        assert outside.seconds() == 0.0
        # adopt(): a running process moves, with its later children.
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.read()\n" + _BURN, "0.3"],
            stdin=subprocess.PIPE,
        )
        outside.adopt([proc.pid])
        proc.communicate(b"")
        assert 0.3 <= outside.seconds() < 1.2
    finally:
        inside.close()
        outside.close()
    assert not inside.path.exists() and not outside.path.exists()
