"""Run-log schema versions and the migrations that bring older records up to date.

Every ``samples.jsonl`` line and every ``manifest.json`` carries ``schema_version``.
Readers migrate older records on load, one version step at a time, and refuse records
newer than :data:`~evals.schema.SCHEMA_VERSION` with one line saying to upgrade.

Versions:

    1  2026-11: the first released log (no per-sample task hash)
    2  2026-12: ``Sample.task_sha`` (sha256 of the task as it was graded) and
       ``Manifest.task_shas`` (task id -> sha256 at run start)
    3  2026-12: judge grades carry a typed ``Grade.judge`` (model, votes, cost, κ,
       second opinion) instead of ``metadata`` keys

A migration only adds what the older version lacked (as "unknown", never invented) and
keeps every field it does not know, so a record read and written back loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evals.errors import RunLogError
from evals.schema import SCHEMA_VERSION

__all__ = ["migrate_manifest", "migrate_sample", "record_version"]

Record = dict[str, Any]


def _sample_1_to_2(record: Record) -> Record:
    record.setdefault("task_sha", None)  # unknown: the task was not hashed then
    return record


def _manifest_1_to_2(record: Record) -> Record:
    record.setdefault("task_shas", {})
    return record


#: Schema-2 judge ``metadata`` key -> ``JudgeDetail`` field.
_JUDGE_KEYS = {
    "judge": "model",
    "judge_model": "served_model",
    "n": "samples",
    "votes": "votes",
    "cost_usd": "cost_usd",
    "calls": "calls",
    "cached_calls": "cached_calls",
    "retries": "retries",
    "kappa": "kappa",
    "second_opinion": "second_opinion",
}


def _sample_2_to_3(record: Record) -> Record:
    for grade in record.get("grades") or []:
        if not isinstance(grade, dict) or grade.get("grader") != "judge" or "judge" in grade:
            continue
        meta = grade.get("metadata")
        if not isinstance(meta, dict):
            continue
        detail = {field: meta.pop(key) for key, field in _JUDGE_KEYS.items() if key in meta}
        grade["judge"] = detail
    return record


def _manifest_2_to_3(record: Record) -> Record:
    return record  # nothing in the manifest changed


#: ``from_version -> step``; each step returns the record at ``from_version + 1``.
_SAMPLE_STEPS: dict[int, Callable[[Record], Record]] = {1: _sample_1_to_2, 2: _sample_2_to_3}
_MANIFEST_STEPS: dict[int, Callable[[Record], Record]] = {
    1: _manifest_1_to_2,
    2: _manifest_2_to_3,
}


def record_version(record: Record, where: str) -> int:
    """The record's ``schema_version`` (1 when absent); refuses newer or invalid ones."""
    version = record.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise RunLogError(
            f"schema_version {version!r} is not a positive integer; the record is corrupt",
            path=where,
        )
    if version > SCHEMA_VERSION:
        raise RunLogError(
            f"schema_version {version} is newer than this persona-evals reads "
            f"({SCHEMA_VERSION}); upgrade persona-evals to read this run",
            path=where,
        )
    return version


def _migrate(record: Record, steps: dict[int, Callable[[Record], Record]], where: str) -> Record:
    version = record_version(record, where)
    while version < SCHEMA_VERSION:
        record = steps[version](record)
        version += 1
        record["schema_version"] = version
    return record


def migrate_sample(record: Record, where: str) -> Record:
    """A ``samples.jsonl`` record (decoded JSON) migrated to the current version."""
    return _migrate(record, _SAMPLE_STEPS, where)


def migrate_manifest(record: Record, where: str) -> Record:
    """A ``manifest.json`` record (decoded JSON) migrated to the current version."""
    return _migrate(record, _MANIFEST_STEPS, where)
