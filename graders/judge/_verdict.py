"""Judge replies → per-rule votes: parsing, quote grounding, majority vote.

A vote is ``pass``/``fail``/``not_applicable`` when the reply is well formed and its quote
is in the candidate output (after whitespace normalisation), ``unscored`` when the quote
is not there, ``error`` when the judge call itself failed, and ``invalid`` when the reply
has no usable entry for the rule (the caller retries those once, then records
``unscored``: never a pass).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from evals.providers import ToolCall

__all__ = [
    "Located",
    "Vote",
    "VoteResult",
    "locate_quote",
    "majority",
    "normalise_ws",
    "parse_votes",
]

VoteVerdict = Literal["pass", "fail", "not_applicable", "unscored", "invalid", "error"]
JUDGED = ("pass", "fail", "not_applicable")
#: A quote shorter than this (non-space characters) grounds nothing: "def" is everywhere.
MIN_QUOTE_CHARS = 6
_WS = re.compile(r"\s+")
_FENCE = "`'\"“”‘’"


@dataclass(frozen=True)
class Vote:
    """One judge sample's verdict on one rule."""

    rule_id: str
    verdict: VoteVerdict
    reason: str = ""
    quote: str = ""
    problem: str = ""


@dataclass(frozen=True)
class Located:
    file: str | None
    line: int | None


@dataclass(frozen=True)
class VoteResult:
    """The combined verdict of ``n`` samples on one rule."""

    rule_id: str
    verdict: Literal["pass", "fail", "not_applicable", "unscored", "split", "error"]
    votes: dict[str, int]
    winner: Vote | None
    reason: str


def normalise_ws(text: str) -> str:
    """Collapse every whitespace run to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


def _clean_quote(quote: str) -> str:
    quote = quote.strip()
    # Judges sometimes wrap the excerpt in quotes/backticks or mark elisions: drop those.
    while len(quote) > 1 and quote[0] in _FENCE and quote[-1] in _FENCE:
        quote = quote[1:-1].strip()
    return quote.removeprefix("...").removesuffix("...").strip()


def _normalised_with_lines(text: str) -> tuple[str, list[int]]:
    """``text`` whitespace-normalised, and the 1-based source line of each kept char."""
    out: list[str] = []
    lines: list[int] = []
    line, pending = 1, False
    for ch in text:
        if ch.isspace():
            pending = bool(out)
        else:
            if pending:
                out.append(" ")
                lines.append(line)
                pending = False
            out.append(ch)
            lines.append(line)
        if ch == "\n":
            line += 1
    return "".join(out), lines


def locate_quote(quote: str, files: Mapping[str, str]) -> Located | None:
    """Where ``quote`` occurs (whitespace-normalised) in ``files``, or None."""
    needle = normalise_ws(_clean_quote(quote))
    if len(needle.replace(" ", "")) < MIN_QUOTE_CHARS:
        return None
    for path, text in sorted(files.items()):
        haystack, lines = _normalised_with_lines(text)
        at = haystack.find(needle)
        if at >= 0:
            return Located(path, lines[at])
    return None


def _entries(calls: Sequence[ToolCall], tool_name: str) -> list[Mapping[str, Any]]:
    entries: list[Mapping[str, Any]] = []
    for call in calls:
        if call.name != tool_name:
            continue
        raw = call.input.get("verdicts")
        if isinstance(raw, list):
            entries.extend(e for e in raw if isinstance(e, Mapping))
        elif "verdict" in call.input:  # a single-rule reply without the list wrapper
            entries.append(call.input)
    return entries


def parse_votes(
    calls: Sequence[ToolCall],
    rule_ids: Sequence[str],
    files: Mapping[str, str],
    tool_name: str,
) -> dict[str, Vote]:
    """One :class:`Vote` per rule id from a reply's tool calls."""
    entries = _entries(calls, tool_name)
    by_rule: dict[str, Mapping[str, Any]] = {}
    for entry in entries:
        rid = entry.get("rule_id")
        if rid is None and len(rule_ids) == 1:
            rid = rule_ids[0]
        if isinstance(rid, str) and rid in rule_ids and rid not in by_rule:
            by_rule[rid] = entry
    votes: dict[str, Vote] = {}
    for rid in rule_ids:
        votes[rid] = _vote(rid, by_rule.get(rid), files, bool(entries))
    return votes


def _vote(
    rid: str, entry: Mapping[str, Any] | None, files: Mapping[str, str], replied: bool
) -> Vote:
    if entry is None:
        why = "reply has no verdict for this rule" if replied else "reply has no tool call"
        return Vote(rid, "invalid", problem=why)
    verdict, reason, quote = entry.get("verdict"), entry.get("reason"), entry.get("quote", "")
    if verdict not in JUDGED:
        return Vote(rid, "invalid", problem=f"verdict {verdict!r} is not pass/fail/not_applicable")
    if not isinstance(reason, str) or not reason.strip():
        return Vote(rid, "invalid", problem="reply has no reason")
    if not isinstance(quote, str):
        return Vote(rid, "invalid", problem="quote is not a string")
    reason = reason.strip()
    if verdict == "not_applicable" and not quote.strip():
        return Vote(rid, "not_applicable", reason, "")
    if locate_quote(quote, files) is None:
        return Vote(rid, "unscored", reason, quote, problem="quote not found in the output")
    return Vote(rid, verdict, reason, quote.strip())


def majority(rule_id: str, votes: Sequence[Vote]) -> VoteResult:
    """Combine samples: the most common grounded verdict wins; a tie for first place is
    ``split``; no grounded vote at all is ``unscored``."""
    counts = Counter(v.verdict for v in votes)
    tally = {
        k: counts[k] for k in ("pass", "fail", "not_applicable", "unscored", "invalid", "error")
    }
    grounded = [v for v in votes if v.verdict in JUDGED]
    if not grounded:
        problems = "; ".join(sorted({v.problem for v in votes if v.problem})) or "no votes"
        # Only infrastructure failures: the judge never answered, so "could not grade".
        if votes and all(v.verdict == "error" for v in votes):
            return VoteResult(rule_id, "error", tally, None, problems)
        return VoteResult(rule_id, "unscored", tally, None, problems)
    ranked = Counter(v.verdict for v in grounded).most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        split = ", ".join(f"{k}={n}" for k, n in ranked)
        return VoteResult(rule_id, "split", tally, None, f"judge samples split ({split})")
    top = ranked[0][0]
    winner = next(v for v in grounded if v.verdict == top)
    return VoteResult(rule_id, top, tally, winner, winner.reason)  # type: ignore[arg-type]
