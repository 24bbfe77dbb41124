"""What a secret looks like: secret-like names, known key formats, entropy, placeholders.

Shared by the Python and the config-file halves of ``secrets_in_code``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "KEY_FORMATS",
    "NameKind",
    "classify_name",
    "find_key_formats",
    "is_placeholder",
    "is_secret_value",
    "is_stand_in_free",
    "looks_random",
    "mask",
    "shannon_entropy",
    "url_credentials",
]

#: ``(label, pattern)``: provider key formats worth flagging wherever they appear.
KEY_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("Stripe secret key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b")),
    ("Stripe webhook secret", re.compile(r"\bwhsec_[0-9A-Za-z]{24,}\b")),
    ("GitHub token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b")),
    ("GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("Anthropic API key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{20,}")),
    ("OpenAI API key", re.compile(r"\bsk-(?!ant-)(?:proj-|svcacct-)?[A-Za-z0-9_\-]{20,}")),
    (
        "private key block",
        re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    ),
    ("JWT", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")),
)

#: Markers of documentation keys (AWS's own ``AKIAIOSFODNN7EXAMPLE``) and fakes.
_FAKE_MARKERS = re.compile(r"example|fake|dummy|placeholder|x{6,}|0{8,}|1234567890", re.I)

_URL_CREDS = re.compile(r"\b[a-z][a-z0-9+.\-]*://([^:/@\s'\"]+):([^@/\s'\"]+)@", re.I)

NameKind = str  # "strong", "weak" or "" (not secret-like)

#: A literal assigned to one of these is a credential, whatever it looks like.
_STRONG = re.compile(
    r"passw(?:or)?d|passwd|passphrase|pwd$|^pwd|secret|token|api_?key|apikey|private_?key"
    r"|access_?key|auth_?key|credential|client_?secret|signing_?key|encryption_?key"
    r"|hmac_?key|master_?key|session_?key|bearer|dsn_?password|webhook_?secret",
    re.I,
)
#: A literal assigned to one of these is a credential only if it looks random.
_WEAK = re.compile(r"(?:^|_)(?:key|salt|seed|sig|signature|cert|auth|hmac|pepper|cipher)(?:_|$)")
#: Suffixes naming metadata about a secret rather than the secret itself.
_META = re.compile(
    r"(?:^|_)(?:url|uri|endpoint|path|file|filename|dir|header|headers|name|field|fields"
    r"|type|kind|env|var|prefix|suffix|len|length|min|max|ttl|expiry|expire|expires"
    r"|expiration|exp|seconds|minutes|hours|days|pattern|regex|re|format|fmt|algorithm|alg"
    r"|algorithms|scheme|label|param|mode|hint|help|message|msg|error|errors|policy|scope"
    r"|scopes|count|size|bytes|location|column|col|table|attr|id|ids|placeholder|example"
    r"|description|doc|enabled|required|provider|source|store|manager|backend|class|cls"
    r"|model|schema|hash|hashed|digest|rounds|iterations|cost|version|timeout|limit|age"
    r"|cookie|query|key_id|usage|reset|reset_token_ttl|validator|strength|policy)$",
    re.I,
)


def _snake(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()


@lru_cache(maxsize=8192)
def classify_name(name: str) -> NameKind:
    """``strong``, ``weak`` or ``""`` for a variable, attribute, key or parameter name."""
    snake = _snake(name)
    if not snake or _META.search(snake):
        return ""
    if _STRONG.search(snake):
        return "strong"
    if _WEAK.search(snake):
        return "weak"
    return ""


_PLACEHOLDER = re.compile(
    r"""^(?:
        \s*                                  # empty
      | \$\{?[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}?   # ${VAR} / $VAR / ${VAR:-x}
      | \{\{.*\}\}                           # {{ template }}
      | <[^<>]+>                             # <your-key>
      | %\([A-Za-z_]+\)s                     # %(name)s
      | [x*.\-_#?]+                          # xxxx / **** / ...
      | (?:your|my)[-_ ].*                   # your-api-key-here
      | .*[-_ ]here                          # put-key-here
      | (?:env|vault|ssm|secretsmanager|aws-sm|gcp-sm|keyvault):.*  # secret references
      | none|null|nil|todo|tbd|redacted|\[redacted\]|unset|not[-_ ]?set
    )$""",
    re.I | re.X,
)


#: Words that stand for a value rather than being one (``foo``, ``test``, ``valid``).
#: Known *default* secrets (``changeme``, ``admin``, ``postgres``) are not among them:
#: committed, they are what runs when nobody changes them.
_STAND_IN_WORDS = frozenset(
    {
        *("foo", "bar", "baz", "qux", "foobar", "test", "tests", "testing", "dummy"),
        *("fake", "mock", "example", "sample", "valid", "invalid", "placeholder"),
    }
)
#: Values that are settings, not credentials (``persist-credentials: false``).
_SETTING_VALUE = re.compile(
    r"^(?:true|false|yes|no|on|off|read|write|read-write|read-only|none|all|required"
    r"|optional|enabled|disabled|\d{1,7})$",
    re.I,
)
#: A dotted import path or entry point (``pkg.module:Class``).
_IMPORT_PATH = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_][\w.]*)?$")
#: A provider prefix in front of a stand-in (``xoxb-valid``, ``sk-test``).
_KEY_PREFIX = re.compile(r"^(?:xox[abposr]|sk|pk|rk|ghp|gho|ghs|sk_live|sk_test)[-_]", re.I)


def _stands_in(value: str) -> bool:
    v = _KEY_PREFIX.sub("", value.strip()).lower()
    parts = [p for p in re.split(r"[:@/\-_. ]+", v) if p]
    return bool(parts) and all(p in _STAND_IN_WORDS or p.isdigit() and len(p) < 8 for p in parts)


def is_placeholder(value: str) -> bool:
    """An empty, template, reference or stand-in value: no secret in it.

    Stand-ins: words such as ``foo``/``test``/``valid`` (also behind a provider prefix,
    ``xoxb-valid``, or joined, ``bar:bar``) and short digit runs (``123``).
    """
    v = value.strip()
    return bool(_PLACEHOLDER.match(v)) or _stands_in(v)


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(value: str) -> bool:
    """A token-like string: long enough, no spaces, high entropy, mixed characters."""
    v = value.strip()
    if len(v) < 16 or any(ch.isspace() for ch in v):
        return False
    classes = sum(
        (any(c.islower() for c in v), any(c.isupper() for c in v), any(c.isdigit() for c in v))
    )
    return classes >= 2 and shannon_entropy(v) >= 3.5


@dataclass(frozen=True)
class KeyHit:
    """A known key format found in some text."""

    label: str
    start: int
    value: str


def _scoped(pattern: re.Pattern[str]) -> str:
    flags = "".join(
        f for f, bit in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)) if pattern.flags & bit
    )
    return f"(?{flags}:{pattern.pattern})" if flags else f"(?:{pattern.pattern})"


#: Every key format in one pattern: most strings match none, and one search says so.
_ANY_KEY_FORMAT = re.compile("|".join(_scoped(p) for _, p in KEY_FORMATS))


def find_key_formats(text: str) -> list[KeyHit]:
    """Known provider key formats in ``text``, minus documented examples and fakes."""
    if not _ANY_KEY_FORMAT.search(text):
        return []
    hits: list[KeyHit] = []
    taken: list[range] = []
    for label, pattern in KEY_FORMATS:
        for m in pattern.finditer(text):
            if any(m.start() in r for r in taken) or _FAKE_MARKERS.search(m.group(0)):
                continue
            taken.append(range(m.start(), m.end()))
            hits.append(KeyHit(label, m.start(), m.group(0)))
    return sorted(hits, key=lambda h: h.start)


def url_credentials(text: str) -> list[tuple[int, str]]:
    """``(offset, password)`` for URLs with an inline literal password (``user:pw@host``)."""
    out: list[tuple[int, str]] = []
    for m in _URL_CREDS.finditer(text):
        password = m.group(2)
        if is_placeholder(password) or password.startswith(("{", "$", "%")):
            continue
        out.append((m.start(2), password))
    return out


def is_stand_in_free(value: str) -> bool:
    """A non-empty literal that is not a template, reference or stand-in.

    For account credentials written positionally (``User("admin", "admin")``), where
    the name gives no hint and any real value is a finding.
    """
    v = value.strip()
    return bool(v) and not is_placeholder(v)


def mask(value: str) -> str:
    """Evidence never repeats a secret: keep a short prefix, hide the rest."""
    v = value.strip()
    keep = 4 if len(v) > 8 else 1
    return f"{v[:keep]}…({len(v)} chars)"


_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def is_secret_value(value: str, kind: NameKind) -> bool:
    """Whether a literal held by a ``strong``/``weak`` secret name is a real credential."""
    v = value.strip()
    if not kind or is_placeholder(v) or _ENV_NAME.match(v):
        return False  # an environment variable's *name* is not its value
    if _SETTING_VALUE.match(v) or _IMPORT_PATH.match(v):
        return False  # a flag, permission level, number or import path
    if re.match(r"^[a-z][a-z0-9+.\-]*://", v, re.I) or ("{" in v and "}" in v):
        return False  # URLs (their credentials are checked apart) and templates
    if v.count(" ") >= 4:
        return False  # a sentence: help text or an error message
    return kind == "strong" or looks_random(v)
