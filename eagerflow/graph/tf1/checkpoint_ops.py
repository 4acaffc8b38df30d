"""Checkpoint restores into a TF1 graph: assignments that a session runs.

Eagerly a restored value is assigned at once. In a TF1 graph the assignment is an update node,
kept as the variable's restore op; `status.run_restore_ops(sess)` runs them, and
`status.initialize_or_restore(sess)` also runs the initializers of the graph variables that
have no saved value (TensorFlow's "movement between eager and graph execution").
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.context import state
from eagerflow.graph.ir import UPDATE
from eagerflow.graph.tf1.graph import Graph
from eagerflow.graph.tf1.session import get_default_session


def assign_restored(variable: Any, value: Any) -> None:
    """Assigns a checkpoint value: now eagerly, as a restore op in a TF1 graph."""
    graph = state().graph
    if not isinstance(graph, Graph):
        variable.assign(value)
        return
    saved, graph._control_stack = graph._control_stack, []
    try:
        variable.assign(value)
    finally:
        graph._control_stack = saved
    update = next(n for n in reversed(graph.nodes) if n.kind == UPDATE)
    graph.restore_ops[id(variable)] = update


def _graph_and_session(session: Any) -> tuple[Graph | None, Any]:
    session = session or get_default_session()
    graph = state().graph if session is None else session.graph
    if not isinstance(graph, Graph):
        return None, session
    if session is None:
        raise ValueError(
            "run_restore_ops: no session given and no default session; pass the Session that "
            "runs the graph (status.run_restore_ops(sess))."
        )
    return graph, session


def run_restore_ops(session: Any = None) -> None:
    """Runs the pending restore ops of the session's graph (nothing to do eagerly)."""
    graph, session = _graph_and_session(session)
    if graph is not None and graph.restore_ops:
        session.run(graph.group(list(graph.restore_ops.values())))


def initialize_or_restore(session: Any = None) -> None:
    """Initializes the graph variables without a saved value, then restores the others."""
    graph, session = _graph_and_session(session)
    if graph is None:
        return
    init = [node for key, node in graph.initializers.items() if key not in graph.restore_ops]
    session.run(graph.group(init + list(graph.restore_ops.values())))
