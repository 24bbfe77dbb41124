"""A compact column builder for the long frame.

Strings are dictionary-encoded as they arrive (a run repeats the same model, task, rule
and verdict names hundreds of thousands of times), numbers go to typed arrays, and
per-sample fields are stored once per sample and broadcast to its grade rows at the
end. Memory is then a few bytes per grade row instead of a Python tuple per row.
"""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np
import pandas as pd

from evals.schema import Sample

__all__ = ["FrameBuilder"]

_SAMPLE_STR = [
    "run",
    "persona",
    "persona_ref",
    "persona_revision",
    "model",
    "task",
    "variant",
    "pressure",
    "sample_id",
    "status",
    "error",
]
_SAMPLE_NUM = {"epoch": "q", "tokens": "q", "cost": "d", "judge_cost": "d", "latency": "d"}
_GRADE_STR = ["rule", "grader", "verdict", "kind", "reason"]
_GRADE_NUM = {"score": "d", "n_evidence": "q", "tempted": "b"}


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
        values = (
            self.run,
            s.persona,
            s.persona_ref,
            s.persona_sha[:12],
            s.model,
            s.task_id,
            s.variant,
            s.pressure,
            s.sample_id,
            s.status,
            s.error,
        )
        for col, value in zip(_SAMPLE_STR, values, strict=True):
            self.s_str[col].add(value)
        nums = (s.epoch, s.usage.total_tokens, s.cost_usd, s.judge_cost_usd, s.latency_s)
        for col, num in zip(_SAMPLE_NUM, nums, strict=True):
            self.s_num[col].append(num)
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
        for col, value in zip(_GRADE_STR, (rule, grader, verdict, kind, reason), strict=True):
            self.g_str[col].add(value)
        self.g_num["score"].append(score)
        self.g_num["n_evidence"].append(n_ev)
        self.g_num["tempted"].append(int(tempted))

    def frame(self, columns: list[str]) -> pd.DataFrame:
        """The long frame in ``columns`` order, without superseded samples' rows."""
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
        return pd.DataFrame(data)[columns]
