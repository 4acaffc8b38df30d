"""Constant folding: evaluate at compile time every pure node whose inputs are all known.

Inputs are known when they are constants, or, for ops that read only their input's static
shape (`Shape`, `Size`, `Rank`, `ZerosLike`, `OnesLike`), when that shape is fully defined.
Variables are captured by reference and never folded; stateful ops are never evaluated.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.graph.ir import CONST, OP, Graph, Rewriter

# Larger results stay in the graph: folding would trade compute for memory held forever.
MAX_FOLDED_ELEMENTS = 1 << 20
_SHAPE_ONLY = {"Shape", "Size", "Rank", "ZerosLike", "OnesLike"}


def _const_value(x: Any) -> Any:
    node = getattr(x, "_node", None)
    if node is not None and node.kind == CONST:
        return node.attrs["value"]
    return None


def _foldable(node: Any) -> bool:
    return (
        node.kind == OP
        and not node.stateful
        and not getattr(node.op, "no_fold", False)
        and node.op.num_outputs != 0
    )


def fold_constants(graph: Graph) -> Graph:
    rw = Rewriter(graph)
    for node in rw.input_nodes():
        if not _foldable(node):
            rw.copy(node)
            continue
        ins = [rw.get(x) for x in node.inputs]
        values = [_const_value(x) for x in ins]
        if node.op.name in _SHAPE_ONLY and ins and ins[0].shape.is_fully_defined():
            # Only the static shape matters: a dummy of the right shape stands in.
            values[0] = np.zeros(ins[0].shape.as_list(), ins[0].dtype._np)
        if not ins or any(v is None for v in values):
            rw.copy(node, tuple(ins))
            continue
        try:
            with np.errstate(all="ignore"):
                out = node.op.kernel(np, *values, **node.attrs)
        except Exception:  # noqa: BLE001  (a kernel error shows at run time, as unfolded)
            rw.copy(node, tuple(ins))
            continue
        outs = (out,) if node.op.num_outputs == 1 else tuple(out)
        arrays = [np.asarray(o) for o in outs]
        if sum(a.size for a in arrays) > MAX_FOLDED_ELEMENTS or any(
            a.dtype != o.dtype._np for a, o in zip(arrays, node.outputs)
        ):
            rw.copy(node, tuple(ins))
            continue
        rw.bind(node.outputs, [rw.constant(a) for a in arrays])
    return rw.finish()
