"""Common subexpression elimination: one node per (op, inputs, attrs).

Two pure nodes of the same op with the same inputs and attributes compute the same value,
so the second is replaced by the first (two identical `MatMul`s become one). Equal small
constants are merged first, so `x * 2.0` written twice also becomes one node. Stateful nodes
(variable reads, updates, random draws, prints) are never merged.
"""

from __future__ import annotations

from typing import Any

from eagerflow.graph.ir import CONST, Graph, Rewriter
from eagerflow.graph.passes._attrs import array_key, attrs_key


def eliminate_common_subexpressions(graph: Graph) -> Graph:
    rw = Rewriter(graph)
    seen: dict[Any, tuple] = {}
    for node in rw.input_nodes():
        if node.kind == CONST:
            key: Any = ("const", array_key(node.attrs["value"]))
        elif node.stateful:
            rw.copy(node)
            continue
        else:
            ins = tuple(id(rw.get(x)) for x in node.inputs)
            key = (id(node.op), ins, attrs_key(node.attrs))
        found = seen.get(key)
        if found is not None:
            rw.bind(node.outputs, found)
            continue
        seen[key] = rw.copy(node).outputs
    return rw.finish()
