"""`tf.keras.initializers`: callables `(shape, dtype) -> Tensor` that set a weight's first value.

Random initializers draw from `tf.random` ops; a `seed` makes them reproducible.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import eagerflow as tf
from eagerflow.keras import _serialization, backend


def _float_dtype(dtype: Any, who: str) -> Any:
    dtype = tf.as_dtype(dtype or backend.floatx())
    if not dtype.is_floating:
        raise ValueError(f"{who}: expected a floating dtype, got {dtype.name}.")
    return dtype


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype=None)` and `get_config()`."""

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


class Zeros(Initializer):
    """All zeros.

    Example:
        >>> tf.keras.initializers.Zeros()((2,)).numpy()
        array([0., 0.], dtype=float32)
    """

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        return tf.zeros(shape, dtype=tf.as_dtype(dtype or backend.floatx()))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        return tf.ones(shape, dtype=tf.as_dtype(dtype or backend.floatx()))


class Constant(Initializer):
    """Every element equal to `value`."""

    def __init__(self, value: Any = 0) -> None:
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        dtype = tf.as_dtype(dtype or backend.floatx())
        return tf.broadcast_to(tf.constant(self.value, dtype=dtype), shape)

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomUniform(Initializer):
    """Uniform in `[minval, maxval)`."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        dtype = _float_dtype(dtype, "RandomUniform")
        return tf.random.uniform(shape, self.minval, self.maxval, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(Initializer):
    """Normal with mean `mean` and standard deviation `stddev`."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        dtype = _float_dtype(dtype, "RandomNormal")
        return tf.random.normal(shape, self.mean, self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(Initializer):
    """Normal, redrawn beyond two standard deviations."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        dtype = _float_dtype(dtype, "TruncatedNormal")
        return tf.random.truncated_normal(
            shape, self.mean, self.stddev, dtype=dtype, seed=self.seed
        )

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _fans(shape: tuple) -> tuple[float, float]:
    """(fan_in, fan_out) of a kernel shape: dense `(in, out)`, conv `(*window, in, out)`."""
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = math.prod(shape[:-2])
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


class VarianceScaling(Initializer):
    """Samples with variance `scale / n`, `n` being fan_in, fan_out or their average.

    Example:
        >>> init = tf.keras.initializers.VarianceScaling(2.0, "fan_in", "truncated_normal")
        >>> init((784, 10)).shape
        TensorShape([784, 10])
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: `scale` must be positive, got {scale}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: invalid `mode` {mode!r}.")
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"VarianceScaling: invalid `distribution` {distribution!r}.")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        dtype = _float_dtype(dtype, type(self).__name__)
        shape = tuple(tf.TensorShape(shape).as_list())
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            # Standard deviation of a unit normal truncated to [-2, 2].
            stddev = math.sqrt(variance) / 0.87962566103423978
            return tf.random.truncated_normal(shape, 0.0, stddev, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            stddev = math.sqrt(variance)
            return tf.random.normal(shape, 0.0, stddev, dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return tf.random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class _FixedVarianceScaling(VarianceScaling):
    _ARGS: tuple = ()

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(*self._ARGS, seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform in `[-limit, limit]`, `limit = sqrt(6 / (fan_in + fan_out))` (the default)."""

    _ARGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with `stddev = sqrt(2 / (fan_in + fan_out))`."""

    _ARGS = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with `stddev = sqrt(2 / fan_in)` (for ReLU networks)."""

    _ARGS = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform in `[-limit, limit]`, `limit = sqrt(6 / fan_in)`."""

    _ARGS = (2.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with `stddev = sqrt(1 / fan_in)`."""

    _ARGS = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform in `[-limit, limit]`, `limit = sqrt(3 / fan_in)`."""

    _ARGS = (1.0, "fan_in", "uniform")


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a normal sample."""

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain, self.seed = gain, seed

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        dtype = _float_dtype(dtype, "Orthogonal")
        shape = tuple(tf.TensorShape(shape).as_list())
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape must have rank >= 2, got {shape}.")
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = tf.random.normal(flat, dtype=dtype, seed=self.seed)
        qr = getattr(tf.linalg, "qr", None)
        if qr is not None:
            q, r = qr(a)
        else:
            # An initial value needs no gradient: NumPy's QR serves until tf.linalg.qr exists.
            q, r = (tf.constant(m.astype(dtype.as_numpy_dtype)) for m in np.linalg.qr(a.numpy()))
        # Signs from R's diagonal make the distribution uniform over orthogonal matrices.
        q = q * tf.sign(tf.linalg.diag_part(r))
        if rows < cols:
            q = tf.transpose(q)
        return self.gain * tf.reshape(q, shape)

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
        dtype = _float_dtype(dtype, "Identity")
        shape = tuple(tf.TensorShape(shape).as_list())
        if len(shape) != 2:
            raise ValueError(f"Identity: the shape must be 2-D, got {shape}.")
        return self.gain * tf.eye(shape[0], shape[1], dtype=dtype)

    def get_config(self) -> dict:
        return {"gain": self.gain}


zeros = Zeros
ones = Ones
constant = Constant
random_uniform = RandomUniform
random_normal = RandomNormal
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
identity = Identity

_CLASSES = {
    cls.__name__: cls
    for cls in (
        Zeros,
        Ones,
        Constant,
        RandomUniform,
        RandomNormal,
        TruncatedNormal,
        VarianceScaling,
        GlorotUniform,
        GlorotNormal,
        HeNormal,
        HeUniform,
        LecunNormal,
        LecunUniform,
        Orthogonal,
        Identity,
    )
}
_ALIASES = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "uniform": RandomUniform,
    "random_uniform": RandomUniform, "normal": RandomNormal, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "identity": Identity,
}  # fmt: skip


def serialize(initializer: Any) -> Any:
    """`{"class_name": ..., "config": ...}` for built-in initializers, else the object."""
    return _serialization.serialize_builtin(initializer, Initializer, _CLASSES)


def deserialize(config: Any) -> Any:
    return get(config)


def get(identifier: Any) -> Any:
    """An initializer from None, a name ("he_normal"), a serialized dict or a callable."""
    return _serialization.get_object(
        identifier, "initializer", {**_CLASSES, **_ALIASES}, _CLASSES, sorted(_ALIASES)
    )
