"""AutoGraph-style conversion: Python `if`, `while` and `for` on symbolic tensors become
`tf.cond` / `tf.while_loop` when a `tf.function` traces.

`convert(fn)` rewrites the function's source once (with `ast`): each convertible statement
becomes a call into this module with the statement's blocks as nested functions, and the
variables the blocks assign as explicit inputs and outputs. At run time the helpers decide:
a Python condition (or a concrete tensor) runs the plain Python statement; a symbolic one
builds the graph construct. `return` inside `if` statements is lifted into one result
variable, and a loop's `break` / `continue` into boolean flags. Statements that still contain
`return` (inside a loop), `yield`, `global` or `nonlocal` are left alone; a symbolic condition
there raises the error that names the line and says to use `tf.cond` / `tf.while_loop`.
"""

from __future__ import annotations

import ast
import functools
import inspect
import logging
import textwrap
import types
from collections.abc import Callable
from typing import Any

from eagerflow.graph.control_flow import Undefined, cond
from eagerflow.graph.ir import SymbolicTensor
from eagerflow.graph.while_loop import while_loop

logger = logging.getLogger("eagerflow.autograph")

_MODULE_NAME = "_eagerflow_autograph_"
_UNCONVERTIBLE = (ast.Return, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom)
_UNCONVERTIBLE += (ast.Global, ast.Nonlocal, ast.Await)


# -- run-time helpers called by converted code -------------------------------------------
def get_vars(local_values: dict, names: tuple) -> tuple:
    return tuple(local_values.get(n, Undefined(n)) for n in names)


def _is_symbolic(x: Any) -> bool:
    return isinstance(x, SymbolicTensor)


def if_stmt(test: Any, true_fn: Callable, false_fn: Callable, values: tuple, names: tuple) -> Any:
    if not _is_symbolic(test):
        return true_fn(*values) if test else false_fn(*values)
    return tuple(cond(test, lambda: tuple(true_fn(*values)), lambda: tuple(false_fn(*values))))


def while_stmt(test_fn: Callable, body_fn: Callable, values: tuple, names: tuple) -> tuple:
    values = tuple(values)
    while True:
        test = test_fn(*values)
        if _is_symbolic(test):
            return _graph_while(test_fn, body_fn, values, names)
        if not test:
            return values
        values = tuple(body_fn(*values))


def _graph_while(test_fn: Callable, body_fn: Callable, values: tuple, names: tuple) -> tuple:
    carried = [i for i, v in enumerate(values) if not isinstance(v, Undefined)]

    def full(vs: tuple) -> list:
        out = list(values)
        for i, v in zip(carried, vs):
            out[i] = v
        return out

    def test(*vs: Any) -> Any:
        return test_fn(*full(vs))

    def body(*vs: Any) -> tuple:
        out = body_fn(*full(vs))
        return tuple(out[i] for i in carried)

    initial = tuple(values[i] for i in carried)
    result = while_loop(test, body, initial) if initial else ()
    out = list(values)
    for i, v in zip(carried, result):
        out[i] = v
    return tuple(out)


class _RangeSpec:
    """`tf.range(...)` / `range(...)` with a symbolic bound, iterated by a graph loop."""

    def __init__(self, start: Any, limit: Any, delta: Any) -> None:
        self.start, self.limit, self.delta = start, limit, delta


