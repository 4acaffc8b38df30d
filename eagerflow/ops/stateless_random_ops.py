"""Stateless random ops (`tf.random.stateless_*`) and `tf.random.Generator`.

Stateless ops are pure: their values are a function of the shape, dtype and a [2]-shaped
`seed` tensor. A `Generator` keeps its state in an int64 variable [seed, counter, 0]; each
draw is the stateless function of (seed, counter), after which the counter advances.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops.random_ops import (
    _float_dtype,
    _int_range,
    _scale_shift,
    _to_range,
    runtime_shape,
    sample,
    sampling_spec,
    shape_args,
)

_MASK64 = 0xFFFFFFFFFFFFFFFF


def _seed_words(seed: Any) -> int:
    """One 63-bit generator seed mixed from the seed tensor's words (both backends take it)."""
    words = [int(s) & _MASK64 for s in seed.reshape(-1).tolist()]
    return int(np.random.SeedSequence(words).generate_state(1, np.uint64)[0]) >> 1


# Input 0 is the seed; a shape that needs run-time values while tracing is input 1 (with
# `shape=None` and `partial`, as for the stateful ops in random_ops.py).
def _stateless_kernel(op: str, dist: str) -> Any:
    def kernel(
        xp: Any,
        seed: Any,
        *shape_t: Any,
        shape: tuple | None,
        dtype: dtypes.DType,
        partial: Any = None,
        **params: Any,
    ) -> Any:
        dims = runtime_shape(op, shape, shape_t)
        return sample(xp, _seed_words(seed), dist, dims, dtype, **params)

    return kernel


def _stateless_rule(
    seed: TensorSpec,
    *shape_t: TensorSpec,
    shape: tuple | None,
    dtype: dtypes.DType,
    partial: tuple | None = None,
    **params: Any,
) -> TensorSpec:
    return sampling_spec(shape, partial, dtype)


def _stateless_primitive(op: str, dist: str) -> Primitive:
    return Primitive(op, _stateless_kernel(op, dist), _stateless_rule)


STATELESS_NORMAL = _stateless_primitive("StatelessRandomNormal", "normal")
STATELESS_UNIFORM = _stateless_primitive("StatelessRandomUniform", "uniform")
STATELESS_UNIFORM_INT = _stateless_primitive("StatelessRandomUniformInt", "uniform_int")
STATELESS_UNIFORM_FULL_INT = _stateless_primitive(
    "StatelessRandomUniformFullInt", "uniform_full_int"
)
STATELESS_TRUNCATED_NORMAL = _stateless_primitive("StatelessTruncatedNormal", "truncated_normal")
for _prim in (
    STATELESS_NORMAL,
    STATELESS_UNIFORM,
    STATELESS_UNIFORM_INT,
    STATELESS_UNIFORM_FULL_INT,
    STATELESS_TRUNCATED_NORMAL,
):
    no_gradient(_prim.name)


def _seed_tensor(op: str, seed: Any) -> Tensor:
    t = convert_to_tensor(seed)
    if not t.dtype.is_integer or t.shape.as_list() != [2]:
        raise ValueError(f"{op}: `seed` must be an integer tensor of shape [2], got {t!r}")
    return t


_PRIMITIVES = {
    "normal": STATELESS_NORMAL,
    "uniform": STATELESS_UNIFORM,
    "uniform_int": STATELESS_UNIFORM_INT,
    "uniform_full_int": STATELESS_UNIFORM_FULL_INT,
    "truncated_normal": STATELESS_TRUNCATED_NORMAL,
}


def _draw(op: str, seed: Tensor, dist: str, shape: Any, dtype: Any, **params: Any) -> Tensor:
    inputs, attrs = shape_args(op, shape)
    attrs = {**attrs, "dtype": dtypes.as_dtype(dtype), **params}
    return execute(_PRIMITIVES[dist], (seed, *inputs), attrs)


