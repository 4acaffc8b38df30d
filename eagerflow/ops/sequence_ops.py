"""Tensors made from a few numbers: `tf.fill`, `tf.range`, `tf.linspace`."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._shape_args import traced_shape


# -- fill -----------------------------------------------------------------------------------
# While tracing, `dims` may be a symbolic 1-D tensor (`tf.fill(tf.shape(x), v)`): it becomes
# a second input and the `dims` attr is None.
def _fill_kernel(xp: Any, value: Any, *dims_t: Any, dims: tuple | None, partial: Any = None) -> Any:
    shape = dims if dims is not None else tuple(int(d) for d in dims_t[0].tolist())
    return xp.full(shape, value, dtype=value.dtype)


def _fill_rule(
    value: TensorSpec, *dims_t: TensorSpec, dims: tuple | None, partial: tuple | None = None
) -> TensorSpec:
    if dims is None:
        return TensorSpec(None if partial is None else list(partial), value.dtype)
    return TensorSpec(list(dims), value.dtype)


FILL = Primitive("Fill", _fill_kernel, _fill_rule)


@RegisterGradient("Fill")
def _fill_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    return [reduce_sum(grad)] + [None] * (len(op.inputs) - 1)


def fill(dims: Any, value: Any, name: Any = None) -> Tensor:
    """A tensor of shape `dims` filled with the scalar `value` (differentiable in `value`).

    Example:
        >>> tf.fill([2, 2], 7).numpy()
        array([[7, 7],
               [7, 7]], dtype=int32)
    """
    v = convert_to_tensor(value)
    if v.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"Fill: value must be a scalar, got shape {v.shape}"
        )
    traced = traced_shape(dims)
    if traced is not None:  # needs run-time values while tracing
        if not traced[0].dtype.is_integer:
            raise TypeError(f"Fill: dims must be integers, got {traced[0].dtype.name}")
        return execute(FILL, (v, traced[0]), {"dims": None, "partial": traced[1]})
    if isinstance(dims, Tensor) or hasattr(dims, "_as_tensor"):
        dims = convert_to_tensor(dims).numpy()
    shape = tuple(int(d) for d in np.asarray(dims).reshape(-1))
    if any(d < 0 for d in shape):
        raise errors.InvalidArgumentError(
            None, None, f"Fill: dims must be non-negative, got {list(shape)}"
        )
    return execute(FILL, (v,), {"dims": shape})


# -- range ----------------------------------------------------------------------------------
# While tracing, a bound may be a symbolic scalar: it becomes input j and its attr ("arg", j).
def _range_kernel(xp: Any, *args: Any, start: Any, limit: Any, delta: Any, dtype: Any) -> Any:
    start, limit, delta = (
        args[v[1]].item() if type(v) is tuple else v for v in (start, limit, delta)
    )
    return xp.arange(start, limit, delta, dtype=dtype._np)


def _range_rule(*args: Any, start: Any, limit: Any, delta: Any, dtype: Any) -> TensorSpec:
    if tuple in (type(start), type(limit), type(delta)):
        return TensorSpec([None], dtype)
    return TensorSpec([builtins.max(0, int(np.ceil((limit - start) / delta)))], dtype)


RANGE = Primitive("Range", _range_kernel, _range_rule)
no_gradient("Range")


def _scalar(value: Any) -> tuple:
    """(python number, dtype it implies) for a range argument."""
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        t = convert_to_tensor(value)
        if t._value is None:  # symbolic while tracing: read when the graph runs
            if t.shape.rank != 0:
                raise ValueError(f"range: arguments must be scalars, got shape {t.shape}")
            return t, t.dtype
        return t.numpy().item(), t.dtype
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return arr.item(), dtypes.float32 if isinstance(value, float) else dtypes.from_numpy(
            arr.dtype
        )
    if arr.dtype.kind in "iu":
        return arr.item(), dtypes.int32 if isinstance(value, int) else dtypes.from_numpy(arr.dtype)
    raise TypeError(f"range: arguments must be numbers or scalar tensors, got {value!r}")


_RANGE_ORDER = [dtypes.int32, dtypes.int64, dtypes.float16, dtypes.float32, dtypes.float64]


def range(  # noqa: A001
    start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name: str = "range"
) -> Tensor:
    """The sequence `start, start + delta, ...` up to but excluding `limit`.

    With one argument it counts from 0. The dtype is inferred as TensorFlow does: int32 for
    Python ints, float32 for Python floats, the widest tensor dtype otherwise.

    Example:
        >>> tf.range(3, 18, 3).numpy()
        array([ 3,  6,  9, 12, 15], dtype=int32)
        >>> tf.range(0.0, 1.0, 0.25).numpy()
        array([0.  , 0.25, 0.5 , 0.75], dtype=float32)
    """
    if limit is None:
        start, limit = 0, start
    values = [_scalar(v) for v in (start, limit, delta)]
    if dtype is None:
        dtype = builtins.max(
            (d for _, d in values), key=lambda d: _RANGE_ORDER.index(d) if d in _RANGE_ORDER else 0
        )
    else:
        dtype = dtypes.as_dtype(dtype)
    start, limit, delta = (v for v, _ in values)
    symbolic = [v for v in (start, limit, delta) if isinstance(v, Tensor)]
    if symbolic:
        return _traced_range(start, limit, delta, dtype)
    if delta == 0:
        raise errors.InvalidArgumentError(None, None, f"Range: requires delta != 0, got {delta}")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Range: requires start {'<=' if delta > 0 else '>='} limit when delta "
            f"{'>' if delta > 0 else '<'} 0: got start {start}, limit {limit}, delta {delta}",
        )
    cast = float if dtype.is_floating else int
    attrs = {"start": cast(start), "limit": cast(limit), "delta": cast(delta), "dtype": dtype}
    return execute(RANGE, (), attrs)


def _traced_range(start: Any, limit: Any, delta: Any, dtype: dtypes.DType) -> Tensor:
    cast = float if dtype.is_floating else int
    inputs: list = []
    attrs: dict = {"dtype": dtype}
    for name, v in (("start", start), ("limit", limit), ("delta", delta)):
        if isinstance(v, Tensor):
            inputs.append(v)
            attrs[name] = ("arg", len(inputs) - 1)
        else:
            attrs[name] = cast(v)
    return execute(RANGE, tuple(inputs), attrs)


# -- linspace -------------------------------------------------------------------------------
def linspace(start: Any, stop: Any, num: Any, name: Any = None, axis: int = 0) -> Tensor:
    """`num` evenly spaced values from `start` to `stop` inclusive, along a new `axis`.

    `start` and `stop` may be tensors of one shape (TF 2's N-d linspace); the result is
    differentiable in both. Integer inputs are computed in float32.

    Example:
        >>> tf.linspace(0.0, 1.0, 5).numpy()
        array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    from eagerflow.ops.array_ops import expand_dims, reshape  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.join_ops import concat  # noqa: PLC0415

    lo = convert_to_tensor(start)
    if not (lo.dtype.is_floating or lo.dtype.is_complex):
        lo = cast(lo, dtypes.float32)
    hi = convert_to_tensor(stop, dtype_hint=lo.dtype)
    if hi.dtype != lo.dtype:
        hi = cast(hi, lo.dtype)
    n = int(convert_to_tensor(num).numpy()) if not isinstance(num, int) else num
    if n < 0:
        raise errors.InvalidArgumentError(None, None, f"LinSpace: num must be >= 0, got {n}")
    rank = lo.ndim
    axis = axis % (rank + 1)
    first, last = expand_dims(lo, axis), expand_dims(hi, axis)
    if n == 1:
        return first
    if n == 0:
        return _empty(first, axis)
    steps = convert_to_tensor(np.arange(1, n - 1, dtype=lo.dtype.as_numpy_dtype))
    steps = reshape(steps, [1] * axis + [n - 2] + [1] * (rank - axis))
    delta = (last - first) / (n - 1)
    return concat([first, first + delta * steps, last], axis)


def _empty(first: Tensor, axis: int) -> Tensor:
    from eagerflow.ops.slicing_ops import apply_index  # noqa: PLC0415

    index = tuple(("slice", 0, 0 if i == axis else d, 1) for i, d in enumerate(first.shape))
    return apply_index(first, index)
