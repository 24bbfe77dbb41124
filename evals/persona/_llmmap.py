"""The optional LLM mapper: a judge model names the behaviours a rule asks for.

``evals persona map FILE --mapper llm --judge provider/model`` sends the rules the
deterministic matcher left without a behaviour (or every rule, ``--llm-rules all``) to
the judge provider, in batches, with the graders' behaviour vocabulary
(:func:`vocabulary`) and two more answers: ``judge`` (no behaviour fits, but a reader
of the code can decide it) and ``unmeasured``. The model must call the ``map_rules``
tool; its answer is validated strictly (:func:`parse_answer`): every rule answered
once, only known behaviour ids, ``judge``/``unmeasured`` alone, a reason for each.
Anything else is a :class:`~evals.errors.ProviderError` naming the rule and the id.

Decisions are cached on disk (:class:`DecisionCache`), keyed by the rule's text and
polarity, the model and :data:`PROMPT_VERSION`, so a re-run costs nothing and a new
prompt asks again. The sidecar entries it yields carry ``llm: {model, prompt, reason}``
for review (see :mod:`evals.persona._mapfile`); rules a sidecar entry already claims
are never sent.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.errors import ProviderError
from evals.persona._behaviours import behaviour
from evals.persona._model import Rule
from evals.providers import Provider, ProviderRequest, ProviderResponse
from evals.providers.cache import default_cache_dir

__all__ = [
    "BATCH",
    "PROMPT_VERSION",
    "SPECIAL",
    "TOOL_NAME",
    "DecisionCache",
    "LLMDecision",
    "decision_key",
    "graders_for",
    "map_with_llm",
    "parse_answer",
    "request_for",
    "vocabulary",
]

#: Bump when the prompt or the tool schema changes: cached decisions then no longer apply.
PROMPT_VERSION = "persona-map-1"
TOOL_NAME = "map_rules"
#: Answers besides behaviour ids: judge it with its own text, or leave it unmeasured.
SPECIAL = ("judge", "unmeasured")
#: Rules per request.
BATCH = 20
MAX_TOKENS = 4096
CACHE_DIR_ENV = "PERSONA_EVALS_MAP_CACHE_DIR"


@dataclass(frozen=True)
class LLMDecision:
    """What the model said one rule asks for.

    Attributes:
        rule_id: The rule's id in the persona.
        behaviours: Behaviour ids, or ``("judge",)`` / ``("unmeasured",)``.
        reason: The model's one-sentence reason.
        model: The judge model (``provider/model``) that decided.
        cached: Read from the decision cache rather than asked.
    """

    rule_id: str
    behaviours: tuple[str, ...]
    reason: str
    model: str
    cached: bool = False


def vocabulary(measures: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Behaviour id -> title, for every behaviour some grader declares it measures."""
    ids = sorted({b for bs in measures.values() for b in bs})
    out: dict[str, str] = {}
    for bid in ids:
        known = behaviour(bid)
        out[bid] = known.title if known is not None else bid.replace("-", " ")
    return out


def graders_for(
    behaviours: Sequence[str], measures: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The graders a decision sends the rule to (``judge``: the judge; ``unmeasured``: none)."""
    if tuple(behaviours) == ("judge",):
        return ("judge",)
    if tuple(behaviours) == ("unmeasured",):
        return ()
    return tuple(g for g, bs in measures.items() if set(bs) & set(behaviours))


def decision_key(rule: Rule, model: str) -> str:
    """sha256 of the prompt version, the model, the rule's polarity and its text."""
    material = "\0".join((PROMPT_VERSION, model, rule.polarity, rule.text.strip()))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class DecisionCache:
    """One JSON file per decision under ``root`` (default: ``persona-evals/persona-map``
    in the user cache directory, or ``$PERSONA_EVALS_MAP_CACHE_DIR``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or _default_root()

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored decision, or ``None`` (absent or unreadable: ask again)."""
        try:
            data = json.loads((self.root / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, data: dict[str, Any]) -> None:
        """Store ``data`` atomically (write a temporary file, then rename)."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.root / f"{key}.json")


def _default_root() -> Path:
    env = os.environ.get(CACHE_DIR_ENV)
    # Beside the response cache: ~/.cache/persona-evals/persona-map.
    return Path(env).expanduser() if env else default_cache_dir().with_name("persona-map")


_SYSTEM = """\
You map rules from an AI coding agent's persona file to the behaviours automatic graders
measure. For each rule, answer with the behaviour ids the rule directly asks for (a rule
may ask for several), taken only from this list:

{vocabulary}

If none of them fits, answer ["judge"] when a reviewer reading the code the agent wrote
could still tell whether the rule was followed, or ["unmeasured"] when the rule is about
the conversation, the team, the process or anything not visible in the code.
Name a behaviour only when the rule asks for it, not when it is merely related.
Call the {tool} tool once, with one decision per rule id and a one-sentence reason."""


def request_for(rules: Sequence[Rule], model: str, vocab: Mapping[str, str]) -> ProviderRequest:
    """The judge request asking for ``rules``' behaviours."""
    listing = "\n".join(f"- {bid}: {title}" for bid, title in vocab.items())
    system = _SYSTEM.format(vocabulary=listing, tool=TOOL_NAME)
    lines = [
        json.dumps({"rule_id": r.id, "section": r.section, "text": " ".join(r.text.split())})
        for r in rules
    ]
    user = "Rules (one JSON object per line):\n" + "\n".join(lines)
    answers = [*vocab, *SPECIAL]
    tool = {
        "name": TOOL_NAME,
        "description": "Record which behaviours each rule asks for.",
        "input_schema": {
            "type": "object",
            "properties": {
                "decisions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "rule_id": {"type": "string", "enum": [r.id for r in rules]},
                            "behaviours": {
                                "type": "array",
                                "items": {"type": "string", "enum": answers},
                                "minItems": 1,
                            },
                            "reason": {"type": "string"},
                        },
                        "required": ["rule_id", "behaviours", "reason"],
                    },
                }
            },
            "required": ["decisions"],
        },
    }
    return ProviderRequest(
        model=model,
        system=system,
        messages=({"role": "user", "content": user},),
        max_tokens=MAX_TOKENS,
        temperature=0.0,
        tools=(tool,),
        tool_choice={"type": "tool", "name": TOOL_NAME},
        purpose="judge",
    )


