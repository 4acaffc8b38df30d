"""`tf.compat.v1.variable_scope` and `tf.compat.v1.get_variable`: named, shared variables.

`get_variable(name, ...)` creates `scope/name` once; asking again for it is an error unless
the scope reuses (`reuse=True` requires that it exists, `tf.compat.v1.AUTO_REUSE` creates it
on first use). Variables are kept per graph (one store for eager code). A scope also prefixes
the names of variables created with `tf.Variable` inside it. The TF1 initializer names
(`tf.compat.v1.zeros_initializer`, ...) keep TF1's defaults.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator
from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.context import state
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.variable import Variable
from eagerflow.graph.tf1.variables import add_to_collection
from eagerflow.keras import initializers as _init

AUTO_REUSE = "AUTO_REUSE"


class VariableScope:
    """A variable scope's settings: its full name, reuse mode, default initializer, dtype."""

    def __init__(
        self,
        reuse: Any,
        name: str = "",
        initializer: Any = None,
        regularizer: Any = None,
        dtype: Any = None,
    ) -> None:
        self.name = name
        self.reuse = reuse
        self.initializer = initializer
        self.regularizer = regularizer
        self.dtype = dtype

    @property
    def original_name_scope(self) -> str:
        return self.name + "/" if self.name else ""

    def reuse_variables(self) -> None:
        self.reuse = True

    def __repr__(self) -> str:
        return f"<VariableScope {self.name!r} reuse={self.reuse}>"


class _Local(threading.local):
    def __init__(self) -> None:
        self.scopes: list[VariableScope] = [VariableScope(reuse=False)]


_LOCAL = _Local()
_STORES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_EAGER_STORE: dict[str, Variable] = {}


def _store() -> dict[str, Variable]:
    graph = state().graph
    if graph is None:
        return _EAGER_STORE
    return _STORES.setdefault(graph, {})


def get_variable_scope() -> VariableScope:
    """The innermost variable scope of this thread."""
    return _LOCAL.scopes[-1]


@contextlib.contextmanager
def variable_scope(
    name_or_scope: Any,
    default_name: str | None = None,
    values: Any = None,
    initializer: Any = None,
    regularizer: Any = None,
    caching_device: Any = None,
    partitioner: Any = None,
    custom_getter: Any = None,
    reuse: Any = None,
    dtype: Any = None,
    use_resource: Any = None,
    constraint: Any = None,
    auxiliary_name_scope: bool = True,
) -> Iterator[VariableScope]:
    """`tf.compat.v1.variable_scope`: names variables `scope/name` and sets their sharing.

    Example:
        >>> with tf.Graph().as_default():
        ...     with tf.compat.v1.variable_scope("layer"):
        ...         w = tf.compat.v1.get_variable("w", shape=[2])
        ...     with tf.compat.v1.variable_scope("layer", reuse=True):
        ...         same = tf.compat.v1.get_variable("w")
        ...     same is w
        True
    """
    parent = get_variable_scope()
    if isinstance(name_or_scope, VariableScope):
        full = name_or_scope.name
        local = full.rsplit("/", 1)[-1]
        base = name_or_scope
    else:
        local = name_or_scope if name_or_scope is not None else default_name
        if local is None:
            raise ValueError("variable_scope: name_or_scope or default_name is required.")
        full = f"{parent.name}/{local}" if parent.name else local
        base = parent
    if reuse is None:
        reuse = True if parent.reuse is True else base.reuse if base is not parent else None
    scope = VariableScope(
        reuse=reuse,
        name=full,
        initializer=initializer if initializer is not None else base.initializer,
        regularizer=regularizer if regularizer is not None else base.regularizer,
        dtype=dtype if dtype is not None else base.dtype,
    )
    s = state()
    _LOCAL.scopes.append(scope)
    saved_names = list(s.name_scopes)
    if auxiliary_name_scope:
        s.name_scopes = full.split("/")
    try:
        yield scope
    finally:
        s.name_scopes = saved_names
        _LOCAL.scopes.pop()


def _default_initializer(dtype: dtypes.DType) -> Any:
    if dtype.is_floating:
        return _init.GlorotUniform()
    return _init.Zeros()


