"""`tf.gradients`: symbolic gradients in a TF1 graph, by the same backward sweep as the tape.

The graph's op nodes, in program order, are exactly the records a tape would have kept, so
`autodiff.backprop.backward` runs over them unchanged; the gradient functions call public
ops, which add the gradient nodes to the same graph.
"""

from __future__ import annotations

from typing import Any

from eagerflow.autodiff.backprop import backward
from eagerflow.core import nest
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import OpRecord
from eagerflow.core.tensor import Tensor
from eagerflow.graph.ir import OP, SymbolicTensor
from eagerflow.graph.tf1.graph import _building


def gradients(
    ys: Any,
    xs: Any,
    grad_ys: Any = None,
    name: str = "gradients",
    colocate_gradients_with_ops: bool = False,
    gate_gradients: bool = False,
    aggregation_method: Any = None,
    stop_gradients: Any = None,
    unconnected_gradients: Any = "none",
) -> list:
    """`tf.gradients`: the symbolic sum of `dys/dx` for each `x` in `xs` (graph mode only).

    `xs` may hold tensors or variables; an `x` that `ys` does not depend on gets None (or
    zeros with `unconnected_gradients='zero'`). Tensors in `stop_gradients` are held constant.

    Example:
        >>> with tf.Graph().as_default():
        ...     x = tf.compat.v1.placeholder(tf.float32)
        ...     dx, = tf.compat.v1.gradients(x * x, [x])
        ...     with tf.compat.v1.Session() as sess:
        ...         sess.run(dx, feed_dict={x: 3.0})
        6.0
    """
    ys = [y if isinstance(y, Tensor) else convert_to_tensor(y) for y in nest.flatten(ys)]
    xs = nest.flatten(xs)
    graph = _graph_of(ys)
    stops = {id(t) for t in nest.flatten(stop_gradients)} if stop_gradients is not None else set()
    mode = getattr(unconnected_gradients, "value", unconnected_gradients)
    with _building(graph):
        from eagerflow.ops.array_ops import ones_like, zeros_like  # noqa: PLC0415
        from eagerflow.ops.math_ops import add  # noqa: PLC0415

        grad_ys = [None] * len(ys) if grad_ys is None else nest.flatten(grad_ys)
        if len(grad_ys) != len(ys):
            raise ValueError(f"tf.gradients: Passed {len(grad_ys)} grad_ys for {len(ys)} ys.")
        seeds: dict[int, Any] = {}
        for y, g in zip(ys, grad_ys):
            g = ones_like(y) if g is None else convert_to_tensor(g, dtype=y.dtype)
            seeds[id(y)] = g if id(y) not in seeds else add(seeds[id(y)], g)
        # An op producing a stop_gradients tensor is left out: gradients stop there.
        records = [
            OpRecord(n.op, n.inputs, n.outputs, n.attrs)
            for n in graph.nodes
            if n.kind == OP and not any(id(o) in stops for o in n.outputs)
        ]
        grads = backward(records, seeds, {id(x) for x in xs})
        out = []
        for x in xs:
            g = grads.get(id(x))
            if g is None and mode == "zero":
                g = zeros_like(x)
            out.append(g)
    return out


def _graph_of(ys: list) -> Any:
    for y in ys:
        if isinstance(y, SymbolicTensor):
            return y._graph
    graph = state().graph
    if graph is None:
        raise RuntimeError(
            "tf.gradients is not supported when eager execution is enabled. Use "
            "tf.GradientTape instead."
        )
    return graph
