"""Serialised records: grades with evidence, samples, and the run manifest.

These pydantic models are the contract between the runner (which writes
``samples.jsonl`` and ``manifest.json`` through :mod:`evals.log`), the graders (which
produce :class:`Grade`) and the reports (which read them back). Add fields with
defaults only; a change older logs cannot express bumps :data:`SCHEMA_VERSION` and
adds a migration step in :mod:`evals.log._migrate`. Fields this code does not know are
kept (``extra="allow"``), so reading and re-writing a record never loses data.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Evidence",
    "Grade",
    "JudgeDetail",
    "Manifest",
    "Sample",
    "SampleStatus",
    "Usage",
    "Verdict",
]

SCHEMA_VERSION = 3

#: pass/fail are judgements of the candidate. ``error`` means the grader could not
#: decide (infrastructure, unparsable judge reply): excluded from denominators.
#: ``skipped`` means the grader does not apply (or has no credentials).
#: ``unscored`` is a judge verdict that could not be grounded (quote not found).
Verdict = Literal["pass", "fail", "error", "skipped", "unscored"]

SampleStatus = Literal["ok", "infra_error"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Evidence(_Model):
    """One piece of evidence behind a grade. Paths are relative to the sample's files."""

    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    snippet: str | None = None
    #: For judges: the verbatim quote from the candidate output.
    quote: str | None = None


class JudgeDetail(_Model):
    """What a judge grade records about the judging (schema 3; was ``metadata`` keys)."""

    #: The ``--judge`` name, ``kind/model``; empty when no judge was configured.
    model: str = ""
    #: The model the endpoint says answered (may differ from ``model``).
    served_model: str | None = None
    #: Votes asked per rule, and how they fell (verdict -> count).
    samples: int = 1
    votes: dict[str, int] = Field(default_factory=dict)
    #: This grade's share of the judge calls' cost.
    cost_usd: float = 0.0
    calls: int = 0
    cached_calls: int = 0
    retries: int = 0
    #: Cohen's κ of this judge model against the labelled set (``evals judge calibrate
    #: --save``); None when it was never calibrated.
    kappa: float | None = None
    #: True when the rule is also measured by a rule grader (the judge is a second opinion).
    second_opinion: bool = False


class Grade(_Model):
    """One grader's verdict on one sample, for the persona rules it measures."""

    grader: str
    rule_ids: list[str]
    verdict: Verdict
    score: float = Field(ge=0.0, le=1.0)
    #: One line: why this verdict (for ``error``: what went wrong).
    reason: str = ""
    #: Sub-classification, e.g. ``integrity``, ``timeout``, ``no_files``, ``injection``.
    kind: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    duration_s: float | None = None
    #: Set on judge grades only.
    judge: JudgeDetail | None = None


class Usage(_Model):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_creation_input_tokens
            + self.cache_read_input_tokens
        )


class Sample(_Model):
    """One line of ``samples.jsonl``: a candidate's answer to one task, and its grades."""

    schema_version: int = SCHEMA_VERSION
    sample_id: str
    task_id: str
    #: sha256 of the task (spec and files) this sample was graded against; None in
    #: logs older than schema 2.
    task_sha: str | None = None
    model: str
    persona: str
    persona_ref: str
    persona_sha: str
    epoch: int = 0
    #: ``oracle/flawed`` variant name, or None.
    variant: str | None = None
    #: Pressure prompt id (a prompt that tempts a violation), or None.
    pressure: str | None = None
    #: Rule ids the pressure prompt tempts the candidate to break (from task.yaml).
    pressure_tempts: list[str] = Field(default_factory=list)
    status: SampleStatus = "ok"
    #: For ``infra_error``: one line saying what failed. Retried on resume.
    error: str | None = None
    prompt: str = ""
    output: str = ""
    files: dict[str, str] = Field(default_factory=dict)
    extraction_notes: list[str] = Field(default_factory=list)
    stop_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float = 0.0
    judge_cost_usd: float = 0.0
    latency_s: float = 0.0
    cached: bool = False
    grades: list[Grade] = Field(default_factory=list)
    #: Agent samples: the trajectory summary (``attempt`` links ``trajectories.jsonl``;
    #: turns, tool_calls, tokens, cost_usd, wall_s, capped, mode, delegated). None otherwise.
    agent: dict[str, Any] | None = None
    started_at: str | None = None
    finished_at: str | None = None


class Manifest(_Model):
    """``manifest.json``: everything needed to rebuild or audit a run."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    harness_version: str
    git_commit: str | None = None
    host: str = ""
    argv: list[str] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    #: One entry per persona revision: name, ref, sha256, text, rules.
    personas: list[dict[str, Any]] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    suite_path: str = ""
    suite_sha: str = ""
    task_ids: list[str] = Field(default_factory=list)
    #: task id -> sha256 at run start (schema 2; empty in older logs).
    task_shas: dict[str, str] = Field(default_factory=dict)
    epochs: int = 1
    graders: list[str] = Field(default_factory=list)
    sandbox: str = ""
    isolated: bool = True
    #: What bounded each sample's whole process tree: ``cgroup-v2``, ``cgroup-v1`` or
    #: ``watch`` (rlimits + the worker's watch); "" in older logs or unknown.
    sample_limits: str = ""
    planned: int = 0
    started_at: str = ""
    finished_at: str | None = None
    #: ``complete``, ``incomplete`` (budget, infra errors), ``interrupted`` (signal,
    #: disk full, crash) or ``running``.
    state: str = "running"
    notes: list[str] = Field(default_factory=list)
