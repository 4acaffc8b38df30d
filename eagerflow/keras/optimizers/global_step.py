"""The TF1 global step: one int64 `Variable` named "global_step" per process (per graph in a
TF1 graph, kept in its "global_step" collection).

`tf.train.get_or_create_global_step()` and `tf.compat.v1.train.get_global_step()` share it;
TF1 optimizers increment it in `apply_gradients(..., global_step=...)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core.context import state
from eagerflow.core.variable import Variable
from eagerflow.graph.tf1.graph import Graph

_GLOBAL_STEP: list[Variable] = []


def _store(graph: Any = None) -> list:
    graph = state().graph if graph is None else graph
    if isinstance(graph, Graph):
        return graph.collections.setdefault("global_step", [])
    return _GLOBAL_STEP


def get_global_step(graph: Any = None) -> Variable | None:
    """The global step variable, or None if it was not created yet.

    Example:
        >>> step = tf.train.get_or_create_global_step()
        >>> tf.train.get_global_step() is step
        True
    """
    store = _store(graph)
    return store[0] if store else None


def create_global_step(graph: Any = None) -> Variable:
    """Creates the global step; raises `ValueError` if it already exists."""
    store = _store(graph)
    if store:
        raise ValueError('"global_step" already exists.')
    step = Variable(np.int64(0), trainable=False, name="global_step", dtype="int64")
    store.append(step)
    return step


def get_or_create_global_step(graph: Any = None) -> Variable:
    """The global step variable (int64, named "global_step"), created on first use.

    Example:
        >>> step = tf.train.get_or_create_global_step()
        >>> step.dtype
        tf.int64
    """
    step = get_global_step(graph)
    return create_global_step(graph) if step is None else step


def global_step(sess: Any, global_step_tensor: Any) -> int:
    """The value of `global_step_tensor` as a Python int (`sess` may be None in eager)."""
    if sess is not None and hasattr(sess, "run"):
        return int(sess.run(global_step_tensor))
    return int(global_step_tensor.numpy())


def _reset_for_tests() -> None:
    _GLOBAL_STEP.clear()
