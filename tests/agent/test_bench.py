"""``evals bench agent``'s statistics: the per-turn figure is a median of paired gaps,
the concurrency ideal the larger of the latency-bound and the CPU-bound one."""

from __future__ import annotations

from evals.agent._bench_fake import SpawnedScripted
from evals.agent.bench import AgentBench, _first, _gaps, median_ci


def test_median_ci_brackets_the_median_and_narrows_with_agreement() -> None:
    wide = median_ci([-40.0, -5.0, 3.0, 4.0, 5.0, 6.0, 90.0])
    assert wide[0] == 4.0 and wide[1] <= 4.0 <= wide[2]
    tight = median_ci([4.0] * 7)
    assert tight == (4.0, 4.0, 4.0)


def test_gaps_count_only_the_main_conversations_model_requests() -> None:
    marks = [(10.0, True), (10.5, False), (11.0, True), (11.2, False), (11.5, True)]
    assert _gaps(marks, 0) == [1.0, 0.5]
    assert _gaps(marks, 2) == [0.5]
    assert _first(marks, 1) == 11.0 and _first(marks, 5) is None


def _bench(bare_single: float, bare_cpu: float, concurrent: float) -> AgentBench:
    return AgentBench(
        turns=24, reps=5, gap_ms={}, startup_ms={}, per_turn_ms=0.0, per_turn_ci_ms=(0, 0),
        vs_bare_ms=0.0, vs_bare_ci_ms=(0, 0), pairs=0, proxy_ms_per_turn=0.0, n=4,
        latency_s=3.0, model_turns=8, cores=2, single_s=27.0, concurrent_s=concurrent,
        bare_single_s=bare_single, bare_concurrent_s=30.0, harness_cpu_s=0.0,
        bare_concurrent_cpu_s=bare_cpu,
    )  # fmt: skip


def test_the_ideal_is_the_larger_of_latency_bound_and_cpu_bound() -> None:
    latency_bound = _bench(bare_single=26.0, bare_cpu=12.0, concurrent=28.6)
    assert latency_bound.fake_only_s == 24.0
    assert latency_bound.cpu_ideal_s == 6.0 and latency_bound.ideal_s == 26.0
    assert round(latency_bound.ratio, 2) == 1.1
    # 4 CLIs needing 80 CPU-s cannot finish in 26 s on 2 cores: the ideal is 40 s
    cpu_bound = _bench(bare_single=26.0, bare_cpu=80.0, concurrent=44.0)
    assert cpu_bound.ideal_s == 40.0 and round(cpu_bound.ratio, 2) == 1.1


def test_the_spawned_fake_logs_arrivals_on_the_shared_clock() -> None:
    import json
    import time
    import urllib.request

    with SpawnedScripted(turns=3) as fake:
        before = time.perf_counter()
        body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "tools": [{}]}
        request = urllib.request.Request(
            f"{fake.url}/v1/messages", json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            answer = json.load(resp)
        (mark,) = fake.marks()
    assert answer["content"][0]["name"] == "Bash"
    assert mark[1] is True and before <= mark[0] <= time.perf_counter()
