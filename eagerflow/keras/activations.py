"""`tf.keras.activations`: element-wise activation functions, looked up by name with `get`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eagerflow as tf


def linear(x: Any) -> Any:
    """The identity: `linear(x) == x`."""
    return x


def relu(x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """Rectified linear unit, `max(x, 0)`, with Keras's optional leak, cap and threshold.

    Example:
        >>> tf.keras.activations.relu(tf.constant([-1.0, 2.0])).numpy()
        array([0., 2.], dtype=float32)
    """
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return tf.nn.relu(x)
    if alpha != 0.0 and max_value is None and threshold == 0.0:
        return tf.nn.leaky_relu(x, alpha=alpha)
    x = tf.convert_to_tensor(x)
    out = tf.where(x > threshold, x, tf.zeros_like(x) if alpha == 0.0 else alpha * (x - threshold))
    if max_value is not None:
        out = tf.minimum(out, tf.cast(max_value, out.dtype))
    return out


def sigmoid(x: Any) -> Any:
    """`1 / (1 + exp(-x))`."""
    return tf.nn.sigmoid(x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return tf.tanh(x)


def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax over `axis` (the last one by default)."""
    return tf.nn.softmax(x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """Log of the softmax over `axis`."""
    return tf.nn.log_softmax(x, axis=axis)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """Exponential linear unit: `x` if `x > 0` else `alpha * (exp(x) - 1)`."""
    out = tf.nn.elu(x)
    if alpha == 1.0:
        return out
    x = tf.convert_to_tensor(x)
    return tf.where(x > 0, out, alpha * out)


def selu(x: Any) -> Any:
    """Scaled exponential linear unit (Klambauer et al., 2017)."""
    return tf.nn.selu(x)


def softplus(x: Any) -> Any:
    """`log(1 + exp(x))`."""
    return tf.nn.softplus(x)


def softsign(x: Any) -> Any:
    """`x / (1 + |x|)`."""
    return tf.nn.softsign(x)


def swish(x: Any) -> Any:
    """`x * sigmoid(x)` (also called SiLU)."""
    return tf.nn.silu(x)


silu = swish


def gelu(x: Any, approximate: bool = False) -> Any:
    """Gaussian error linear unit."""
    return tf.nn.gelu(x, approximate=approximate)


def exponential(x: Any) -> Any:
    """`exp(x)`."""
    return tf.exp(x)


def hard_sigmoid(x: Any) -> Any:
    """Piecewise linear sigmoid: `clip(0.2 * x + 0.5, 0, 1)` (Keras 2's definition)."""
    return tf.clip_by_value(0.2 * tf.convert_to_tensor(x) + 0.5, 0.0, 1.0)


_BY_NAME: dict[str, Callable] = {
    fn.__name__: fn
    for fn in (
        linear,
        relu,
        sigmoid,
        tanh,
        softmax,
        log_softmax,
        elu,
        selu,
        softplus,
        softsign,
        swish,
        gelu,
        exponential,
        hard_sigmoid,
    )
}
_BY_NAME["silu"] = swish


def get(identifier: Any) -> Callable:
    """The activation function for `identifier`: None (linear), a name, or a callable."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(
                f"Unknown activation function: {identifier!r}. Expected one of "
                f"{sorted(_BY_NAME)} or a callable."
            )
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise TypeError(
        f"Could not interpret activation function identifier: {identifier!r} "
        "(expected None, a string or a callable)."
    )


def serialize(activation: Callable) -> Any:
    """The name of a built-in activation, or the callable itself for custom ones."""
    name = getattr(activation, "__name__", None)
    if name in _BY_NAME and _BY_NAME[name] is activation:
        return name
    return activation


def deserialize(config: Any) -> Callable:
    return get(config)
