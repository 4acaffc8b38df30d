"""`tf.cond`, `tf.switch_case`, `tf.while_loop`: Python control flow eagerly, graph nodes with
sub-graphs when traced, differentiable both ways.

Eagerly the predicate has a value, so the branch (or loop) simply runs and the tape records
what ran. While tracing, each branch or loop body is traced into a sub-graph of its own; the
outer tensors it uses become extra inputs of the node. The gradient of a `Case`/`If` node is
another `Case` over the branches' gradients (so it is traced and differentiable again); the
gradient of a `While` node re-runs the loop eagerly under a tape inside its kernel (first
order only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes, nest
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import GRADIENTS, Primitive, execute
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.graph.executor import Executable
from eagerflow.graph.ir import Graph, SymbolicTensor
from eagerflow.graph.tracing import building, replay


class ControlFlowPrimitive(Primitive):
    """Ops that carry sub-graphs: never constant-folded."""

    no_fold = True


def compiled(graph: Graph) -> Executable:
    """The optimized, compiled form of a sub-graph (cached on the graph, per option set)."""
    from eagerflow.graph import options  # noqa: PLC0415
    from eagerflow.graph.passes import optimize  # noqa: PLC0415  (passes import control flow)

    cached = getattr(graph, "_compiled", None)
    if cached is None or cached[0] != options.version:
        cached = (options.version, Executable(optimize(graph)))
        graph._compiled = cached
    return cached[1]


def _is_symbolic(x: Any) -> bool:
    return isinstance(x, SymbolicTensor)


class Undefined:
    """A Python variable with no value on some path (autograph: assigned in one branch only).

    A branch may return it; the variable then is not an output of the `If`/`Case` node, and
    stays undefined after it.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<undefined {self.name}>"


# -- tracing sub-graphs -----------------------------------------------------------------------
def _trace_branch(fn: Callable, name: str, args: list | None = None) -> tuple[Graph, Any, list]:
    """Traces `fn(*args)` into a new graph; outer tensors it uses become captures."""
    graph = Graph(name)
    outer = state().graph
    with building(graph):
        placeholders = [graph.add_placeholder(TensorSpec(a.shape, a.dtype)) for a in args or []]
        result = fn(*placeholders)
        flat = [
            None if isinstance(r, Undefined) else graph.capture(convert_to_tensor(r))
            for r in nest.flatten(result)
        ]
    graph.outputs = flat
    if outer is not None and graph.created_variables:
        outer.created_variables.extend(graph.created_variables)
    return graph, result, placeholders


def _bind_captures(graphs: list, num_args: int) -> list:
    """Gives every graph the same inputs: its own args, then the union of all captures."""
    outer: list = []
    index: dict[int, int] = {}
    for g in graphs:
        for value, _ in g.captures:
            if id(value) not in index:
                index[id(value)] = len(outer)
                outer.append(value)
    for g in graphs:
        own = {id(value): ph for value, ph in g.captures}
        inputs = g.inputs[:num_args]
        for value in outer:
            ph = own.get(id(value))
            if ph is None:
                ph = g.add_placeholder(TensorSpec(value.shape, value.dtype), "unused")
            inputs.append(ph)
        g.inputs = inputs
        g.captures = []
    return outer


def _flags(graphs: list) -> dict:
    return {
        "stateful": any(n.stateful for g in graphs for n in g.nodes),
        "side_effect": any(n.has_side_effect for g in graphs for n in g.nodes),
    }


# -- Case / If -----------------------------------------------------------------------------
def _case_kernel(xp: Any, index: Any, *args: Any, branches: tuple, **flags: Any) -> tuple:
    i = int(index)
    if not 0 <= i < len(branches):
        i = len(branches) - 1
    return tuple(compiled(branches[i])(list(args)))


def _if_kernel(xp: Any, pred: Any, *args: Any, branches: tuple, **flags: Any) -> tuple:
    return tuple(compiled(branches[0 if bool(pred) else 1])(list(args)))


def _branch_rule(*specs: Any, branches: tuple, out_specs: tuple, **flags: Any) -> tuple:
    return out_specs


CASE = ControlFlowPrimitive("Case", _case_kernel, _branch_rule, num_outputs=-1)
IF = ControlFlowPrimitive("If", _if_kernel, _branch_rule, num_outputs=-1)


def _branch_grad(op: Any, *grads: Any) -> list:
    from eagerflow.autodiff.tape import GradientTape  # noqa: PLC0415

    selector, args = op.inputs[0], list(op.inputs[1:])
    wanted = [i for i, a in enumerate(args) if a.dtype.is_differentiable]
    if not wanted:
        return [None] * len(op.inputs)

    def gradient_of(graph: Graph) -> Callable:
        def fn() -> list:
            with GradientTape(watch_accessed_variables=False) as tape:
                for i in wanted:
                    tape.watch(args[i])
                outs = replay(graph, args, updates=False)
            pairs = [(o, g) for o, g in zip(outs, grads) if o.dtype.is_differentiable]
            return tape.gradient(
                [o for o, _ in pairs],
                [args[i] for i in wanted],
                output_gradients=[g for _, g in pairs],
                unconnected_gradients="zero",
            )

        return fn

    fns = [gradient_of(g) for g in op.get_attr("branches")]
    if op.type == "If":
        result = cond(selector, fns[0], fns[1])
    else:
        result = switch_case(selector, fns)
    out: list = [None] * len(op.inputs)
    for i, g in zip(wanted, nest.flatten(result)):
        out[i + 1] = g
    return out


