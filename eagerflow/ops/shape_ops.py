"""Static and dynamic shape helpers: `tf.broadcast_static_shape`, `tf.broadcast_dynamic_shape`,
`tf.ensure_shape`, `tf.identity_n`."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_shape import TensorShape, as_shape
from eagerflow.ops import _shape_rules as rules


def broadcast_static_shape(shape_x: Any, shape_y: Any) -> TensorShape:
    """The broadcast of two static shapes (`TensorShape`s); ValueError if incompatible.

    Example:
        >>> tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3]))
        TensorShape([2, 3])
    """
    try:
        return rules.broadcast_shapes("BroadcastArgs", as_shape(shape_x), as_shape(shape_y))
    except errors.InvalidArgumentError as exc:
        raise ValueError(str(exc)) from None


def broadcast_dynamic_shape(shape_x: Any, shape_y: Any) -> Tensor:
    """The broadcast of two shapes given as 1-D integer tensors, as a tensor.

    Example:
        >>> tf.broadcast_dynamic_shape([2, 1], [3]).numpy()
        array([2, 3], dtype=int32)
    """
    x, y = convert_to_tensor(shape_x), convert_to_tensor(shape_y)
    out = broadcast_static_shape(np.asarray(x).tolist(), np.asarray(y).tolist())
    return convert_to_tensor(np.asarray(out.as_list(), dtype=x.dtype.as_numpy_dtype))


def ensure_shape(x: Any, shape: Any, name: Any = None) -> Tensor:
    """Returns `x` after checking its shape is compatible with `shape` (None dims match any).

    Example:
        >>> tf.ensure_shape(tf.zeros([2, 3]), [None, 3]).shape
        TensorShape([2, 3])
    """
    t = convert_to_tensor(x)
    if not t.shape.is_compatible_with(shape):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"EnsureShape: shape of tensor {t.shape} is not compatible with expected shape "
            f"{as_shape(shape)}",
        )
    if t._value is None:
        t.set_shape(shape)  # while tracing: a more specific static shape
    return t


def identity_n(input: Any, name: Any = None) -> list:
    """`tf.identity` of each tensor in a list.

    Example:
        >>> [t.numpy().item() for t in tf.identity_n([1, 2.0])]
        [1, 2.0]
    """
    from eagerflow.ops.array_ops import identity  # noqa: PLC0415

    return [identity(t) for t in input]