def _normal(
    op: str, key: Callable[[], Tensor], dist: str, shape: Any, mean: Any, stddev: Any, dtype: Any
) -> Tensor:
    """Normal or truncated-normal draws, scaled; `key()` runs after `dtype` is checked."""
    dtype = _float_dtype(op, dtype)
    return _scale_shift(_draw(op, key(), dist, shape, dtype), stddev, mean, dtype)


def _uniform(op: str, seed: Tensor, shape: Any, minval: Any, maxval: Any, dtype: Any) -> Tensor:
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            if minval not in (0, None):
                raise ValueError(f"{op}: minval must be None with maxval None for ints")
            return _draw(op, seed, "uniform_full_int", shape, dtype)
        low, high = _int_range(op, minval, maxval)
        return _draw(op, seed, "uniform_int", shape, dtype, minval=low, maxval=high)
    dtype = _float_dtype(op, dtype)
    values = _draw(op, seed, "uniform", shape, dtype)
    maxval = 1.0 if maxval is None else maxval
    minval = 0.0 if minval is None else minval
    return _to_range(values, minval, maxval, dtype)


def stateless_normal(
    shape: Any,
    seed: Any,
    mean: Any = 0.0,
    stddev: Any = 1.0,
    dtype: Any = dtypes.float32,
    name: Any = None,
    alg: Any = "auto_select",
) -> Tensor:
    """Normal samples that depend only on `seed` (an int [2]): same seed, same values.

    Example:
        >>> a = tf.random.stateless_normal([3], seed=[1, 2])
        >>> bool(tf.reduce_all(a == tf.random.stateless_normal([3], seed=[1, 2])))
        True
    """
    op = "stateless_normal"
    return _normal(op, partial(_seed_tensor, op, seed), "normal", shape, mean, stddev, dtype)


def stateless_truncated_normal(
    shape: Any,
    seed: Any,
    mean: Any = 0.0,
    stddev: Any = 1.0,
    dtype: Any = dtypes.float32,
    name: Any = None,
    alg: Any = "auto_select",
) -> Tensor:
    """Truncated-normal samples (|z| <= 2) that depend only on `seed`.

    Example:
        >>> tf.random.stateless_truncated_normal([2], seed=[0, 1]).shape
        TensorShape([2])
    """
    op = "stateless_truncated_normal"
    key = partial(_seed_tensor, op, seed)
    return _normal(op, key, "truncated_normal", shape, mean, stddev, dtype)


def stateless_uniform(
    shape: Any,
    seed: Any,
    minval: Any = 0,
    maxval: Any = None,
    dtype: Any = dtypes.float32,
    name: Any = None,
    alg: Any = "auto_select",
) -> Tensor:
    """Uniform samples in [minval, maxval) that depend only on `seed`.

    Example:
        >>> tf.random.stateless_uniform([2], seed=[0, 1], maxval=5, dtype=tf.int32).dtype
        tf.int32
    """
    op = "stateless_uniform"
    return _uniform(op, _seed_tensor(op, seed), shape, minval, maxval, dtype)


