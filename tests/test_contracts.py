"""Guards on the declared contracts, read from the source (alongside mypy --strict).

Providers, sandboxes, graders and judges are used only through the members their
contracts declare (``evals.providers.Provider``, ``evals.sandbox.Sandbox``,
``graders.Grader``, ``graders.JudgeService``): no ``getattr``/``hasattr`` probing of
undeclared members, no ``Any`` standing in for one of them, no ``__getattr__``
forwarding. Data flows one way: graders never import the runner, reports never import
the providers. Each check names the file and line that broke it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("evals", "graders", "reports")
#: Names that hold one of the contract objects (``provider``, ``judge_provider``,
#: ``self.sandboxes``, ``JudgeGrader``), not merely mention one (``grader_options``).
CONTRACT = re.compile(r"(provider|sandbox|judge|grader)e?s?$", re.IGNORECASE)


def _name_of(expr: ast.expr) -> str:
    """The name an expression is read through: ``item.provider`` -> ``provider``."""
    while isinstance(expr, ast.Subscript | ast.Call | ast.Await):
        expr = expr.value if not isinstance(expr, ast.Call) else expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else ""


def _modules(*packages: str) -> Iterator[tuple[str, ast.Module]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            yield rel, ast.parse(path.read_text(encoding="utf-8"), rel)


def _probes(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """``getattr``/``hasattr`` on an expression that names a contract object."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr")
            and node.args
            and CONTRACT.search(_name_of(node.args[0]))
        ):
            yield node.lineno, ast.unparse(node)


def _mentions_any(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    return any(isinstance(n, ast.Name) and n.id == "Any" for n in ast.walk(annotation))


def _any_typed(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Parameters, attributes and variables naming a contract object but typed ``Any``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
                if arg is not None and CONTRACT.search(arg.arg) and _mentions_any(arg.annotation):
                    yield arg.lineno, f"{node.name}({arg.arg}: {ast.unparse(arg.annotation)})"  # type: ignore[arg-type]
            if CONTRACT.search(node.name) and _mentions_any(node.returns):
                yield node.lineno, f"def {node.name}(...) -> {ast.unparse(node.returns)}"  # type: ignore[arg-type]
        elif (
            isinstance(node, ast.AnnAssign)
            and _mentions_any(node.annotation)
            and CONTRACT.search(_name_of(node.target))
        ):
            yield node.lineno, f"{ast.unparse(node.target)}: {ast.unparse(node.annotation)}"


def _forwarders(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """A contract class that answers undeclared members through ``__getattr__``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and re.search(CONTRACT.pattern, node.name, re.I):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__getattr__":
                    yield item.lineno, f"class {node.name}: def __getattr__"


def _imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every imported module name, at any depth (lazy imports too), and import strings."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in ("importlib.import_module", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.lineno, str(node.args[0].value)


def _violations(check, *packages: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f"{rel}:{line}: {what}" for rel, tree in _modules(*packages) for line, what in check(tree)
    ]


def test_no_getattr_probing_of_contract_objects() -> None:
    assert _violations(_probes, *PACKAGES) == []


def test_no_any_typed_provider_sandbox_grader_or_judge() -> None:
    assert _violations(_any_typed, *PACKAGES) == []


def test_no_getattr_forwarding_on_contract_classes() -> None:
    assert _violations(_forwarders, *PACKAGES) == []


@pytest.mark.parametrize(
    ("package", "forbidden"), [("graders", "evals.runner"), ("reports", "evals.providers")]
)
def test_data_flows_one_way(package: str, forbidden: str) -> None:
    def bad(tree: ast.Module) -> Iterator[tuple[int, str]]:
        for line, name in _imports(tree):
            if name == forbidden or name.startswith(forbidden + "."):
                yield line, f"imports {name}"

    assert _violations(bad, package) == []


@pytest.mark.parametrize(
    "source",
    [
        "def f(sandbox):\n    close = getattr(sandbox, 'close', None)\n",
        "def f(self):\n    return getattr(self.providers['m'], 'solve')\n",
        "from typing import Any\ndef f(self):\n    self.providers: dict[str, Any] = {}\n",
        "def f(item):\n    return hasattr(item.provider, 'solve')\n",
        "from typing import Any\nclass C:\n    sandbox: Any\n",
        "from typing import Any\ndef f(judge_provider: 'dict[str, Any]') -> None: ...\n",
        "from typing import Any\ndef get_sandbox() -> Any: ...\n",
        "from typing import Any\ndef f(sandbox: Any = None) -> None: ...\n",
        "class CachingProvider:\n    def __getattr__(self, name): ...\n",
        "def f():\n    from evals.runner import Runner\n",
        "import importlib\nimportlib.import_module('evals.runner._grade')\n",
    ],
)
def test_the_guards_catch_what_they_are_for(source: str) -> None:
    """Each guard above fails on the pattern it forbids (so the empty lists mean something)."""
    tree = ast.parse(source)
    found = [
        *_probes(tree),
        *_any_typed(tree),
        *_forwarders(tree),
        *((line, n) for line, n in _imports(tree) if n.startswith("evals.runner")),
    ]
    assert found, source


def test_typed_lookalikes_pass_the_guards() -> None:
    source = (
        "from typing import Any\n"
        "from evals.sandbox import Sandbox\n"
        "grader_options: dict[str, Any] = {}\n"
        "def f(sandbox: Sandbox | None, options: dict[str, Any]) -> str:\n"
        "    return sandbox.name if sandbox is not None else getattr(options, 'x', '')\n"
    )
    tree = ast.parse(source)
    assert [*_probes(tree), *_any_typed(tree), *_forwarders(tree)] == []
