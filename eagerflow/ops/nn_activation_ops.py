"""Activations: relu, relu6, leaky_relu, elu, selu, softplus, softsign, gelu, silu, softmax.

The piecewise activations follow TensorFlow: a forward primitive plus a `...Grad`
primitive (`ReluGrad(grad, y)`), whose own gradient is again a `...Grad` call (linear in
`grad`) plus the smooth part, so every order of differentiation works. Softmax and
log-softmax are primitives for numerical stability (max subtraction), with gradients
written in public ops.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.ops import _shape_rules as rules

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _real_input(op: str, x: Any) -> Tensor:
    """Relu, Relu6 and LeakyRelu take integer or floating tensors, as in TensorFlow."""
    t = x if type(x) is Tensor else convert_to_tensor(x)
    if not (t.dtype.is_floating or t.dtype.is_integer):
        raise TypeError(f"{op}: `features` must be a real tensor, got dtype {t.dtype.name}")
    return t


def _float_input(op: str, x: Any, complex_ok: bool = False) -> Tensor:
    t = x if type(x) is Tensor else convert_to_tensor(x)
    if not (t.dtype.is_floating or (complex_ok and t.dtype.is_complex)):
        raise TypeError(
            f"{op}: `features` must be a floating tensor (half, float32, float64), got dtype "
            f"{t.dtype.name}"
        )
    return t


def _mask(condition: Tensor, like: Tensor) -> Tensor:
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    return cast(condition, like.dtype)


def _grad_rule(g: Any, y: Any, **attrs: Any) -> Any:
    return rules.unary(g)


# -- relu / relu6 / leaky_relu -----------------------------------------------------------
_ROW_ZEROS_SIZE = 1 << 12  # elements from which maximum against a row of zeros pays off


def _relu_kernel(xp: Any, x: Any) -> Any:
    if x.size < _ROW_ZEROS_SIZE or not x.flags.c_contiguous:
        return xp.maximum(x, x.dtype.type(0))
    # NumPy's maximum against a scalar misses its vector loop; against a row of zeros (rows of
    # at least 256 elements) it is 2-3x faster, with bitwise the same results (NaN, -0.0).
    row, axis = 1, x.ndim
    while axis > 0 and row < 256:
        axis -= 1
        row *= x.shape[axis]
    return xp.maximum(x.reshape(-1, row), xp.zeros(row, dtype=x.dtype)).reshape(x.shape)


RELU = Primitive("Relu", _relu_kernel, rules.unary)
RELU_GRAD = Primitive("ReluGrad", lambda xp, g, y: g * (y > 0), _grad_rule)
RELU6 = Primitive("Relu6", lambda xp, x: xp.clip(x, x.dtype.type(0), x.dtype.type(6)), rules.unary)
RELU6_GRAD = Primitive("Relu6Grad", lambda xp, g, x: g * ((x > 0) & (x < 6)), _grad_rule)


def _leaky_relu_kernel(xp: Any, x: Any, alpha: float) -> Any:
    return xp.where(x > 0, x, x * x.dtype.type(alpha))


def _leaky_relu_grad_kernel(xp: Any, g: Any, x: Any, alpha: float) -> Any:
    return xp.where(x > 0, g, g * g.dtype.type(alpha))


LEAKY_RELU = Primitive("LeakyRelu", _leaky_relu_kernel, rules.unary)
LEAKY_RELU_GRAD = Primitive("LeakyReluGrad", _leaky_relu_grad_kernel, _grad_rule)


def _zeros(t: Tensor) -> Tensor:
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    return zeros_like(t)


@RegisterGradient("Relu")
def _relu_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(RELU_GRAD, (grad, op.outputs[0]))


@RegisterGradient("ReluGrad")
def _relu_grad_grad(op: Any, grad: Tensor) -> list:
    y = op.inputs[1]
    return [execute(RELU_GRAD, (grad, y)), _zeros(y)]


@RegisterGradient("Relu6")
def _relu6_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(RELU6_GRAD, (grad, op.inputs[0]))


@RegisterGradient("Relu6Grad")
def _relu6_grad_grad(op: Any, grad: Tensor) -> list:
    x = op.inputs[1]
    return [execute(RELU6_GRAD, (grad, x)), _zeros(x)]


@RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(LEAKY_RELU_GRAD, (grad, op.inputs[0]), {"alpha": op.get_attr("alpha")})


@RegisterGradient("LeakyReluGrad")
def _leaky_relu_grad_grad(op: Any, grad: Tensor) -> list:
    x = op.inputs[1]
    return [execute(LEAKY_RELU_GRAD, (grad, x), {"alpha": op.get_attr("alpha")}), _zeros(x)]


def relu(features: Any, name: Any = None) -> Tensor:
    """Computes max(features, 0).

    Example:
        >>> tf.nn.relu([-1.0, 2.0]).numpy()
        array([0., 2.], dtype=float32)
    """
    return execute(RELU, (_real_input("Relu", features),))


def relu6(features: Any, name: Any = None) -> Tensor:
    """Computes min(max(features, 0), 6).

    Example:
        >>> tf.nn.relu6([-1.0, 3.0, 8.0]).numpy()
        array([0., 3., 6.], dtype=float32)
    """
    return execute(RELU6, (_real_input("Relu6", features),))


def leaky_relu(features: Any, alpha: float = 0.2, name: Any = None) -> Tensor:
    """Computes features if features > 0 else alpha * features.

    Example:
        >>> tf.nn.leaky_relu([-1.0, 2.0]).numpy()
        array([-0.2,  2. ], dtype=float32)
    """
    x = _real_input("LeakyRelu", features)
    if x.dtype.is_integer:
        from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

        x = cast(x, "float32")
    return execute(LEAKY_RELU, (x,), {"alpha": float(alpha)})


# -- elu / selu ----------------------------------------------------------------------------
def _elu_kernel(xp: Any, x: Any) -> Any:
    return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0)))


def _elu_grad_kernel(xp: Any, g: Any, y: Any) -> Any:
    return xp.where(y > 0, g, g * (y + 1))


def _selu_kernel(xp: Any, x: Any) -> Any:
    scale = x.dtype.type(SELU_SCALE)
    neg = x.dtype.type(SELU_SCALE * SELU_ALPHA) * xp.expm1(xp.minimum(x, 0))
    return xp.where(x > 0, scale * x, neg)


def _selu_grad_kernel(xp: Any, g: Any, y: Any) -> Any:
    scale = g.dtype.type(SELU_SCALE)
    return xp.where(y > 0, g * scale, g * (y + g.dtype.type(SELU_SCALE * SELU_ALPHA)))


ELU = Primitive("Elu", _elu_kernel, rules.unary)
ELU_GRAD = Primitive("EluGrad", _elu_grad_kernel, _grad_rule)
SELU = Primitive("Selu", _selu_kernel, rules.unary)
SELU_GRAD = Primitive("SeluGrad", _selu_grad_kernel, _grad_rule)


@RegisterGradient("Elu")
def _elu_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(ELU_GRAD, (grad, op.outputs[0]))


@RegisterGradient("EluGrad")
def _elu_grad_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.math_ops import less, multiply  # noqa: PLC0415

    g, y = op.inputs
    return [
        execute(ELU_GRAD, (grad, y)),
        multiply(multiply(grad, g), _mask(less(y, 0), y)),
    ]


@RegisterGradient("Selu")
def _selu_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(SELU_GRAD, (grad, op.outputs[0]))


@RegisterGradient("SeluGrad")
def _selu_grad_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.math_ops import less, multiply  # noqa: PLC0415

    g, y = op.inputs
    return [
        execute(SELU_GRAD, (grad, y)),
        multiply(multiply(grad, g), _mask(less(y, 0), y)),
    ]


def elu(features: Any, name: Any = None) -> Tensor:
    """Exponential linear unit: features if > 0 else exp(features) - 1.

    Example:
        >>> tf.nn.elu([0.0, 1.0]).numpy()
        array([0., 1.], dtype=float32)
    """
    return execute(ELU, (_float_input("Elu", features),))


def selu(features: Any, name: Any = None) -> Tensor:
    """Scaled ELU: scale * (features if > 0 else alpha * (exp(features) - 1)).

    Example:
        >>> tf.nn.selu([0.0]).numpy()
        array([0.], dtype=float32)
    """
    return execute(SELU, (_float_input("Selu", features),))


# -- smooth activations (composites) -------------------------------------------------------
def _softplus_kernel(xp: Any, x: Any) -> Any:
    # log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
    return xp.maximum(x, x.dtype.type(0)) + xp.log1p(xp.exp(-xp.abs(x)))


SOFTPLUS = Primitive("Softplus", _softplus_kernel, rules.unary)


@RegisterGradient("Softplus")
def _softplus_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import sigmoid  # noqa: PLC0415

    return multiply(grad, sigmoid(op.inputs[0]))


def softplus(features: Any, name: Any = None) -> Tensor:
    """Computes log(exp(features) + 1), stably for large |features|.

    Example:
        >>> round(float(tf.nn.softplus(0.0)), 6)
        0.693147
    """
    return execute(SOFTPLUS, (_float_input("Softplus", features),))


def softsign(features: Any, name: Any = None) -> Tensor:
    """Computes features / (abs(features) + 1).

    Example:
        >>> tf.nn.softsign([1.0, -3.0]).numpy()
        array([ 0.5 , -0.75], dtype=float32)
    """
    from eagerflow.ops.math_ops import add, divide  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import abs as abs_  # noqa: PLC0415

    x = _float_input("Softsign", features)
    return divide(x, add(abs_(x), 1))


def gelu(features: Any, approximate: bool = False, name: Any = None) -> Tensor:
    """Gaussian error linear unit: x * P(X <= x) for X ~ N(0, 1).

    `approximate=False` uses the exact erf form, `approximate=True` the tanh approximation
    0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).

    Example:
        >>> tf.nn.gelu([0.0, 1.0]).numpy().round(4)
        array([0.    , 0.8413], dtype=float32)
    """
    from eagerflow.ops.math_ops import add, multiply, tanh  # noqa: PLC0415

    x = _float_input("Gelu", features)
    half = multiply(x, 0.5)
    if approximate:
        cube = multiply(multiply(x, x), x)
        inner = add(x, multiply(cube, _scalar(0.044715, x)))
        return multiply(half, add(tanh(multiply(inner, _scalar(math.sqrt(2 / math.pi), x))), 1))
    from eagerflow.ops.math_special_ops import erf  # noqa: PLC0415

    return multiply(half, add(erf(multiply(x, _scalar(math.sqrt(0.5), x))), 1))


def _scalar(value: float, like: Tensor) -> Tensor:
    """`value` at the full precision of `like`'s dtype (not rounded through float32)."""
    from eagerflow.core.convert import constant  # noqa: PLC0415

    return constant(np.asarray(value, dtype=like.dtype.as_numpy_dtype))


