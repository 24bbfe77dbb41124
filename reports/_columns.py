"""A compact column builder for the long frame.

Strings are dictionary-encoded as they arrive (a run repeats the same model, task, rule
and verdict names hundreds of thousands of times), numbers go to typed arrays, and
per-sample fields are stored once per sample and broadcast to its grade rows at the
end. Memory is then a few bytes per grade row instead of a Python tuple per row.
"""

from __future__ import annotations

from array import array
from typing import Any, Literal

import numpy as np
import pandas as pd

from evals.schema import Sample

__all__ = ["COLUMNS", "STRING_COLUMNS", "FrameBuilder"]

#: Every column of the long frame, in frame order: whether it is stored once per sample or
#: per grade row, and its array typecode (``str``: dictionary-encoded strings). Sample
#: columns repeat on each of the sample's rows (``tokens``/``cost``/``judge_cost``/
#: ``latency``: de-duplicate by ``sample_id`` before summing).
_SPEC: dict[str, tuple[Literal["sample", "grade"], str]] = {
    "run": ("sample", "str"),
    "persona": ("sample", "str"),
    "persona_ref": ("sample", "str"),
    "persona_revision": ("sample", "str"),
    "model": ("sample", "str"),
    "task": ("sample", "str"),
    "variant": ("sample", "str"),
    "pressure": ("sample", "str"),
    "epoch": ("sample", "q"),
    "sample_id": ("sample", "str"),
    "rule": ("grade", "str"),
    "grader": ("grade", "str"),
    "verdict": ("grade", "str"),
    "score": ("grade", "d"),
    "kind": ("grade", "str"),
    "reason": ("grade", "str"),
    "n_evidence": ("grade", "q"),
    "tempted": ("grade", "b"),
    "tokens": ("sample", "q"),
    "cost": ("sample", "d"),
    "judge_cost": ("sample", "d"),
    "latency": ("sample", "d"),
    "status": ("sample", "str"),
    "error": ("sample", "str"),
}
COLUMNS = list(_SPEC)
STRING_COLUMNS = [c for c, (_, t) in _SPEC.items() if t == "str"]
_SAMPLE_STR = [c for c, (level, t) in _SPEC.items() if level == "sample" and t == "str"]
_SAMPLE_NUM = {c: t for c, (level, t) in _SPEC.items() if level == "sample" and t != "str"}
_GRADE_STR = [c for c, (level, t) in _SPEC.items() if level == "grade" and t == "str"]
_GRADE_NUM = {c: t for c, (level, t) in _SPEC.items() if level == "grade" and t != "str"}


class _Codes:
    """Dictionary-encodes one string column; None is code -1 (NaN in pandas)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.codes = array("i")

    def add(self, value: str | None) -> None:
        if value is None:
            self.codes.append(-1)
            return
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.index)
        self.codes.append(code)

    def categorical(self, take: np.ndarray[Any, Any] | None = None) -> pd.Categorical:
        codes = (
            np.frombuffer(self.codes, dtype=np.int32)
            if len(self.codes)
            else np.zeros(0, dtype=np.int32)
        )
        if take is not None:
            codes = codes[take]
        return pd.Categorical.from_codes(codes, categories=list(self.index))


class FrameBuilder:
    """Accumulates samples; :meth:`frame` returns the long DataFrame (last sample wins)."""

    def __init__(self, run: str) -> None:
        self.run = run
        self.s_str = {c: _Codes() for c in _SAMPLE_STR}
        self.s_num: dict[str, array[Any]] = {c: array(t) for c, t in _SAMPLE_NUM.items()}
        self.g_str = {c: _Codes() for c in _GRADE_STR}
        self.g_num: dict[str, array[Any]] = {c: array(t) for c, t in _GRADE_NUM.items()}
        self.g_sample = array("q")
        self.latest: dict[str, int] = {}
        self.n_samples = 0

    def add(self, s: Sample) -> None:
        """Record one sample and its grades (one row per grade and rule id)."""
        idx = self.n_samples
        self.n_samples += 1
        self.latest[s.sample_id] = idx
        strings = {
            "run": self.run,
            "persona": s.persona,
            "persona_ref": s.persona_ref,
            "persona_revision": s.persona_sha[:12],
            "model": s.model,
            "task": s.task_id,
            "variant": s.variant,
            "pressure": s.pressure,
            "sample_id": s.sample_id,
            "status": s.status,
            "error": s.error,
        }
        for col in _SAMPLE_STR:
            self.s_str[col].add(strings[col])
        nums = {
            "epoch": s.epoch,
            "tokens": s.usage.total_tokens,
            "cost": s.cost_usd,
            "judge_cost": s.judge_cost_usd,
            "latency": s.latency_s,
        }
        for col in _SAMPLE_NUM:
            self.s_num[col].append(nums[col])
        if s.status == "infra_error" or not s.grades:
            self._grade_row(idx, None, None, None, float("nan"), None, None, 0)
            return
        tempts = set(s.pressure_tempts)
        for g in s.grades:
            rules: list[str | None] = list(g.rule_ids) or [None]
            for rule in rules:
                self._grade_row(
                    idx,
                    rule,
                    g.grader,
                    g.verdict,
                    g.score,
                    g.kind,
                    g.reason or None,
                    len(g.evidence),
                    rule in tempts,
                )

    def _grade_row(
        self,
        idx: int,
        rule: str | None,
        grader: str | None,
        verdict: str | None,
        score: float,
        kind: str | None,
        reason: str | None,
        n_ev: int,
        tempted: bool = False,
    ) -> None:
        self.g_sample.append(idx)
        strings = {
            "rule": rule,
            "grader": grader,
            "verdict": verdict,
            "kind": kind,
            "reason": reason,
        }
        for col in _GRADE_STR:
            self.g_str[col].add(strings[col])
        self.g_num["score"].append(score)
        self.g_num["n_evidence"].append(n_ev)
        self.g_num["tempted"].append(int(tempted))

    def frame(self) -> pd.DataFrame:
        """The long frame (:data:`COLUMNS`), without superseded samples' rows."""
        sample_of = (
            np.frombuffer(self.g_sample, dtype=np.int64)
            if len(self.g_sample)
            else (np.zeros(0, dtype=np.int64))
        )
        alive = np.zeros(self.n_samples, dtype=bool)
        alive[list(self.latest.values())] = True
        keep = np.flatnonzero(alive[sample_of]) if len(sample_of) else sample_of
        take = sample_of[keep]
        data: dict[str, Any] = {}
        for col, codes in self.s_str.items():
            data[col] = codes.categorical(take)
        for col, arr in self.s_num.items():
            data[col] = np.asarray(arr)[take] if len(arr) else np.zeros(0, dtype=arr.typecode)
        for col, codes in self.g_str.items():
            data[col] = codes.categorical(keep)
        for col, arr in self.g_num.items():
            data[col] = np.asarray(arr)[keep] if len(arr) else np.zeros(0, dtype=arr.typecode)
        return pd.DataFrame(data)[COLUMNS]