def range_(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    if any(_is_symbolic(a) for a in args) and not kwargs:
        start, limit, delta = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
        return _RangeSpec(start, limit, delta)
    return fn(*args, **kwargs)


def not_any(*flags: Any) -> Any:
    """`not (a or b ...)` for Python bools and symbolic bool tensors (break/continue flags)."""
    if not any(_is_symbolic(f) for f in flags):
        return not any(bool(f) for f in flags if not isinstance(f, Undefined))
    from eagerflow.ops import logical_ops  # noqa: PLC0415

    result = None
    for f in flags:
        if isinstance(f, Undefined):
            continue
        result = f if result is None else logical_ops.logical_or(result, f)
    return logical_ops.logical_not(result)


def loop_test(broken: Any, test: Callable) -> Any:
    """A loop's condition once `break` is lowered to a flag: `not broken and test()`."""
    if not _is_symbolic(broken):
        return False if broken else test()
    from eagerflow.ops import logical_ops  # noqa: PLC0415

    return logical_ops.logical_and(logical_ops.logical_not(broken), test())


def _break_index(names: tuple) -> int | None:
    for i, n in enumerate(names):
        if n.startswith("_ag_break_"):
            return i
    return None


def for_stmt(iterable: Any, body_fn: Callable, values: tuple, names: tuple) -> tuple:
    if isinstance(iterable, _RangeSpec):
        return _graph_for_range(iterable, body_fn, values, names)
    if _is_symbolic(iterable):
        return _graph_for_tensor(iterable, body_fn, values, names)
    values = tuple(values)
    stop = _break_index(names)
    for item in iterable:
        values = tuple(body_fn(item, *values))
        # A symbolic flag cannot stop a Python loop: later iterations are guarded instead.
        if stop is not None and not _is_symbolic(values[stop]) and values[stop]:
            break
    return values


def _with_break(test: Callable, names: tuple) -> Callable:
    stop = _break_index(names)
    if stop is None:
        return test

    def guarded(i: Any, *vs: Any) -> Any:
        return loop_test(vs[stop], lambda: test(i, *vs))

    return guarded


def _graph_for_range(spec: _RangeSpec, body_fn: Callable, values: tuple, names: tuple) -> tuple:
    from eagerflow.core.convert import convert_to_tensor  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    limit = convert_to_tensor(spec.limit)
    start = cast(convert_to_tensor(spec.start), limit.dtype)
    delta = cast(convert_to_tensor(spec.delta), limit.dtype)

    def test(i: Any, *vs: Any) -> Any:
        from eagerflow.ops import logical_ops  # noqa: PLC0415

        if not _is_symbolic(delta):
            return i < limit if float(delta) > 0 else i > limit
        up = logical_ops.logical_and(delta > 0, i < limit)
        down = logical_ops.logical_and(delta < 0, i > limit)
        return logical_ops.logical_or(up, down)

    def body(i: Any, *vs: Any) -> tuple:
        return (i + delta, *body_fn(i, *vs))

    return _graph_while(_with_break(test, names), body, (start, *values), ("<index>", *names))[1:]


def _graph_for_tensor(x: Any, body_fn: Callable, values: tuple, names: tuple) -> tuple:
    from eagerflow.core.convert import constant  # noqa: PLC0415
    from eagerflow.ops.array_ops import shape  # noqa: PLC0415
    from eagerflow.ops.gather_ops import gather  # noqa: PLC0415

    n = x.shape[0] if x.shape.rank and x.shape[0] is not None else shape(x)[0]

    def test(j: Any, *vs: Any) -> Any:
        return j < n

    def body(j: Any, *vs: Any) -> tuple:
        return (j + 1, *body_fn(gather(x, j), *vs))

    start = (constant(0), *values)
    return _graph_while(_with_break(test, names), body, start, ("<index>", *names))[1:]


# -- the source transformation ----------------------------------------------------------------
def _assigned_names(stmts: list) -> list:
    """Names bound by the statements (not inside nested functions or classes), in order."""
    found: dict[str, None] = {}

    class Visitor(ast.NodeVisitor):
        def visit_Name(self, node: ast.Name) -> None:
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                found.setdefault(node.id, None)

        def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
            if not node.name.startswith("_ag_"):  # the converter's own block functions
                found.setdefault(node.name, None)

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_ClassDef(self, node: ast.ClassDef) -> None:
            found.setdefault(node.name, None)

        def visit_Lambda(self, node: ast.Lambda) -> None:
            pass

        def visit_ListComp(self, node: ast.AST) -> None:
            pass

        visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

        def visit_alias(self, node: ast.alias) -> None:
            found.setdefault((node.asname or node.name).split(".")[0], None)

    for stmt in stmts:
        Visitor().visit(stmt)
    return list(found)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _walk_scope(stmts: list) -> Any:
    """Like `ast.walk`, but not into nested functions, lambdas or classes (their returns and
    loops are their own)."""
    todo = list(stmts)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, _SCOPES):
            todo.extend(ast.iter_child_nodes(node))


def _convertible(stmts: list) -> bool:
    return not any(isinstance(node, _UNCONVERTIBLE) for node in _walk_scope(stmts))