def silu(features: Any, beta: float = 1.0, name: Any = None) -> Tensor:
    """Sigmoid-weighted linear unit (swish): features * sigmoid(beta * features).

    Example:
        >>> tf.nn.silu([0.0]).numpy()
        array([0.], dtype=float32)
    """
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import sigmoid  # noqa: PLC0415

    x = _float_input("Silu", features, complex_ok=True)  # TF's composite takes complex too
    scaled = x if beta == 1.0 else multiply(x, beta)
    return multiply(x, sigmoid(scaled))


swish = silu


# -- softmax / log_softmax -------------------------------------------------------------------
def _softmax_kernel(xp: Any, x: Any, axis: int) -> Any:
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax_kernel(xp: Any, x: Any, axis: int) -> Any:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


SOFTMAX = Primitive("Softmax", _softmax_kernel, rules.unary)
LOG_SOFTMAX = Primitive("LogSoftmax", _log_softmax_kernel, rules.unary)


@RegisterGradient("Softmax")
def _softmax_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import multiply, subtract  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    y = op.outputs[0]
    dot = reduce_sum(multiply(grad, y), op.get_attr("axis"), keepdims=True)
    return multiply(subtract(grad, dot), y)


@RegisterGradient("LogSoftmax")
def _log_softmax_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import exp, multiply, subtract  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    total = reduce_sum(grad, op.get_attr("axis"), keepdims=True)
    return subtract(grad, multiply(exp(op.outputs[0]), total))


