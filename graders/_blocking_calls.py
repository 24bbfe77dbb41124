"""Which calls block the event loop: the catalogue and the per-body finder.

Mirrors ruff's ASYNC rules (ASYNC210/212 HTTP, ASYNC220-222 subprocess, ASYNC230 file
open, ASYNC251 ``time.sleep``) and adds what they miss: sync DB drivers and their
connections/cursors, sync SQLAlchemy sessions (including a FastAPI ``db: Session``
parameter), ``requests.Session``/``httpx.Client`` objects, sockets, pathlib file I/O,
``shutil`` copies, and same-module helpers that do any of these.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graders._ast_util import Module, dotted, looks_like_db

__all__ = ["BLOCKING", "HANDLE_FACTORIES", "Blocking", "find_blocking", "handles_in"]

_HTTP = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")

#: Qualified name -> what it does (the evidence says this).
BLOCKING: dict[str, str] = {
    "time.sleep": "time.sleep() blocks the event loop (use await asyncio.sleep)",
    "open": "open() does blocking file I/O",
    "io.open": "io.open() does blocking file I/O",
    "os.system": "os.system() blocks until the command exits",
    "os.popen": "os.popen() runs a blocking subprocess",
    "urllib.request.urlopen": "urllib.request.urlopen() is blocking HTTP",
    "urllib.request.urlretrieve": "urllib.request.urlretrieve() is blocking HTTP",
    "socket.create_connection": "socket.create_connection() is a blocking socket",
    "socket.getaddrinfo": "socket.getaddrinfo() is a blocking DNS lookup",
    "socket.gethostbyname": "socket.gethostbyname() is a blocking DNS lookup",
    "sqlite3.connect": "sqlite3 is a synchronous DB driver",
    "psycopg2.connect": "psycopg2 is a synchronous DB driver",
    "psycopg.connect": "psycopg.connect() is synchronous (use AsyncConnection)",
    "pymysql.connect": "pymysql is a synchronous DB driver",
    "MySQLdb.connect": "MySQLdb is a synchronous DB driver",
    "mysql.connector.connect": "mysql.connector is a synchronous DB driver",
    "smtplib.SMTP": "smtplib.SMTP connects synchronously",
    "smtplib.SMTP_SSL": "smtplib.SMTP_SSL connects synchronously",
    "ftplib.FTP": "ftplib.FTP connects synchronously",
}
BLOCKING.update({f"requests.{m}": f"requests.{m}() is blocking HTTP" for m in _HTTP})
BLOCKING.update({f"httpx.{m}": f"httpx.{m}() is synchronous HTTP" for m in _HTTP})
for _name in ("run", "call", "check_call", "check_output", "Popen", "getoutput"):
    BLOCKING[f"subprocess.{_name}"] = f"subprocess.{_name}() runs a blocking subprocess"
for _name in ("copy", "copy2", "copyfile", "copytree", "rmtree", "move"):
    BLOCKING[f"shutil.{_name}"] = f"shutil.{_name}() does blocking file I/O"

#: Calls returning an object whose method calls block (a sync client, connection, ...).
HANDLE_FACTORIES: dict[str, str] = {
    "requests.Session": "a requests.Session",
    "requests.session": "a requests.Session",
    "httpx.Client": "a synchronous httpx.Client",
    "sqlite3.connect": "a sqlite3 connection",
    "psycopg2.connect": "a psycopg2 connection",
    "psycopg.connect": "a synchronous psycopg connection",
    "pymysql.connect": "a pymysql connection",
    "MySQLdb.connect": "a MySQLdb connection",
    "mysql.connector.connect": "a mysql.connector connection",
    "pymongo.MongoClient": "a synchronous pymongo client",
    "redis.Redis": "a synchronous redis client",
    "redis.StrictRedis": "a synchronous redis client",
    "redis.from_url": "a synchronous redis client",
    "redis.Redis.from_url": "a synchronous redis client",
    "sqlalchemy.create_engine": "a synchronous SQLAlchemy engine",
    "sqlalchemy.orm.Session": "a synchronous SQLAlchemy Session",
    "sqlalchemy.orm.sessionmaker": "a synchronous SQLAlchemy sessionmaker",
    "socket.socket": "a blocking socket",
    "socket.create_connection": "a blocking socket",
    "urllib3.PoolManager": "a urllib3 PoolManager",
    "boto3.client": "a boto3 client",
    "boto3.resource": "a boto3 resource",
    "smtplib.SMTP": "an SMTP connection",
}
#: Annotations marking a parameter as such an object (``db: Session = Depends(...)``).
_HANDLE_TYPES = {
    "sqlalchemy.orm.Session": "a synchronous SQLAlchemy Session",
    "sqlalchemy.orm.session.Session": "a synchronous SQLAlchemy Session",
    "sqlite3.Connection": "a sqlite3 connection",
    "sqlite3.Cursor": "a sqlite3 cursor",
    "requests.Session": "a requests.Session",
    "httpx.Client": "a synchronous httpx.Client",
    "psycopg2.extensions.connection": "a psycopg2 connection",
    "psycopg.Connection": "a synchronous psycopg connection",
    "redis.Redis": "a synchronous redis client",
}
#: Methods that derive another blocking object from a handle.
_DERIVE = {"cursor", "connect", "begin", "raw_connection", "pipeline", "Session"}
#: Handle methods that do no I/O.
_NO_IO = {"add", "add_all", "expunge", "expunge_all", "mount", "cursor", "pipeline"}
#: Un-awaited calls of these on a DB-named object are sync driver calls (async ones await).
_DB_METHODS = {"execute", "executemany", "executescript", "fetchone", "fetchall", "fetchmany",
               "commit", "rollback", "scalars", "scalar", "query"}  # fmt: skip
_FILE_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes"}
_PATHS = ("pathlib.Path", "Path")


@dataclass(frozen=True)
class Blocking:
    """A blocking call found in a function body."""

    node: ast.Call
    what: str
    #: For a call to a blocking helper: the blocking call it leads to.
    root: str = ""


def _handle_of(module: Module, value: ast.expr, handles: Mapping[str, str]) -> str | None:
    """What blocking object ``value`` evaluates to, if any."""
    if isinstance(value, ast.Await):
        return None
    if not isinstance(value, ast.Call):
        return handles.get(dotted(value)) if dotted(value) else None
    qual = module.qualify(value.func)
    if qual in HANDLE_FACTORIES:
        return HANDLE_FACTORIES[qual]
    func = value.func
    if dotted(func) in handles:  # SessionLocal() from a sessionmaker
        return handles[dotted(func)]
    if isinstance(func, ast.Attribute) and func.attr in _DERIVE:
        return _handle_of(module, func.value, handles)
    return None


def _bind(target: ast.expr, what: str | None, handles: dict[str, str]) -> None:
    name = dotted(target)
    if name and what:
        handles[name] = what


def handles_in(
    module: Module, body: Iterable[ast.AST], handles: Mapping[str, str]
) -> dict[str, str]:
    """``handles`` plus the blocking objects bound by assignments and ``with`` in ``body``."""
    found = dict(handles)
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            _bind(node.targets[0], _handle_of(module, node.value, found), found)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            _bind(node.target, _handle_of(module, node.value, found), found)
        elif isinstance(node, ast.With):
            for item in node.items:
                if item.optional_vars is not None:
                    what = _handle_of(module, item.context_expr, found)
                    _bind(item.optional_vars, what, found)
        elif isinstance(node, ast.arg) and node.annotation is not None:
            qual = module.qualify(node.annotation)
            if qual in _HANDLE_TYPES:
                found[node.arg] = _HANDLE_TYPES[qual]
    return found


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    a = fn.args
    return [*a.posonlyargs, *a.args, *a.kwonlyargs]


def find_blocking(
    module: Module,
    fn: ast.FunctionDef | ast.AsyncFunctionDef,
    handles: Mapping[str, str],
    helpers: Mapping[str, str],
) -> list[Blocking]:
    """Blocking calls in ``fn``'s own body (not nested functions), awaited calls excluded.

    ``helpers`` maps same-module sync function names (``load`` or ``self.load``) to
    why they block.
    """
    nodes = module.scope(fn)
    local = handles_in(module, [*_params(fn), *nodes], handles)
    awaited = {id(n.value) for n in nodes if isinstance(n, ast.Await)}
    # ``async with db.execute(...)`` / ``async for r in conn.cursor(...)``: async APIs.
    awaited |= {id(i.context_expr) for n in nodes if isinstance(n, ast.AsyncWith) for i in n.items}
    awaited |= {id(n.iter) for n in nodes if isinstance(n, ast.AsyncFor)}
    out: list[Blocking] = []
    for node in nodes:
        if not isinstance(node, ast.Call) or id(node) in awaited:
            continue
        name = dotted(node.func)
        if name in helpers:
            what = f"calls {name}(), which leads to blocking I/O: {helpers[name]}"
            out.append(Blocking(node, what, root=helpers[name]))
            continue
        what = _classify(module, node, local)
        if what:
            out.append(Blocking(node, what))
    return out


def _classify(module: Module, call: ast.Call, handles: Mapping[str, str]) -> str:
    qual = module.qualify(call.func)
    if qual in BLOCKING and not (qual == "open" and "open" in module.imports):
        return BLOCKING[qual]
    func = call.func
    if not isinstance(func, ast.Attribute):
        return ""
    receiver = dotted(func.value)
    if receiver in handles and func.attr not in _NO_IO:
        return f"{receiver}.{func.attr}() on {handles[receiver]} blocks the event loop"
    if func.attr in _DB_METHODS and looks_like_db(receiver):
        return (
            f"{receiver}.{func.attr}() is not awaited: a synchronous database call blocks "
            "the event loop"
        )
    if func.attr in _FILE_METHODS:
        return f".{func.attr}() does blocking file I/O"
    opened = func.value
    is_path = isinstance(opened, ast.Call) and module.qualify(opened.func) in _PATHS
    if func.attr == "open" and is_path:
        return "Path.open() does blocking file I/O"
    return ""