class _Transformer(ast.NodeTransformer):
    def __init__(self) -> None:
        self.count = 0
        self.changed = False

    def _name(self, kind: str) -> str:
        self.count += 1
        return f"_ag_{kind}_{self.count}"

    @staticmethod
    def _args(names: list, extra: list | None = None) -> ast.arguments:
        params = [ast.arg(arg=n) for n in (extra or []) + names]
        return ast.arguments(
            posonlyargs=[], args=params, kwonlyargs=[], kw_defaults=[], defaults=[]
        )

    @staticmethod
    def _tuple(names: list, ctx: Any) -> ast.Tuple:
        return ast.Tuple(elts=[ast.Name(id=n, ctx=ctx()) for n in names], ctx=ctx())

    def _def(self, name: str, params: list, body: list, names: list, extra=None) -> ast.stmt:
        ret = ast.Return(value=self._tuple(names, ast.Load))
        return ast.FunctionDef(
            name=name,
            args=self._args(params, extra),
            body=(body or [ast.Pass()]) + [ret],
            decorator_list=[],
            returns=None,
            type_params=[],
        )

    def _call(self, helper: str, args: list, names: list) -> ast.stmt:
        values = ast.Call(
            func=ast.Attribute(
                value=ast.Name(id=_MODULE_NAME, ctx=ast.Load()), attr="get_vars", ctx=ast.Load()
            ),
            args=[
                ast.Call(func=ast.Name(id="locals", ctx=ast.Load()), args=[], keywords=[]),
                ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load()),
            ],
            keywords=[],
        )
        call = ast.Call(
            func=ast.Attribute(
                value=ast.Name(id=_MODULE_NAME, ctx=ast.Load()), attr=helper, ctx=ast.Load()
            ),
            args=args + [values, ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())],
            keywords=[],
        )
        if not names:
            return ast.Expr(value=call)
        return ast.Assign(targets=[self._tuple(names, ast.Store)], value=call)

    def visit_If(self, node: ast.If) -> Any:
        self.generic_visit(node)
        if not _convertible(node.body + node.orelse):
            return node
        names = _assigned_names(node.body + node.orelse)
        t, f = self._name("true"), self._name("false")
        out = [
            self._def(t, names, node.body, names),
            self._def(f, names, node.orelse, names),
            self._call(
                "if_stmt",
                [node.test, ast.Name(id=t, ctx=ast.Load()), ast.Name(id=f, ctx=ast.Load())],
                names,
            ),
        ]
        self.changed = True
        return [ast.copy_location(s, node) for s in out]

    def _lower_loop(self, node: Any) -> list:
        """Lowers the loop's own break/continue to flags; returns statements to put before."""
        if node.orelse or not _escapes(node.body):
            return []
        self.count += 1
        brk, cont = f"_ag_break_{self.count}", f"_ag_continue_{self.count}"
        body = _lower_escapes(node.body, brk, cont)
        if body is None or not _convertible(body):
            return []  # left as Python (a lowered `for` would no longer stop early)
        node.body = [_assign(cont, False)] + body
        if isinstance(node, ast.While):
            test = ast.Lambda(args=self._args([]), body=node.test)
            node.test = _helper("loop_test", [ast.Name(id=brk, ctx=ast.Load()), test])
        return [_assign(brk, False)]

    def visit_While(self, node: ast.While) -> Any:
        prefix = self._lower_loop(node)
        self.generic_visit(node)
        if node.orelse or not _convertible(node.body):
            return prefix + [node] if prefix else node
        names = _assigned_names(node.body)
        test_name, body_name = self._name("test"), self._name("body")
        test_def = ast.FunctionDef(
            name=test_name,
            args=self._args(names),
            body=[ast.Return(value=node.test)],
            decorator_list=[],
            returns=None,
            type_params=[],
        )
        out = [
            test_def,
            self._def(body_name, names, node.body, names),
            self._call(
                "while_stmt",
                [ast.Name(id=test_name, ctx=ast.Load()), ast.Name(id=body_name, ctx=ast.Load())],
                names,
            ),
        ]
        self.changed = True
        return [ast.copy_location(s, node) for s in prefix + out]

    def visit_For(self, node: ast.For) -> Any:
        prefix = self._lower_loop(node)
        self.generic_visit(node)
        if node.orelse or not _convertible(node.body):
            return prefix + [node] if prefix else node
        names = _assigned_names(node.body)
        target_names = _assigned_names([ast.Assign(targets=[node.target], value=node.iter)])
        names = [n for n in names if n not in target_names]
        item = f"_ag_item_{self.count + 1}"
        body_name = self._name("for")
        unpack = ast.Assign(targets=[node.target], value=ast.Name(id=item, ctx=ast.Load()))
        body = [ast.copy_location(unpack, node)] + node.body
        iterable = node.iter
        if (
            isinstance(iterable, ast.Call)
            and (
                (isinstance(iterable.func, ast.Attribute) and iterable.func.attr == "range")
                or (isinstance(iterable.func, ast.Name) and iterable.func.id == "range")
            )
            and not any(isinstance(a, ast.Starred) for a in iterable.args)
        ):
            iterable = ast.Call(
                func=ast.Attribute(
                    value=ast.Name(id=_MODULE_NAME, ctx=ast.Load()), attr="range_", ctx=ast.Load()
                ),
                args=[iterable.func] + iterable.args,
                keywords=iterable.keywords,
            )
        out = [
            self._def(body_name, names, body, names, extra=[item]),
            self._call("for_stmt", [iterable, ast.Name(id=body_name, ctx=ast.Load())], names),
        ]
        self.changed = True
        return [ast.copy_location(s, node) for s in prefix + out]


