"""Keras training loops in a process where eager execution is disabled.

TF1's Keras ran `fit`, `evaluate` and `predict` through its own session, initializing the
variables that were not initialized yet. Here the loops run eagerly: `eager_in_tf1_graph`
first runs the initializers of the default graph's uninitialized variables (so layers built
on placeholders keep their graph variables), then calls the method outside the graph.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from eagerflow.core.context import state
from eagerflow.graph.tf1.graph import Graph
from eagerflow.graph.tf1.session import Session
from eagerflow.graph.tracing import building


def initialize_uninitialized(graph: Graph) -> None:
    """Runs the initializers of the graph's variables that hold no value yet."""
    pending = [
        graph.initializers[id(v)] for v in graph.global_variables if not graph.is_initialized(v)
    ]
    if pending:
        Session(graph=graph).run(graph.group(pending))


def eager_in_tf1_graph(method: Callable) -> Callable:
    """Decorates a Keras loop method so that it runs eagerly even inside a TF1 graph."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        graph = state().graph
        if not isinstance(graph, Graph):
            return method(self, *args, **kwargs)
        initialize_uninitialized(graph)
        with building(None):
            return method(self, *args, **kwargs)

    return wrapper
