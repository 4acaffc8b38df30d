"""Reductions over axes (`reduce_sum`, `reduce_mean`, ...)."""

from __future__ import annotations

import math
from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._dtype_kinds import check_kind


def normalize_axis(op: str, axis: Any, rank: int) -> tuple:
    """Axis argument -> sorted tuple of non-negative axes; None means all axes."""
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, Tensor):
        axis = axis.numpy().tolist()
    axes = [axis] if isinstance(axis, int) or hasattr(axis, "__index__") else list(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -rank <= a < max(rank, 1):
            raise errors.InvalidArgumentError(
                None, None, f"{op}: invalid reduction dimension {a} for input of rank {rank}"
            )
        out.append(a % rank if rank else 0)
    return tuple(sorted(set(out)))


def reduction_shape(x: TensorSpec, axis: tuple, keepdims: bool) -> TensorShape:
    if x.shape.rank is None:
        return TensorShape(None)
    dims = x.shape.as_list()
    if keepdims:
        return TensorShape([1 if i in axis else d for i, d in enumerate(dims)])
    return TensorShape([d for i, d in enumerate(dims) if i not in axis])


def _reduction_rule(x: TensorSpec, axis: tuple, keepdims: bool) -> TensorSpec:
    return TensorSpec(reduction_shape(x, axis, keepdims), x.dtype)


# `dtype=x.dtype`: NumPy would widen int32 sums to int64; TF keeps the input dtype.
def _sum_kernel(xp: Any, x: Any, axis: tuple, keepdims: bool) -> Any:
    # Half precision accumulates in float32, as TF's kernels do: a float16 running sum stops
    # growing at 2048 when adding ones.
    if x.dtype == xp.float16:
        return xp.sum(x, axis=axis, keepdims=keepdims, dtype=xp.float32).astype(x.dtype)
    return xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


SUM = Primitive("Sum", _sum_kernel, _reduction_rule)


def expand_reduced(grad: Tensor, x: Tensor, axis: tuple, keepdims: bool) -> Tensor:
    """Broadcasts a reduction's output gradient back to the input's shape."""
    from eagerflow.ops.array_ops import broadcast_to, reshape  # noqa: PLC0415

    dims = x.shape.as_list()
    if None in dims:
        # A traced input of unknown dims: insert the reduced axes, broadcast by multiplying.
        from eagerflow.ops.array_ops import expand_dims, ones_like  # noqa: PLC0415
        from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

        if not keepdims:
            for a in sorted(axis):
                grad = expand_dims(grad, a)
        return multiply(grad, ones_like(x, dtype=grad.dtype))
    if not keepdims:
        grad = reshape(grad, [1 if i in axis else d for i, d in enumerate(dims)])
    return broadcast_to(grad, dims)


@RegisterGradient("Sum")
def _sum_grad(op: Any, grad: Tensor) -> Tensor:
    return expand_reduced(grad, op.inputs[0], op.get_attr("axis"), op.get_attr("keepdims"))


def reduce_sum(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Sums elements across `axis` (all axes when None).

    Example:
        >>> tf.reduce_sum(tf.constant([[1, 2], [3, 4]]), axis=0).numpy()
        array([4, 6], dtype=int32)
    """
    x = convert_to_tensor(input_tensor)
    axes = normalize_axis("Sum", axis, x.ndim)
    return execute(SUM, (x,), {"axis": axes, "keepdims": bool(keepdims)})


def _mean_kernel(xp: Any, x: Any, axis: tuple, keepdims: bool) -> Any:
    if x.dtype.kind in "iu":
        total = xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        count = max(math.prod(x.shape[a] for a in axis), 1)
        quotient = xp.floor_divide(total, count)
        # TF's integer mean is C division: toward zero, not floor.
        return (quotient + ((quotient < 0) & (quotient * count != total))).astype(x.dtype)
    count = math.prod(x.shape[a] for a in axis)
    total = _matmul_sum(xp, x, axis, keepdims, count)
    if total is None:
        # float16 accumulates in float32 (as NumPy's mean); an empty mean is 0 / 0 = NaN, as TF.
        total = xp.sum(x, axis=axis, keepdims=keepdims, dtype="float32" if x.itemsize < 4 else None)
    return xp.true_divide(total, count).astype(x.dtype, copy=False)


_MATMUL_SUM_SIZE = 1 << 16  # elements from which one BLAS call beats NumPy's strided sum


def _matmul_sum(xp: Any, x: Any, axis: tuple, keepdims: bool, count: int) -> Any:
    """Sum over a run of adjacent axes followed by other axes as `ones @ x`, else None.

    NumPy sums over non-trailing axes with an inner loop as short as the trailing dims (the
    channels of a feature map: global average pooling); one BLAS call is ~10x faster.
    """
    if (
        x.dtype.char not in "fd"
        or x.size < _MATMUL_SUM_SIZE
        or not axis
        or axis[-1] - axis[0] != len(axis) - 1
        or axis[-1] == x.ndim - 1
        or not x.flags.c_contiguous
    ):
        return None
    lead = math.prod(x.shape[: axis[0]])
    total = xp.ones(count, dtype=x.dtype) @ x.reshape(lead, count, -1)
    return total.reshape(reduction_dims(x.shape, axis, keepdims))


def reduction_dims(shape: tuple, axis: tuple, keepdims: bool) -> list:
    return [1 if i in axis else d for i, d in enumerate(shape) if keepdims or i not in axis]


# A primitive rather than sum / count: one kernel, and reduce_mean is in every loss.
MEAN = Primitive("Mean", _mean_kernel, _reduction_rule)


@RegisterGradient("Mean")
def _mean_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import divide  # noqa: PLC0415

    x = op.inputs[0]
    axis, keepdims = op.get_attr("axis"), op.get_attr("keepdims")
    dims = x.shape.as_list()
    if any(dims[a] is None for a in axis):
        # A traced input with unknown dims: count the reduced elements at run time.
        from eagerflow.ops.array_ops import size  # noqa: PLC0415
        from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

        count = divide(cast(size(x), grad.dtype), cast(size(op.outputs[0]), grad.dtype))
    else:
        count = max(math.prod(dims[a] for a in axis), 1)
        # Dividing before broadcasting divides the small gradient, not the input-sized one.
        return expand_reduced(divide(grad, count), x, axis, keepdims)
    return divide(expand_reduced(grad, x, axis, keepdims), count)


def reduce_mean(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Averages elements across `axis` (all axes when None); integer means truncate, as in TF.

    Example:
        >>> tf.reduce_mean(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
        2.5
    """
    x = convert_to_tensor(input_tensor)
    axes = normalize_axis("Mean", axis, x.ndim)
    return execute(MEAN, (x,), {"axis": axes, "keepdims": bool(keepdims)})


# -- max, min, prod, any, all ----------------------------------------------------------------
def _reducer(fn_name: str) -> Any:
    def kernel(xp: Any, x: Any, axis: tuple, keepdims: bool) -> Any:
        if x.size == 0 and fn_name in ("max", "min"):
            return _empty_extremum(xp, x, axis, keepdims, fn_name == "max")
        return getattr(xp, fn_name)(x, axis=axis, keepdims=keepdims)

    return kernel


def _empty_extremum(xp: Any, x: Any, axis: tuple, keepdims: bool, is_max: bool) -> Any:
    # TF fills an empty max with the dtype's lowest value (min: highest); NumPy raises.
    dims = reduction_dims(x.shape, axis, keepdims)
    info = xp.finfo(x.dtype) if x.dtype.kind == "f" else xp.iinfo(x.dtype)
    fill = info.min if is_max else info.max  # finite for floats too: TF's reducer identity
    return xp.full(dims, fill, dtype=x.dtype)


def _prod_kernel(xp: Any, x: Any, axis: tuple, keepdims: bool) -> Any:
    return xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


MAX = Primitive("Max", _reducer("max"), _reduction_rule)
MIN = Primitive("Min", _reducer("min"), _reduction_rule)
PROD = Primitive("Prod", _prod_kernel, _reduction_rule)
ANY = Primitive("Any", _reducer("any"), _reduction_rule)
ALL = Primitive("All", _reducer("all"), _reduction_rule)
no_gradient("Any")
no_gradient("All")


def _min_or_max_grad(op: Any, grad: Tensor) -> Tensor:
    # The gradient is split evenly among the elements equal to the extremum, as TF.
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import divide, equal, multiply  # noqa: PLC0415

    x = op.inputs[0]
    axis, keepdims = op.get_attr("axis"), op.get_attr("keepdims")
    extremum = expand_reduced(op.outputs[0], x, axis, keepdims)
    indicators = cast(equal(extremum, x), grad.dtype)
    count = reduce_sum(indicators, axis, keepdims=True)
    return multiply(divide(indicators, count), expand_reduced(grad, x, axis, keepdims))


RegisterGradient("Max")(_min_or_max_grad)
RegisterGradient("Min")(_min_or_max_grad)


@RegisterGradient("Prod")
def _prod_grad(op: Any, grad: Tensor) -> Tensor:
    # The public function reduces one axis per Prod op. The product of the others along that
    # axis is an exclusive cumprod from each side: no division, so zeros are handled.
    from eagerflow.ops.complex_ops import conj_if_complex  # noqa: PLC0415
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

    x = op.inputs[0]
    axis, keepdims = op.get_attr("axis"), op.get_attr("keepdims")
    (a,) = axis
    others = multiply(cumprod(x, a, exclusive=True), cumprod(x, a, exclusive=True, reverse=True))
    # Complex inputs: the derivative is conjugated (TF's convention).
    return multiply(conj_if_complex(others), expand_reduced(grad, x, axis, keepdims))


_WANTED = {"fiu": "a real numeric", "b": "a bool"}


def _reduce(prim: Primitive, input_tensor: Any, axis: Any, keepdims: bool, kinds: str) -> Tensor:
    x = convert_to_tensor(input_tensor)
    check_kind(prim.name, x, kinds, _WANTED[kinds], "input_tensor")
    axes = normalize_axis(prim.name, axis, x.ndim)
    return execute(prim, (x,), {"axis": axes, "keepdims": bool(keepdims)})


def reduce_max(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Maximum of elements across `axis` (all axes when None); ties share the gradient.

    Example:
        >>> tf.reduce_max(tf.constant([[1, 5], [3, 4]]), axis=1).numpy()
        array([5, 4], dtype=int32)
    """
    return _reduce(MAX, input_tensor, axis, keepdims, "fiu")


def reduce_min(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Minimum of elements across `axis` (all axes when None); ties share the gradient.

    Example:
        >>> tf.reduce_min(tf.constant([[1, 5], [3, 4]]), axis=1).numpy()
        array([1, 3], dtype=int32)
    """
    return _reduce(MIN, input_tensor, axis, keepdims, "fiu")


def reduce_prod(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Product of elements across `axis` (all axes when None).

    Example:
        >>> tf.reduce_prod(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
        24.0
    """
    x = convert_to_tensor(input_tensor)
    axes = normalize_axis("Prod", axis, x.ndim)
    if not axes:
        return execute(PROD, (x,), {"axis": (), "keepdims": bool(keepdims)})
    # One axis per op (last first, so the remaining indices stay valid): see _prod_grad.
    for a in reversed(axes):
        x = execute(PROD, (x,), {"axis": (a,), "keepdims": bool(keepdims)})
    return x


def reduce_any(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Logical OR of bool elements across `axis` (all axes when None).

    Example:
        >>> tf.reduce_any(tf.constant([[True, False], [False, False]]), axis=1).numpy()
        array([ True, False])
    """
    return _reduce(ANY, input_tensor, axis, keepdims, "b")


def reduce_all(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Logical AND of bool elements across `axis` (all axes when None).

    Example:
        >>> tf.reduce_all(tf.constant([[True, False], [True, True]]), axis=1).numpy()
        array([False,  True])
    """
    return _reduce(ALL, input_tensor, axis, keepdims, "b")


# -- composites: logsumexp, variance, std, count_nonzero, euclidean norm -----------------------
def reduce_logsumexp(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Computes log(sum(exp(x))) across `axis`, stably (the maximum is factored out).

    Example:
        >>> round(float(tf.reduce_logsumexp(tf.constant([0.0, 0.0]))), 4)  # log(2)
        0.6931
    """
    from eagerflow.ops.array_ops import squeeze, stop_gradient, zeros_like  # noqa: PLC0415
    from eagerflow.ops.gather_ops import where  # noqa: PLC0415
    from eagerflow.ops.math_ops import add, exp, log, subtract  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import is_finite  # noqa: PLC0415

    x = convert_to_tensor(input_tensor)
    axes = normalize_axis("Max", axis, x.ndim)
    raw_max = reduce_max(x, axes, keepdims=True)
    # A max of +-inf would give inf - inf = NaN; such rows use 0 as the shift instead.
    shift = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like(raw_max)))
    result = log(reduce_sum(exp(subtract(x, shift)), axes, keepdims))
    if not keepdims:
        shift = squeeze(shift, list(axes))
    return add(result, shift)


def reduce_variance(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Population variance of elements across `axis` (all axes when None), floats only.

    Example:
        >>> tf.math.reduce_variance(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
        1.25
    """
    from eagerflow.ops.math_ops import square, subtract  # noqa: PLC0415

    x = convert_to_tensor(input_tensor)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise TypeError(f"reduce_variance: input must be floating-point, got {x.dtype.name}")
    mean = reduce_mean(x, axis, keepdims=True)
    deviations = subtract(x, mean)
    if x.dtype.is_complex:
        # |x - mean|^2: the variance of a complex tensor is real, as TF.
        from eagerflow.ops.complex_ops import conj, real  # noqa: PLC0415
        from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

        return reduce_mean(real(multiply(deviations, conj(deviations))), axis, keepdims)
    return reduce_mean(square(deviations), axis, keepdims)


def reduce_std(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Population standard deviation of elements across `axis` (all axes when None).

    Example:
        >>> tf.math.reduce_std(tf.constant([1.0, 3.0])).numpy()
        1.0
    """
    from eagerflow.ops.math_unary_ops import sqrt  # noqa: PLC0415

    return sqrt(reduce_variance(input_tensor, axis, keepdims))


def reduce_euclidean_norm(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Computes sqrt(sum(x ** 2)) across `axis` (all axes when None).

    Example:
        >>> tf.math.reduce_euclidean_norm(tf.constant([3.0, 4.0])).numpy()
        5.0
    """
    from eagerflow.ops.math_ops import square  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import sqrt  # noqa: PLC0415

    x = convert_to_tensor(input_tensor)
    if x.dtype.is_complex:
        # sqrt(sum(x * conj(x))): the norm, in the complex dtype, as TF's EuclideanNorm kernel.
        from eagerflow.ops.complex_ops import conj  # noqa: PLC0415
        from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

        return sqrt(reduce_sum(multiply(x, conj(x)), axis, keepdims))
    return sqrt(reduce_sum(square(x), axis, keepdims))


def count_nonzero(
    input: Any,  # noqa: A002 (TF's name)
    axis: Any = None,
    keepdims: Any = None,
    dtype: Any = dtypes.int64,
    name: Any = None,
) -> Tensor:
    """Counts the non-zero elements across `axis` (all axes when None), as `dtype` (int64).

    Example:
        >>> tf.math.count_nonzero(tf.constant([0, 1, 2, 0])).numpy()
        2
    """
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import not_equal  # noqa: PLC0415

    x = convert_to_tensor(input)
    nonzero = not_equal(x, False if x.dtype.is_bool else 0)
    return cast(reduce_sum(cast(nonzero, dtypes.int64), axis, bool(keepdims)), dtype)


# Split out to ranking_ops.py and cumulative_ops.py; re-exported for existing imports.
from eagerflow.ops.cumulative_ops import cumprod, cumsum  # noqa: E402, F401
from eagerflow.ops.ranking_ops import argmax, argmin, top_k  # noqa: E402, F401
