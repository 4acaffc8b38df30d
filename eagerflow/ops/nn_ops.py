"""Neural-network ops: bias_add, moments, batch_normalization, dropout.

Activations live in `nn_activation_ops.py`, losses in `nn_loss_ops.py`, convolutions in
`conv_ops.py` and pooling in `pooling_ops.py`; `eagerflow/nn.py` gathers them as `tf.nn`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.core.variable import Variable

# -- bias_add ------------------------------------------------------------------------------
_TILED_ADD_SIZE = 1 << 14  # elements from which the tiled bias add pays for its tile


def _bias_add_kernel(xp: Any, x: Any, b: Any, data_format: str) -> Any:
    if data_format == "NHWC":
        if x.ndim > 2 and x.size >= _TILED_ADD_SIZE and x.flags.c_contiguous:
            # A broadcast add runs an inner loop as short as the channel count; adding the
            # bias tiled over the width makes the loop W times longer (2x faster on conv maps).
            width = x.shape[-2]
            return (x.reshape(-1, width * x.shape[-1]) + xp.tile(b, width)).reshape(x.shape)
        return x + b
    return x + b.reshape((-1,) + (1,) * (x.ndim - 2))


def _bias_add_rule(x: TensorSpec, b: TensorSpec, data_format: str) -> TensorSpec:
    return TensorSpec(x.shape, x.dtype)


BIAS_ADD = Primitive("BiasAdd", _bias_add_kernel, _bias_add_rule)


@RegisterGradient("BiasAdd")
def _bias_add_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    rank = op.inputs[0].shape.rank
    channel = rank - 1 if op.get_attr("data_format") == "NHWC" else 1
    dims = grad.shape.as_list()
    size = 0 if None in dims else math.prod(dims)
    if (
        channel == rank - 1
        and size >= _MATMUL_SUM_SIZE
        and size > dims[-1]
        and grad.dtype in _MATMUL_SUM_DTYPES  # BLAS types; float16 would sum in half precision
    ):
        # NumPy sums over leading axes with an inner loop as short as the channel count;
        # ones @ grad rows is one BLAS call (3-4x faster for conv feature maps).
        from eagerflow.ops.array_ops import ones, reshape  # noqa: PLC0415
        from eagerflow.ops.linalg_ops import matmul  # noqa: PLC0415

        rows = size // dims[-1]
        summed = matmul(ones([1, rows], grad.dtype), reshape(grad, [rows, dims[-1]]))
        return [grad, reshape(summed, [dims[-1]])]
    return [grad, reduce_sum(grad, [a for a in range(rank) if a != channel])]


# Below this many elements the three extra ops of the matmul form cost more than they save.
_MATMUL_SUM_SIZE = 1 << 16
_MATMUL_SUM_DTYPES = (dtypes.float32, dtypes.float64)


def bias_add(value: Any, bias: Any, data_format: Any = None, name: Any = None) -> Tensor:
    """Adds a 1-D `bias` along the channel dimension of `value` (last, or 1 for "NC...").

    Example:
        >>> tf.nn.bias_add([[1.0, 2.0]], [10.0, 20.0]).numpy()
        array([[11., 22.]], dtype=float32)
    """
    x, b = binary_operands("BiasAdd", value, bias)
    fmt = "NHWC" if data_format is None or not str(data_format).startswith("NC") else "NCHW"
    x_shape, b_shape = x.shape, b.shape  # each `.shape` builds a TensorShape: read once
    if b_shape.rank != 1:
        raise ValueError(f"BiasAdd: `bias` must be 1-D, got shape {b_shape}")
    rank = x_shape.rank
    if rank is not None and rank < (2 if fmt == "NHWC" else 3):
        raise ValueError(f"BiasAdd: `value` must be at least rank 2, got shape {x_shape}")
    channels = x_shape[-1] if fmt == "NHWC" else x_shape[1]
    size = b_shape[0]
    if channels is not None and size is not None and channels != size:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"BiasAdd: bias size {size} must equal the channel dimension {channels} of "
            f"value shape {x_shape} (data_format={fmt})",
        )
    return execute(BIAS_ADD, (x, b), {"data_format": fmt})


# -- statistics and normalization ----------------------------------------------------------
def moments(
    x: Any, axes: Any, shift: Any = None, keepdims: bool = False, name: Any = None
) -> tuple:
    """Mean and variance of `x` over `axes`.

    The variance is mean((x - mean)^2) differentiated exactly (TF stops the gradient
    through the mean, which leaves first derivatives unchanged but not second ones).

    Example:
        >>> mean, var = tf.nn.moments(tf.constant([1.0, 2.0, 3.0, 4.0]), axes=[0])
        >>> float(mean), float(var)
        (2.5, 1.25)
    """
    from eagerflow.ops.math_ops import squared_difference  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_mean  # noqa: PLC0415

    x = convert_to_tensor(x)
    axes = [axes] if isinstance(axes, numbers.Integral) else list(axes)
    mean = reduce_mean(x, axes, keepdims=True)
    # squared_difference is (x - mean)^2, and |x - mean|^2 in the complex dtype, as TF's.
    variance = reduce_mean(squared_difference(x, mean), axes, keepdims=keepdims)
    if not keepdims:
        from eagerflow.ops.array_ops import squeeze  # noqa: PLC0415

        mean = squeeze(mean, [a % x.ndim for a in axes]) if axes else mean
    return mean, variance


def batch_normalization(
    x: Any,
    mean: Any,
    variance: Any,
    offset: Any,
    scale: Any,
    variance_epsilon: float,
    name: Any = None,
) -> Tensor:
    """Normalizes: scale * (x - mean) / sqrt(variance + variance_epsilon) + offset.

    `offset` and `scale` may be None (no shift, no scaling).

    Example:
        >>> tf.nn.batch_normalization(tf.constant([1.0, 3.0]), 2.0, 1.0, None, None, 0.0).numpy()
        array([-1.,  1.], dtype=float32)
    """
    from eagerflow.ops.math_ops import add, multiply, negative, subtract  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import rsqrt  # noqa: PLC0415

    x = convert_to_tensor(x)
    as_x = lambda t: t if t is None else convert_to_tensor(t, dtype=x.dtype)  # noqa: E731
    mean, variance, offset, scale = map(as_x, (mean, variance, offset, scale))
    inv = rsqrt(add(variance, variance_epsilon))
    if scale is not None:
        inv = multiply(inv, scale)
    shift = (
        subtract(offset, multiply(mean, inv))
        if offset is not None
        else negative(multiply(mean, inv))
    )
    return add(multiply(x, inv), shift)


# -- dropout -------------------------------------------------------------------------------
def dropout(
    x: Any, rate: Any, noise_shape: Any = None, seed: Any = None, name: Any = None
) -> Tensor:
    """Zeroes elements with probability `rate` and scales the rest by 1 / (1 - rate).

    `noise_shape` (broadcastable to x's shape) shares one keep/drop decision along its
    size-1 dimensions. Seeds follow `tf.random` (global seed, op seed).

    Example:
        >>> y = tf.nn.dropout(tf.ones([1000]), rate=0.5, seed=1)
        >>> sorted(set(y.numpy().tolist()))
        [0.0, 2.0]
    """
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import greater_equal, multiply  # noqa: PLC0415
    from eagerflow.ops.random_ops import uniform  # noqa: PLC0415

    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(f"dropout: `x` must be a floating tensor, got dtype {x.dtype.name}")
    if isinstance(rate, numbers.Real):
        if not 0 <= rate < 1:
            raise ValueError(f"dropout: `rate` must be a scalar in [0, 1), got {rate}")
        if rate == 0:
            return x
    rate_t = convert_to_tensor(rate, dtype=x.dtype)
    shape = _noise_shape(x, noise_shape)
    keep = cast(greater_equal(uniform(shape, dtype=x.dtype, seed=seed), rate_t), x.dtype)
    scale = 1.0 / (1.0 - float(rate)) if isinstance(rate, numbers.Real) else None
    if scale is None:
        from eagerflow.ops.math_ops import divide, subtract  # noqa: PLC0415

        return multiply(divide(x, subtract(1.0, rate_t)), keep)
    return multiply(multiply(x, scale), keep)


def _noise_shape(x: Tensor, noise_shape: Any) -> Any:
    """The shape of dropout's random mask, as TF's `_get_noise_shape`: x's shape by default,
    None entries of `noise_shape` taken from x. Dims unknown until run time (a traced x with
    an unknown batch) come from `tf.shape(x)`."""
    from eagerflow.ops._shape_args import is_symbolic  # noqa: PLC0415
    from eagerflow.ops.array_ops import shape as shape_of  # noqa: PLC0415

    static = x.shape
    if noise_shape is None:
        return static.as_list() if static.is_fully_defined() else shape_of(x)
    if is_symbolic(noise_shape):
        return noise_shape
    if isinstance(noise_shape, Tensor):
        dims = noise_shape.numpy().tolist()
    elif hasattr(noise_shape, "as_list"):
        dims = noise_shape.as_list()
    else:
        dims = list(noise_shape)
    if static.rank is not None and len(dims) != static.rank:
        raise ValueError(
            f"dropout: noise_shape {dims} must have the rank of x, shape {static.as_list()}"
        )
    if static.rank is None:
        if any(d is None for d in dims):
            raise ValueError(f"dropout: noise_shape {dims} has unknown dims and x has no rank")
        return [int(d) for d in dims]
    out, runtime = [], None
    for i, (d, s) in enumerate(zip(dims, static.as_list())):
        if d is None and s is None:
            runtime = shape_of(x) if runtime is None else runtime
            out.append(runtime[i])
        else:
            out.append(s if d is None else d)
    return out


# -- small composites ----------------------------------------------------------------------
def embedding_lookup(params: Any, ids: Any, max_norm: Any = None, name: Any = None) -> Tensor:
    """Rows of the embedding matrix `params` at `ids` (a gather along axis 0).

    A list of tensors means shards in TF; only a one-element list is supported here.

    `max_norm` clips each looked-up row to that L2 norm, as in TensorFlow.

    Example:
        >>> tf.nn.embedding_lookup([[1.0, 2.0], [3.0, 4.0]], [1, 1]).numpy()
        array([[3., 4.],
               [3., 4.]], dtype=float32)
    """
    from eagerflow.ops.gather_ops import gather  # noqa: PLC0415

    if isinstance(params, (list, tuple)) and params and isinstance(params[0], Variable | Tensor):
        if len(params) != 1:
            raise ValueError("embedding_lookup: sharded `params` lists are not supported")
        params = params[0]
    rows = gather(params, ids)
    if max_norm is None:
        return rows
    from eagerflow.ops.clip_ops import clip_by_norm  # noqa: PLC0415

    return clip_by_norm(rows, max_norm, axes=[rows.ndim - 1])


def in_top_k(targets: Any, predictions: Any, k: int, name: Any = None) -> Tensor:
    """Whether each row's target class is among its `k` largest predictions (ties count).

    Example:
        >>> tf.nn.in_top_k([1, 0], [[0.1, 0.9], [0.2, 0.8]], 1).numpy()
        array([ True, False])
    """
    from eagerflow.ops.gather_ops import one_hot  # noqa: PLC0415
    from eagerflow.ops.math_ops import greater_equal, multiply  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum, top_k  # noqa: PLC0415

    predictions = convert_to_tensor(predictions)
    targets = convert_to_tensor(targets)
    classes = predictions.shape.as_list()[-1]
    kth = top_k(predictions, k=int(k))[0][:, int(k) - 1]
    target_value = reduce_sum(
        multiply(predictions, one_hot(targets, classes, dtype=predictions.dtype)), -1
    )
    return greater_equal(target_value, kth)


def zero_fraction(value: Any, name: Any = None) -> Tensor:
    """The fraction of zeros in `value`, as float32.

    Example:
        >>> float(tf.nn.zero_fraction([0.0, 1.0, 0.0, 2.0]))
        0.5
    """
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import equal  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_mean  # noqa: PLC0415

    x = convert_to_tensor(value)
    return reduce_mean(cast(equal(x, 0), "float32"))


def compute_average_loss(
    per_example_loss: Any, sample_weight: Any = None, global_batch_size: Any = None
) -> Tensor:
    """Sum of (weighted) per-example losses divided by the global batch size.

    Example:
        >>> float(tf.nn.compute_average_loss([1.0, 2.0, 3.0]))
        2.0
    """
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import divide, multiply  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    loss = convert_to_tensor(per_example_loss)
    if sample_weight is not None:
        loss = multiply(loss, convert_to_tensor(sample_weight, dtype=loss.dtype))
    if global_batch_size is None:
        if loss.shape.rank == 0:
            global_batch_size = 1
        else:
            global_batch_size = loss.shape.as_list()[0]
    return divide(reduce_sum(loss), cast(global_batch_size, loss.dtype))


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """Sums regularization losses; with one replica there is nothing to scale.

    Example:
        >>> float(tf.nn.scale_regularization_loss([1.0, 2.0]))
        3.0
    """
    from eagerflow.ops.math_ops import add_n  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    if isinstance(regularization_loss, (list, tuple)):
        return add_n([reduce_sum(loss) for loss in regularization_loss])
    return reduce_sum(regularization_loss)


def crelu(features: Any, axis: int = -1, name: Any = None) -> Tensor:
    """Concatenated ReLU: concat([relu(x), relu(-x)], axis).

    Example:
        >>> tf.nn.crelu([1.0, -2.0]).numpy()
        array([1., 0., 0., 2.], dtype=float32)
    """
    from eagerflow.ops.join_ops import concat  # noqa: PLC0415
    from eagerflow.ops.math_ops import negative  # noqa: PLC0415
    from eagerflow.ops.nn_activation_ops import relu  # noqa: PLC0415

    x = convert_to_tensor(features)
    return concat([relu(x), relu(negative(x))], axis)


def log_poisson_loss(
    targets: Any, log_input: Any, compute_full_loss: bool = False, name: Any = None
) -> Tensor:
    """Poisson negative log likelihood from log-rates: exp(c) - z * c (+ Stirling term).

    Example:
        >>> float(tf.nn.log_poisson_loss(1.0, 0.0))
        1.0
    """
    import math  # noqa: PLC0415

    from eagerflow.ops.math_ops import add, exp, greater, log, multiply, subtract  # noqa: PLC0415

    c = convert_to_tensor(log_input)
    z = convert_to_tensor(targets, dtype=c.dtype)
    loss = subtract(exp(c), multiply(z, c))
    if not compute_full_loss:
        return loss
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    # z log z - z + 0.5 log(2 pi z) for z > 1, else 0 (TF's Stirling approximation).
    safe = add(z, cast(greater(1.0, z), c.dtype))
    stirling = add(
        subtract(multiply(z, log(safe)), z), multiply(log(multiply(safe, 2 * math.pi)), 0.5)
    )
    return add(loss, multiply(stirling, cast(greater(z, 1.0), c.dtype)))
