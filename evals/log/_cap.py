"""A per-sample cap on what graders put into ``samples.jsonl``.

Evidence quotes the candidate's output and the test runs it caused, so a hostile output
can make every grader emit megabytes (one sample once grew the log from 0.6 MB to 42 MB).
Before a sample is written every evidence field, reason and metadata string is trimmed to
a fixed length, and the evidence of all grades together to :data:`SAMPLE_EVIDENCE_BYTES`
(each grade keeps at least an equal share). Whatever is cut is said where it was cut:
``… [trimmed N chars]`` at the end of a string, and a last evidence item
``[trimmed: K evidence item(s) ...]`` plus ``metadata["evidence_trimmed"] = K`` on a grade
that lost items. Verdicts, scores, kinds and rule ids are never touched. A sample under
the caps is returned unchanged (the same object).
"""

from __future__ import annotations

import json
from typing import Any

from evals.schema import Evidence, Grade, Sample

__all__ = ["FIELD_CHARS", "REASON_CHARS", "SAMPLE_EVIDENCE_BYTES", "cap_sample"]

#: Longest evidence message, snippet, quote or file name; longest metadata string.
FIELD_CHARS = 500
#: Longest grade reason.
REASON_CHARS = 1000
#: All grades' evidence of one sample together, in UTF-8 bytes of JSON.
SAMPLE_EVIDENCE_BYTES = 64 * 1024
_MAX_NOTES = 50
_META_DEPTH = 4
_MAX_ITEMS = 100  # elements kept of a metadata list or dict


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [trimmed {len(text) - limit} chars]"


def _trim_meta(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return _trim(value, FIELD_CHARS)
    if depth >= _META_DEPTH:
        return value if isinstance(value, (int, float, bool, type(None))) else "[trimmed]"
    if isinstance(value, list):
        kept = [_trim_meta(v, depth + 1) for v in value[:_MAX_ITEMS]]
        return kept + (
            [f"[trimmed {len(value) - _MAX_ITEMS} items]"] if len(value) > _MAX_ITEMS else []
        )
    if isinstance(value, dict):
        items = list(value.items())
        kept_d = {str(k)[:FIELD_CHARS]: _trim_meta(v, depth + 1) for k, v in items[:_MAX_ITEMS]}
        if len(items) > _MAX_ITEMS:
            kept_d["trimmed_items"] = len(items) - _MAX_ITEMS
        return kept_d
    return value


def _trim_evidence(item: Evidence) -> Evidence:
    update: dict[str, Any] = {}
    for name in ("message", "file", "snippet", "quote"):
        text = getattr(item, name)
        if text is not None and len(text) > FIELD_CHARS:
            update[name] = _trim(text, FIELD_CHARS)
    return item.model_copy(update=update) if update else item


def _size(item: Evidence) -> int:
    return len(json.dumps(item.model_dump(mode="json"), ensure_ascii=False).encode("utf-8"))


def _trim_grade(grade: Grade) -> Grade:
    evidence = [_trim_evidence(e) for e in grade.evidence]
    metadata = _trim_meta(grade.metadata)
    update: dict[str, Any] = {}
    if any(a is not b for a, b in zip(evidence, grade.evidence, strict=True)):
        update["evidence"] = evidence
    if metadata != grade.metadata:
        update["metadata"] = metadata
    if len(grade.reason) > REASON_CHARS:
        update["reason"] = _trim(grade.reason, REASON_CHARS)
    return grade.model_copy(update=update) if update else grade


def _cut(grade: Grade, budget: int) -> Grade:
    kept, used = [], 0
    for item in grade.evidence:
        size = _size(item)
        if used + size > budget:
            break
        kept.append(item)
        used += size
    dropped = grade.evidence[len(kept) :]
    if not dropped:
        return grade
    lost = sum(map(_size, dropped))
    marker = Evidence(
        message=f"[trimmed: {len(dropped)} evidence item(s), {lost} bytes, over the "
        f"per-sample cap of {SAMPLE_EVIDENCE_BYTES} bytes]"
    )
    metadata = {**grade.metadata, "evidence_trimmed": len(dropped)}
    return grade.model_copy(update={"evidence": [*kept, marker], "metadata": metadata})


def cap_sample(sample: Sample) -> Sample:
    """``sample`` with its graders' evidence within the caps (see the module docstring)."""
    grades = [_trim_grade(g) for g in sample.grades]
    sizes = [sum(map(_size, g.evidence)) for g in grades]
    if sum(sizes) > SAMPLE_EVIDENCE_BYTES:
        # Equal shares; what small grades leave unused goes to the large ones.
        share = SAMPLE_EVIDENCE_BYTES // len(grades)
        spare = sum(share - s for s in sizes if s <= share)
        big = [i for i, s in enumerate(sizes) if s > share]
        budget = share + spare // len(big)
        grades = [_cut(g, budget) if i in big else g for i, g in enumerate(grades)]
    notes = [_trim(n, FIELD_CHARS) for n in sample.extraction_notes[:_MAX_NOTES]]
    if len(sample.extraction_notes) > _MAX_NOTES:
        notes.append(f"[trimmed {len(sample.extraction_notes) - _MAX_NOTES} notes]")
    update: dict[str, Any] = {}
    if any(a is not b for a, b in zip(grades, sample.grades, strict=True)):
        update["grades"] = grades
    if notes != sample.extraction_notes:
        update["extraction_notes"] = notes
    return sample.model_copy(update=update) if update else sample
