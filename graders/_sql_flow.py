"""Within-module dataflow for SQL text: statements, branches, loops and helper summaries.

The analysis runs the module's code abstractly. Variables hold :class:`Val`s;
branches are analysed separately and merged; loops run until their variables stop
changing (at most twice); ``if x not in ALLOWED: raise`` narrows ``x`` to a constant.
Each function is analysed once, lazily, into a summary (its return value, and which
parameters it passes unchanged to a sink) that call sites in the same module use.
"""

from __future__ import annotations

import ast

from graders._sql_exprs import Env, ExprEvaluator, Finding, Frame
from graders._sql_sinks import dotted_name, import_map
from graders._sql_values import (
    UNKNOWN,
    Origin,
    Val,
    const_str,
    container,
    element,
    join,
    join_all,
    without_param_taints,
)

__all__ = ["analyse_module"]

_Func = ast.FunctionDef | ast.AsyncFunctionDef
_Summary = tuple[Val, dict[str, str]]
_NARROWING_METHODS = frozenset({"lower", "upper", "strip", "casefold"})


def _merge(a: Env | None, b: Env | None) -> Env | None:
    if a is None:
        return b
    if b is None:
        return a
    out = dict(a)
    for name, v in b.items():
        out[name] = join(out[name], v) if name in out else v
    return out


