"""Slicing: `tf.slice`, `tf.strided_slice` and `Tensor.__getitem__` (`tf.pad` is in `pad_ops`).

Every basic index (ints, slices with steps, `...`, `tf.newaxis`) is first resolved against the
static shape into a canonical index: one entry per index step, `("new",)`, `("index", i)` or
`("slice", start, stop, step)` with Python's slice meaning (bounds resolved to non-negative
ints where the dimension is known, left as given where it is not). While tracing, a bound
that is a symbolic scalar tensor becomes `("arg", j)`: the j-th extra input of the op, read
when the graph runs. The `StridedSlice` kernel applies the index; `StridedSliceGrad` writes a
gradient back into zeros shaped like the sliced input, and each is the other's gradient (so
slicing is differentiable to any order).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor, override_operator
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.core.variable import Variable


# -- canonical indices ----------------------------------------------------------------------
def dims_of(x: Tensor) -> list:
    """Static dims; for eager tensors read off the array (cheaper than building a TensorShape)."""
    value = x._value
    return list(value.shape) if value is not None else x.shape.as_list()


def _as_int(value: Any, what: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        value = convert_to_tensor(value).numpy()
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what}: booleans are not valid indices, got {value!r}")
    try:
        return int(value.__index__())
    except (AttributeError, TypeError):
        raise TypeError(
            f"{what}: only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
            f"scalar integer tensors are valid indices, got {value!r}"
        ) from None


def _is_symbolic(value: Any) -> bool:
    return isinstance(value, Tensor) and value._value is None


def _bound(value: Any, what: str, dynamic: list) -> Any:
    """An int, or `("arg", j)` for a symbolic scalar tensor (appended to `dynamic`)."""
    if type(value) is int:
        return value
    if hasattr(value, "_as_tensor"):
        value = convert_to_tensor(value)
    if _is_symbolic(value):
        if value.shape.rank != 0 or not value.dtype.is_integer:
            raise TypeError(
                f"{what}: tensor indices must be integer scalars, got {value.dtype.name} "
                f"{value.shape}"
            )
        dynamic.append(value)
        return ("arg", len(dynamic) - 1)
    return _as_int(value, what)


def _resolve_slice(s: builtins.slice, dim: int | None, dynamic: list) -> tuple:
    step = 1 if s.step is None else _bound(s.step, "StridedSlice", dynamic)
    if step == 0:
        raise ValueError("StridedSlice: slice step cannot be zero")
    start = None if s.start is None else _bound(s.start, "StridedSlice", dynamic)
    stop = None if s.stop is None else _bound(s.stop, "StridedSlice", dynamic)
    if dim is None or tuple in (type(start), type(stop), type(step)):
        return ("slice", start, stop, step)
    start, stop, step = builtins.slice(start, stop, step).indices(dim)
    # `slice.indices` reports "through index 0" going backwards as stop=-1.
    return ("slice", start, None if stop < 0 else stop, step)


def canonical_index(
    key: tuple, dims: list, op: str = "StridedSlice", dynamic: list | None = None
) -> tuple:
    """Resolves a tuple of basic indices against `dims` into the canonical form above.

    Symbolic scalar bounds are appended to `dynamic` (required when tracing with them).
    """
    if dynamic is None:
        dynamic = []
    if sum(k is Ellipsis for k in key) > 1:
        raise ValueError(f"{op}: an index can only have a single ellipsis ('...'), got {key}")
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    if consumed > len(dims):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: too many indices for a tensor of shape {tuple(dims)}: the index uses "
            f"{consumed} dimensions but the tensor has {len(dims)}",
        )
    out: list = []
    d = 0
    for k in key:
        if k is Ellipsis:
            for _ in range(len(dims) - consumed):
                out.append(("slice", None, None, 1))
                d += 1
        elif k is None:
            out.append(("new",))
        elif isinstance(k, builtins.slice):
            out.append(_resolve_slice(k, dims[d], dynamic))
            d += 1
        else:
            i = _bound(k, op, dynamic)
            if dims[d] is None or type(i) is tuple:
                out.append(("index", i))
            elif not -dims[d] <= i < dims[d]:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"{op}: slice index {i} of dimension {d} out of bounds (the tensor has "
                    f"shape {tuple(dims)})",
                )
            else:
                out.append(("index", i % dims[d]))
            d += 1
    return tuple(out)


def numpy_index(index: tuple, bounds: tuple = ()) -> tuple:
    if bounds:
        index = tuple(tuple(int(bounds[v[1]]) if type(v) is tuple else v for v in e) for e in index)
    parts: list = []
    for e in index:
        if e[0] == "new":
            parts.append(None)
        elif e[0] == "index":
            parts.append(e[1])
        else:
            parts.append(builtins.slice(e[1], e[2], e[3]))
    return tuple(parts)


def _sliced_dims(dims: list, index: tuple) -> list:
    out: list = []
    d = 0
    for e in index:
        if e[0] == "new":
            out.append(1)
            continue
        if e[0] == "slice":
            n = dims[d]
            if n is None or tuple in (type(e[1]), type(e[2]), type(e[3])):
                out.append(None)
            else:
                out.append(len(range(*builtins.slice(*e[1:]).indices(n))))
        d += 1
    return out + list(dims[d:])


# -- StridedSlice and its gradient ----------------------------------------------------------
def _strided_slice_kernel(xp: Any, x: Any, *bounds: Any, index: tuple) -> Any:
    return x[numpy_index(index, bounds)]


def _strided_slice_rule(x: TensorSpec, *bounds: TensorSpec, index: tuple) -> TensorSpec:
    return TensorSpec(_sliced_dims(x.shape.as_list(), index), x.dtype)


def _strided_slice_grad_kernel(xp: Any, like: Any, dy: Any, *bounds: Any, index: tuple) -> Any:
    out = xp.zeros(like.shape, dtype=dy.dtype)
    out[numpy_index(index, bounds)] = dy
    return out


def _strided_slice_grad_rule(
    like: TensorSpec, dy: TensorSpec, *bounds: TensorSpec, index: tuple
) -> TensorSpec:
    return TensorSpec(like.shape, dy.dtype)


STRIDED_SLICE = Primitive("StridedSlice", _strided_slice_kernel, _strided_slice_rule)
STRIDED_SLICE_GRAD = Primitive(
    "StridedSliceGrad", _strided_slice_grad_kernel, _strided_slice_grad_rule
)


def apply_index(x: Tensor, index: tuple, bounds: Any = ()) -> Tensor:
    """Runs `StridedSlice` with a canonical index (for ops built on slicing)."""
    return execute(STRIDED_SLICE, (x, *bounds), {"index": index})


def unslice(like: Tensor, dy: Tensor, index: tuple, bounds: Any = ()) -> Tensor:
    """The adjoint of `apply_index`: `dy` written at `index` into zeros shaped like `like`.

    `like` only lends its (run-time) shape, so unknown dimensions work when tracing.
    """
    return execute(STRIDED_SLICE_GRAD, (like, dy, *bounds), {"index": index})


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op: Any, grad: Tensor) -> list:
    bounds = op.inputs[1:]
    return [unslice(op.inputs[0], grad, op.get_attr("index"), bounds)] + [None] * len(bounds)


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op: Any, grad: Tensor) -> list:
    bounds = op.inputs[2:]
    return [None, apply_index(grad, op.get_attr("index"), bounds)] + [None] * len(bounds)


def int_list(values: Any, what: str) -> list:
    if isinstance(values, Tensor) or hasattr(values, "_as_tensor"):
        values = convert_to_tensor(values).numpy()
    return [_as_int(v, what) for v in np.asarray(values).reshape(-1)]


def _bound_list(values: Any, what: str) -> list:
    """Like `_int_list`, but symbolic tensors (whole or as elements) stay symbolic scalars."""
    if hasattr(values, "_as_tensor"):
        values = convert_to_tensor(values)
    if _is_symbolic(values):
        from eagerflow.ops.array_ops import unstack  # noqa: PLC0415

        if values.shape.rank != 1 or values.shape[0] is None:
            raise ValueError(f"{what}: symbolic bounds need a known length, got {values.shape}")
        return unstack(values)
    if isinstance(values, (list, tuple)) and any(_is_symbolic(v) for v in values):
        return list(values)
    return int_list(values, what)


def slice(input_: Any, begin: Any, size: Any, name: Any = None) -> Tensor:  # noqa: A001
    """Extracts a slice of `size` elements starting at `begin` (a size of -1 means "to the end").

    Example:
        >>> tf.slice(tf.constant([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]).numpy()
        array([[2, 3],
               [5, 6]], dtype=int32)
    """
    x = convert_to_tensor(input_)
    dims = x.shape.as_list()
    begin, size = int_list(begin, "Slice"), int_list(size, "Slice")
    if len(begin) != len(dims) or len(size) != len(dims):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Slice: `begin` {begin} and `size` {size} must both have one entry per dimension "
            f"of the input (shape {tuple(dims)})",
        )
    index = []
    for d, (b, s, n) in enumerate(zip(begin, size, dims)):
        end = None if s == -1 else b + s
        if b < 0 or s < -1 or (n is not None and (b > n or (end is not None and end > n))):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Slice: expected begin[{d}] in [0, {n}] and size[{d}] in [-1, {n} - begin] "
                f"for input shape {tuple(dims)}, got begin {begin} and size {size}",
            )
        index.append(("slice", b, end, 1))
    return apply_index(x, tuple(index))


def _bit(mask: int, i: int) -> bool:
    return bool((mask >> i) & 1)


def strided_slice(
    input_: Any,
    begin: Any,
    end: Any,
    strides: Any = None,
    begin_mask: int = 0,
    end_mask: int = 0,
    ellipsis_mask: int = 0,
    new_axis_mask: int = 0,
    shrink_axis_mask: int = 0,
    var: Any = None,
    name: Any = None,
) -> Tensor:
    """Strided slice with TensorFlow's masks; `t[1:, ::2]` is sugar for this op.

    Bit `i` of each mask applies to entry `i` of `begin`/`end`/`strides`: `begin_mask` and
    `end_mask` ignore the bound, `ellipsis_mask` makes the entry `...`, `new_axis_mask` makes
    it `tf.newaxis`, `shrink_axis_mask` takes the single element at `begin[i]`.

    Example:
        >>> tf.strided_slice(tf.range(10), [1], [8], [3]).numpy()
        array([1, 4, 7], dtype=int32)
    """
    begin, end = _bound_list(begin, "StridedSlice"), _bound_list(end, "StridedSlice")
    strides = [1] * len(begin) if strides is None else _bound_list(strides, "StridedSlice")
    if not len(begin) == len(end) == len(strides):
        raise ValueError(
            f"StridedSlice: begin, end and strides must have the same length, got {begin}, "
            f"{end} and {strides}"
        )
    key: list = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if _bit(ellipsis_mask, i):
            key.append(Ellipsis)
        elif _bit(new_axis_mask, i):
            key.append(None)
        elif _bit(shrink_axis_mask, i):
            key.append(b)
        else:
            key.append(
                builtins.slice(
                    None if _bit(begin_mask, i) else b, None if _bit(end_mask, i) else e, s
                )
            )
    return _basic_getitem(convert_to_tensor(input_), tuple(key))


def _basic_getitem(x: Tensor, key: tuple) -> Tensor:
    dims = dims_of(x)
    dynamic: list = []
    index = canonical_index(key, dims, dynamic=dynamic)
    for e, n in zip(index, dims):
        if e[0] != "slice" or e[1:] not in ((0, n, 1), (None, None, 1)):
            return execute(STRIDED_SLICE, (x, *dynamic), {"index": index})
    return x


# -- Tensor.__getitem__ ---------------------------------------------------------------------
_BASIC_TYPES = (int, builtins.slice, type(None), type(Ellipsis))


def is_advanced(k: Any) -> bool:
    if type(k) in _BASIC_TYPES:
        return False
    if isinstance(k, (list, np.ndarray)):
        return True
    if isinstance(k, Tensor) or hasattr(k, "_as_tensor"):
        t = convert_to_tensor(k)
        return t.ndim > 0 or t.dtype.is_bool
    return False


def _output_axis(key: list, position: int, rank: int) -> int:
    """Where dimension-consuming entry `key[position]` lands in the basic-sliced output."""
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    axis = 0
    for k in key[:position]:
        if k is Ellipsis:
            axis += rank - consumed
        elif k is None or isinstance(k, builtins.slice):
            axis += 1
    return axis


def getitem(tensor: Any, key: Any) -> Tensor:
    """`tensor[key]` with NumPy's basic indexing, plus one integer-list or boolean-mask index.

    Example:
        >>> t = tf.constant([[1, 2, 3], [4, 5, 6]])
        >>> t[1, ::-1].numpy()
        array([6, 5, 4], dtype=int32)
        >>> t[:, tf.newaxis, 0].numpy()
        array([[1],
               [4]], dtype=int32)
    """
    if type(tensor) is Tensor:
        x = tensor
    elif isinstance(tensor, Variable):
        from eagerflow.ops.variable_slice_ops import sliced_variable  # noqa: PLC0415

        return sliced_variable(tensor, key)
    else:
        x = convert_to_tensor(tensor)
    if type(key) is int:
        dims = dims_of(x)
        if dims and dims[0] is not None and 0 <= key < dims[0]:
            return execute(STRIDED_SLICE, (x,), {"index": (("index", key),)})
    key = list(key) if isinstance(key, tuple) else [key]
    advanced = [i for i, k in enumerate(key) if is_advanced(k)]
    if not advanced:
        return _basic_getitem(x, tuple(key))
    if len(advanced) > 1:
        raise TypeError(
            f"Tensor.__getitem__: at most one list, array or tensor index is supported, got "
            f"{len(advanced)} in {tuple(key)!r}"
        )
    return _advanced_getitem(x, key, advanced[0])


def _advanced_getitem(x: Tensor, key: list, position: int) -> Tensor:
    """Basic slicing with `key[position]` as `:`, then a gather or boolean mask there."""
    from eagerflow.ops.gather_ops import boolean_mask, gather  # noqa: PLC0415

    indices = convert_to_tensor(key[position])
    width = indices.ndim if indices.dtype.is_bool else 1
    key[position : position + 1] = [builtins.slice(None)] * width
    sliced = _basic_getitem(x, tuple(key))
    axis = _output_axis(key, position, x.ndim)
    if indices.dtype.is_bool:
        return boolean_mask(sliced, indices, axis=axis)
    if not indices.dtype.is_integer:
        raise TypeError(
            f"Tensor.__getitem__: index tensors must be integer or bool, got {indices.dtype.name}"
        )
    n = sliced.shape[axis]
    if indices._value is not None and n is not None and indices._value.size:
        values = indices.numpy()
        if values.min() < -n or values.max() >= n:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"GatherV2: index {values.tolist()} out of bounds for dimension {axis} of size {n}",
            )
        if values.min() < 0:
            indices = convert_to_tensor(np.where(values < 0, values + n, values))
    return gather(sliced, indices, axis=axis)


override_operator("__getitem__", getitem)
