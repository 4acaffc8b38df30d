"""Sliced variable assignment: `v[1:3].assign(value)`, as TensorFlow 2's `_SliceHelperVar`.

`v[key]` reads the variable and slices it like any tensor (recorded, so it is differentiable
with respect to `v`). The result also remembers the variable and the canonical index, and its
`assign` writes `value` into that slice of the variable with a `ResourceStridedSliceAssign`
update (no gradient, as every assignment).
"""

from __future__ import annotations

import weakref
from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute_update
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops import slicing_ops


def _slice_assign_kernel(xp: Any, current: Any, value: Any, index: tuple) -> Any:
    out = current.copy()
    out[slicing_ops.numpy_index(index)] = value
    return out


def _slice_assign_rule(var: TensorSpec, value: TensorSpec, index: tuple) -> TensorSpec:
    return var


STRIDED_SLICE_ASSIGN = Primitive(
    "ResourceStridedSliceAssign", _slice_assign_kernel, _slice_assign_rule
)

# id(slice tensor) -> (variable, canonical index), dropped when the slice tensor dies.
_SOURCES: dict[int, tuple] = {}


class SlicedVariable(Tensor):
    """The value of `v[key]` (a Tensor) that can also be assigned back into `v`."""

    __slots__ = ()

    def assign(
        self, value: Any, use_locking: bool = False, name: Any = None, read_value: bool = True
    ) -> Any:
        """Writes `value` (broadcast to this slice's shape) into the variable's slice.

        Example:
            >>> v = tf.Variable([1.0, 2.0, 3.0])
            >>> _ = v[1:].assign([5.0, 6.0])
            >>> v.numpy()
            array([1., 5., 6.], dtype=float32)
        """
        variable, index = _SOURCES[id(self)]
        update = convert_to_tensor(value, dtype_hint=variable.dtype)
        if update.dtype != variable.dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"ResourceStridedSliceAssign: variable {variable.name} has dtype "
                f"{variable.dtype.name} but the value has dtype {update.dtype.name}",
            )
        try:
            fits = rules.broadcast_shapes("SliceAssign", update.shape, self.shape) == self.shape
        except errors.InvalidArgumentError:
            fits = False
        if not fits:
            raise ValueError(
                f"ResourceStridedSliceAssign: the value of shape {update.shape} does not fit the "
                f"slice of shape {self.shape} of variable {variable.name}"
            )
        return execute_update(STRIDED_SLICE_ASSIGN, variable, (update,), {"index": index})


def sliced_variable(variable: Any, key: Any) -> Tensor:
    """`variable[key]`; for basic indices, a `SlicedVariable` that supports `.assign`."""
    read = convert_to_tensor(variable)
    result = slicing_ops.getitem(read, key)
    parts = key if isinstance(key, tuple) else (key,)
    if read._value is None or any(slicing_ops.is_advanced(k) for k in parts):
        return result
    index = slicing_ops.canonical_index(parts, list(read._value.shape))
    result.__class__ = SlicedVariable
    _SOURCES[id(result)] = (variable, index)
    weakref.finalize(result, _SOURCES.pop, id(result), None)
    return result
