"""Joining and splitting along an axis: `tf.concat` and `tf.split` (each other's gradient)."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec


def _concat_rule(*xs: TensorSpec, axis: int) -> TensorSpec:
    shapes = [x.shape.as_list() for x in xs]
    # Other axes: the first input that knows the size (they must all agree).
    dims = [next((s[i] for s in shapes if s[i] is not None), None) for i in range(len(shapes[0]))]
    sizes = [s[axis] for s in shapes]
    dims[axis] = None if None in sizes else sum(sizes)
    return TensorSpec(dims, xs[0].dtype)


# While tracing, split sizes may be known only at run time: they become a second input,
# `size_splits` is None and `partial` keeps the sizes known now (and how many outputs).
def _split_kernel(
    xp: Any, x: Any, *sizes_t: Any, size_splits: Any, axis: int, partial: Any = None
) -> tuple:
    if size_splits is None:
        size_splits = [int(n) for n in sizes_t[0].tolist()]
    cuts = np.cumsum(size_splits)[:-1].tolist()
    return tuple(xp.split(x, cuts, axis=axis))


def _split_rule(
    x: TensorSpec, *sizes_t: TensorSpec, size_splits: Any, axis: int, partial: Any = None
) -> tuple:
    out = []
    for size in size_splits if size_splits is not None else partial:
        dims = x.shape.as_list()
        dims[axis] = size
        out.append(TensorSpec(dims, x.dtype))
    return tuple(out)


CONCAT = Primitive("ConcatV2", lambda xp, *xs, axis: xp.concatenate(xs, axis=axis), _concat_rule)
SPLIT = Primitive("SplitV", _split_kernel, _split_rule, num_outputs=-1)


@RegisterGradient("ConcatV2")
def _concat_grad(op: Any, grad: Tensor) -> list:
    axis = op.get_attr("axis")
    sizes = tuple(t.shape.as_list()[axis] for t in op.inputs)
    if None not in sizes:
        return list(execute(SPLIT, (grad,), {"size_splits": sizes, "axis": axis}))
    from eagerflow.ops.array_ops import shape, stack  # noqa: PLC0415

    sizes_t = stack([shape(t)[axis] for t in op.inputs])
    attrs = {"size_splits": None, "axis": axis, "partial": sizes}
    return list(execute(SPLIT, (grad, sizes_t), attrs))


@RegisterGradient("SplitV")
def _split_grad(op: Any, *grads: Tensor) -> list:
    joined = execute(CONCAT, tuple(grads), {"axis": op.get_attr("axis")})
    return [joined] + [None] * (len(op.inputs) - 1)


def _normalize_axis(op: str, axis: Any, rank: int) -> int:
    axis = int(np.asarray(axis))
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: axis {axis} is out of range for rank-{rank} inputs"
        )
    return axis % rank


def concat(values: Any, axis: Any, name: str = "concat") -> Tensor:
    """Concatenates tensors along `axis`; all other dimensions must match.

    Example:
        >>> tf.concat([[[1, 2]], [[3, 4]]], axis=0).numpy()
        array([[1, 2],
               [3, 4]], dtype=int32)
    """
    if isinstance(values, Tensor) or hasattr(values, "_as_tensor"):
        values = [values]
    tensors = [convert_to_tensor(v) for v in values]
    if not tensors:
        raise ValueError("concat: `values` must contain at least one tensor.")
    first = tensors[0]
    if first.ndim == 0:
        raise ValueError("ConcatV2: cannot concatenate scalars (use tf.stack instead).")
    axis = _normalize_axis("ConcatV2", axis, first.ndim)
    if len(tensors) == 1:
        return first
    want = first.shape.as_list()
    for i, t in enumerate(tensors[1:], 1):
        got = t.shape.as_list()
        if t.dtype != first.dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"ConcatV2: all values must have the same dtype: values[0] is "
                f"{first.dtype.name}, values[{i}] is {t.dtype.name}",
            )
        if len(got) != len(want) or any(
            a != b and None not in (a, b) for i, (a, b) in enumerate(zip(got, want)) if i != axis
        ):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"ConcatV2: dimensions of inputs should match except along axis {axis}: "
                f"values[0] has shape {first.shape} and values[{i}] has shape {t.shape}",
            )
    return execute(CONCAT, tuple(tensors), {"axis": axis})


def split(
    value: Any, num_or_size_splits: Any, axis: Any = 0, num: Any = None, name: str = "split"
) -> list:
    """Splits `value` along `axis` into `num_or_size_splits` equal parts, or parts of the given
    sizes (one size may be -1: the rest).

    Example:
        >>> [t.numpy().tolist() for t in tf.split(tf.range(5), [2, -1])]
        [[0, 1], [2, 3, 4]]
    """
    x = convert_to_tensor(value)
    axis = _normalize_axis("SplitV", axis, x.ndim)
    n = x.shape.as_list()[axis]
    if n is None:
        return _traced_split(x, num_or_size_splits, axis)
    spec = num_or_size_splits
    if isinstance(spec, Tensor) or hasattr(spec, "_as_tensor"):
        spec = convert_to_tensor(spec).numpy()
    spec = np.asarray(spec)
    if spec.ndim == 0:
        parts = int(spec)
        if parts <= 0 or n % parts:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Split: number of ways to split should evenly divide the split dimension, but "
                f"got split_dim {axis} (size = {n}) and num_split {parts}",
            )
        sizes = [n // parts] * parts
    else:
        sizes = [int(s) for s in spec.reshape(-1)]
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
            raise ValueError(f"SplitV: at most one size may be -1, got {sizes}")
        if -1 in sizes:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"SplitV: determined shape must either match input shape along split_dim "
                f"exactly if fully specified, or be less than the size of the input along "
                f"split_dim if not fully specified. Got sizes {spec.tolist()} for dimension "
                f"{axis} of size {n} (input shape {x.shape})",
            )
    if num is not None and int(num) != len(sizes):
        raise ValueError(f"split: num={num} does not match the {len(sizes)} splits")
    return list(execute(SPLIT, (x,), {"size_splits": tuple(sizes), "axis": axis}))


def _traced_split(x: Tensor, num_or_size_splits: Any, axis: int) -> list:
    """Split of a dimension unknown until run time: sizes computed in the graph."""
    from eagerflow.ops.array_ops import shape, stack  # noqa: PLC0415
    from eagerflow.ops.math_ops import floordiv, subtract  # noqa: PLC0415

    total = shape(x)[axis]
    spec = np.asarray(num_or_size_splits)
    if spec.ndim == 0:
        parts = int(spec)
        if parts <= 0:
            raise ValueError(f"Split: num_split must be positive, got {parts}")
        piece = floordiv(total, parts)
        sizes_t, partial = stack([piece] * parts), (None,) * parts
    else:
        sizes = [int(s) for s in spec.reshape(-1)]
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
            raise ValueError(f"SplitV: at most one size may be -1, got {sizes}")
        if -1 not in sizes:
            return list(execute(SPLIT, (x,), {"size_splits": tuple(sizes), "axis": axis}))
        rest = subtract(total, sum(sizes) + 1)
        sizes_t = stack([rest if s == -1 else s for s in sizes])
        partial = tuple(None if s == -1 else s for s in sizes)
    attrs = {"size_splits": None, "axis": axis, "partial": partial}
    return list(execute(SPLIT, (x, sizes_t), attrs))
