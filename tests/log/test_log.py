"""evals.log: versions, migrations, unknown fields, duplicates, torn tails, write failures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evals.errors import RunLogError
from evals.log import (
    LogScan,
    RunLog,
    iter_samples,
    read_manifest,
    read_sample_at,
    read_samples,
    write_manifest,
)
from evals.schema import SCHEMA_VERSION, Manifest, Sample


def _sample(sid: str, status: str = "ok", output: str = "") -> Sample:
    return Sample(
        sample_id=sid,
        task_id="t",
        task_sha="abc",
        model="m/x",
        persona="p",
        persona_ref="p.md",
        persona_sha="sha",
        status=status,  # type: ignore[arg-type]
        output=output,
    )


def _lines(run: Path, *records: dict) -> None:
    with (run / "samples.jsonl").open("a") as fh:
        for record in records:
            fh.write(json.dumps(record) + "\n")


def test_newer_schema_is_refused_with_one_line(tmp_path: Path) -> None:
    record = _sample("s1").model_dump(mode="json") | {"schema_version": SCHEMA_VERSION + 1}
    _lines(tmp_path, record)
    with pytest.raises(
        RunLogError, match=f"line 1: schema_version {SCHEMA_VERSION + 1} is newer"
    ) as err:
        read_samples(tmp_path)
    assert "\n" not in str(err.value) and "upgrade persona-evals" in str(err.value)
    write_manifest(tmp_path, Manifest(run_id="r", harness_version="9"))
    data = json.loads((tmp_path / "manifest.json").read_text()) | {"schema_version": 99}
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(RunLogError, match="manifest.json: schema_version 99 is newer"):
        read_manifest(tmp_path)


@pytest.mark.parametrize("bad", ["x", -1, 0, True, None])
def test_invalid_schema_version_is_corrupt(tmp_path: Path, bad: object) -> None:
    _lines(tmp_path, _sample("s1").model_dump(mode="json") | {"schema_version": bad})
    with pytest.raises(RunLogError, match="line 1: schema_version .* not a positive integer"):
        read_samples(tmp_path)


def test_schema_1_record_without_version_is_migrated(tmp_path: Path) -> None:
    record = _sample("s1").model_dump(mode="json")
    del record["schema_version"], record["task_sha"]
    _lines(tmp_path, record)
    scan = LogScan()
    [(_, sample)] = list(iter_samples(tmp_path, scan))
    assert sample.schema_version == SCHEMA_VERSION and sample.task_sha is None
    assert scan.migrated == 1


def test_unknown_fields_are_kept_through_read_and_write(tmp_path: Path) -> None:
    record = _sample("s1").model_dump(mode="json")
    record["plugin_field"] = {"nested": [1, 2]}
    record["grades"] = [
        {"grader": "g", "rule_ids": ["r"], "verdict": "pass", "score": 1.0, "extra_g": "kept"}
    ]
    _lines(tmp_path, record)
    [sample] = read_samples(tmp_path)
    assert sample.model_extra == {"plugin_field": {"nested": [1, 2]}}
    copy = tmp_path / "copy"
    copy.mkdir()
    log = RunLog(copy)
    log.append(sample)
    log.close()
    again = json.loads((copy / "samples.jsonl").read_text())
    assert again["plugin_field"] == {"nested": [1, 2]} and again["grades"][0]["extra_g"] == "kept"
    manifest = Manifest(run_id="r", harness_version="1")
    data = manifest.model_dump(mode="json") | {"from_the_future": "x"}
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    loaded = read_manifest(tmp_path)
    loaded.state = "complete"
    write_manifest(tmp_path, loaded)
    assert json.loads((tmp_path / "manifest.json").read_text())["from_the_future"] == "x"


def test_duplicates_resolve_to_the_first_ok_line_whatever_follows(tmp_path: Path) -> None:
    lines = [
        _sample("a", "infra_error"),
        _sample("a", output="first ok"),
        _sample("b", output="b"),
        _sample("a", output="racing duplicate"),
        _sample("a", "infra_error"),
        _sample("c", "infra_error"),
        _sample("c", "infra_error", output="later error"),
    ]
    _lines(tmp_path, *(s.model_dump(mode="json") for s in lines))
    scan = LogScan()
    got = {s.sample_id: s for s in read_samples(tmp_path, scan)}
    assert [*got] == ["a", "b", "c"]
    assert got["a"].output == "first ok" and got["c"].output == "later error"
    assert scan.duplicates == 2 and "2 duplicate line(s)" in scan.notes[-1]
    offsets = {s.sample_id: off for off, s in iter_samples(tmp_path)}
    assert read_sample_at(tmp_path, offsets["a"]).output == "first ok"


def test_torn_tail_is_reported_and_repaired_on_open(tmp_path: Path) -> None:
    log = RunLog(tmp_path)
    log.append(_sample("s1"))
    log.close()
    with (tmp_path / "samples.jsonl").open("a") as fh:
        fh.write('{"schema_version": 2, "sample_id": "s2", "ta')
    scan = LogScan()
    assert [s.sample_id for s in read_samples(tmp_path, scan)] == ["s1"]
    assert scan.torn_tail and "line 2 is truncated" in scan.notes[0]
    RunLog(tmp_path).close()
    assert (tmp_path / "samples.jsonl").read_bytes().endswith(b"\n")
    assert '"s2"' in (tmp_path / "samples.partial").read_text()


@pytest.mark.parametrize(
    "line",
    [b"{not json\n", b"\xff\xfe garbage\n", b"[1, 2]\n", b'{"schema_version": 2}\n', b"\x00\n"],
)
def test_a_corrupt_middle_line_names_file_and_line(tmp_path: Path, line: bytes) -> None:
    (tmp_path / "samples.jsonl").write_bytes(
        (json.dumps(_sample("s1").model_dump(mode="json")) + "\n").encode() + line
    )
    with pytest.raises(RunLogError, match=r"samples.jsonl: line 2: ") as err:
        read_samples(tmp_path)
    assert "\n" not in str(err.value) and "--resume" in str(err.value)


def test_a_failed_append_keeps_whole_lines_and_says_how_to_resume(tmp_path: Path) -> None:
    log = RunLog(tmp_path)
    log.append(_sample("s1"))
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    os.fsync = full_disk  # the writer's seam: its fsync fails as on a full disk
    try:
        with pytest.raises(RunLogError, match="No space left on device.*--resume"):
            log.append(_sample("s2", output="x" * 10_000))
    finally:
        os.fsync = real_fsync
    log.append(_sample("s3"))
    log.close()
    assert [s.sample_id for s in read_samples(tmp_path)] == ["s1", "s3"]


def test_lone_surrogates_in_output_round_trip(tmp_path: Path) -> None:
    log = RunLog(tmp_path)
    log.append(_sample("s1", output="bad \udcff byte"))
    log.close()
    [sample] = read_samples(tmp_path)
    assert sample.output == "bad \udcff byte"
