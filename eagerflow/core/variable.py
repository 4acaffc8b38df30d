"""`Variable`: the mutable holder of a tensor value (`tf.Variable`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import backend, dtypes, errors
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute, execute_update
from eagerflow.core.tensor import Reference, Tensor, _numpy_text, register_operator_class
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec


def _same_spec(x: TensorSpec) -> TensorSpec:
    return x


def _update_spec(var: TensorSpec, value: TensorSpec) -> TensorSpec:
    return var


# Reading a variable is a primitive so that tapes record it (the variable is the input, so
# gradients reach it) and tracing captures the variable by reference instead of its value.
# Arrays are never written in place, so the read shares the current array without copying.
READ_VARIABLE = Primitive("ReadVariableOp", lambda xp, v: v, _same_spec)
ASSIGN = Primitive("AssignVariableOp", lambda xp, v, x: x.astype(v.dtype, copy=False), _update_spec)
ASSIGN_ADD = Primitive("AssignAddVariableOp", lambda xp, v, x: v + x, _update_spec)
ASSIGN_SUB = Primitive("AssignSubVariableOp", lambda xp, v, x: v - x, _update_spec)


@register_operator_class
class Variable:
    """A mutable tensor-valued state, as `tf.Variable` in TensorFlow 2 eager mode.

    Trainable variables are watched automatically by `GradientTape` when read. A variable is
    freed with its last Python reference.

    Example:
        >>> v = Variable(1.0, name="weight")
        >>> v.assign_add(2.0).numpy()
        3.0
    """

    __array_priority__ = 100

    def __init__(
        self,
        initial_value: Any = None,
        trainable: bool | None = None,
        validate_shape: bool = True,
        caching_device: Any = None,
        name: str | None = None,
        variable_def: Any = None,
        dtype: Any = None,
        import_scope: Any = None,
        constraint: Callable | None = None,
        synchronization: Any = None,
        aggregation: Any = None,
        shape: Any = None,
        experimental_enable_variable_lifting: bool = True,
    ) -> None:
        if initial_value is None:
            raise ValueError("The `initial_value` arg to `tf.Variable` must be specified.")
        graph = state().graph
        if graph is not None:  # created while tracing: initialize eagerly, as TF's init_scope
            initial_value = graph.lift_initial_value(initial_value)
        if callable(initial_value):
            initial_value = initial_value()
        value = (
            convert_to_tensor(initial_value, dtype=None if dtype is None else dtype)
            if not isinstance(initial_value, (Tensor, Variable)) or dtype is None
            else _cast_tensor(convert_to_tensor(initial_value), dtype)
        )
        device = state().device
        array = value._value
        if device is not None:
            array = backend.to_device(array, device)
        self._value = array
        self._dtype = dtypes.from_numpy(array.dtype)
        self._shape = TensorShape(array.shape) if shape is None else TensorShape(shape)
        if not self._shape.is_compatible_with(array.shape):
            raise ValueError(
                f"Variable: initial value shape {array.shape} is not compatible with "
                f"shape argument {self._shape}."
            )
        self._trainable = True if trainable is None else bool(trainable)
        self._constraint = constraint
        scope = "/".join(state().name_scopes)
        base = name if name is not None else "Variable"
        self._name = f"{scope}/{base}:0" if scope else f"{base}:0"
        if graph is not None:
            graph.variable_created(self)

    # -- reading ------------------------------------------------------------------------
    def _as_tensor(self, dtype: Any = None) -> Tensor:
        s = state()
        for tape in s.tapes:
            tape.variable_accessed(self)
        result = execute(READ_VARIABLE, (self,))
        if dtype is not None and dtypes.as_dtype(dtype) is not self._dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for variable "
                f"{self._name} with dtype {self._dtype.name}."
            )
        return result

    def read_value(self) -> Tensor:
        return self._as_tensor()

    value = read_value

    # A variable holds its value in `_value` like a Tensor, so the value conversions are
    # Tensor's own (one definition: a change to them reaches both).
    numpy = Tensor.numpy
    __array__ = Tensor.__array__
    __bool__ = Tensor.__bool__
    __int__ = Tensor.__int__
    __float__ = Tensor.__float__
    __complex__ = Tensor.__complex__

    # -- static properties --------------------------------------------------------------
    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def name(self) -> str:
        return self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self) -> Callable | None:
        return self._constraint

    @property
    def device(self) -> str:
        return backend.device_of(self._value).name

    @property
    def initial_value(self) -> Tensor:
        return self.read_value()

    # -- updates ------------------------------------------------------------------------
    def _update(self, prim: Primitive, value: Any, op: str) -> Variable:
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        if value.dtype is not self._dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"{op}: variable {self._name} has dtype {self._dtype.name} but the value has "
                f"dtype {value.dtype.name}.",
            )
        if not self._shape.is_compatible_with(value.shape):
            raise ValueError(
                f"{op}: cannot update variable {self._name} with shape {self._shape} using a "
                f"tensor with shape {value.shape}; shapes must be equal."
            )
        return execute_update(prim, self, (value,))

    def assign(
        self, value: Any, use_locking: bool = False, name: Any = None, read_value: bool = True
    ) -> Variable:
        """Sets the variable to `value` (same dtype, compatible shape); returns the variable."""
        return self._update(ASSIGN, value, "assign")

    def assign_add(
        self, delta: Any, use_locking: bool = False, name: Any = None, read_value: bool = True
    ) -> Variable:
        """Adds `delta` to the variable; returns the variable."""
        return self._update(ASSIGN_ADD, delta, "assign_add")

    def assign_sub(
        self, delta: Any, use_locking: bool = False, name: Any = None, read_value: bool = True
    ) -> Variable:
        """Subtracts `delta` from the variable; returns the variable."""
        return self._update(ASSIGN_SUB, delta, "assign_sub")

    # -- Python protocol ----------------------------------------------------------------
    def __index__(self) -> int:
        return Tensor.__index__(self.read_value())

    def __len__(self) -> int:
        return Tensor.__len__(self.read_value())

    def __iter__(self) -> Any:
        return iter(self.read_value())

    def __format__(self, format_spec: str) -> str:
        return self.numpy().__format__(format_spec)

    def __hash__(self) -> int:
        raise TypeError("Variable is unhashable. Instead, use variable.ref() as the key.")

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    def __repr__(self) -> str:
        return (
            f"<tf.Variable '{self._name}' shape={self._shape} dtype={self._dtype.name}, "
            f"numpy={_numpy_text(self.__array__(), True)}>"
        )

    def __deepcopy__(self, memo: dict) -> Variable:
        return Variable(
            np.array(self.__array__()),
            trainable=self._trainable,
            name=self._name.rsplit(":", 1)[0],
            constraint=self._constraint,
        )


def _cast_tensor(value: Tensor, dtype: Any) -> Tensor:
    from eagerflow.core.tensor import wrap  # noqa: PLC0415

    return wrap(value._value.astype(dtypes.as_dtype(dtype)._np))


def _is_symbolic(value: Any) -> bool:
    return getattr(value, "_value", None) is None