def get_variable(
    name: str,
    shape: Any = None,
    dtype: Any = None,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool | None = None,
    collections: Any = None,
    caching_device: Any = None,
    partitioner: Any = None,
    validate_shape: bool = True,
    use_resource: Any = None,
    custom_getter: Any = None,
    constraint: Any = None,
    synchronization: Any = None,
    aggregation: Any = None,
) -> Variable:
    """`tf.compat.v1.get_variable`: the variable `scope/name`, created on first request.

    `initializer` is an initializer (called with `shape` and `dtype`), or a value (then
    `shape` may be omitted). Without one, floating variables get Glorot-uniform values and
    others zeros, as in TF1. A `regularizer` (or the scope's) adds `regularizer(variable)` to
    the graph's "regularization_losses" collection.
    """
    scope = get_variable_scope()
    full = f"{scope.name}/{name}" if scope.name else name
    store = _store()
    found = store.get(full)
    if found is not None:
        if scope.reuse not in (True, AUTO_REUSE):
            raise ValueError(
                f"Variable {full} already exists, disallowed. Did you mean to set reuse=True "
                "or reuse=tf.AUTO_REUSE in VarScope?"
            )
        if shape is not None and not found.shape.is_compatible_with(TensorShape(shape)):
            raise ValueError(
                f"Trying to share variable {full}, but specified shape {TensorShape(shape)} "
                f"and found shape {found.shape}."
            )
        return found
    if scope.reuse is True:
        raise ValueError(
            f"Variable {full} does not exist, or was not created with tf.get_variable(). Did "
            "you mean to set reuse=tf.AUTO_REUSE in VarScope?"
        )
    dtype = dtypes.as_dtype(dtype or scope.dtype or dtypes.float32)
    initializer = initializer if initializer is not None else scope.initializer
    if initializer is None:
        initializer = _default_initializer(dtype)
    if isinstance(initializer, str):
        initializer = _init.get(initializer)
    if callable(initializer):
        if shape is None or not TensorShape(shape).is_fully_defined():
            raise ValueError(
                f"Shape of a new variable ({full}) must be fully defined, but instead was "
                f"{TensorShape(shape) if shape is not None else None}."
            )
        dims = TensorShape(shape).as_list()

        def value() -> Any:
            return initializer(dims, dtype=dtype)

    else:
        value = initializer
    s = state()
    saved_names, s.name_scopes = s.name_scopes, []
    try:
        variable = Variable(
            value,
            trainable=trainable,
            name=full,
            dtype=dtype,
            shape=shape if shape is not None and not callable(initializer) else None,
            constraint=constraint,
        )
    finally:
        s.name_scopes = saved_names
    store[full] = variable
    regularizer = regularizer if regularizer is not None else scope.regularizer
    if regularizer is not None:
        penalty = regularizer(variable)
        if penalty is not None:
            add_to_collection("regularization_losses", penalty)
    return variable


# -- TF1 initializer names, with TF1's defaults ----------------------------------------------
def zeros_initializer(dtype: Any = None) -> _init.Initializer:
    return _init.Zeros()


def ones_initializer(dtype: Any = None) -> _init.Initializer:
    return _init.Ones()


def constant_initializer(value: Any = 0, dtype: Any = None, verify_shape: bool = False) -> Any:
    return _init.Constant(value)


def random_normal_initializer(
    mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: Any = None
) -> _init.Initializer:
    return _init.RandomNormal(mean=mean, stddev=stddev, seed=seed)


def truncated_normal_initializer(
    mean: float = 0.0, stddev: float = 1.0, seed: int | None = None, dtype: Any = None
) -> _init.Initializer:
    return _init.TruncatedNormal(mean=mean, stddev=stddev, seed=seed)


def random_uniform_initializer(
    minval: float = 0.0, maxval: float | None = None, seed: int | None = None, dtype: Any = None
) -> _init.Initializer:
    return _init.RandomUniform(minval=minval, maxval=1.0 if maxval is None else maxval, seed=seed)


def glorot_uniform_initializer(seed: int | None = None, dtype: Any = None) -> _init.Initializer:
    return _init.GlorotUniform(seed=seed)


def glorot_normal_initializer(seed: int | None = None, dtype: Any = None) -> _init.Initializer:
    return _init.GlorotNormal(seed=seed)
