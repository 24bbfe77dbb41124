"""The words the rule extractor reads: rule and procedure headings, directive markers, verbs.

Kept apart from :mod:`evals.persona._extract` (which decides what a unit is) so the
vocabulary can be read and extended in one place. Every list is of normalised words
(:func:`~evals.persona._text.normalise`).
"""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS",
    "NEGATIVE",
    "NEGATIVE_START",
    "NEVER_HEADINGS",
    "OBJECT_START",
    "POSITIVE",
    "PROCEDURE",
    "RULE_HEADINGS",
    "SKIP_HEADINGS",
    "VERBS",
    "wordset",
]

#: Heading words that make every item under the heading a rule.
RULE_HEADINGS = (
    "always",
    "never",
    "rules",
    "rule",
    "must",
    "dos",
    "donts",
    "do",
    "dont",
    "best practices",
    "practices",
    "checklist",
    "standards",
    "guidelines",
    "principles",
    "requirements",
    "constraints",
    "guardrails",
    "boundaries",
    "restrictions",
    "conventions",
    "policies",
    "anti patterns",
    "avoid",
    "prohibited",
    "forbidden",
    "definition of done",
    "acceptance criteria",
    "done criteria",
    "quality gates",
    "behavioral traits",
    "behavioural traits",
    "behavior",
    "behaviour",
    "traits",
    # The same headings in the other languages real subagent files are written in.
    "contraintes",
    "jamais",
    "toujours",
    "regles",
    "interdit",
    "interdits",
    "obligatoire",
    "nunca",
    "siempre",
    "reglas",
    "prohibido",
    "niemals",
    "immer",
    "regeln",
    "verboten",
)
NEVER_HEADINGS = (
    "never",
    "donts",
    "dont",
    "avoid",
    "anti patterns",
    "prohibited",
    "forbidden",
    "jamais",
    "interdit",
    "interdits",
    "nunca",
    "prohibido",
    "niemals",
    "verboten",
)
#: Headings (or list introductions) of procedures: their numbered steps are rules.
PROCEDURE = (
    "workflow",
    "process",
    "steps",
    "approach",
    "procedure",
    "methodology",
    "when invoked",
    "how you work",
    "how you operate",
    "methode",
    "what you do",
    "ce que tu fais",
    "etapes",
    "pasos",
    "ablauf",
)
#: Headings whose text shows output rather than directing behaviour.
SKIP_HEADINGS = ("example", "examples", "sample", "template", "output format", "response format")

NEGATIVE = (
    "never",
    "do not",
    "dont",
    "does not",
    "must not",
    "mustnt",
    "should not",
    "shouldnt",
    "shall not",
    "avoid",
    "avoiding",
    "forbidden",
    "prohibited",
    "not allowed",
    "no longer use",
    "refrain from",
    "stop using",
)
POSITIVE = (
    "always",
    "must",
    "should",
    "shall",
    "ensure",
    "ensures",
    "make sure",
    "prefer",
    "required",
    "require",
    "requires",
    "need to",
    "needs to",
    "have to",
    "has to",
    "mandatory",
    "be sure to",
)


def wordset(text: str) -> frozenset[str]:
    """The set of whitespace-separated words of ``text``."""
    return frozenset(text.split())


NEGATIVE_START = ("no", "without", "dont", "never", "avoid", "stop", "nothing")

#: Imperative verbs that open rules in real subagent files (base forms).
VERBS = wordset(
    """
    accept add adhere adopt align allow analyse analyze annotate apply archive ask
    assert assess audit automate avoid back balance batch benchmark bind break build
    bump cache call capture catch centralize centralise check choose clarify clean
    cleanup close code collect combine comment commit communicate compare compile
    compose compress configure confirm consider consolidate constrain contain convert
    coordinate copy correct cover create debug declare decompose decouple default
    define delegate delete deliver deploy deprecate derive describe design detect
    determine develop diagnose disable display distinguish divide document double drop
    dry emit employ enable encapsulate encode encrypt enforce ensure escape establish
    estimate evaluate examine execute expect explain explore expose extract fail favor
    favour fetch fix flag focus follow format gather generate group guard handle hash
    identify ignore implement import improve include incorporate index inform initialize
    initialise inject inspect install instrument integrate introduce invalidate
    investigate isolate iterate justify keep label leverage limit lint list load
    localize locate lock log maintain make manage map mark measure memoize merge migrate
    minimize minimise mirror mock model modularize monitor move name normalize normalise
    note notify obtain offer omit open optimize optimise order organize organise outline
    paginate parallelize parameterize parameterise parse partition pass patch persist
    pick pin plan point prefer prepare present preserve prevent prioritize prioritise
    probe produce profile propagate propose protect prototype provide prune publish pull
    push put query queue raise rate read rebase rebuild recommend record reduce refactor
    refer reject release remove rename render replace report request require rerun
    research reset resolve respect respond restrict retry return reuse review revert
    rewrite rotate run sanitize sanitise scan schedule scope secure select separate
    serialize serve set share ship show simplify sort specify split stage standardize
    start state stay store stream strip structure stub submit suggest summarize
    summarise supply support surface sync tag take target test think throttle time trace
    track translate treat trigger trim try tune type update upgrade use utilize utilise
    validate verify version wait warn watch wrap write yield
    """
)


#: Words that are verbs *and* nouns or adjectives ("Batch processing", "Secure by
#: default", "Rate limiting"): imperative only when an object or adverb follows.
AMBIGUOUS = wordset(
    """
    audit back balance batch benchmark bind break build cache call check clean close
    code comment commit copy cover debug default deploy design document double drop dry
    fail flag focus format group guard hash import index label limit lint list load lock
    log map mark merge mock model name note order pass patch pin plan point profile push
    query queue rate read record release report request reset retry return review run
    scan schedule scope secure serve set ship show sort split stage start state stream
    structure stub support sync tag target test time trace track trigger trim type
    update upgrade version wait warn watch wrap yield
    """
)
OBJECT_START = wordset(
    """
    a an the all every each any your our its their this these those that new existing it
    them everything anything something nothing before after first early often regularly
    carefully thoroughly only up out down back from against with
    """
)
