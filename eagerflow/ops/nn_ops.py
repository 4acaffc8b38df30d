"""Neural-network ops: bias_add, moments, batch_normalization, dropout.

Activations live in `nn_activation_ops.py`, losses in `nn_loss_ops.py`, convolutions in
`conv_ops.py` and pooling in `pooling_ops.py`; `eagerflow/nn.py` gathers them as `tf.nn`.
"""

from __future__ import annotations

import numbers
from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec


# -- bias_add ------------------------------------------------------------------------------
def _bias_add_kernel(xp: Any, x: Any, b: Any, data_format: str) -> Any:
    if data_format == "NHWC":
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
    return [grad, reduce_sum(grad, [a for a in range(rank) if a != channel])]


def bias_add(value: Any, bias: Any, data_format: Any = None, name: Any = None) -> Tensor:
    """Adds a 1-D `bias` along the channel dimension of `value` (last, or 1 for "NC...").

    Example:
        >>> tf.nn.bias_add([[1.0, 2.0]], [10.0, 20.0]).numpy()
        array([[11., 22.]], dtype=float32)
    """
    x, b = binary_operands("BiasAdd", value, bias)
    fmt = "NHWC" if data_format is None or not str(data_format).startswith("NC") else "NCHW"
    if b.shape.rank != 1:
        raise ValueError(f"BiasAdd: `bias` must be 1-D, got shape {b.shape}")
    if x.shape.rank is not None and x.shape.rank < (2 if fmt == "NHWC" else 3):
        raise ValueError(f"BiasAdd: `value` must be at least rank 2, got shape {x.shape}")
    channels = x.shape[-1] if fmt == "NHWC" else x.shape[1]
    if channels is not None and b.shape[0] is not None and channels != b.shape[0]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"BiasAdd: bias size {b.shape[0]} must equal the channel dimension {channels} of "
            f"value shape {x.shape} (data_format={fmt})",
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
    from eagerflow.ops.math_ops import square, subtract  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_mean  # noqa: PLC0415

    x = convert_to_tensor(x)
    axes = [axes] if isinstance(axes, numbers.Integral) else list(axes)
    mean = reduce_mean(x, axes, keepdims=True)
    variance = reduce_mean(square(subtract(x, mean)), axes, keepdims=keepdims)
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
    shape = x.shape.as_list() if noise_shape is None else _noise_shape(x, noise_shape)
    keep = cast(greater_equal(uniform(shape, dtype=x.dtype, seed=seed), rate_t), x.dtype)
    scale = 1.0 / (1.0 - float(rate)) if isinstance(rate, numbers.Real) else None
    if scale is None:
        from eagerflow.ops.math_ops import divide, subtract  # noqa: PLC0415

        return multiply(divide(x, subtract(1.0, rate_t)), keep)
    return multiply(multiply(x, scale), keep)


def _noise_shape(x: Tensor, noise_shape: Any) -> list:
    dims = noise_shape.numpy().tolist() if isinstance(noise_shape, Tensor) else list(noise_shape)
    shape = x.shape.as_list()
    if len(dims) != len(shape):
        raise ValueError(f"dropout: noise_shape {dims} must have the rank of x, shape {shape}")
    return [s if d is None else int(d) for d, s in zip(dims, shape)]