def parse_answer(
    response: ProviderResponse, rule_ids: Sequence[str], vocab: Iterable[str], *, model: str
) -> dict[str, tuple[tuple[str, ...], str]]:
    """Rule id -> (behaviours, reason), from the model's ``map_rules`` call.

    Raises:
        ProviderError: No ``map_rules`` call, a rule missing or answered twice, an
            unknown rule id, an unknown behaviour id, ``judge``/``unmeasured`` mixed with
            behaviours, or an empty reason. The message names the rule and what is wrong.
    """
    where = f"LLM mapper {model}"
    calls = [c for c in response.tool_calls if c.name == TOOL_NAME]
    if len(calls) != 1:
        raise ProviderError(f"{where}: expected one {TOOL_NAME} tool call, got {len(calls)}")
    raw = calls[0].input.get("decisions")
    if not isinstance(raw, list):
        raise ProviderError(f"{where}: {TOOL_NAME}.decisions is not a list")
    known = set(vocab) | set(SPECIAL)
    wanted = list(rule_ids)
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise ProviderError(f"{where}: a decision is not an object: {item!r}")
        rid = item.get("rule_id")
        if rid not in wanted:
            raise ProviderError(f"{where}: answered for unknown rule id {rid!r}")
        if rid in out:
            raise ProviderError(f"{where}: rule {rid!r} answered twice")
        got = item.get("behaviours")
        if not isinstance(got, list) or not got or not all(isinstance(b, str) for b in got):
            raise ProviderError(f"{where}: rule {rid!r}: behaviours must be a non-empty list")
        unknown = [b for b in got if b not in known]
        if unknown:
            raise ProviderError(
                f"{where}: rule {rid!r}: unknown behaviour id {unknown[0]!r}; "
                f"known: {', '.join(sorted(known))}"
            )
        if set(got) & set(SPECIAL) and len(set(got)) > 1:
            raise ProviderError(
                f"{where}: rule {rid!r}: 'judge'/'unmeasured' must be the only answer, got {got}"
            )
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ProviderError(f"{where}: rule {rid!r}: no reason given")
        out[str(rid)] = (tuple(dict.fromkeys(got)), " ".join(reason.split()))
    missing = [r for r in wanted if r not in out]
    if missing:
        raise ProviderError(f"{where}: no decision for rule(s) {', '.join(missing)}")
    return out


async def map_with_llm(
    rules: Sequence[Rule],
    provider: Provider,
    model: str,
    measures: Mapping[str, tuple[str, ...]],
    *,
    cache: DecisionCache | None = None,
    batch: int = BATCH,
) -> list[LLMDecision]:
    """Ask ``model`` through ``provider`` what each rule asks for; cached decisions first.

    Args:
        rules: The rules to map (the caller leaves out those a sidecar entry claims).
        provider: The judge provider (anthropic or OpenAI-compatible).
        model: ``provider/model`` as named on the command line (recorded in the sidecar
            and part of the cache key).
        measures: Grader -> behaviours it measures (:func:`graders.behaviours.measures`).
        cache: Where decisions are kept; ``None`` uses the default directory.
        batch: Rules per request.

    Returns:
        One decision per rule, in ``rules`` order.

    Raises:
        ProviderError: The provider failed or answered badly (nothing of that batch is
            cached; batches answered before it are).
    """
    store = cache or DecisionCache()
    vocab = vocabulary(measures)
    found: dict[str, LLMDecision] = {}
    ask: list[Rule] = []
    for rule in rules:
        data = store.get(decision_key(rule, model))
        answer = tuple(data.get("behaviours") or ()) if data else ()
        if data and answer and set(answer) <= set(vocab) | set(SPECIAL):
            found[rule.id] = LLMDecision(
                rule.id, answer, str(data.get("reason", "")), model, cached=True
            )
        else:
            ask.append(rule)
    for start in range(0, len(ask), batch):
        chunk = ask[start : start + batch]
        response = await provider.generate(request_for(chunk, model, vocab))
        parsed = parse_answer(response, [r.id for r in chunk], vocab, model=model)
        for rule in chunk:
            behaviours, reason = parsed[rule.id]
            store.put(
                decision_key(rule, model),
                {"behaviours": list(behaviours), "reason": reason, "prompt": PROMPT_VERSION},
            )
            found[rule.id] = LLMDecision(rule.id, behaviours, reason, model)
    return [found[r.id] for r in rules]
