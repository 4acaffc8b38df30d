"""Symbolic Keras tensors: placeholders that record which layer call produced them.

`tf.keras.Input` returns a `KerasTensor`; calling a layer on KerasTensors records a `Node`
(layer, arguments, outputs) instead of computing. A functional `Model` replays the recorded
nodes on real tensors. This is a light graph of layer calls, separate from `tf.function`.

Output shapes come from running the layer on small zero-filled inputs: every unknown
dimension is tried at two sizes, and an output dimension that changes between the two runs is
unknown. So every layer (including `Lambda` and custom ones) gets shape inference for free.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

import eagerflow as tf
from eagerflow.core.context import state

_PROBE_SIZES = (2, 3)


class _ProbeState:
    """How many shape-inference probes are running (layers do not record probe shapes)."""

    depth = 0


PROBE_STATE = _ProbeState()


class KerasTensor:
    """A symbolic tensor: a shape (unknown dimensions are None), a dtype and its history.

    Example:
        >>> x = tf.keras.Input(shape=(784,))
        >>> x.shape
        TensorShape([None, 784])
    """

    _ids = itertools.count()

    def __init__(
        self, shape: Any, dtype: Any = "float32", name: str | None = None, history: Any = None
    ) -> None:
        self.shape = tf.TensorShape(shape)
        self.dtype = tf.as_dtype(dtype)
        self.name = name or f"keras_tensor_{next(self._ids)}"
        # (layer, node index, output index): the layer call that produced this tensor.
        self._keras_history = history

    @property
    def ndim(self) -> int | None:
        return self.shape.rank

    def get_shape(self) -> tf.TensorShape:
        return self.shape

    def __len__(self) -> int:
        raise TypeError(
            "KerasTensor has no len(): it is a symbolic placeholder. Call a layer on it, or "
            "call the model on real data."
        )

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"Cannot convert the symbolic KerasTensor {self.name!r} to a NumPy array. It is a "
            "placeholder for building a functional Model; pass real data to the model instead."
        )

    def __bool__(self) -> bool:
        raise TypeError(f"Using the symbolic KerasTensor {self.name!r} as a Python bool.")

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        layer = self._keras_history[0].name if self._keras_history else None
        made = f" (created by layer '{layer}')" if layer else ""
        return f"<KerasTensor: shape={self.shape} dtype={self.dtype.name}{made}>"

    # Operators become small layers, so `x + y` and `x[:, 0]` work in functional models.
    def _op(self, fn: Any, *others: Any) -> Any:
        from eagerflow.keras.layers.core import TFOpLambda  # noqa: PLC0415  (layers import us)

        return TFOpLambda(fn)([self, *others])

    def __add__(self, other: Any) -> Any:
        return self._op(lambda a: a[0] + a[1], other)

    def __radd__(self, other: Any) -> Any:
        return self._op(lambda a: a[1] + a[0], other)

    def __sub__(self, other: Any) -> Any:
        return self._op(lambda a: a[0] - a[1], other)

    def __rsub__(self, other: Any) -> Any:
        return self._op(lambda a: a[1] - a[0], other)

    def __mul__(self, other: Any) -> Any:
        return self._op(lambda a: a[0] * a[1], other)

    def __rmul__(self, other: Any) -> Any:
        return self._op(lambda a: a[1] * a[0], other)

    def __truediv__(self, other: Any) -> Any:
        return self._op(lambda a: a[0] / a[1], other)

    def __neg__(self) -> Any:
        return self._op(lambda a: -a[0])

    def __getitem__(self, key: Any) -> Any:
        return self._op(lambda a: a[0][key])


class Node:
    """One call of `layer` on symbolic arguments, producing `outputs` (a nest of KerasTensors)."""

    __slots__ = ("layer", "call_args", "call_kwargs", "outputs")

    def __init__(self, layer: Any, call_args: tuple, call_kwargs: dict, outputs: Any) -> None:
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.outputs = outputs

    @property
    def input_tensors(self) -> list:
        flat = tf.nest.flatten((self.call_args, self.call_kwargs))
        return [x for x in flat if isinstance(x, KerasTensor)]

    @property
    def output_tensors(self) -> list:
        return tf.nest.flatten(self.outputs)


def is_symbolic(value: Any) -> bool:
    """True when `value` is, or (in a list, tuple or dict) contains, a KerasTensor."""
    if isinstance(value, KerasTensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(is_symbolic(v) for v in value)
    if isinstance(value, dict):
        return any(is_symbolic(v) for v in value.values())
    return False


def _probe(value: Any, size: int) -> Any:
    if not isinstance(value, KerasTensor):
        return value
    if value.shape.rank is None:
        raise ValueError(f"Cannot infer output shapes for {value!r}: its rank is unknown.")
    dims = [size if d is None else d for d in value.shape.as_list()]
    return tf.constant(np.zeros(dims, dtype=value.dtype.as_numpy_dtype))


def infer_output_spec(fn: Any, variables: Any, args: tuple, kwargs: dict) -> tuple[Any, list]:
    """(output structure, flat list of (TensorShape, DType)) of `fn(*args, **kwargs)`.

    `fn` runs on zero-filled probes off all tapes; `variables` are restored afterwards, so
    running statistics (BatchNormalization with training=True) do not move.
    """
    symbols = [x for x in tf.nest.flatten((args, kwargs)) if isinstance(x, KerasTensor)]
    has_unknown = any(None in (x.shape.dims or [None]) for x in symbols)
    sizes = _PROBE_SIZES if has_unknown else _PROBE_SIZES[:1]
    saved = [(v, v._value) for v in variables]
    s = state()
    tapes, s.tapes = s.tapes, ()
    runs = []
    PROBE_STATE.depth += 1
    try:
        for size in sizes:
            probe_args, probe_kwargs = tf.nest.map_structure(
                lambda v, size=size: _probe(v, size), (args, kwargs)
            )
            runs.append(fn(*probe_args, **probe_kwargs))
    finally:
        PROBE_STATE.depth -= 1
        s.tapes = tapes
        for v, value in saved:
            v._value = value
    first = tf.nest.flatten(runs[0])
    last = tf.nest.flatten(runs[-1])
    specs = []
    for a, b in zip(first, last):
        a, b = tf.convert_to_tensor(a), tf.convert_to_tensor(b)
        dims = [da if da == db else None for da, db in zip(a.shape.as_list(), b.shape.as_list())]
        if a.shape.rank != b.shape.rank:
            dims = None
        specs.append((tf.TensorShape(dims), a.dtype))
    return runs[0], specs