class _ModuleAnalysis(ExprEvaluator):
    def __init__(self, tree: ast.Module, nodes: list[ast.AST] | None = None) -> None:
        self.tree = tree
        #: Every node, from one walk of the tree (walking is the analysis's main cost).
        self.nodes = nodes if nodes is not None else list(ast.walk(tree))
        self.imports = import_map(self.nodes)
        self.generators = {n.lineno for n in self.nodes if isinstance(n, ast.Yield | ast.YieldFrom)}
        self.globals: Env = {}
        self.class_consts: dict[str, Env] = {}
        self.findings: set[Finding] = set()
        self.built: dict[Origin, tuple[Finding, str | None]] = {}
        self.ready = False
        #: Name -> every definition of it (a module may define one name twice).
        self.functions: dict[str, list[tuple[_Func, str | None]]] = {}
        self.enums: set[str] = set()
        self._summaries: dict[int, _Summary] = {}
        self._frames: dict[int, Frame] = {}
        self._in_progress: set[int] = set()
        #: Function name -> for each call site in the module, its parameters bound to
        #: constants.
        self.calls: dict[str, list[set[str]]] = {}

    # -- driver ----------------------------------------------------------------------

    def run(self) -> list[Finding]:
        self._collect(self.tree.body, None)
        known = {id(fn) for defs in self.functions.values() for fn, _ in defs}
        for node in self.nodes:  # nested functions, by their simple name
            if isinstance(node, _Func) and id(node) not in known:
                self.functions.setdefault(node.name, []).append((node, None))
        module = Frame(key=None, cls=None)
        env: Env = {}
        self._block(self.tree.body, env, module)  # pass 1: module-level values only
        for node in self.nodes:
            if isinstance(node, ast.Global):
                for name in node.names:
                    env.pop(name, None)
        self.globals = env
        self.ready = True
        self._class_constants()
        self._block(self.tree.body, dict(env), module)
        for defs in self.functions.values():
            for node, cls in defs:
                self._analyse(node, cls)
        self._raw_parameters()
        self._built_only()
        return sorted(self.findings, key=lambda f: (f.origin.line, f.sink_line, f.severity))

    def _raw_parameters(self) -> None:
        """A parameter executed as the whole SQL text, in a function nothing here calls."""
        for key, defs in self.functions.items():
            if self.calls.get(key.rpartition(".")[2]):
                continue  # call sites report what they pass (see call_function)
            for node, _ in defs:
                frame = self._frames.get(id(node))
                for param, (sink, line) in (frame.raw_params if frame else {}).items():
                    arg = next(a for a in _all_args(node) if a.arg == param)
                    what = (
                        f"parameter `{param}` of {node.name}() is executed as the whole SQL "
                        "text, with no bind parameters"
                    )
                    origin = Origin(arg.lineno, arg.col_offset, what, param=param)
                    self.findings.add(Finding("injection", origin, sink, line))

    def _built_only(self) -> None:
        """SQL text built from data that no sink here received: a finding of its own."""
        reached = {f.origin for f in self.findings}
        for origin, (finding, key) in self.built.items():
            if origin in reached:
                continue
            name = key.rpartition(".")[2] if key else None
            if origin.param is not None and name is not None:
                sites = self.calls.get(name, [])
                if sites and all(origin.param in consts for consts in sites):
                    continue  # every caller here passes a constant: style only
            self.findings.add(finding)

    def _collect(self, body: list[ast.stmt], cls: str | None) -> None:
        for node in body:
            if isinstance(node, _Func):
                key = f"{cls}.{node.name}" if cls else node.name
                self.functions.setdefault(key, []).append((node, cls))
            elif isinstance(node, ast.ClassDef):
                bases = [dotted_name(b, self.imports) or "" for b in node.bases]
                if any(b.endswith("Enum") for b in bases):
                    self.enums.add(node.name)
                self._collect(node.body, node.name)

    def _class_constants(self) -> None:
        for node in self.nodes:
            if not isinstance(node, ast.ClassDef):
                continue
            consts: Env = {}
            fr = Frame(key=None, cls=node.name)
            for st in node.body:
                value = st.value if isinstance(st, ast.Assign | ast.AnnAssign) else None
                targets = (
                    st.targets if isinstance(st, ast.Assign) else [getattr(st, "target", None)]
                )
                for t in targets:
                    if value is not None and isinstance(t, ast.Name):
                        consts[t.id] = self.ev(value, dict(self.globals), fr)
            assigned: dict[str, list[ast.expr]] = {}
            for sub in ast.walk(node):
                if isinstance(sub, ast.Assign | ast.AugAssign | ast.AnnAssign):
                    ts = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                    for t in ts:
                        if (
                            isinstance(t, ast.Attribute)
                            and isinstance(t.value, ast.Name)
                            and t.value.id in ("self", "cls")
                        ):
                            assigned.setdefault(t.attr, []).append(sub.value or t)
            for attr, values in assigned.items():
                if all(isinstance(v, ast.Constant) for v in values) and attr not in consts:
                    consts[attr] = join_all([self.ev(v, {}, fr) for v in values]) or UNKNOWN
                else:
                    consts.pop(attr, None)
            self.class_consts[node.name] = {k: v for k, v in consts.items() if v.const or v.safe}

    # -- functions -------------------------------------------------------------------

    def _param_value(self, arg: ast.arg) -> Val:
        ann = arg.annotation
        names = []
        if ann is not None:
            parts = [ann.left, ann.right] if isinstance(ann, ast.BinOp) else [ann]
            for part in parts:
                target = part.value if isinstance(part, ast.Subscript) else part
                names.append(dotted_name(target, self.imports) or "")
            if any(n.endswith("Literal") for n in names) or any(n in self.enums for n in names):
                return Val(const=True, is_str=True)
        return Val(param=arg.arg)

    def _analyse(self, node: _Func, cls: str | None) -> _Summary:
        """Analyse one function definition once: (return value, parameter -> sink)."""
        if id(node) in self._summaries:
            return self._summaries[id(node)]
        if id(node) in self._in_progress or not self.ready:
            return UNKNOWN, {}
        self._in_progress.add(id(node))
        key = f"{cls}.{node.name}" if cls else node.name
        fr = Frame(key=key, cls=cls)
        env: Env = {}
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                env[extra.arg] = UNKNOWN
        for a in _all_args(node):
            env[a.arg] = self._param_value(a)
        self._block(node.body, env, fr)
        ret = join_all(fr.returns) or UNKNOWN
        end = node.end_lineno or node.lineno
        if any(node.lineno <= line <= end for line in self.generators):
            ret = UNKNOWN  # a generator's "return value" is not what callers receive
        self._summaries[id(node)] = (ret, fr.sink_params)
        self._frames[id(node)] = fr
        self._in_progress.discard(id(node))
        return self._summaries[id(node)]

    def call_function(
        self, key: str, call: ast.Call, args: list[Val], kwargs: dict[str, Val], fr: Frame
    ) -> Val | None:
        if key not in self.functions or not self.ready:
            return None
        # At run time the last definition of a name is the one called.
        node, cls = self.functions[key][-1]
        ret, sink_params = self._analyse(node, cls)
        params = [*node.args.posonlyargs, *node.args.args]
        if cls is not None and params and params[0].arg in ("self", "cls"):
            params = params[1:]
        bound: Env = {p.arg: v for p, v in zip(params, args, strict=False)}
        bound.update({k: v for k, v in kwargs.items() if k != "**"})
        defaults = node.args.defaults
        for p, d in zip(params[len(params) - len(defaults) :], defaults, strict=True):
            if p.arg not in bound and isinstance(d, ast.Constant):
                bound[p.arg] = const_str(d.value) if isinstance(d.value, str) else Val(const=True)
        self.calls.setdefault(key.rpartition(".")[2], []).append(
            {p for p, v in bound.items() if v.const}
        )
        for param, sink in sink_params.items():
            if param in bound:
                self.report(
                    bound[param], f"{getattr(node, 'name', key)}() -> {sink}", False, call, fr
                )
        if ret.param is not None and not ret.taints:
            return bound.get(ret.param, UNKNOWN)
        return without_param_taints(ret, {p for p, v in bound.items() if v.const})

    # -- statements ------------------------------------------------------------------

    def _block(self, body: list[ast.stmt], env: Env, fr: Frame) -> Env | None:
        current: Env | None = env
        for st in body:
            if current is None:
                return None
            current = self._stmt(st, current, fr)
        return current

    def _stmt(self, st: ast.stmt, env: Env, fr: Frame) -> Env | None:  # noqa: C901 - dispatcher
        if isinstance(st, ast.Assign):
            v = self.ev(st.value, env, fr)
            for t in st.targets:
                self.bind(t, v, env)
        elif isinstance(st, ast.AnnAssign):
            if st.value is not None:
                self.bind(st.target, self.ev(st.value, env, fr), env)
        elif isinstance(st, ast.AugAssign):
            right = self.ev(st.value, env, fr)
            left = self.ev(st.target, env, fr)
            value = self.binop_values(st.op, left, right, st, st.target, st.value)
            self.bind(st.target, self.built_text(value, st, fr), env)
        elif isinstance(st, ast.Expr):
            self.ev(st.value, env, fr)
        elif isinstance(st, ast.Return):
            fr.returns.append(
                self.ev(st.value, env, fr) if st.value is not None else Val(const=True)
            )
            return None
        elif isinstance(st, ast.Raise):
            if st.exc is not None:
                self.ev(st.exc, env, fr)
            return None
        elif isinstance(st, ast.Continue | ast.Break):
            return None
        elif isinstance(st, ast.If):
            self.ev(st.test, env, fr)
            pos, neg = self.narrow(st.test, env, fr)
            return _merge(
                self._block(st.body, {**env, **pos}, fr),
                self._block(st.orelse, {**env, **neg}, fr),
            )
        elif isinstance(st, ast.For | ast.AsyncFor | ast.While):
            return self._loop(st, env, fr)
        elif isinstance(st, ast.With | ast.AsyncWith):
            for item in st.items:
                v = self.ev(item.context_expr, env, fr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, Val(safe=True) if v.safe else UNKNOWN, env)
            return self._block(st.body, env, fr)
        elif isinstance(st, ast.Try | ast.TryStar):
            return self._try(st, env, fr)
        elif isinstance(st, ast.Assert):
            self.ev(st.test, env, fr)
            env.update(self.narrow(st.test, env, fr)[0])
        elif isinstance(st, ast.Match):
            self.ev(st.subject, env, fr)
            out: Env | None = dict(env)
            for case in st.cases:
                out = _merge(out, self._block(case.body, dict(env), fr))
            return out
        return env

    def _loop(self, st: ast.For | ast.AsyncFor | ast.While, env: Env, fr: Frame) -> Env | None:
        state = dict(env)
        for _ in range(2):
            inner = dict(state)
            if isinstance(st, ast.While):
                self.ev(st.test, inner, fr)
            else:
                self.bind(st.target, element(self.ev(st.iter, inner, fr)), inner)
            merged = _merge(state, self._block(st.body, inner, fr)) or state
            if merged == state:
                break
            state = merged
        return self._block(st.orelse, state, fr) if st.orelse else state

    def _try(self, st: ast.Try | ast.TryStar, env: Env, fr: Frame) -> Env | None:
        body = self._block(st.body, dict(env), fr)
        start = _merge(dict(env), body) or dict(env)
        outs: Env | None = self._block(st.orelse, body, fr) if body is not None else None
        for handler in st.handlers:
            henv = dict(start)
            if handler.name:
                henv[handler.name] = UNKNOWN
            outs = _merge(outs, self._block(handler.body, henv, fr))
        if st.finalbody:
            after = self._block(st.finalbody, dict(outs if outs is not None else start), fr)
            return after if outs is not None else None
        return outs

    # -- binding and narrowing -------------------------------------------------------

    def bind(self, target: ast.expr, v: Val, env: Env) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = v
        elif isinstance(target, ast.Tuple | ast.List):
            items = v.items if v.items is not None and len(v.items) == len(target.elts) else None
            for i, t in enumerate(target.elts):
                if isinstance(t, ast.Starred):
                    self.bind(t.value, container(element(v)), env)
                else:
                    self.bind(t, items[i] if items is not None else element(v), env)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            name = target.value.id
            if name in env:
                old = env[name]
                env[name] = container(join(old.elem, v) if old.elem else v, keys=old.keys)

    def narrow(self, test: ast.expr, env: Env, fr: Frame) -> tuple[Env, Env]:
        """Facts that hold when ``test`` is true, and when it is false."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            pos, neg = self.narrow(test.operand, env, fr)
            return neg, pos
        if isinstance(test, ast.BoolOp):
            parts = [self.narrow(v, env, fr) for v in test.values]
            if isinstance(test.op, ast.And):
                return {k: v for p, _ in parts for k, v in p.items()}, {}
            return {}, {k: v for _, n in parts for k, v in n.items()}
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return {}, {}
        subject = test.left
        if (
            isinstance(subject, ast.Call)
            and isinstance(subject.func, ast.Attribute)
            and subject.func.attr in _NARROWING_METHODS
        ):
            subject = subject.func.value
        if not isinstance(subject, ast.Name) or not isinstance(test.ops[0], ast.In | ast.NotIn):
            return {}, {}
        allowed = self.ev(test.comparators[0], env, fr)
        members = allowed.keys if allowed.keys is not None else allowed.elem
        if members is None or not members.const:
            return {}, {}
        fact = {subject.id: Val(const=True, is_str=True, hint=members.hint)}
        return (fact, {}) if isinstance(test.ops[0], ast.In) else ({}, fact)


def _all_args(node: _Func) -> list[ast.arg]:
    return [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]


def analyse_module(tree: ast.Module, nodes: list[ast.AST] | None = None) -> list[Finding]:
    """Every place in ``tree`` where SQL text is built from data, or reaches a sink.

    ``nodes``: every node of ``tree``, when the caller has walked it already.
    """
    return _ModuleAnalysis(tree, nodes).run()
