"""Turning Python values, NumPy arrays and Variables into Tensors (`tf.constant`,
`tf.convert_to_tensor`), with TensorFlow's dtype rules."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import backend, dtypes, errors
from eagerflow.core.context import state
from eagerflow.core.tensor import Tensor, wrap
from eagerflow.core.tensor_shape import TensorShape

_INT32 = np.iinfo(np.int32)


_SCALAR_DTYPES = {float: np.float32, bool: np.bool_}


def _python_to_array(value: Any) -> np.ndarray:
    """Python scalars and lists: floats become float32 and ints int32, as in TensorFlow."""
    kind = type(value)
    if kind in _SCALAR_DTYPES:
        return np.array(value, dtype=_SCALAR_DTYPES[kind])
    if kind is int:
        small = _INT32.min <= value <= _INT32.max
        return np.array(value, dtype=np.int32 if small else np.int64)
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "f" and arr.dtype == np.float64:
        return arr.astype(np.float32)
    if kind == "i" and arr.dtype == np.int64:
        if arr.size == 0 or (arr.min() >= _INT32.min and arr.max() <= _INT32.max):
            return arr.astype(np.int32)
        return arr
    if kind == "O":
        raise TypeError(f"Cannot convert {value!r} to a tensor: mixed or ragged elements.")
    if kind == "U" or kind == "S":
        return arr.astype(object)
    return arr


def _is_nested_tensors(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and any(
        isinstance(v, Tensor) or hasattr(v, "_as_tensor") or _is_nested_tensors(v) for v in value
    )


def _cast_checked(arr: np.ndarray, dtype: dtypes.DType, original: Any) -> np.ndarray:
    target = dtype._np
    if arr.dtype == target:
        return arr
    # Python floats may not silently turn into ints (TF: "Cannot convert 2.5 to ... int32").
    if arr.dtype.kind == "f" and target.kind in "iub":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise TypeError(f"Cannot convert {original!r} to EagerTensor of dtype {dtype.name}")
    if arr.dtype.kind == "c" and target.kind != "c":
        raise TypeError(f"Cannot convert {original!r} to EagerTensor of dtype {dtype.name}")
    return arr.astype(target)


def _to_array(value: Any, dtype: dtypes.DType | None, dtype_hint: Any) -> Any:
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind in "SU":
            arr = arr.astype(object)
        return arr if dtype is None else _cast_checked(arr, dtype, value)
    if _is_nested_tensors(value):
        arr = np.asarray([np.asarray(convert_to_tensor(v, dtype=dtype)) for v in value])
    elif hasattr(value, "__array__") and not isinstance(value, (list, tuple)):
        arr = np.asarray(value)  # foreign arrays (CuPy is handled by the caller)
        return arr if dtype is None else _cast_checked(arr, dtype, value)
    else:
        arr = _python_to_array(value)
        if dtype is not None and arr.dtype == np.float32 and dtype._np.itemsize > 4:
            # Python floats are doubles: a wider dtype takes the exact value, not a float32.
            arr = np.asarray(value, dtype=np.float64)
    if dtype is not None:
        return _cast_checked(arr, dtype, value)
    if dtype_hint is not None:
        hint = dtypes.as_dtype(dtype_hint)
        try:
            return _cast_checked(arr, hint, value)
        except TypeError:
            return arr
    return arr


def _on_current_device(arr: Any) -> Tensor:
    device = state().device
    if device is not None:
        arr = backend.to_device(arr, device)
    return wrap(arr)


def convert_to_tensor(
    value: Any, dtype: Any = None, dtype_hint: Any = None, name: Any = None
) -> Tensor:
    """Converts a Tensor, Variable, NumPy array, Python scalar or nested list to a Tensor.

    Python floats become float32 and ints int32; NumPy arrays keep their dtype. When `dtype`
    is given, a Tensor of another dtype raises `ValueError` as in TensorFlow.

    Example:
        >>> convert_to_tensor([[1.0, 2.0]]).dtype
        tf.float32
    """
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype is not dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
                f"{value.dtype.name}: {value!r}"
            )
        return value
    as_tensor = getattr(value, "_as_tensor", None)
    if as_tensor is not None:
        return as_tensor(dtype)
    if value is None:
        raise ValueError(
            "Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) "
            "to a Tensor."
        )
    if isinstance(value, TensorShape):
        value = value.as_list()
    if type(value).__module__.startswith("cupy"):
        return wrap(value if dtype is None else value.astype(dtype._np))
    return _on_current_device(_to_array(value, dtype, dtype_hint))


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const") -> Tensor:
    """Creates a constant tensor from a Python value or NumPy array (`tf.constant`).

    `dtype` may change the dtype of a Python value, array or variable, and `shape` reshapes the
    value or broadcasts a scalar. An eager Tensor is returned as it is when `dtype` and `shape`
    agree with it (so a tape still sees it, as in TensorFlow), reshaped or broadcast into a new
    tensor when `shape` differs, and another `dtype` raises TypeError, as TensorFlow's does.

    Example:
        >>> print(constant([[1, 2], [3, 4]]))
        tf.Tensor(
        [[1 2]
         [3 4]], shape=(2, 2), dtype=int32)
    """
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor) and value._value is not None:
        if dtype is not None and value.dtype is not dtype:
            raise TypeError(
                f"tf.constant: expected a tensor of dtype {dtype.name}, got a "
                f"{value.dtype.name} tensor of shape {value.shape}; use tf.cast to change "
                "the dtype of a tensor."
            )
        if shape is None or TensorShape(shape).as_list() == value.shape.as_list():
            return value
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        arr = np.asarray(convert_to_tensor(value))
        if dtype is not None:
            arr = arr.astype(dtype._np)
    else:
        arr = _to_array(value, dtype, None)
    if shape is not None:
        shape = tuple(TensorShape(shape).as_list())
        if arr.size == 1 and int(np.prod(shape)) != 1:
            arr = np.broadcast_to(arr.reshape(()), shape).copy()
        elif arr.size != int(np.prod(shape)):
            raise TypeError(
                f"Eager execution of tf.constant with unsupported shape. Tensor {value!r} "
                f"(converted from {arr.shape}) has {arr.size} elements, but got `shape` {shape} "
                f"with {int(np.prod(shape))} elements)."
            )
        else:
            arr = arr.reshape(shape)
    return _on_current_device(arr)


def check_same_dtype(op: str, x: Tensor, y: Tensor) -> None:
    """Raises InvalidArgumentError naming both dtypes when binary-op inputs disagree."""
    if x.dtype != y.dtype:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: cannot compute {op} as input #1 (y) was expected to be a {x.dtype.name} tensor "
            f"but is a {y.dtype.name} tensor (x is {x.dtype.name}, shape {x.shape}; y is "
            f"{y.dtype.name}, shape {y.shape}). Cast one with tf.cast.",
        )


def binary_operands(op: str, x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """Converts the inputs of a binary op with TensorFlow's rules.

    A Python value or NumPy array adopts the other operand's dtype; two tensors of
    different dtypes raise `InvalidArgumentError` naming the op and both dtypes.
    """
    if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
        x = convert_to_tensor(x)
        y = y if isinstance(y, Tensor) else _adopt(op, y, x)
    elif isinstance(y, Tensor) or hasattr(y, "_as_tensor"):
        y = convert_to_tensor(y)
        x = _adopt(op, x, y)
    else:
        x = convert_to_tensor(x)
        y = _adopt(op, y, x)
    if x.dtype is not y.dtype:
        check_same_dtype(op, x, y)
    return x, y


def _adopt(op: str, value: Any, other: Tensor) -> Tensor:
    if hasattr(value, "_as_tensor"):
        return convert_to_tensor(value)
    try:
        return convert_to_tensor(value, dtype=other.dtype)
    except TypeError as exc:
        raise TypeError(f"{op}: {exc} (the other operand is {other.dtype.name}).") from None
