"""Tracing: running Python code with symbolic tensors so that dispatch builds a graph.

`building(graph)` installs a graph as the thread's target (outer tapes are set aside: they see
the finished function call as one op, never its inner ops). `init_scope()` leaves every graph,
for work that must happen eagerly (variable initializers). `replay` runs a graph's nodes again
through public dispatch: inlining a traced function into another trace, or recomputing it
under a tape for its gradient.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from eagerflow.core import nest
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import execute, execute_update
from eagerflow.core.tensor import Tensor, wrap
from eagerflow.graph.ir import CONST, INPUT, UPDATE, Graph, SymbolicTensor


@contextlib.contextmanager
def building(graph: Graph | None) -> Iterator[Graph | None]:
    """Makes `graph` the target of dispatch (None: eager), with no tape recording around it."""
    s = state()
    saved = s.graph, s.tapes
    s.graph, s.tapes = graph, ()
    try:
        yield graph
    finally:
        s.graph, s.tapes = saved


def init_scope() -> contextlib.AbstractContextManager:
    """Leaves any graph being built: ops inside run eagerly (`tf.init_scope`)."""
    return building(None)


def lift_initial_value(graph: Graph, value: Any) -> Any:
    """A variable created while tracing gets its initial value eagerly, as in TensorFlow."""
    if callable(value):
        with init_scope():
            value = value()
    if isinstance(value, SymbolicTensor):
        value = evaluate_constant(graph, value)
    return value


def evaluate_constant(graph: Graph, value: SymbolicTensor) -> Tensor:
    """Evaluates a symbolic tensor that depends on no function argument (e.g. an initializer)."""
    from eagerflow.graph.executor import interpret  # noqa: PLC0415  (executor imports ir only)

    needed: set[int] = {id(value._node)}
    nodes = []
    for node in reversed(graph.nodes[: graph.nodes.index(value._node) + 1]):
        if id(node) not in needed:
            continue
        if node.kind == INPUT:
            raise ValueError(
                "tf.function: a variable created while tracing needs an initial value that does "
                "not depend on the function's arguments; got a value computed from argument "
                f"{node.attrs.get('name')!r}. Create the variable outside the function or "
                "initialize it from a constant or a callable."
            )
        nodes.append(node)
        for x in node.inputs:
            if isinstance(x, SymbolicTensor):
                needed.add(id(x._node))
    sub = Graph("initializer")
    sub.nodes = [n for n in reversed(nodes) if n.kind != UPDATE]
    sub.outputs = [value]
    return wrap(interpret(sub, [])[0])


def trace_into(
    graph: Graph, fn: Callable, args: tuple, kwargs: dict, specs: dict, names: dict
) -> tuple[Any, list]:
    """Calls `fn` with the tensor leaves numbered in `specs` replaced by placeholders.

    Returns the Python result structure and, per flat result leaf, either an output index
    into `graph.outputs` or the non-tensor value itself (wrapped in `_PyLeaf`).
    """
    flat = nest.flatten((args, kwargs))
    with building(graph):
        symbolic = [
            graph.add_placeholder(specs[i], names.get(i)) if i in specs else leaf
            for i, leaf in enumerate(flat)
        ]
        args, kwargs = nest.pack_sequence_as((args, kwargs), symbolic)
        result = fn(*args, **kwargs)
        template = []
        for leaf in nest.flatten(result):
            if isinstance(leaf, Tensor) or hasattr(leaf, "_as_tensor"):
                template.append(len(graph.outputs))
                graph.outputs.append(graph.capture(convert_to_tensor(leaf)))
            else:
                template.append(PyLeaf(leaf))
    return result, template


class PyLeaf:
    """A non-tensor value returned by a traced function (returned as is on every call)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def pack_outputs(structure: Any, template: list, outputs: list) -> Any:
    leaves = [outputs[t] if type(t) is int else t.value for t in template]
    if len(leaves) == 1 and not nest.is_nested(structure):
        return leaves[0]
    return nest.pack_sequence_as(structure, leaves)


def replay(graph: Graph, inputs: list, updates: bool = True, sources: bool = False) -> list:
    """Runs `graph` again through public dispatch (eager, recorded, or traced into another
    graph). Variable reads go through the variable, so tapes watch them as in eager code.
    With `sources`, constants captured from eager tensors are those tensors themselves (so a
    tape can differentiate with respect to them)."""
    env: dict[int, Any] = {id(p): t for p, t in zip(graph.inputs, inputs)}
    for outer, inner in graph.captures:
        env[id(inner)] = outer

    def get(x: Any) -> Any:
        return env[id(x)] if isinstance(x, Tensor) else x

    for node in graph.nodes:
        if node.kind == INPUT:
            continue
        if node.kind == CONST:
            source = node.attrs.get("source") if sources else None
            env[id(node.outputs[0])] = wrap(node.attrs["value"]) if source is None else source
        elif node.kind == UPDATE:
            if updates:
                execute_update(node.op, node.inputs[0], tuple(get(x) for x in node.inputs[1:]))
        elif node.op.name == "ReadVariableOp":
            env[id(node.outputs[0])] = node.inputs[0]._as_tensor()
        else:
            out = execute(node.op, tuple(get(x) for x in node.inputs), node.attrs)
            out = (out,) if node.op.num_outputs == 1 else out
            for o, t in zip(node.outputs, out):
                env[id(o)] = t
    return [get(o) for o in graph.outputs]
