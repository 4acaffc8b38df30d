"""Arithmetic simplification: rewrite nodes that provably compute one of their inputs.

Rules (each only when the result has the input's shape and dtype, so no broadcast is lost):
`x * 1`, `1 * x`, `x + 0`, `0 + x`, `x - 0`, `x / 1`, `-(-x)`, `cast(x, x.dtype)`,
`identity(x)` and `stop_gradient(x)` (gradients are already built), a reshape to the
input's own static shape, reshape chains (`reshape(reshape(x, a), b)` -> `reshape(x, b)`),
and transpose chains (composed into one transpose, or removed when they cancel).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.graph.ir import CONST, OP, Graph, Node, Rewriter


def _const(x: Any) -> Any:
    node = getattr(x, "_node", None)
    return node.attrs["value"] if node is not None and node.kind == CONST else None


def _is(x: Any, value: float) -> bool:
    c = _const(x)
    return c is not None and c.size > 0 and bool(np.all(c == value))


def _producer(x: Any, op_name: str) -> Node | None:
    node = getattr(x, "_node", None)
    if node is not None and node.kind == OP and node.op.name == op_name:
        return node
    return None


def _same_type(out: Any, x: Any) -> bool:
    return out.dtype == x.dtype and out.shape == x.shape and x.shape.rank is not None


def _binary_identity(node: Node, ins: list) -> Any:
    name = node.op.name
    x, y = ins
    out = node.outputs[0]
    if name == "Mul":
        if _is(y, 1) and _same_type(out, x):
            return x
        if _is(x, 1) and _same_type(out, y):
            return y
    elif name == "AddV2":
        if _is(y, 0) and _same_type(out, x):
            return x
        if _is(x, 0) and _same_type(out, y):
            return y
    elif name == "Sub" or name == "RealDiv":
        if _is(y, 0 if name == "Sub" else 1) and _same_type(out, x):
            return x
    return None


def _unary_identity(node: Node, ins: list) -> Any:
    name = node.op.name
    x = ins[0]
    if name in ("Identity", "StopGradient"):
        return x
    if name == "Cast" and node.attrs.get("DstT") == x.dtype:
        return x
    if name == "Neg":
        inner = _producer(x, "Neg")
        if inner is not None:
            return inner.inputs[0]
    if name == "Reshape" and x.shape.is_fully_defined() and _same_type(node.outputs[0], x):
        return x
    return None


def _chain(rw: Rewriter, node: Node, ins: list) -> Any:
    """Reshape and transpose chains collapse into one node (or none)."""
    name = node.op.name
    x = ins[0]
    if name == "Reshape":
        inner = _producer(x, "Reshape")
        if inner is not None:
            source = inner.inputs[0]
            if node.outputs[0].shape == source.shape and source.shape.is_fully_defined():
                return source
            return _emit(rw, node, (source,), node.attrs)
    if name == "Transpose":
        inner = _producer(x, "Transpose")
        if inner is not None:
            outer_perm, inner_perm = node.attrs["perm"], inner.attrs["perm"]
            perm = tuple(int(inner_perm[p]) for p in outer_perm)
            source = inner.inputs[0]
            if perm == tuple(range(len(perm))):
                return source
            return _emit(rw, node, (source,), dict(node.attrs, perm=perm))
    return None


def _emit(rw: Rewriter, node: Node, inputs: tuple, attrs: dict) -> Any:
    new = rw.new._new_node(node.op, node.kind, inputs, attrs, [node.outputs[0].spec])
    return new.outputs[0]


def simplify_arithmetic(graph: Graph) -> Graph:
    rw = Rewriter(graph)
    for node in rw.input_nodes():
        if node.kind != OP or node.op.num_outputs != 1 or node.stateful:
            rw.copy(node)
            continue
        ins = [rw.get(x) for x in node.inputs]
        result = None
        if len(ins) == 2:
            result = _binary_identity(node, ins)
        elif len(ins) == 1:
            result = _unary_identity(node, ins)
            if result is None:
                result = _chain(rw, node, ins)
        if result is None:
            rw.copy(node, tuple(ins))
        else:
            rw.bind(node.outputs, [result])
    return rw.finish()