def _softmax_axis(op: str, x: Tensor, axis: Any) -> int:
    rank = x.shape.rank
    axis = -1 if axis is None else int(axis)
    if rank == 0:
        raise errors.InvalidArgumentError(None, None, f"{op}: logits must have rank >= 1")
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: axis {axis} is out of range for logits of shape {x.shape}"
        )
    return axis % rank


def softmax(logits: Any, axis: Any = None, name: Any = None) -> Tensor:
    """Computes exp(logits) / sum(exp(logits), axis), stably (default axis -1).

    Example:
        >>> tf.nn.softmax([0.0, 0.0]).numpy()
        array([0.5, 0.5], dtype=float32)
    """
    x = _float_input("Softmax", logits)
    return execute(SOFTMAX, (x,), {"axis": _softmax_axis("Softmax", x, axis)})


def log_softmax(logits: Any, axis: Any = None, name: Any = None) -> Tensor:
    """Computes logits - log(sum(exp(logits), axis)), stably (default axis -1).

    Example:
        >>> tf.nn.log_softmax([0.0, 0.0]).numpy().round(4)
        array([-0.6931, -0.6931], dtype=float32)
    """
    x = _float_input("LogSoftmax", logits)
    return execute(LOG_SOFTMAX, (x,), {"axis": _softmax_axis("LogSoftmax", x, axis)})
