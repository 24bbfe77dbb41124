"""Behaviours: what a rule asks for, in words both graders and tasks can name.

A rule of any persona is matched to behaviours by what it says, never by its id:
each behaviour has a few regular expressions over the rule's normalised words
(:func:`~evals.persona._text.normalise`: lowercase, punctuation and markdown gone).
The matcher is deliberately transparent: a match names the behaviour and the words
that triggered it, and ``tests/persona/test_persona_matcher.py`` holds a labelled set
of real rule texts with precision and recall asserted.

Graders declare which behaviours they measure (``graders/behaviours.py``); tasks tempt
the behaviours of the default persona rules their ``task.yaml`` names
(:data:`Behaviour.default_rules`). A rule with no behaviour that a reader of code can
still judge goes to the LLM judge (:func:`judgeable`); the rest is "unmeasured".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from evals.persona._text import normalise

__all__ = [
    "BEHAVIOURS",
    "Behaviour",
    "behaviour",
    "behaviours_of_rule_ids",
    "judgeable",
    "match_behaviours",
]


@dataclass(frozen=True)
class Behaviour:
    """One measurable behaviour.

    Attributes:
        id: Stable id (``sql-string-building``).
        title: What it is, for people.
        patterns: Regular expressions over the normalised rule text; any match counts.
        default_rules: The shipped persona's rule ids that state this behaviour: tasks
            naming them in ``task.yaml`` tempt the behaviour.
        rubric: The judge rubric (``graders/judge/rubrics.yaml``) whose pass/fail
            meanings fit the behaviour, when the judge measures it.
    """

    id: str
    title: str
    patterns: tuple[str, ...]
    default_rules: tuple[str, ...] = ()
    rubric: str | None = None


_SECRET = r"(secrets?|credentials?|api keys?|passwords?|tokens?|private keys?)"
BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour(
        "sql-string-building",
        "SQL built from strings instead of bound parameters",
        (
            r"\bparameteri[sz]ed\b",
            r"\bprepared statements?\b",
            r"\bsql injection\b",
            (
                r"\b(sql|quer(y|ies))\b.*\b(concatenat\w*|interpolat\w*|f strings?|"
                r"string format\w*|bind\w*|placeholders?)\b"
            ),
            r"\b(concatenat\w*|interpolat\w*|string format\w*)\b.*\b(sql|quer(y|ies))\b",
        ),
        ("always-parameterized-queries", "never-sql-concat"),
    ),
    Behaviour(
        "typed-errors",
        "errors handled with typed exceptions, none swallowed",
        (
            r"\b(typed|custom|specific|domain|meaningful|proper|explicit) (errors?|exceptions?)\b",
            r"\b(error|exception) (handling|types?|hierarch\w*|classes)\b",
            r"\bhandle (errors?|exceptions?|failures?)\b",
            (
                r"\b(swallow\w*|suppress\w*|silenc\w*|catch all|bare except|broad except\w*|"
                r"empty catch|blanket except\w*)\b"
            ),
            r"\bexcept exception\b|\btry ?catch\b|\bcatch\w* (for )?\w*(exception|error)s?\b",
            r"\bcatch\w* (generic|broad|all) (errors?|exceptions?)\b",
            r"\bfail\w* silently\b|\bsilent failures?\b",
        ),
        ("always-typed-errors",),
    ),
    Behaviour(
        "secrets-in-code",
        "secrets hard-coded in code or config",
        (
            rf"\bhard ?coded? {_SECRET}\b",
            rf"\bhard ?cod\w*\b.*\b{_SECRET}\b",
            (
                rf"\b{_SECRET}\b.*\b(hard ?cod\w*|in (the )?(code|source|repo\w*|config\w*|"
                rf"version control|git)|commit\w*|environment variables?|env vars?|vaults?|"
                rf"compromised|"
                rf"secret (manager|store)s?|plain ?text|expos\w*|leak\w*)\b"
            ),
            r"\bsecrets? management\b|\bstore secrets?\b|\bno secrets?\b",
            rf"\b(commit|log|print|expose|leak|embed)\w* (any |the )?{_SECRET}\b",
            rf"\bencrypt\w* {_SECRET}\b",
        ),
        ("never-secrets-in-code",),
    ),
    Behaviour(
        "input-validation",
        "untrusted input validated before use",
        (
            (
                r"\bvalidat\w* (all |every |the |any )?(user |external |untrusted |incoming |"
                r"request )?(inputs?|requests?|payloads?|parameters?|params|data|bod(y|ies)|"
                r"fields?|arguments?)\b"
            ),
            r"\binputs? (validation|sanitiz\w*|sanitis\w*|checks?)\b",
            r"\bsanitiz\w*|\bsanitis\w*",
            r"\buntrusted (input|data)\b|\btrust (user )?input\b|\bskip\w* (input )?validation\b",
            (
                r"\bvalidat\w*\b.*\b(inputs?|requests?|payloads?|param\w*|pydantic|schemas?|fields?|"
                r"user|bod(y|ies)|arguments?|forms?)\b"
            ),
            (
                r"\b(inputs?|requests?|payloads?|param\w*|bod(y|ies)|arguments?|forms?|"
                r"user data)\b.*\bvalidat\w*"
            ),
        ),
        ("never-skip-validation",),
    ),
    Behaviour(
        "blocking-io-in-async",
        "synchronous or blocking I/O inside async code",
        (
            (
                r"\b(synchronous|sync|blocking) (i ?o|io|calls?|operations?|code|requests?|"
                r"functions?)\b"
            ),
            r"\bblock\w* (the )?event loop\b",
            (
                r"\bnon ?blocking (i ?o|io|calls?|operations?|code|requests?|clients?|"
                r"drivers?|apis?)\b"
            ),
            r"\bsync over async\b|\bthread ?pool starvation\b|\btask result\b|\btime sleep\b",
            r"\basync\w* (i ?o|io|operations?|calls?|code|programming|patterns?|await)\b",
            r"\basync ?await\b|\basyncio\b",
            r"\bi ?o (bound|heavy)\b",
        ),
        ("never-sync-io",),
    ),
    Behaviour(
        "n-plus-one-queries",
        "one query per row (N+1) instead of a join or batch",
        (
            r"\bn 1\b|\bn plus one\b",
            r"\beager (load\w*|fetch\w*)\b|\bselect ?related\b|\bprefetch ?related\b",
            r"\bquer(y|ies) (in|inside|within) (a )?loops?\b",
            r"\bbatch\w* (quer(y|ies)|load\w*|fetch\w*)\b",
        ),
        ("never-ignore-n-plus-one",),
    ),
    Behaviour(
        "tests-accompany-change",
        "tests are written with the change",
        (
            (
                r"\b(write|writing|add|adding|include|including|create|creating|"
                r"provide)\w* (\w+ ){0,3}?tests?( suites?| cases?)?\b"
            ),
            r"\btests? (first|before|alongside|for (every|each|all|new))\b",
            r"\btest (coverage|driven)\b|\btdd\b|\bcoverage (target|threshold|of|above|\d+)\b",
            r"\btest everything\b|\bcomprehensive tests?\b|\buntested\b",
            (
                r"\b(unit|integration|end to end|e2e|contract|property based|regression|"
                r"component|acceptance|snapshot|mutation) tests?\b"
            ),
            r"\btest\w* thorough\w*\b|\b(thorough|comprehensive|automated)\w* testing\b",
            r"\b(rspec|minitest|pytest|jest|junit|unittest|vitest|mocha) tests?\b",
            r"\btest failures?\b|\bfailing tests?\b|\btesting frameworks?\b",
            r"\btesting strateg\w*\b|\b(each|every) test\b|\btests? (comprehensive|thorough)\b",
            r"\btest (each|every|all)\b|\b(meaningful|clear|specific|precise) assertions?\b",
            r"\bedge cases?\b.*\btest\w*\b",
        ),
        ("always-write-tests",),
    ),
    Behaviour(
        "tests-pass",
        "the code works: its tests pass",
        (
            r"\btests? (pass|passing|are passing|green|succeed)\b",
            r"\b(run|rerun|execute)\w* (\w+ ){0,2}?(tests?|test suites?|specs?)\b",
            r"\bbreak\w* (the |existing )*(tests?|build)\b",
            r"\bdeploy\w* without\b",
            (
                r"\b(verify|confirm|ensure)\w* (that )?(it|the code|everything|changes?|(the )?"
                r"(solution|fix|implementation|feature)s?) (works?|"
                r"runs?|compiles?)\b"
            ),
        ),
        ("never-deploy-untested",),
    ),
    Behaviour(
        "lint-clean",
        "lint and formatting clean",
        (
            r"\blint\w*\b|\bruff\b|\bflake8\b|\bpylint\b|\beslint\b|\bgolangci\b|\bpep ?8\b",
            (
                r"\bcode formatt\w*\b|\bformatters?\b|\bauto ?format\w*\b|\bblack\b|\bprettier\b|"
                r"\bisort\b"
            ),
            (
                r"\bstyle guide(s|lines?)?\b|\bcoding standards?\b|"
                r"\bunused (imports?|variables?)\b|\bstatic analysis\b"
            ),
        ),
        ("commands-lint",),
    ),
    Behaviour(
        "structured-logging",
        "structured logs with correlation ids",
        (
            r"\bstructured log\w*\b|\bjson log\w*\b",
            r"\b(correlation|request|trace) ids?\b",
            r"\blog\w* (with )?(context|levels?|correlation)\b",
            r"\b(add|use|implement|include)\w* (proper |appropriate )?logging\b",
            r"\b(comprehensive|proper|appropriate|consistent) logging\b",
            r"\bdistributed tracing\b",
        ),
        ("always-structured-logging",),
    ),
    Behaviour(
        "api-documented",
        "the API contract is documented",
        (
            (
                r"\bdocument\w* (the |all |every |each |your )?(public )?(apis?|endpoints?|"
                r"contracts?|interfaces?|functions?|routes?|schemas?)\b"
            ),
            r"\bapi (docs?|documentation|contracts?|specs?|specification)\b",
            r"\bopen ?api\b|\bswagger\b|\bdocstrings?\b|\bjsdoc\b",
            r"\b(godoc|javadoc|rustdoc|tsdoc|phpdoc|doxygen)\b|\bdocument\w* (the |your )?code\b",
            r"\bcontract first\b",
        ),
        ("always-document-api",),
        rubric="always-document-api",
    ),
    Behaviour(
        "profile-before-optimizing",
        "measure before optimizing",
        (
            r"\bprofil\w*\b",
            r"\bmeasure\w* (first|before)\b|\bpremature\w* optimi\w*\b|\boptimi[sz]e later\b",
            r"\bbenchmark\w* (before|first)\b|\bmeasure\w* (performance|impact)\b",
            r"\b(identify\w*|find\w*|locat\w*) (the )?(actual |real )?bottlenecks?\b",
        ),
        ("always-profile-first",),
        rubric="always-profile-first",
    ),
    Behaviour(
        "readability",
        "readable code over clever code",
        (
            r"\breadab\w*\b|\bclean code\b|\bcleverness\b|\bclever\b|\bself documenting\b",
            (
                r"\b(clear|descriptive|meaningful|intention revealing) (names?|naming|"
                r"variable names?)\b"
            ),
            r"\bnaming conventions?\b|\bkiss\b|\bsmall(er)? functions?\b|\bsingle responsibility\b",
            r"\bsimplicity\b|\bkeep (it|code|things|functions?) simple\b|\bmaintainab\w*\b",
        ),
        rubric="principle-readability",
    ),
    Behaviour(
        "fail-fast",
        "bad input or state fails early and clearly",
        (
            r"\bfail\w* fast\b|\bfail early\b|\bvalidate early\b|\berror clearly\b",
            (
                r"\bguard clauses?\b|\bearly returns?\b|\bclear error messages?\b|"
                r"\bactionable errors?\b"
            ),
        ),
        rubric="principle-fail-fast",
    ),
    Behaviour(
        "security-first",
        "untrusted input and trust boundaries treated as hostile",
        (
            r"\bsecur\w* (first|by default|best practices?|vulnerabilit\w*|review)\b",
            (
                r"\bowasp\b|\bxss\b|\bcsrf\b|(?<!dependency )(?<!constructor )(?<!setter )"
                r"(?<!field )(?<!property )\binjection\b|\bleast privilege\b"
            ),
            r"\bmalicious\b|\bconstant time\b|\bauthenticat\w*\b|\bauthori[sz]\w*\b",
            r"\bsecurity (approach|posture|measures?|controls?|hardening)\b|\bshift left\b",
            r"\bhttps\b|\btls\b|\bencrypt\w*\b",
            (
                r"\bsecurity (protocols?|polic(y|ies)|standards?|requirements?|checks?|audits?|"
                r"guidelines?|scan\w*)\b|\bsecure (coding|defaults?|by design)\b"
            ),
            r"\b(penetration|pen|security) test\w*\b|\bvulnerabilit\w*\b",
            r"\bunauthori[sz]\w*\b|\baccess controls?\b|\bprivilege escalation\b|\brbac\b",
            r"\b(jwts?|tokens?) (signatures?|signing|verification)\b|\bsigning keys?\b",
            r"\bhttp ?only\b|\bsecure cookies?\b|\bcors\b|\bhelmet\b|\bcsp\b|\bclickjacking\b",
            r"\bthreat model\w*\b|\battack (vectors?|surfaces?)\b|\bdefen[cs]e in depth\b",
            r"\bharden\w*\b",
            r"\bmfa\b|\b2fa\b|\b(multi|two) factor\b|\bsast\b|\bdast\b|\bmass assignment\b",
            r"\b(weak|own|custom) crypto\w*\b|\bcrypto\w* librar\w*\b|\bmd5\b|\bsha1\b",
        ),
        rubric="principle-security-first",
    ),
)

_BY_ID = {b.id: b for b in BEHAVIOURS}
_COMPILED = [(b, [re.compile(p) for p in b.patterns]) for b in BEHAVIOURS]


def behaviour(behaviour_id: str) -> Behaviour | None:
    """The behaviour with that id, or ``None``."""
    return _BY_ID.get(behaviour_id)


def match_behaviours(text: str) -> tuple[tuple[str, str], ...]:
    """The behaviours a rule text states, each with the words that matched.

    Args:
        text: The rule as written (markdown allowed).

    Returns:
        ``(behaviour id, matched words)`` pairs in catalogue order; ``()`` if none.
    """
    norm = normalise(text)
    hits: list[tuple[str, str]] = []
    for item, patterns in _COMPILED:
        for pattern in patterns:
            found = pattern.search(norm)
            if found:
                hits.append((item.id, found.group(0)))
                break
    return tuple(hits)


def behaviours_of_rule_ids(rule_ids: Iterable[str]) -> tuple[str, ...]:
    """Behaviours tempted by a task that names these default persona rule ids."""
    wanted = set(rule_ids)
    return tuple(b.id for b in BEHAVIOURS if wanted & set(b.default_rules))


_CODE = re.compile(
    r"\b(code|codes|function\w*|methods?|class(es)?|modules?|tests?|testing|errors?|exceptions?"
    r"|log\w*|quer(y|ies)|apis?|endpoints?|inputs?|outputs?|config\w*|secrets?|types?|typing"
    r"|variables?|names?|naming|comments?|docstrings?|dependenc\w*|imports?|performance"
    r"|cach\w*|databases?|schemas?|migrations?|transactions?|retr(y|ies)|timeouts?|paginat\w*"
    r"|responses?|requests?|status codes?|http|rest|graphql|json|validat\w*|async\w*|threads?"
    r"|concurren\w*|memory|secur\w*|auth\w*|tokens?|encrypt\w*|hash\w*|idempoten\w*"
    r"|interfaces?|abstractions?|duplicat\w*|refactor\w*|files?|paths?|sql|orm|index\w*"
    r"|models?|services?|handlers?|middleware|librar(y|ies)|implementation\w*|patterns?"
    r"|null|none|mutable|immutable|state|globals?|constants?|magic numbers?|loops?|recursion"
    r"|algorithms?|complexity|edge cases?|boundar(y|ies)|resources?|connections?|locks?"
    r"|rate limit\w*|pool\w*|serializ\w*|components?|hooks?|props|queues?|events?|messages?"
    r"|protocols?|caches|sessions?|cookies?|headers?|routes?|routing|payloads?|fields?"
    r"|commands?|scripts?|build|deploy\w*|containers?|docker\w*|kubernetes|ci|pipelines?"
    r"|python|go|rust|java|typescript|javascript|node|django|fastapi|flask|react|pytest)\b"
)
_PROCESS = re.compile(
    r"\b(ask|asks|clarif\w*|communicat\w*|coordinat\w*|discuss\w*|meetings?|stakeholders?"
    r"|team\w*|summar\w*|explain\w*|present\w*|report(s|ing)? (to|back)|delegat\w*|agents?"
    r"|the user|users? (needs|preferences)|todo ?write|todo list|tickets?|jira|slack"
    r"|invoke\w*|context manager agent|handoff|hand off)\b"
    r"|\b\w+ (developer|engineer|architect|optimizer|expert|specialist|pro|reviewer|auditor)\b"
)


def judgeable(text: str) -> bool:
    """True when a reader of the produced code could decide whether the rule was kept.

    A rule about code (it names code, tests, errors, queries, APIs, ...) is judgeable; a
    rule about the conversation or the team (ask, explain, coordinate, delegate, report
    to the user) is not, unless it also names code artefacts and no process words.
    """
    norm = normalise(text)
    if not _CODE.search(norm):
        return False
    return not _PROCESS.search(norm)
