"""Facts about logging in a module: logger calls, formatted messages, correlation ids.

A correlation id counts as propagated into log records when the code does one of:
``extra={"request_id": ...}`` on a log call; sets ``record.request_id`` (a
``logging.Filter``, a record factory); reads an id-named ``ContextVar`` inside a
logging ``Filter``/``Formatter``/``Handler``/``LoggerAdapter`` or a function taking
``record``/``event_dict`` (a structlog processor); ``bind_contextvars(request_id=...)``,
``merge_contextvars``, ``logger.bind(request_id=...)``, loguru ``contextualize``;
``LoggerAdapter(logger, {"request_id": ...})``; or uses ``asgi_correlation_id``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from graders._ast_util import Module, call_name, dotted

__all__ = ["LogFacts", "is_id_name", "log_facts"]

_ID = re.compile(
    r"(?:request|correlation|corr|trace|span|req|x_request|x_correlation|transaction)_?id", re.I
)
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal",
                "msg", "log"}  # fmt: skip
_LOGGER_NAME = re.compile(r"(?:^|_)(?:log|logger)$|^logging$", re.I)
_LOGGER_FACTORIES = {"getLogger", "get_logger", "bind", "LoggerAdapter", "new", "opt"}
_LOG_CLASS_BASES = re.compile(r"Filter|Formatter|Handler|Adapter|Processor")
_BINDERS = {"bind", "bind_contextvars", "contextualize", "new", "LoggerAdapter"}


def is_id_name(name: str) -> bool:
    """``request_id``, ``correlationId``, ``X-Request-ID``, ``trace_id``..."""
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).replace("-", "_")
    return bool(_ID.search(snake))


@dataclass
class LogFacts:
    """What one module does with logging."""

    log_calls: list[ast.Call] = field(default_factory=list)
    formatted: list[tuple[ast.Call, str]] = field(default_factory=list)
    prints: list[ast.Call] = field(default_factory=list)
    propagation: list[str] = field(default_factory=list)


def _main_guard_nodes(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            ids |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return ids


def _formatting(msg: ast.expr) -> str:
    if isinstance(msg, ast.JoinedStr) and any(
        isinstance(v, ast.FormattedValue) for v in msg.values
    ):
        return "an f-string"
    if isinstance(msg, ast.BinOp) and isinstance(msg.op, ast.Mod):
        return "%-formatting"
    if isinstance(msg, ast.BinOp) and isinstance(msg.op, ast.Add):
        return "string concatenation"
    if isinstance(msg, ast.Call) and call_name(msg) == "format":
        return "str.format()"
    return ""


def _loggers(module: Module) -> set[str]:
    names: set[str] = set()
    for node in module.nodes:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and call_name(node.value) in _LOGGER_FACTORIES
        ):
            names |= {dotted(t) for t in node.targets if dotted(t)}
    names |= {k for k, v in module.imports.items() if v in {"loguru.logger", "structlog"}}
    return names


def _is_logger(receiver: ast.expr, loggers: set[str]) -> bool:
    name = dotted(receiver)
    if not name and isinstance(receiver, ast.Call):  # structlog.get_logger().info(...)
        return call_name(receiver) in _LOGGER_FACTORIES
    return name in loggers or bool(_LOGGER_NAME.search(name.rsplit(".", 1)[-1]))


def _propagation(module: Module, node: ast.AST, in_log_class: bool) -> str:
    if isinstance(node, ast.Call):
        name = call_name(node)
        kwargs = [k.arg for k in node.keywords if k.arg]
        if name in _BINDERS and any(is_id_name(k) for k in kwargs):
            return f"{name}({', '.join(k for k in kwargs if is_id_name(k))}=...)"
        for kw in node.keywords:
            if kw.arg == "extra" and isinstance(kw.value, ast.Dict) and _id_keys(kw.value):
                return "extra={...id...} on log calls"
        if name == "LoggerAdapter" and any(
            isinstance(a, ast.Dict) and _id_keys(a) for a in node.args
        ):
            return "LoggerAdapter with an id"
        attr = node.args[1] if name == "setattr" and len(node.args) >= 2 else None
        if isinstance(attr, ast.Constant) and is_id_name(str(attr.value)):
            return "setattr(record, <id>, ...)"
        if in_log_class and name == "get" and is_id_name(dotted(node.func)):
            return f"{dotted(node.func)}() read in a logging filter/formatter/processor"
    if isinstance(node, ast.Assign):
        for t in node.targets:
            if isinstance(t, ast.Attribute) and dotted(t.value) == "record" and is_id_name(t.attr):
                return f"record.{t.attr} set for log records"
    if isinstance(node, ast.Name | ast.Attribute) and dotted(node).endswith("merge_contextvars"):
        return "structlog merge_contextvars"
    return ""


def _id_keys(d: ast.Dict) -> bool:
    return any(isinstance(k, ast.Constant) and is_id_name(str(k.value)) for k in d.keys)


def _log_scopes(module: Module) -> set[int]:
    """Ids of nodes inside logging classes or record/event_dict processors."""
    ids: set[int] = set()
    for node in module.nodes:
        inside = False
        if isinstance(node, ast.ClassDef):
            inside = any(_LOG_CLASS_BASES.search(dotted(b)) for b in node.bases)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside = any(a.arg in {"record", "event_dict"} for a in node.args.args)
        if inside:
            ids |= {id(n) for n in ast.walk(node)}
    return ids


def log_facts(module: Module) -> LogFacts:
    """Collect :class:`LogFacts` for ``module``."""
    facts = LogFacts()
    guarded = _main_guard_nodes(module.tree)
    loggers = _loggers(module)
    log_scope = _log_scopes(module)
    if any(v.startswith("asgi_correlation_id") for v in module.imports.values()):
        facts.propagation.append("asgi_correlation_id")
    for node in module.nodes:
        how = _propagation(module, node, id(node) in log_scope)
        if how:
            facts.propagation.append(how)
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "print":
            if id(node) not in guarded and "print" not in module.imports:
                facts.prints.append(node)
            continue
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _LOG_METHODS:
            continue
        if not _is_logger(func.value, loggers):
            continue
        facts.log_calls.append(node)
        index = 1 if func.attr == "log" else 0
        if len(node.args) > index and (how := _formatting(node.args[index])):
            facts.formatted.append((node, how))
    return facts
