"""Dead code elimination: drop nodes whose outputs reach no graph output.

Nodes with an effect beyond their outputs (variable updates, `tf.print`) are roots too, so
they always stay; an unused variable read or random draw goes, as in TensorFlow.
"""

from __future__ import annotations

from eagerflow.graph.ir import INPUT, Graph, Rewriter, SymbolicTensor


def eliminate_dead_code(graph: Graph) -> Graph:
    live: set[int] = set()
    for o in graph.outputs:
        live.add(id(o._node))
    for node in reversed(graph.nodes):
        if node.has_side_effect:
            live.add(id(node))
        if id(node) in live:
            for x in node.inputs:
                if isinstance(x, SymbolicTensor):
                    live.add(id(x._node))
    rw = Rewriter(graph)
    for node in graph.nodes:
        if node.kind != INPUT and id(node) in live:
            rw.copy(node)
    return rw.finish()