_LOOPS = (ast.For, ast.While, ast.AsyncFor)


def _escapes(stmts: list) -> bool:
    """Whether the statements hold a `break`/`continue` of the enclosing loop (not of a nested
    loop or function)."""
    todo = list(stmts)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Break, ast.Continue)):
            return True
        if not isinstance(node, _SCOPES + _LOOPS):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _assign(name: str, value: Any) -> ast.stmt:
    return ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=ast.Constant(value))


def _helper(attr: str, args: list) -> ast.Call:
    func = ast.Attribute(value=ast.Name(id=_MODULE_NAME, ctx=ast.Load()), attr=attr, ctx=ast.Load())
    return ast.Call(func=func, args=args, keywords=[])


def _lower_escapes(stmts: list, brk: str, cont: str) -> list | None:
    """`break` / `continue` become flag assignments; what follows them runs only while
    neither flag is set. None when an escape sits where this cannot follow it (try, with)."""
    out: list = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.Break):
            return out + [_assign(brk, True)]
        if isinstance(stmt, ast.Continue):
            return out + [_assign(cont, True)]
        if not _escapes([stmt]):
            out.append(stmt)
            continue
        if not isinstance(stmt, ast.If):
            return None
        body = _lower_escapes(stmt.body, brk, cont)
        orelse = _lower_escapes(stmt.orelse, brk, cont)
        rest = _lower_escapes(stmts[i + 1 :], brk, cont)
        if body is None or orelse is None or rest is None:
            return None
        out.append(ast.If(test=stmt.test, body=body or [ast.Pass()], orelse=orelse))
        if rest:
            flags = [ast.Name(id=brk, ctx=ast.Load()), ast.Name(id=cont, ctx=ast.Load())]
            out.append(ast.If(test=_helper("not_any", flags), body=rest, orelse=[]))
        return out
    return out


def _has_return(stmts: list) -> bool:
    return any(isinstance(node, ast.Return) for node in _walk_scope(stmts))


def _ends_with_return(stmts: list) -> bool:
    return bool(stmts) and isinstance(stmts[-1], ast.Return)


def _lift_returns(stmts: list) -> list:
    """Moves the statements after an `if` that returns into its branches, so that every
    branch ends in a `return` (`if c: return a` + `return b` -> `if c: return a else:
    return b`). Returns inside loops are left alone."""
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.If) and _has_return([stmt]):
            rest = stmts[i + 1 :]
            body = _lift_returns(stmt.body)
            orelse = _lift_returns(stmt.orelse)
            if not _ends_with_return(body):
                body = _lift_returns(body + rest)
            if not _ends_with_return(orelse):
                orelse = _lift_returns(orelse + rest)
            return stmts[:i] + [ast.If(test=stmt.test, body=body, orelse=orelse)]
    return stmts


