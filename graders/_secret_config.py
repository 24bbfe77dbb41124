"""``secrets_in_code`` over config files: ``.env``, YAML, JSON, TOML, INI.

A line-based reader rather than one parser per format: it must read broken and
templated files too, and only needs ``key = value`` pairs and their line numbers.
Example and template files (``.env.example``, ``*.sample``, ``*.template``, ``*.dist``)
document what to set, so only real-looking provider keys fail there.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from graders._secret_patterns import (
    classify_name,
    find_key_formats,
    is_secret_value,
    mask,
    url_credentials,
)
from graders._secret_python import SecretFinding

__all__ = ["CONFIG_SUFFIXES", "is_config_path", "scan_config"]

CONFIG_SUFFIXES = (".env", ".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf")
_EXAMPLE_MARKERS = (".example", ".sample", ".template", ".dist", ".tmpl", "example.", "sample.")
_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl")
_LOCK_FILES = {"poetry.lock", "package-lock.json", "uv.lock", "Pipfile.lock", "yarn.lock"}

_PAIR = re.compile(
    r"""^\s*(?:export\s+|-\s+)?["']?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*[:=]\s*(?P<val>.*)$"""
)


def is_config_path(path: str) -> bool:
    """A config file ``secrets_in_code`` reads (``.env``, ``.env.local``, ``x.yaml``, ...)."""
    name = PurePosixPath(path).name
    if name in _LOCK_FILES:
        return False
    for suffix in _TEMPLATE_SUFFIXES:  # settings.yaml.example is a config file too
        name = name.removesuffix(suffix)
    return name.startswith(".env") or name.endswith(CONFIG_SUFFIXES)


def _is_example(path: str) -> bool:
    name = PurePosixPath(path).name.lower()
    return any(m in name for m in _EXAMPLE_MARKERS)


def _value(raw: str) -> str:
    raw = raw.strip().rstrip(",").strip()
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = raw.find(quote, 1)
        return raw[1:end] if end > 0 else raw[1:]
    return re.split(r"\s+[#;]", raw, maxsplit=1)[0].strip()


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_config(path: str, text: str) -> list[SecretFinding]:
    """Credentials in one config file."""
    found: list[SecretFinding] = []
    for hit in find_key_formats(text):
        line = _line_of(text, hit.start)
        message = f"{hit.label} in config: {mask(hit.value)}"
        found.append(SecretFinding(path, line, 1, "key_format", message, hit.value))
    if _is_example(path):
        return found
    for offset, password in url_credentials(text):
        line = _line_of(text, offset)
        message = "password inside a connection URL in config"
        found.append(SecretFinding(path, line, 1, "url_credentials", message, password))
    for lineno, line_text in enumerate(text.splitlines(), start=1):
        stripped = line_text.strip()
        if not stripped or stripped.startswith(("#", ";", "//", "[")):
            continue
        m = _PAIR.match(line_text)
        if m is None:
            continue
        key = m.group("key").rsplit(".", 1)[-1]
        value = _value(m.group("val"))
        kind = classify_name(key)
        if value and is_secret_value(value, kind):
            why = "literal credential" if kind == "strong" else "high-entropy literal"
            message = f"{why} for `{key}` in config: {mask(value)}"
            col = m.start("val") + 1
            found.append(SecretFinding(path, lineno, col, "literal", message, value))
    return found
