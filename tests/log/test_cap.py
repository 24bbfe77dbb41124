"""The per-sample evidence cap: every field trimmed, all grades together within
SAMPLE_EVIDENCE_BYTES, a visible marker where something was cut, verdicts untouched."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from evals.log import SAMPLE_EVIDENCE_BYTES, RunLog, cap_sample, read_samples
from evals.log._cap import FIELD_CHARS, REASON_CHARS
from evals.runner import RunConfig, Runner
from evals.schema import Evidence, Grade, Sample

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "tests" / "fixtures" / "suite"


def _sample(grades: list[Grade]) -> Sample:
    return Sample(
        sample_id="s",
        task_id="calc",
        model="m",
        persona="p",
        persona_ref="p.md",
        persona_sha="0",
        grades=grades,
    )


def _grade(name: str, n: int, size: int, **kw: object) -> Grade:
    evidence = [Evidence(message="x" * size, snippet="y" * size) for _ in range(n)]
    return Grade(grader=name, rule_ids=["r"], verdict="fail", score=0.0, evidence=evidence, **kw)


def _evidence_bytes(record: dict) -> int:
    return sum(len(json.dumps(g["evidence"]).encode()) for g in record["grades"])


def test_a_small_sample_is_the_same_object() -> None:
    sample = _sample([_grade("a", 3, 40, reason="short", metadata={"k": [1, 2]})])
    assert cap_sample(sample) is sample


def test_every_field_is_trimmed_with_a_marker() -> None:
    grade = _grade("a", 1, 10_000, reason="r" * 5000, metadata={"out": "z" * 9000})
    (capped,) = cap_sample(_sample([grade])).grades
    item = capped.evidence[0]
    assert item.message.startswith("x" * FIELD_CHARS) and "[trimmed 9500 chars]" in item.message
    assert len(item.snippet or "") < FIELD_CHARS + 40
    assert len(capped.reason) < REASON_CHARS + 40 and "[trimmed" in capped.reason
    assert "[trimmed" in capped.metadata["out"]
    assert (capped.verdict, capped.score, capped.rule_ids) == ("fail", 0.0, ["r"])


def test_all_graders_together_stay_under_the_sample_cap_and_share_it() -> None:
    grades = [_grade(f"g{i}", 400, 480) for i in range(8)] + [_grade("small", 2, 30)]
    capped = cap_sample(_sample(grades))
    record = json.loads(capped.model_dump_json())
    assert _evidence_bytes(record) < SAMPLE_EVIDENCE_BYTES + 9 * 300
    by = {g.grader: g for g in capped.grades}
    assert len(by["small"].evidence) == 2 and "evidence_trimmed" not in by["small"].metadata
    for i in range(8):  # each big grader keeps a fair share and says what it lost
        grade = by[f"g{i}"]
        assert 3 <= len(grade.evidence) < 400
        assert grade.evidence[-1].message.startswith("[trimmed: ")
        assert grade.metadata["evidence_trimmed"] == 400 - (len(grade.evidence) - 1)


def test_runlog_writes_the_capped_sample(tmp_path: Path) -> None:
    log = RunLog(tmp_path, fsync=False)
    log.append(_sample([_grade("g", 1000, 2000)]))
    log.close()
    line = (tmp_path / "samples.jsonl").read_bytes()
    assert len(line) < SAMPLE_EVIDENCE_BYTES + 4096
    (sample,) = read_samples(tmp_path)
    assert sample.grades[0].evidence[-1].message.startswith("[trimmed: ")


# A hostile answer: every function builds SQL with an f-string around a huge literal, so
# the SQL graders quote a huge line once per function.
_LINE = "    cur.execute(f\"SELECT * FROM t WHERE a = '{a}' AND pad = '" + "A" * 20_000 + "'\")\n"
HOSTILE = "def add(a, b):\n    return a + b\n\n" + "".join(
    f"def total{i}(cur, a):\n{_LINE}    return cur.fetchall()\n\n" for i in range(60)
)


def test_a_hostile_answer_through_evals_run_is_capped(tmp_path: Path) -> None:
    """Through `evals run --model replay/...`: the graders' evidence is huge before the
    cap (every function's 20 KB line quoted) and within the cap in samples.jsonl."""
    replay = tmp_path / "out.jsonl"
    output = f"```python file=calc.py\n{HOSTILE}```\n"
    replay.write_text(json.dumps({"task_id": "calc", "output": output}) + "\n")
    config = RunConfig.model_validate(
        {
            "suite": str(SUITE),
            "personas": [str(ROOT / "personas" / "backend-engineer.md")],
            "models": [f"replay/{replay}"],
            "report": False,
            "graders": ["sql_construction"],
            "sandbox": "process",
        }
    )
    run_dir = tmp_path / "run"
    asyncio.run(Runner(config, run_dir).run())
    line = (run_dir / "samples.jsonl").read_text()
    record = json.loads(line)
    assert _evidence_bytes(record) < SAMPLE_EVIDENCE_BYTES + 4096
    messages = [e for g in record["grades"] for e in g["evidence"]]
    assert messages and any("[trimmed" in json.dumps(e) for e in messages)
    assert all(len(e.get("snippet") or "") < FIELD_CHARS + 40 for e in messages)
    assert {g["verdict"] for g in record["grades"]} == {"fail"}
