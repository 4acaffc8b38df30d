"""TF1 variable collections and initializers (`tf.global_variables_initializer`, ...).

In a TF1 graph every `tf.Variable` gets an initializer node when it is created (see
`graph.Graph.variable_created`); these functions group those nodes into one op. Eagerly
there is nothing to initialize: they return None and the collections are empty, as in TF 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core.context import state
from eagerflow.graph.tf1.default_graph import get_default_graph
from eagerflow.graph.tf1.graph import GLOBAL_VARIABLES, TRAINABLE_VARIABLES, Graph


def _graph() -> Graph | None:
    graph = state().graph
    return graph if isinstance(graph, Graph) else None


def global_variables(scope: str | None = None) -> list:
    """`tf.compat.v1.global_variables()`: the variables created in the default graph."""
    graph = _graph()
    return [] if graph is None else graph.get_collection(GLOBAL_VARIABLES, scope)


def trainable_variables(scope: str | None = None) -> list:
    """`tf.compat.v1.trainable_variables()`: the trainable variables of the default graph."""
    graph = _graph()
    return [] if graph is None else graph.get_collection(TRAINABLE_VARIABLES, scope)


def local_variables(scope: str | None = None) -> list:
    """`tf.compat.v1.local_variables()`: eagerflow keeps no local collection (always [])."""
    return []


def variables_initializer(var_list: list, name: str = "init") -> Any:
    """`tf.compat.v1.variables_initializer`: one op that runs the initializers of `var_list`.

    Example:
        >>> with tf.Graph().as_default():
        ...     v = tf.Variable(1.0)
        ...     init = tf.compat.v1.variables_initializer([v])
    """
    graph = _graph()
    if graph is None:
        return None
    nodes = []
    for variable in var_list:
        node = graph.initializers.get(id(variable))
        if node is None:
            if getattr(variable, "_as_tensor", None) is None:
                raise TypeError(f"variables_initializer: {variable!r} is not a variable.")
            continue  # created outside this graph: already holds its value
        nodes.append(node)
    return graph.group(nodes)


def global_variables_initializer() -> Any:
    """`tf.compat.v1.global_variables_initializer()`: initializes every graph variable.

    Example:
        >>> with tf.Graph().as_default():
        ...     v = tf.Variable([1.0, 2.0])
        ...     init = tf.compat.v1.global_variables_initializer()
        ...     with tf.compat.v1.Session() as sess:
        ...         _ = sess.run(init)
        ...         sess.run(v)
        array([1., 2.], dtype=float32)
    """
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def local_variables_initializer() -> Any:
    """`tf.compat.v1.local_variables_initializer()`: nothing to initialize (a no-op)."""
    return variables_initializer([])


def is_variable_initialized(variable: Any) -> bool:
    """Whether `variable` holds a value (eagerflow: a Python bool, not a tensor)."""
    graph = get_default_graph()
    return not isinstance(graph, Graph) or graph.is_initialized(variable)


def report_uninitialized_variables(var_list: list | None = None) -> np.ndarray:
    """Names of the graph variables not initialized yet, as a NumPy array of bytes."""
    graph = _graph()
    if graph is None:
        return np.array([], dtype=object)
    variables = graph.global_variables if var_list is None else var_list
    names = [v.name.rsplit(":", 1)[0].encode() for v in variables if not graph.is_initialized(v)]
    return np.array(names, dtype=object)


class GraphKeys:
    """`tf.compat.v1.GraphKeys`: the standard collection names."""

    GLOBAL_VARIABLES = GLOBAL_VARIABLES
    TRAINABLE_VARIABLES = TRAINABLE_VARIABLES
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    GLOBAL_STEP = "global_step"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    SUMMARIES = "summaries"
    TRAIN_OP = "train_op"


def get_collection(key: str, scope: str | None = None) -> list:
    """`tf.compat.v1.get_collection`: a copy of the default graph's collection `key`."""
    graph = _graph()
    return [] if graph is None else graph.get_collection(key, scope)


def get_collection_ref(key: str) -> list:
    """The default graph's collection `key` itself (appending to it adds to it)."""
    graph = _graph()
    if graph is None:
        return []
    if key in (GLOBAL_VARIABLES, TRAINABLE_VARIABLES):
        return graph.global_variables if key == GLOBAL_VARIABLES else graph.trainable_variables
    return graph.collections.setdefault(key, [])


def add_to_collection(name: str, value: Any) -> None:
    """`tf.compat.v1.add_to_collection` (eagerly: nothing, as in TF 2)."""
    graph = _graph()
    if graph is not None:
        get_collection_ref(name).append(value)


def add_to_collections(names: Any, value: Any) -> None:
    for name in [names] if isinstance(names, str) else names:
        add_to_collection(name, value)