GRADIENTS["Case"] = _branch_grad
GRADIENTS["If"] = _branch_grad


def _merge_specs(name: str, graphs: list) -> tuple:
    first = graphs[0].outputs
    for g in graphs[1:]:
        if len(g.outputs) != len(first):
            raise ValueError(
                f"{name}: the branches must return the same structure; branch 0 returns "
                f"{len(first)} tensors and another returns {len(g.outputs)}."
            )
    specs = []
    for i, o in enumerate(first):
        shape = o.shape
        for g in graphs[1:]:
            other = g.outputs[i]
            if other.dtype != o.dtype:
                raise TypeError(
                    f"{name}: output {i} has dtype {o.dtype.name} in one branch and "
                    f"{other.dtype.name} in another; branches must return the same dtypes."
                )
            shape = shape.most_specific_compatible_shape(other.shape)
        specs.append(TensorSpec(shape, o.dtype))
    return tuple(specs)


def _branch_node(prim: Primitive, name: str, selector: Any, fns: list) -> Any:
    traced = [_trace_branch(fn, f"{name}_branch{i}") for i, fn in enumerate(fns)]
    graphs = [g for g, _, _ in traced]
    for i, (_g, result, _) in enumerate(traced[1:], 1):
        try:
            nest.assert_same_structure(traced[0][1], result, check_types=False)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"{name}: branch {i} returns a different structure than branch 0: {exc}"
            ) from None
    # Values left undefined by some branch are not outputs (see `Undefined`).
    count = len(graphs[0].outputs)
    keep = [i for i in range(count) if all(g.outputs[i] is not None for g in graphs)]
    for g in graphs:
        g.outputs = [g.outputs[i] for i in keep]
    out_specs = _merge_specs(name, graphs)
    outer = _bind_captures(graphs, 0)
    attrs = {"branches": tuple(graphs), "out_specs": out_specs, **_flags(graphs)}
    outputs = execute(prim, (selector, *outer), attrs)
    flat: list = [Undefined(f"output {i}") for i in range(count)]
    for i, o in zip(keep, outputs):
        flat[i] = o
    return _repack(traced[0][1], flat)


def _repack(structure: Any, outputs: list) -> Any:
    if not nest.is_nested(structure):
        return outputs[0]
    return nest.pack_sequence_as(structure, outputs)


def cond(
    pred: Any,
    true_fn: Callable | None = None,
    false_fn: Callable | None = None,
    name: str | None = None,
) -> Any:
    """Returns `true_fn()` if `pred` is true, else `false_fn()`.

    Eagerly this is a Python `if`. Inside `tf.function` both branches are traced and the
    choice is made at run time; both must return the same structure and dtypes.

    Example:
        >>> x = tf.constant(2.0)
        >>> tf.cond(x > 1.0, lambda: x * 10.0, lambda: x).numpy()
        20.0
    """
    if true_fn is None or false_fn is None:
        raise TypeError("cond: true_fn and false_fn are both required.")
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond: true_fn and false_fn must be callable.")
    if not _is_symbolic(pred):
        return true_fn() if _truth(pred, "cond") else false_fn()
    if pred.dtype != dtypes.bool_ or pred.shape.rank not in (0, None):
        raise ValueError(
            f"cond: pred must be a scalar bool tensor, got shape {pred.shape} dtype "
            f"{pred.dtype.name}."
        )
    return _branch_node(IF, "cond", pred, [true_fn, false_fn])


def _truth(value: Any, op: str) -> bool:
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        array = np.asarray(value)
        if array.size != 1:
            raise ValueError(f"{op}: the predicate must be a scalar, got shape {array.shape}.")
        return bool(array.reshape(()))
    return bool(value)


def switch_case(
    branch_index: Any, branch_fns: Any, default: Callable | None = None, name: str | None = None
) -> Any:
    """Runs `branch_fns[branch_index]()`; out-of-range indices run `default` (or the last).

    `branch_fns` is a list of callables, or of `(index, callable)` pairs, or a dict.

    Example:
        >>> tf.switch_case(tf.constant(1), [lambda: 10, lambda: 20]).numpy()
        20
    """
    fns = _branch_list(branch_fns)
    if default is not None:
        fns = fns + [default]
    if not _is_symbolic(branch_index):
        i = int(np.asarray(branch_index)) if not isinstance(branch_index, int) else branch_index
        if not 0 <= i < len(_branch_list(branch_fns)):
            i = len(fns) - 1
        return fns[i]()
    if branch_index.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(
            f"switch_case: branch_index must be an int32 or int64 tensor, got "
            f"{branch_index.dtype.name}."
        )
    return _branch_node(CASE, "switch_case", branch_index, fns)


def _branch_list(branch_fns: Any) -> list:
    if isinstance(branch_fns, dict):
        items = sorted(branch_fns.items())
    elif branch_fns and isinstance(branch_fns[0], tuple):
        items = sorted(branch_fns)
    else:
        return list(branch_fns)
    keys = [k for k, _ in items]
    if keys != list(range(len(keys))):
        raise ValueError(f"switch_case: branch keys must be 0..n-1, got {keys}.")
    return [fn for _, fn in items]


# tf.while_loop builds on the sub-graph helpers above; it lives in while_loop.py.
from eagerflow.graph.while_loop import WHILE, WHILE_GRAD, while_loop  # noqa: E402, F401
