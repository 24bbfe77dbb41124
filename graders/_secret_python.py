"""``secrets_in_code`` over Python: literals in secret positions, and known key formats.

Secret positions: assignments (names, attributes, ``cfg["api_key"]``), annotated class
fields (pydantic ``BaseSettings``, dataclasses, including ``Field(...)`` and
``SecretStr(...)`` defaults), dict literals, keyword arguments, parameter defaults,
comparisons (``if token == "..."``), fallback defaults of environment reads
(``os.getenv("API_KEY", "...")``: a fallback means the service silently runs with a
known secret when the environment is not set), and account credentials written
positionally (``User("admin", "admin")``, ``auth=("user", "pw")``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from graders._ast_util import Module, dotted
from graders._secret_patterns import (
    classify_name,
    find_key_formats,
    is_secret_value,
    is_stand_in_free,
    mask,
    url_credentials,
)

__all__ = ["SecretFinding", "scan_python"]

#: Calls that only wrap a default value: ``Field("x")``, ``SecretStr("x")``.
_WRAPPERS = {"Field", "SecretStr", "SecretBytes", "str", "bytes", "field"}
#: Environment reads whose second argument (or ``default=``) is a fallback value.
_ENV_READS = {
    "os.getenv",
    "os.environ.get",
    "environ.get",
    "getenv",
    "os.environ.setdefault",
    "config",
    "env",
    "env.str",
    "decouple.config",
}


#: Calls taking an account's ``(user, password)`` positionally: ``User("admin", "admin")``.
_ACCOUNT_CALLS = frozenset(
    {
        "User",
        "create_user",
        "create_superuser",
        "login",
        "authenticate",
        "HTTPBasicAuth",
        "HTTPDigestAuth",
        "BasicAuth",
        "DigestAuth",
        "PlainCredentials",
        "Credentials",
        "UsernamePasswordCredentials",
    }
)


def _positional_credential(call: ast.Call) -> ast.Constant | None:
    """The password literal of ``User("admin", "admin")`` or ``auth=("u", "pw")``."""
    pairs: list[list[ast.expr]] = []
    if dotted(call.func).rsplit(".", 1)[-1] in _ACCOUNT_CALLS:
        pairs.append(list(call.args))
    pairs += [
        list(kw.value.elts)
        for kw in call.keywords
        if kw.arg == "auth" and isinstance(kw.value, ast.Tuple)
    ]
    for args in pairs:
        if len(args) >= 2 and all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2]
        ):
            password = args[1]
            assert isinstance(password, ast.Constant)
            if is_stand_in_free(str(password.value)):
                return password
    return None


@dataclass(frozen=True)
class SecretFinding:
    """One credential found in a file."""

    path: str
    line: int
    col: int
    kind: str
    message: str
    secret: str


def _literal(node: ast.expr | None) -> ast.Constant | None:
    """The string constant of ``node``, looking through ``Field("x")``-style wrappers."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        return node
    if isinstance(node, ast.Call):
        func = dotted(node.func).rsplit(".", 1)[-1]
        if func in _WRAPPERS:
            if node.args:
                return _literal(node.args[0])
            for kw in node.keywords:
                if kw.arg == "default":
                    return _literal(kw.value)
    return None


def _text(const: ast.Constant) -> str:
    v = const.value
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def _target_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return ""


_PAIR_NODES = (
    ast.Assign,
    ast.AnnAssign,
    ast.Dict,
    ast.Call,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Compare,
)


def _pairs(node: ast.AST) -> Iterator[tuple[str, ast.expr | None, str]]:
    """``(name, value node, position)`` for each secret position in ``node``."""
    if isinstance(node, ast.Assign):
        for t in node.targets:
            yield _target_name(t), node.value, "assigned to"
    elif isinstance(node, ast.AnnAssign):
        yield _target_name(node.target), node.value, "assigned to"
    elif isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                yield k.value, v, "stored under key"
    elif isinstance(node, ast.Call):
        for kw in node.keywords:
            if kw.arg:
                yield kw.arg, kw.value, "passed as"
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        with_defaults = positional[len(positional) - len(a.defaults) :]
        for arg, default in zip(with_defaults, a.defaults, strict=True):
            yield arg.arg, default, "default of parameter"
        for arg, kw_default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            yield arg.arg, kw_default, "default of parameter"
    elif isinstance(node, ast.Compare) and len(node.comparators) == 1:
        left, right = node.left, node.comparators[0]
        yield _target_name(left), right, "compared with"
        yield _target_name(right), left, "compared with"


def _env_fallback(module: Module, call: ast.Call) -> tuple[str, ast.expr] | None:
    if module.qualify(call.func) not in _ENV_READS and dotted(call.func) not in _ENV_READS:
        return None
    if not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    default = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg == "default":
            default = kw.value
    return (str(call.args[0].value), default) if default is not None else None


def scan_python(module: Module, *, test_file: bool) -> list[SecretFinding]:
    """Credentials in one parsed module; test files get the key-format check only."""
    found: list[SecretFinding] = []

    def add(node: ast.AST, kind: str, message: str, secret: str) -> None:
        line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        found.append(SecretFinding(module.path, line, col, kind, message, secret))

    for node in module.nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for hit in find_key_formats(node.value):
                add(node, "key_format", f"{hit.label} literal: {mask(hit.value)}", hit.value)
            if not test_file:
                for _, password in url_credentials(node.value):
                    add(node, "url_credentials", "password inside a connection URL", password)
        if test_file:
            continue
        if isinstance(node, ast.Call):
            account = _positional_credential(node)
            if account is not None:
                name = dotted(node.func) or "call"
                message = f"account credential written positionally in `{name}(...)`"
                add(account, "literal", f"{message}: {mask(_text(account))}", _text(account))
            fallback = _env_fallback(module, node)
            if fallback is not None:
                env_name, default = fallback
                const = _literal(default)
                kind = classify_name(env_name)
                if const is not None and is_secret_value(_text(const), kind):
                    add(
                        const,
                        "fallback",
                        f"hard-coded fallback for secret {env_name}: {mask(_text(const))}"
                        " (fail fast when the environment is unset instead)",
                        _text(const),
                    )
                    continue
        if not isinstance(node, _PAIR_NODES):
            continue
        for name, value, position in _pairs(node):
            const = _literal(value)
            kind = classify_name(name) if name else ""
            if const is None or not is_secret_value(_text(const), kind):
                continue
            why = "literal credential" if kind == "strong" else "high-entropy literal"
            add(const, "literal", f"{why} {position} `{name}`: {mask(_text(const))}", _text(const))
    return found
