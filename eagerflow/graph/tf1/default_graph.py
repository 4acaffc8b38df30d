"""The default graph and the eager switch: `tf.compat.v1.disable_eager_execution()`,
`enable_eager_execution()`, `get_default_graph()`, `reset_default_graph()`."""

from __future__ import annotations

from typing import Any

from eagerflow.core.context import CONFIG, state
from eagerflow.graph.tf1.graph import Graph


class _Default:
    graph: Graph | None = None
    used = False


def _global_default_graph() -> Graph:
    if _Default.graph is None:
        _Default.graph = Graph()
    return _Default.graph


def get_default_graph() -> Any:
    """`tf.compat.v1.get_default_graph()`: the graph ops are added to in this thread."""
    graph = state().graph
    if graph is not None:
        return graph
    _Default.used = True
    return _global_default_graph()


def reset_default_graph() -> None:
    """`tf.compat.v1.reset_default_graph()`: a new, empty global default graph."""
    current = state().graph
    if current is not None and current is not _Default.graph:
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph."
        )
    _Default.graph = Graph()
    if current is not None:
        state().graph = _Default.graph


def disable_eager_execution() -> None:
    """`tf.compat.v1.disable_eager_execution()`: ops now add nodes to the default graph.

    Run the graph with `tf.compat.v1.Session`. The switch is for the whole process (threads
    started later run eagerly unless they enter a graph with `as_default`).
    """
    CONFIG.eager = False
    s = state()
    if s.graph is None:
        s.graph = _global_default_graph()


def enable_eager_execution(
    config: object = None, device_policy: object = None, execution_mode: object = None
) -> None:
    """`tf.compat.v1.enable_eager_execution()`: eager is eagerflow's default; after graph mode
    has been used it is an error, as in TensorFlow."""
    if not CONFIG.eager:
        graph = _Default.graph
        if _Default.used or (graph is not None and graph.nodes):
            raise ValueError("tf.enable_eager_execution must be called at program startup.")
        if state().graph is graph:
            state().graph = None
    CONFIG.eager = True


def enable_v2_behavior() -> None:
    enable_eager_execution()


def disable_v2_behavior() -> None:
    disable_eager_execution()
