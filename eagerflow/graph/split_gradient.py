"""The gradient of a recorded function call, split into a forward and a backward graph.

The backward pass of a call is traced once: replay the function's graph under a tape and ask
for the gradients. Nodes that do not depend on the upstream gradients form the forward part;
the rest is the backward part. When the call runs under a tape, the forward part runs instead
of the plain forward graph and also returns the intermediates the backward part reads (as
TensorFlow's forward function does); the gradient then runs only the backward part on them,
with no recomputation.

The saved intermediates are plain arrays, so this path serves first-order gradients only; a
gradient taken while another tape records (higher order) or while tracing uses the replaying
backward function instead.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.tensor import Tensor, wrap
from eagerflow.graph.executor import Executable
from eagerflow.graph.ir import CONST, INPUT, Graph, SymbolicTensor
from eagerflow.graph.tracing import building, replay


class SplitGradient:
    """Forward-with-intermediates and backward-from-intermediates executables of one call."""

    def __init__(
        self, forward: Executable, backward: Executable, num_outputs: int, slots: list
    ) -> None:
        self.forward = forward
        self.backward = backward
        self.num_outputs = num_outputs
        self.slots = slots  # per input (tensors, then variables): its backward output or None

    def run_forward(self, arrays: list) -> tuple[list, list]:
        out = self.forward(arrays)
        return list(out[: self.num_outputs]), list(out[self.num_outputs :])

    def gradients(self, upstream: list, saved: list) -> list:
        out = self.backward([g._value for g in upstream] + saved)
        return [None if i is None else wrap(out[i]) for i in self.slots]


def build(concrete: Any) -> SplitGradient | None:
    """The split for `concrete`, or None when it does not apply (functions with effects)."""
    from eagerflow.autodiff.tape import GradientTape  # noqa: PLC0415
    from eagerflow.graph.passes import optimize  # noqa: PLC0415

    graph = concrete.graph
    if any(n.has_side_effect for n in graph.nodes):
        return None  # updates and prints must run exactly once, in the plain forward graph
    variables = concrete._grad_variables
    grad_graph = Graph(f"{concrete.name}_gradient")
    with building(grad_graph):
        xs = [grad_graph.add_placeholder(s, "x") for s in concrete.input_specs]
        ups = [grad_graph.add_placeholder(o.spec, "upstream") for o in graph.outputs]
        with GradientTape(watch_accessed_variables=False) as tape:
            for x in xs:
                if x.dtype.is_differentiable:
                    tape.watch(x)
            tape.watch(variables)
            outs = [grad_graph.capture(o) for o in replay(graph, xs, updates=False)]
        pairs = [(o, g) for o, g in zip(outs, ups) if o.dtype.is_differentiable]
        grads = tape.gradient(
            [o for o, _ in pairs],
            xs + list(variables),
            output_gradients=[g for _, g in pairs],
            unconnected_gradients="zero",
        )
        grads = [None if g is None else grad_graph.capture(g) for g in grads]
    return _split(grad_graph, xs, ups, outs, grads, optimize)


def _split(graph: Graph, xs: list, ups: list, outs: list, grads: list, optimize: Any) -> Any:
    dependent: set[int] = {id(p._node) for p in ups}
    for node in graph.nodes:
        if any(isinstance(x, SymbolicTensor) and id(x._node) in dependent for x in node.inputs):
            dependent.add(id(node))

    def is_forward_value(v: Any) -> bool:
        return id(v._node) not in dependent and v._node.kind != CONST

    cut: dict[int, Any] = {}
    for node in graph.nodes:
        if id(node) in dependent:
            for x in node.inputs:
                if isinstance(x, SymbolicTensor) and is_forward_value(x):
                    cut.setdefault(id(x), x)
    for g in grads:
        if g is not None and is_forward_value(g):
            cut.setdefault(id(g), g)
    saved = list(cut.values())

    forward = Graph(f"{graph.name}_forward")
    env: dict[int, Any] = {}
    for node in graph.nodes:
        if id(node) in dependent:
            continue
        if node.kind == INPUT:
            env[id(node.outputs[0])] = forward.add_placeholder(node.outputs[0].spec)
            continue
        _copy(forward, node, env)
    forward.outputs = [env[id(v)] for v in outs + saved]

    backward = Graph(f"{graph.name}_backward")
    env = {}
    for v in ups + saved:
        env[id(v)] = backward.add_placeholder(v.spec)
    for node in graph.nodes:
        if id(node) in dependent and node.kind != INPUT:
            _copy(backward, node, env)
    results, slots = [], []
    for g in grads:
        if g is None:
            slots.append(None)
            continue
        slots.append(len(results))
        results.append(_value_in(backward, g, env))
    backward.outputs = results
    return SplitGradient(
        Executable(optimize(forward)), Executable(optimize(backward)), len(outs), slots
    )


def _value_in(graph: Graph, v: Any, env: dict) -> Any:
    found = env.get(id(v))
    if found is None:  # a constant of the forward part, copied rather than saved
        found = env[id(v)] = graph.add_constant(v._node.attrs["value"])
    return found


def _copy(graph: Graph, node: Any, env: dict) -> None:
    inputs = tuple(_value_in(graph, x, env) if isinstance(x, Tensor) else x for x in node.inputs)
    new = graph._new_node(node.op, node.kind, inputs, node.attrs, [o.spec for o in node.outputs])
    for o, n in zip(node.outputs, new.outputs):
        env[id(o)] = n
