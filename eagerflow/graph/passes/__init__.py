"""Graph optimization passes: each a pure `Graph -> Graph` function in a file of its own.

`optimize` runs the enabled ones (see `eagerflow.graph.options`) in a fixed order: constant
folding and arithmetic simplification expose equal subexpressions, CSE merges them, DCE drops
what no output or side effect needs, and fusion groups what is left.
"""

from __future__ import annotations

from eagerflow.graph import options
from eagerflow.graph.ir import Graph
from eagerflow.graph.passes.arithmetic import simplify_arithmetic
from eagerflow.graph.passes.constant_folding import fold_constants
from eagerflow.graph.passes.cse import eliminate_common_subexpressions
from eagerflow.graph.passes.dce import eliminate_dead_code
from eagerflow.graph.passes.fusion import fuse_elementwise

PIPELINE = (
    ("constant_folding", fold_constants),
    ("arithmetic_simplification", simplify_arithmetic),
    ("common_subexpression_elimination", eliminate_common_subexpressions),
    ("constant_folding", fold_constants),
    ("arithmetic_simplification", simplify_arithmetic),
    ("common_subexpression_elimination", eliminate_common_subexpressions),
    ("dead_code_elimination", eliminate_dead_code),
    ("elementwise_fusion", fuse_elementwise),
)


def optimize(graph: Graph) -> Graph:
    """The graph after every enabled pass; the input graph is not changed."""
    for name, run in PIPELINE:
        if options.pass_enabled(name):
            graph = run(graph)
    return graph


__all__ = [
    "optimize",
    "fold_constants",
    "simplify_arithmetic",
    "eliminate_common_subexpressions",
    "eliminate_dead_code",
    "fuse_elementwise",
]
