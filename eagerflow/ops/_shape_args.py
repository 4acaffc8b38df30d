"""Shape arguments as Python lists: a list, tuple, TensorShape, int or concrete int tensor."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_shape import TensorShape


def shape_list(shape: Any) -> list:
    if isinstance(shape, Tensor):
        return [int(d) for d in shape.numpy().reshape(-1)]
    if isinstance(shape, TensorShape):
        return shape.as_list()
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    return [int(d) for d in shape]


def is_symbolic(value: Any) -> bool:
    """A tensor being traced (no value until the graph runs)."""
    return isinstance(value, Tensor) and value._value is None


def traced_shape(shape: Any) -> tuple | None:
    """For a shape argument that needs run-time values while tracing: `(shape tensor, partial)`.

    `shape` is a symbolic 1-D tensor, or a list mixing ints and symbolic scalars (as in
    `tf.reshape(x, [tf.shape(x)[0], -1])`). `partial` holds the dims known now (None where
    not). Returns None for shapes that are fully concrete.
    """
    if is_symbolic(shape):
        node = getattr(shape, "_node", None)
        if getattr(getattr(node, "op", None), "name", None) == "Shape":
            # `tf.shape(x)`: x's static dims are known now (TF's constant_value_as_shape).
            static = node.inputs[0].shape
            if static.rank is not None:
                return shape, tuple(static.as_list())
        n = shape.shape[0] if shape.shape.rank == 1 else None
        return shape, None if n is None else (None,) * n
    if not isinstance(shape, (list, tuple)) or not any(is_symbolic(d) for d in shape):
        return None
    from eagerflow.core.convert import convert_to_tensor  # noqa: PLC0415
    from eagerflow.ops.array_ops import stack  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    dtype = next(d.dtype for d in shape if is_symbolic(d))
    parts, partial = [], []
    for d in shape:
        if is_symbolic(d):
            parts.append(d if d.dtype == dtype else cast(d, dtype))
            partial.append(None)
        else:
            parts.append(convert_to_tensor(int(d), dtype=dtype))
            partial.append(int(d))
    return stack(parts), tuple(partial)