def _returns_to_assignments(stmts: list, name: str) -> list | None:
    """Rewrites a block whose returns are all lifted into `name = value` assignments ending
    each path; None when some return cannot be rewritten (inside a loop, say)."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Return):
            value = stmt.value if stmt.value is not None else ast.Constant(None)
            out.append(ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value))
            return out
        if isinstance(stmt, ast.If) and _has_return([stmt]):
            body = _returns_to_assignments(stmt.body, name)
            orelse = _returns_to_assignments(stmt.orelse, name)
            if body is None or orelse is None:
                return None
            out.append(ast.If(test=stmt.test, body=body, orelse=orelse))
            continue
        if _has_return([stmt]):
            return None
        out.append(stmt)
    return out


def _convert_returns(func: ast.FunctionDef) -> None:
    """`if` statements that return become assignments to one result variable, returned at the
    end, so that the `if` can be converted to `tf.cond`."""
    if not any(isinstance(s, ast.If) and _has_return([s]) for s in _walk_scope(func.body)):
        return
    body = list(func.body)
    if not _ends_with_return(body):
        body.append(ast.Return(value=None))
    lifted = _lift_returns(body)
    rewritten = _returns_to_assignments(lifted, "_ag_retval")
    if rewritten is None:
        return
    result = ast.Return(value=ast.Name(id="_ag_retval", ctx=ast.Load()))
    func.body = rewritten + [result]


def convert(fn: Callable) -> Callable:
    """`fn` with its control flow converted, or `fn` itself when there is nothing to convert
    or its source is unavailable (lambdas, builtins, interactive input)."""
    if isinstance(fn, functools.partial):
        converted = convert(fn.func)
        return fn if converted is fn.func else functools.partial(converted, *fn.args, **fn.keywords)
    if isinstance(fn, types.MethodType):
        converted = convert(fn.__func__)
        return fn if converted is fn.__func__ else types.MethodType(converted, fn.__self__)
    if not isinstance(fn, types.FunctionType) or fn.__name__ == "<lambda>":
        return fn
    try:
        return _convert_function(fn)
    except (OSError, TypeError, SyntaxError, ValueError, IndentationError) as exc:
        logger.info("autograph: not converting %s: %s", fn.__qualname__, exc)
        return fn


def _convert_function(fn: types.FunctionType) -> Callable:
    source = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(source)
    func = tree.body[0]
    if not isinstance(func, ast.FunctionDef) or func.name != fn.__name__:
        return fn
    if not any(isinstance(n, (ast.If, ast.While, ast.For)) for n in ast.walk(func)):
        return fn
    if any(isinstance(n, ast.Name) and n.id == "super" for n in ast.walk(func)):
        return fn  # zero-argument super() needs the class cell of the original function
    func.decorator_list = []
    _convert_returns(func)
    transformer = _Transformer()
    func = transformer.visit(func)
    if not transformer.changed:
        return fn
    freevars = fn.__code__.co_freevars
    factory = ast.FunctionDef(
        name="_ag_factory",
        args=_Transformer._args(list(freevars)),
        body=[func, ast.Return(value=ast.Name(id=fn.__name__, ctx=ast.Load()))],
        decorator_list=[],
        returns=None,
        type_params=[],
    )
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, fn.__code__.co_firstlineno - 1)
    code = compile(module, fn.__code__.co_filename, "exec")
    fn.__globals__.setdefault(_MODULE_NAME, __import__(__name__, fromlist=["_"]))
    namespace: dict = {}
    exec(code, fn.__globals__, namespace)  # noqa: S102  (the user's own function, rewritten)
    factory_code = namespace["_ag_factory"].__code__
    inner_code = next(
        c
        for c in factory_code.co_consts
        if isinstance(c, types.CodeType) and c.co_name == fn.__name__
    )
    cells = dict(zip(freevars, fn.__closure__ or ()))
    closure = tuple(cells[name] for name in inner_code.co_freevars)
    converted = types.FunctionType(
        inner_code, fn.__globals__, fn.__name__, fn.__defaults__, closure or None
    )
    converted.__kwdefaults__ = fn.__kwdefaults__
    functools.update_wrapper(converted, fn)
    converted.__wrapped__ = fn
    return converted
