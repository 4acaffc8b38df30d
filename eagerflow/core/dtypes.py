"""TensorFlow-style dtype objects (`tf.float32`, `tf.int32`, ...) backed by NumPy dtypes."""

from __future__ import annotations

from typing import Any

import numpy as np


class DType:
    """A tensor element type, mirroring `tf.DType`.

    Example:
        >>> import eagerflow as tf
        >>> tf.float32.is_floating, tf.float32.as_numpy_dtype
        (True, <class 'numpy.float32'>)
    """

    __slots__ = ("_name", "_np")

    def __init__(self, name: str, np_dtype: Any) -> None:
        self._name = name
        self._np = np.dtype(np_dtype)

    @property
    def name(self) -> str:
        return self._name

    @property
    def as_numpy_dtype(self) -> type:
        return self._np.type

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np.kind == "u"

    @property
    def is_complex(self) -> bool:
        return self._np.kind == "c"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self) -> Any:
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self) -> Any:
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    @property
    def is_differentiable(self) -> bool:
        """Whether gradients flow through values of this dtype (floats and complex)."""
        return self._np.kind in "fc"

    def is_compatible_with(self, other: Any) -> bool:
        return self is as_dtype(other)

    def __repr__(self) -> str:
        return f"tf.{self._name}"

    def __str__(self) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if other is None:
            return False
        if isinstance(other, DType):
            return self is other
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self._name)

    def __reduce__(self) -> tuple:
        return as_dtype, (self._name,)


float16 = half = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = double = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool_ = DType("bool", np.bool_)
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)
string = DType("string", np.object_)

ALL_DTYPES = (
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
    bool_,
    complex64,
    complex128,
    string,
)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update({"half": float16, "double": float64})
# Keyed by numpy dtype: the lookup on every `Tensor.dtype` access, so it must stay a dict hit.
_BY_NUMPY = {d._np: d for d in ALL_DTYPES}


def from_numpy(np_dtype: np.dtype) -> DType:
    """The DType of a NumPy dtype (fast path used by `Tensor.dtype`)."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        if np_dtype.kind in "SUO":
            return string
        raise TypeError(f"Cannot convert NumPy dtype {np_dtype!r} to an eagerflow DType.") from None


def as_dtype(type_value: Any) -> DType:
    """Converts a DType, a NumPy dtype or type, or a name (`"float32"`) to a DType."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        if type_value in _BY_NAME:
            return _BY_NAME[type_value]
        raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.")
    if type_value is float:
        return float32
    if type_value is bool:
        return bool_
    as_np = getattr(type_value, "as_numpy_dtype", None)
    if as_np is not None:
        return as_dtype(as_np)
    try:
        return from_numpy(np.dtype(type_value))
    except (TypeError, ValueError):
        raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.") from None