# -- tf.random.Generator -------------------------------------------------------------------
class Generator:
    """A random-number generator whose state is an int64 variable (`tf.random.Generator`).

    Example:
        >>> g = tf.random.Generator.from_seed(1)
        >>> g.normal([2]).shape
        TensorShape([2])
    """

    def __init__(self, copy_from: Any = None, state: Any = None, alg: Any = None) -> None:
        from eagerflow.core.variable import Variable  # noqa: PLC0415

        if copy_from is not None:
            initial = copy_from.state.numpy()
        elif state is not None:
            initial = convert_to_tensor(state, dtype=dtypes.int64).numpy().reshape(-1)
        else:
            raise ValueError("Generator: pass `copy_from` or `state` (or use from_seed).")
        values = [int(v) for v in initial] + [0] * (3 - len(initial))
        self._state = Variable(
            convert_to_tensor(values[:3], dtype=dtypes.int64), trainable=False, name="StateVar"
        )
        self._alg = alg

    @classmethod
    def from_seed(cls, seed: Any, alg: Any = None) -> Generator:
        """A generator whose sequence is determined by the integer `seed`."""
        return cls(state=[int(seed) & (2**63 - 1), 0, 0], alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg: Any = None) -> Generator:
        """A generator seeded from operating-system entropy."""
        return cls(state=[secrets.randbits(63), 0, 0], alg=alg)

    @classmethod
    def from_state(cls, state: Any, alg: Any = None) -> Generator:
        return cls(state=state, alg=alg)

    @property
    def state(self) -> Any:
        """The int64 state variable [seed, counter, 0]."""
        return self._state

    @property
    def algorithm(self) -> Any:
        return self._alg

    def reset_from_seed(self, seed: Any) -> None:
        self._state.assign(convert_to_tensor([int(seed) & (2**63 - 1), 0, 0], dtype=dtypes.int64))

    def reset(self, state: Any) -> None:
        self._state.assign(convert_to_tensor(state, dtype=dtypes.int64))

    def skip(self, delta: int) -> None:
        """Advances the state as if `delta` draws had happened."""
        self._state.assign_add(convert_to_tensor([0, int(delta), 0], dtype=dtypes.int64))

    def _next_key(self) -> Tensor:
        key = self._state.read_value()  # a snapshot: assignments replace the array
        self.skip(1)
        return key

    def normal(
        self,
        shape: Any,
        mean: Any = 0.0,
        stddev: Any = 1.0,
        dtype: Any = dtypes.float32,
        name: Any = None,
    ) -> Tensor:
        """Normal samples; each call advances the state."""
        return _normal("Generator.normal", self._next_key, "normal", shape, mean, stddev, dtype)

    def truncated_normal(
        self,
        shape: Any,
        mean: Any = 0.0,
        stddev: Any = 1.0,
        dtype: Any = dtypes.float32,
        name: Any = None,
    ) -> Tensor:
        """Truncated-normal samples (|z| <= 2); each call advances the state."""
        op = "Generator.truncated_normal"
        return _normal(op, self._next_key, "truncated_normal", shape, mean, stddev, dtype)

    def uniform(
        self,
        shape: Any,
        minval: Any = 0,
        maxval: Any = None,
        dtype: Any = dtypes.float32,
        name: Any = None,
    ) -> Tensor:
        """Uniform samples in [minval, maxval); each call advances the state."""
        return _uniform("Generator.uniform", self._next_key(), shape, minval, maxval, dtype)

    def uniform_full_int(self, shape: Any, dtype: Any = dtypes.uint64, name: Any = None) -> Tensor:
        """Integers over the whole range of `dtype`."""
        return _draw(
            "Generator.uniform_full_int", self._next_key(), "uniform_full_int", shape, dtype
        )

    def make_seeds(self, count: int = 1) -> Tensor:
        """An int64 [2, count] tensor of seeds for stateless ops."""
        return self.uniform_full_int([2, count], dtype=dtypes.int64)

    def split(self, count: int = 1) -> list:
        """`count` new generators seeded from this one."""
        seeds = self.make_seeds(count).numpy()
        return [Generator(state=[int(seeds[0, i]) & (2**63 - 1), 0, 0]) for i in range(count)]


_GLOBAL_GENERATOR: list = []


def get_global_generator() -> Generator:
    """The process-wide generator, created from the global seed (or entropy) on first use."""
    if not _GLOBAL_GENERATOR:
        from eagerflow.ops.random_ops import get_global_seed  # noqa: PLC0415

        seed = get_global_seed()
        _GLOBAL_GENERATOR.append(
            Generator.from_non_deterministic_state() if seed is None else Generator.from_seed(seed)
        )
    return _GLOBAL_GENERATOR[0]


def set_global_generator(generator: Generator) -> None:
    """Replaces the process-wide generator."""
    _GLOBAL_GENERATOR[:] = [generator]
