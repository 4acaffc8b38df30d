"""TF1 optimizers in a graph: `compute_gradients` with `tf.gradients`, and `apply_gradients` /
`minimize` returning one train op (the optimizer's variable updates, grouped).

The `tf.train.*Optimizer` classes (keras/optimizers/tf1_optimizers.py) call these when they
run in a TF1 graph; their update code is the same as eagerly, it only adds update nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eagerflow.core.context import state
from eagerflow.graph.ir import UPDATE, Node
from eagerflow.graph.tf1.gradients import gradients
from eagerflow.graph.tf1.graph import Graph


def in_tf1_graph() -> bool:
    """Whether ops are being added to a TF1 graph (not eager, not a tf.function trace)."""
    return isinstance(state().graph, Graph)


def compute_gradients(loss: Any, var_list: Any = None) -> list:
    """`[(gradient, variable), ...]` of the loss tensor; `var_list` defaults to the graph's
    trainable variables."""
    graph = state().graph
    if var_list is None:
        var_list = graph.trainable_variables
    var_list = list(var_list)
    if not var_list:
        raise ValueError("No variables to optimize.")
    return list(zip(gradients(loss, var_list), var_list))


def updates_as_op(fn: Callable[[], Any]) -> Node:
    """Runs `fn` (which adds variable updates to the graph) and returns one op that runs
    every update it added, in program order (not the initializers of variables it created)."""
    graph = state().graph
    start = len(graph.nodes)
    fn()
    initializers = {id(n) for n in graph.initializers.values()}
    work = [
        n
        for n in graph.nodes[start:]
        if (n.kind == UPDATE or n.has_side_effect) and id(n) not in initializers
    ]
    return graph.group(work)
