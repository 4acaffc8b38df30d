"""Layout ops: `tf.transpose`, `tf.expand_dims`, `tf.squeeze`, `tf.tile`, `tf.reverse`.

Each is its own primitive with a gradient made of the others (plus `reshape`/`reduce_sum`),
so all are differentiable to any order. `array_ops` re-exports them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._shape_args import shape_list as _shape_list
from eagerflow.ops._shape_args import traced_shape


# -- transpose -----------------------------------------------------------------------------
def _transpose_rule(x: TensorSpec, perm: tuple) -> TensorSpec:
    dims = x.shape.as_list()
    return TensorSpec([dims[p] for p in perm], x.dtype)


TRANSPOSE = Primitive("Transpose", lambda xp, x, perm: xp.transpose(x, perm), _transpose_rule)
CONJUGATE_TRANSPOSE = Primitive(
    "ConjugateTranspose", lambda xp, x, perm: xp.conj(xp.transpose(x, perm)), _transpose_rule
)


def _inverse(perm: tuple) -> tuple:
    return tuple(int(i) for i in np.argsort(perm))


@RegisterGradient("Transpose")
def _transpose_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(TRANSPOSE, (grad,), {"perm": _inverse(op.get_attr("perm"))})


@RegisterGradient("ConjugateTranspose")
def _conjugate_transpose_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(CONJUGATE_TRANSPOSE, (grad,), {"perm": _inverse(op.get_attr("perm"))})


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: str = "transpose") -> Tensor:
    """Permutes the dimensions of `a` (reverses them when `perm` is None).

    Example:
        >>> tf.transpose(tf.zeros([2, 3, 4]), perm=[0, 2, 1]).shape
        TensorShape([2, 4, 3])
    """
    x = convert_to_tensor(a)
    rank = x.ndim
    perm = tuple(range(rank - 1, -1, -1)) if perm is None else tuple(_shape_list(perm))
    if sorted(p % rank if rank else p for p in perm) != list(range(rank)):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Transpose: perm {list(perm)} is not a permutation of 0..{rank - 1} for an input "
            f"of shape {x.shape}",
        )
    perm = tuple(p % rank for p in perm)
    prim = CONJUGATE_TRANSPOSE if conjugate and x.dtype.is_complex else TRANSPOSE
    return execute(prim, (x,), {"perm": perm})


# -- expand_dims and squeeze ---------------------------------------------------------------
def _expand_dims_rule(x: TensorSpec, axis: int) -> TensorSpec:
    dims = x.shape.as_list()
    dims.insert(axis, 1)
    return TensorSpec(dims, x.dtype)


def _squeeze_rule(x: TensorSpec, axis: tuple) -> TensorSpec:
    return TensorSpec([d for i, d in enumerate(x.shape.as_list()) if i not in axis], x.dtype)


EXPAND_DIMS = Primitive(
    "ExpandDims", lambda xp, x, axis: xp.expand_dims(x, axis), _expand_dims_rule
)
SQUEEZE = Primitive("Squeeze", lambda xp, x, axis: xp.squeeze(x, axis), _squeeze_rule)


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(SQUEEZE, (grad,), {"axis": (op.get_attr("axis"),)})


@RegisterGradient("Squeeze")
def _squeeze_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.array_ops import reshape, shape  # noqa: PLC0415  (array_ops re-exports us)

    x = op.inputs[0]
    return reshape(grad, x.shape.as_list() if x.shape.is_fully_defined() else shape(x))


def expand_dims(input: Any, axis: Any, name: Any = None) -> Tensor:
    """Inserts a dimension of size 1 at `axis` (negative counts from the end of the result).

    Example:
        >>> tf.expand_dims(tf.constant([1, 2]), -1).shape
        TensorShape([2, 1])
    """
    x = convert_to_tensor(input)
    axis = int(np.asarray(axis).reshape(-1)[0]) if not isinstance(axis, int) else axis
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"ExpandDims: axis {axis} is out of range [{-x.ndim - 1}, {x.ndim}] for an input of "
            f"shape {x.shape}",
        )
    return execute(EXPAND_DIMS, (x,), {"axis": axis % (x.ndim + 1)})


def squeeze(input: Any, axis: Any = None, name: Any = None) -> Tensor:
    """Removes dimensions of size 1 (all of them, or those listed in `axis`).

    Example:
        >>> tf.squeeze(tf.zeros([1, 2, 1]), axis=[2]).shape
        TensorShape([1, 2])
    """
    x = convert_to_tensor(input)
    dims = x.shape.as_list()
    if axis is None:
        axes = tuple(i for i, d in enumerate(dims) if d == 1)
    else:
        axes = tuple(sorted({a % max(x.ndim, 1) for a in _shape_list(axis)}))
        for a in _shape_list(axis):
            if not -x.ndim <= a < x.ndim or dims[a] != 1:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Squeeze: can not squeeze dim[{a}], expected a dimension of 1 in range "
                    f"[{-x.ndim}, {x.ndim}), got shape {x.shape}",
                )
    return execute(SQUEEZE, (x,), {"axis": axes})


# -- tile and reverse ----------------------------------------------------------------------
# While tracing, `multiples` may need run-time values: they become a second input, the
# `multiples` attr is None and `partial` keeps those known at trace time.
def _tile_kernel(xp: Any, x: Any, *mult_t: Any, multiples: Any, partial: Any = None) -> Any:
    if multiples is None:
        multiples = tuple(int(m) for m in mult_t[0].tolist())
    return xp.tile(x, multiples)


def _tile_rule(
    x: TensorSpec, *mult_t: TensorSpec, multiples: tuple | None, partial: tuple | None = None
) -> TensorSpec:
    known = multiples if multiples is not None else partial or (None,) * (x.shape.rank or 0)
    dims = [None if d is None or m is None else d * m for d, m in zip(x.shape.as_list(), known)]
    return TensorSpec(dims, x.dtype)


TILE = Primitive("Tile", _tile_kernel, _tile_rule)
REVERSE = Primitive("ReverseV2", lambda xp, x, axis: xp.flip(x, axis), rules.unary)


@RegisterGradient("Tile")
def _tile_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.array_ops import reshape, shape, stack  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    x = op.inputs[0]
    dims, multiples = x.shape.as_list(), op.get_attr("multiples")
    rank = len(dims)
    # Split every tiled axis into (copies, size) and sum over the copies.
    if multiples is not None and None not in dims:
        split: Any = [n for pair in zip(multiples, dims) for n in pair]
        target: Any = dims
    else:
        mult = op.inputs[1] if multiples is None else multiples
        target = shape(x, out_type=op.inputs[1].dtype if multiples is None else "int32")
        split = reshape(stack([cast(mult, target.dtype), target], axis=1), [-1])
    summed = reduce_sum(reshape(grad, split), axis=list(range(0, 2 * rank, 2)))
    return [reshape(summed, target)] + [None] * (len(op.inputs) - 1)


@RegisterGradient("ReverseV2")
def _reverse_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(REVERSE, (grad,), {"axis": op.get_attr("axis")})


def tile(input: Any, multiples: Any, name: Any = None) -> Tensor:
    """Repeats `input` `multiples[d]` times along each dimension `d`.

    Example:
        >>> tf.tile(tf.constant([[1, 2]]), [2, 2]).numpy()
        array([[1, 2, 1, 2],
               [1, 2, 1, 2]], dtype=int32)
    """
    x = convert_to_tensor(input)
    traced = traced_shape(multiples)
    if traced is not None:
        attrs = {"multiples": None, "partial": traced[1]}
        return execute(TILE, (x, traced[0]), attrs)
    multiples = tuple(_shape_list(multiples))
    if len(multiples) != x.ndim or any(m < 0 for m in multiples):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Tile: expected {x.ndim} non-negative multiples for an input of shape {x.shape}, "
            f"got {list(multiples)}",
        )
    return execute(TILE, (x,), {"multiples": multiples})


def reverse(tensor: Any, axis: Any, name: Any = None) -> Tensor:
    """Reverses `tensor` along each dimension listed in `axis`.

    Example:
        >>> tf.reverse(tf.constant([[1, 2], [3, 4]]), [1]).numpy()
        array([[2, 1],
               [4, 3]], dtype=int32)
    """
    x = convert_to_tensor(tensor)
    axes = _shape_list(axis)
    if any(not -x.ndim <= a < x.ndim for a in axes) or len(set(a % x.ndim for a in axes)) < len(
        axes
    ):
        raise errors.InvalidArgumentError(
            None, None, f"ReverseV2: invalid axis {axes} for an input of shape {x.shape}"
        )
    return execute(REVERSE, (x,), {"axis": tuple(sorted(a % x.ndim for a in axes))})


def expand_dims_v1(input: Any, axis: Any = None, name: Any = None, dim: Any = None) -> Tensor:
    """TF1's `tf.expand_dims`, which also accepts the deprecated `dim` for `axis`.

    Example:
        >>> tf.compat.v1.expand_dims([1, 2], dim=0).shape
        TensorShape([1, 2])
    """
    if (axis is None) == (dim is None):
        raise ValueError("expand_dims: give exactly one of `axis` and `dim`.")
    return expand_dims(input, dim if axis is None else axis)


def squeeze_v1(input: Any, axis: Any = None, name: Any = None, squeeze_dims: Any = None) -> Tensor:
    """TF1's `tf.squeeze`, which also accepts the deprecated `squeeze_dims` for `axis`.

    Example:
        >>> tf.compat.v1.squeeze(tf.zeros([1, 2, 1]), squeeze_dims=[0]).shape
        TensorShape([2, 1])
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("squeeze: give at most one of `axis` and `squeeze_dims`.")
    return squeeze(input, squeeze_dims if axis is None else axis)
