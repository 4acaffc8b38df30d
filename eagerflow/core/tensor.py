"""`Tensor`: an immutable value wrapping one backend array (NumPy or CuPy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import backend, dtypes
from eagerflow.core.tensor_shape import TensorShape

# Operators that ops modules install on Tensor and Variable (TF's `_override_operator`).
OVERLOADABLE_OPERATORS = frozenset(
    [
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__floordiv__",
        "__rfloordiv__",
        "__mod__",
        "__rmod__",
        "__pow__",
        "__rpow__",
        "__matmul__",
        "__rmatmul__",
        "__neg__",
        "__abs__",
        "__invert__",
        "__and__",
        "__rand__",
        "__or__",
        "__ror__",
        "__xor__",
        "__rxor__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__eq__",
        "__ne__",
        "__getitem__",
        "__pos__",
    ]
)
_OPERATOR_CLASSES: list[type] = []
_OVERRIDDEN: dict[str, Callable] = {}


def register_operator_class(cls: type) -> type:
    """Marks `cls` (Tensor, Variable) as receiving every overridden operator."""
    _OPERATOR_CLASSES.append(cls)
    for name, fn in _OVERRIDDEN.items():
        setattr(cls, name, fn)
    return cls


def override_operator(name: str, fn: Callable) -> None:
    """Installs `fn` as operator `name` on Tensor and Variable (called by the ops modules)."""
    if name not in OVERLOADABLE_OPERATORS:
        raise ValueError(f"Operator {name!r} cannot be overridden.")
    _OVERRIDDEN[name] = fn
    for cls in _OPERATOR_CLASSES:
        setattr(cls, name, fn)


def _numpy_text(value: np.ndarray, is_repr: bool) -> str:
    # NumPy 2 prints scalars as `np.float32(2.0)`; TensorFlow shows `2.0`.
    if value.ndim == 0:
        value = value[()]
    with np.printoptions(legacy="1.25"):
        text = repr(value) if is_repr else str(value)
    return "\n" + text if "\n" in text else text


class Reference:
    """A hashable reference to a Tensor or Variable (`t.ref()`), as TensorFlow 2."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def deref(self) -> Any:
        return self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reference) and other._obj is self._obj

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._obj!r}>"


@register_operator_class
class Tensor:
    """A multi-dimensional array with a dtype and a device, as `tf.Tensor` in eager mode.

    Tensors are immutable. They print, convert and overload operators like TensorFlow's:

    Example:
        >>> import eagerflow as tf
        >>> print(tf.constant([[1, 2], [3, 4]]) + 1)
        tf.Tensor(
        [[2 3]
         [4 5]], shape=(2, 2), dtype=int32)
    """

    __slots__ = ("_value", "_keras_mask", "__weakref__")
    # NumPy defers binary operators to us, so `ndarray * tensor` gives a Tensor, as in TF.
    __array_priority__ = 100

    def __init__(self, value: Any) -> None:
        # Public construction goes through tf.constant; this keeps Tensor(array) usable too.
        self._value = value if isinstance(value, np.ndarray) else np.asarray(value)

    # -- static properties ------------------------------------------------------------
    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.from_numpy(self._value.dtype)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._value.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape: Any) -> None:
        if not self.shape.is_compatible_with(shape):
            raise ValueError(
                f"Tensor's shape {self.shape} is not compatible with supplied shape "
                f"{TensorShape(shape)}."
            )

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return backend.device_of(self._value).name

    @property
    def name(self) -> str:
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    @property
    def graph(self) -> Any:
        raise AttributeError("Tensor.graph is undefined when eager execution is enabled.")

    @property
    def op(self) -> Any:
        raise AttributeError("Tensor.op is undefined when eager execution is enabled.")

    # -- conversion ---------------------------------------------------------------------
    def numpy(self) -> Any:
        """The value as a NumPy array (a NumPy scalar for rank-0 tensors), copied to host."""
        value = self._value
        if type(value) is not np.ndarray:
            value = value.get()
        return value[()] if value.ndim == 0 else value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        value = self._value if type(self._value) is np.ndarray else self._value.get()
        return value if dtype is None else value.astype(dtype, copy=False)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __complex__(self) -> complex:
        return complex(self._value)

    def __index__(self) -> int:
        if self._value.ndim != 0 or self._value.dtype.kind not in "iu":
            raise TypeError(
                f"Only integer scalar tensors can be used as an index; got shape "
                f"{self.shape} dtype {self.dtype.name}."
            )
        return int(self._value)

    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self._value.shape[0]

    def __iter__(self) -> Any:
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        for i in range(self._value.shape[0]):
            yield self[i]

    def __format__(self, format_spec: str) -> str:
        return self.numpy().__format__(format_spec)

    def __repr__(self) -> str:
        return (
            f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, "
            f"numpy={_numpy_text(self.__array__(), True)}>"
        )

    def __str__(self) -> str:
        return (
            f"tf.Tensor({_numpy_text(self.__array__(), False)}, shape={self.shape}, "
            f"dtype={self.dtype.name})"
        )

    # -- identity -----------------------------------------------------------------------
    def __hash__(self) -> int:
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    def __copy__(self) -> Tensor:
        return self

    def __deepcopy__(self, memo: dict) -> Tensor:
        return self

    def __reduce__(self) -> tuple:
        return Tensor, (self.__array__(),)

    # -- devices ------------------------------------------------------------------------
    def cpu(self) -> Tensor:
        """A copy of this tensor in host memory."""
        return _placed(self, backend.CPU)

    def gpu(self, gpu_index: int = 0) -> Tensor:
        """A copy of this tensor on GPU `gpu_index`."""
        return _placed(self, backend.parse_device(f"/gpu:{gpu_index}"))


# The device copy is the ops layer's `identity` (recorded, so gradients cross devices); core
# cannot import ops, so array_ops installs it here at import time.
_identity: Callable | None = None


def set_identity_op(fn: Callable) -> None:
    global _identity
    _identity = fn


def _placed(tensor: Tensor, device: backend.Device) -> Tensor:
    from eagerflow.core.context import state  # noqa: PLC0415  (context imports nothing here)

    s = state()
    previous, s.device = s.device, device
    try:
        return _identity(tensor)
    finally:
        s.device = previous


_new = object.__new__


def wrap(array: Any) -> Tensor:
    """A Tensor around a backend array, without copying or checks (the dispatch fast path)."""
    t = _new(Tensor)
    t._value = array
    return t
