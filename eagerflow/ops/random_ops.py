"""Random ops (`tf.random.normal`, `uniform`, ...) with TensorFlow's seed semantics.

Seeds (TF's `get_seed`): with a global seed (`tf.random.set_seed`), an op without its own
seed takes the next value of a counter that `set_seed` resets, so a program's sequence of
random ops repeats run after run. A fixed (global, op) seed pair names a stream: successive
calls continue it (they differ), and `set_seed` restarts it. An op seed without a global
seed uses TF's default graph seed. With no seed at all, values are fresh entropy.

The kernels are the one stateful exception to pure kernels: each execution draws the next
seed of its stream, so a traced graph re-running the op gets new values, as in TF. Graph
passes must not fold or merge the ops in `STATEFUL_OPS`. Values are generated with
`xp.random.default_rng` on the op's device; random ops have no gradient. While tracing, a
shape known only at run time (`tf.shape(x)`) is the sampling op's input instead of its attr.
"""

from __future__ import annotations

import secrets
import zlib
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._shape_args import traced_shape
from eagerflow.ops._shape_rules import broadcast_shapes

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


class _SeedState:
    """Process-wide seed state, as TensorFlow's eager context keeps it."""

    global_seed: int | None = None
    op_counter = 0
    streams: dict = {}


_SEEDS = _SeedState()


def set_seed(seed: Any) -> None:
    """Sets the global random seed (`tf.random.set_seed`) and restarts every seeded stream.

    Example:
        >>> tf.random.set_seed(1)
        >>> a = tf.random.uniform([2])
        >>> tf.random.set_seed(1)
        >>> bool(tf.reduce_all(a == tf.random.uniform([2])))
        True
    """
    _SEEDS.global_seed = None if seed is None else int(seed)
    _SEEDS.op_counter = 0
    _SEEDS.streams = {}


def get_global_seed() -> int | None:
    return _SEEDS.global_seed


def get_seed(op_seed: Any) -> tuple:
    """TF's `random_seed.get_seed`: the (global, op) seed pair an op uses, or (None, None)."""
    global_seed = _SEEDS.global_seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = _SEEDS.op_counter
            _SEEDS.op_counter += 1
        seeds = (global_seed, int(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed))
    else:
        return None, None
    if seeds == (0, 0):  # TF avoids the all-zero pair, which means "nondeterministic"
        seeds = (0, _MAXINT32)
    return seeds


def _stream_key(op: str, seed: Any) -> Any:
    global_seed, op_seed = get_seed(seed)
    return None if global_seed is None else (op, global_seed, op_seed)


def _next_seed(key: Any) -> int:
    """The seed for one execution: the next draw of the stream `key` (None: fresh entropy)."""
    if key is None:
        return secrets.randbits(63)
    stream = _SEEDS.streams.get(key)
    if stream is None:
        op, global_seed, op_seed = key
        entropy = [
            global_seed & 0xFFFFFFFFFFFFFFFF,
            op_seed & 0xFFFFFFFFFFFFFFFF,
            zlib.crc32(op.encode()),
        ]
        stream = _SEEDS.streams[key] = np.random.default_rng(entropy)
    return int(stream.integers(0, 2**63 - 1))


# -- sampling (shared with stateless ops and tf.random.Generator) ---------------------------
def sample(xp: Any, seed: Any, dist: str, shape: tuple, dtype: dtypes.DType, **params: Any) -> Any:
    """Draws `shape` values of distribution `dist` from a generator seeded with `seed`."""
    rng = xp.random.default_rng(seed)
    np_dtype = dtype.as_numpy_dtype
    if dist == "uniform_int":
        return rng.integers(params["minval"], params["maxval"], size=shape, dtype=np_dtype)
    if dist == "uniform_full_int":
        info = np.iinfo(np_dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=np_dtype, endpoint=True)
    work = np_dtype if np_dtype in (np.float32, np.float64) else np.float32
    if dist == "uniform":
        values = rng.random(size=shape, dtype=work)
    elif dist == "normal":
        values = rng.standard_normal(size=shape, dtype=work)
    elif dist == "truncated_normal":
        values = rng.standard_normal(size=shape, dtype=work)
        outside = xp.abs(values) > 2
        while bool(outside.any()):
            values[outside] = rng.standard_normal(size=int(outside.sum()), dtype=work)
            outside = xp.abs(values) > 2
    else:
        raise ValueError(f"unknown distribution {dist!r}")
    return values.astype(np_dtype, copy=False)


# While tracing, the shape may need run-time values (`tf.random.uniform(tf.shape(x))`): the
# shape tensor becomes the op's input, the `shape` attr is None and `partial` keeps the dims
# known at trace time (None where not; `partial` None: not even the rank).
def runtime_shape(op: str, shape: tuple | None, shape_t: tuple) -> tuple:
    """The shape a sampling kernel draws: the `shape` attr, or its shape input's values."""
    if shape is not None:
        return shape
    dims = tuple(int(d) for d in shape_t[0].tolist())
    if any(d < 0 for d in dims):
        raise errors.InvalidArgumentError(
            None, None, f"{op}: shape must be non-negative, got {list(dims)}"
        )
    return dims


def sampling_spec(shape: tuple | None, partial: tuple | None, dtype: dtypes.DType) -> TensorSpec:
    """The output spec of a sampling op with a static `shape` or run-time dims `partial`."""
    if shape is not None:
        return TensorSpec(list(shape), dtype)
    return TensorSpec(None if partial is None else list(partial), dtype)


def _sampling_kernel(op: str, dist: str) -> Any:
    def kernel(
        xp: Any,
        *shape_t: Any,
        shape: tuple | None,
        dtype: dtypes.DType,
        key: Any,
        partial: Any = None,
        **params: Any,
    ) -> Any:
        dims = runtime_shape(op, shape, shape_t)
        return sample(xp, _next_seed(key), dist, dims, dtype, **params)

    return kernel


def _sampling_rule(
    *shape_t: TensorSpec,
    shape: tuple | None,
    dtype: dtypes.DType,
    partial: tuple | None = None,
    **attrs: Any,
) -> TensorSpec:
    return sampling_spec(shape, partial, dtype)


def _sampling_primitive(op: str, dist: str) -> Primitive:
    return Primitive(op, _sampling_kernel(op, dist), _sampling_rule)


RANDOM_STANDARD_NORMAL = _sampling_primitive("RandomStandardNormal", "normal")
RANDOM_UNIFORM = _sampling_primitive("RandomUniform", "uniform")
RANDOM_UNIFORM_INT = _sampling_primitive("RandomUniformInt", "uniform_int")
TRUNCATED_NORMAL = _sampling_primitive("TruncatedNormal", "truncated_normal")


def _shuffle_kernel(xp: Any, x: Any, key: Any) -> Any:
    if x.ndim == 0:
        return x
    # argsort of uniform keys: CuPy's Generator has no `permutation`.
    keys = xp.random.default_rng(_next_seed(key)).random(size=x.shape[0])
    return x[xp.argsort(keys)]


def _multinomial_kernel(xp: Any, logits: Any, num_samples: int, output_dtype: Any, key: Any) -> Any:
    rng = xp.random.default_rng(_next_seed(key))
    batch, classes = logits.shape
    u = rng.random(size=(batch, num_samples, classes))
    gumbel = -xp.log(-xp.log(u))
    scores = logits.astype(gumbel.dtype)[:, None, :] + gumbel
    return xp.argmax(scores, axis=-1).astype(output_dtype.as_numpy_dtype)


def _multinomial_rule(logits: TensorSpec, num_samples: int, output_dtype: Any, key: Any):
    return TensorSpec([logits.shape.as_list()[0], num_samples], output_dtype)


def _gamma_kernel(xp: Any, alpha: Any, shape: tuple, key: Any) -> Any:
    rng = xp.random.default_rng(_next_seed(key))
    work = alpha.dtype if alpha.dtype in (xp.float32, xp.float64) else xp.float64
    draws = rng.standard_gamma(xp.broadcast_to(alpha.astype(work), shape + alpha.shape))
    return draws.astype(alpha.dtype, copy=False)


def _poisson_kernel(xp: Any, lam: Any, shape: tuple, dtype: dtypes.DType, key: Any) -> Any:
    rng = xp.random.default_rng(_next_seed(key))
    draws = rng.poisson(xp.broadcast_to(lam.astype(xp.float64), shape + lam.shape))
    return draws.astype(dtype.as_numpy_dtype)


def _gamma_rule(alpha: TensorSpec, shape: tuple, key: Any) -> TensorSpec:
    return TensorSpec(list(shape) + alpha.shape.as_list(), alpha.dtype)


def _poisson_rule(lam: TensorSpec, shape: tuple, dtype: dtypes.DType, key: Any) -> TensorSpec:
    return TensorSpec(list(shape) + lam.shape.as_list(), dtype)


RANDOM_GAMMA = Primitive("RandomGamma", _gamma_kernel, _gamma_rule)
RANDOM_POISSON = Primitive("RandomPoissonV2", _poisson_kernel, _poisson_rule)
RANDOM_SHUFFLE = Primitive(
    "RandomShuffle", _shuffle_kernel, lambda x, key: TensorSpec(x.shape, x.dtype)
)
MULTINOMIAL = Primitive("Multinomial", _multinomial_kernel, _multinomial_rule)

STATEFUL_OPS = frozenset(
    [
        "RandomStandardNormal",
        "RandomUniform",
        "RandomUniformInt",
        "TruncatedNormal",
        "RandomShuffle",
        "RandomGamma",
        "RandomPoissonV2",
        "Multinomial",
    ]
)
for _name in STATEFUL_OPS:
    no_gradient(_name)


# -- public functions ----------------------------------------------------------------------
def shape_tuple(op: str, shape: Any) -> tuple:
    if isinstance(shape, Tensor):
        shape = shape.numpy().reshape(-1).tolist()
    elif hasattr(shape, "as_list"):
        shape = shape.as_list()
    elif isinstance(shape, (int, np.integer)):
        shape = [shape]
    dims = tuple(int(d) for d in shape)
    if any(d < 0 for d in dims):
        raise errors.InvalidArgumentError(
            None, None, f"{op}: shape must be non-negative, got {list(dims)}"
        )
    return dims


def shape_args(op: str, shape: Any) -> tuple[tuple, dict]:
    """The inputs and attrs that give a sampling op its shape.

    A concrete shape is the `shape` attr (a tuple; no inputs). While tracing, a shape that
    needs run-time values (a symbolic 1-D int tensor such as `tf.shape(x)`, or a list mixing
    ints and symbolic scalars) becomes the op's input, with `shape=None` and `partial`.
    """
    traced = traced_shape(shape)
    if traced is None:
        return (), {"shape": shape_tuple(op, shape)}
    shape_t, partial = traced
    if not shape_t.dtype.is_integer:
        raise TypeError(f"{op}: shape must be an integer tensor, got {shape_t.dtype.name}")
    if shape_t.shape.rank not in (None, 1):
        raise ValueError(f"{op}: shape must be a 1-D tensor, got shape {shape_t.shape}")
    return (shape_t,), {"shape": None, "partial": partial}


def _float_dtype(op: str, dtype: Any) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"{op}: `dtype` must be a floating type, got {dtype.name}")
    return dtype


def _scale_shift(values: Tensor, scale: Any, shift: Any, dtype: dtypes.DType) -> Tensor:
    from eagerflow.ops.math_ops import add, multiply  # noqa: PLC0415

    if not (isinstance(scale, (int, float)) and scale == 1):
        values = multiply(values, convert_to_tensor(scale, dtype=dtype))
    if not (isinstance(shift, (int, float)) and shift == 0):
        values = add(values, convert_to_tensor(shift, dtype=dtype))
    return values


def _int_range(op: str, minval: Any, maxval: Any) -> tuple[int, int]:
    """The integer bounds of a uniform int draw, checked: `minval < maxval`."""
    low, high = int(convert_to_tensor(minval)), int(convert_to_tensor(maxval))
    if low >= high:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: need minval < maxval, got {low} >= {high}"
        )
    return low, high


def _to_range(values: Tensor, minval: Any, maxval: Any, dtype: dtypes.DType) -> Tensor:
    """Maps uniform [0, 1) `values` onto [minval, maxval) (Python numbers or tensors)."""
    from eagerflow.ops.math_ops import subtract  # noqa: PLC0415

    if isinstance(minval, (int, float)) and isinstance(maxval, (int, float)):
        return _scale_shift(values, float(maxval) - float(minval), float(minval), dtype)
    low = convert_to_tensor(minval, dtype=dtype)
    return _scale_shift(values, subtract(convert_to_tensor(maxval, dtype=dtype), low), low, dtype)


def _normal(
    prim: Primitive, dist: str, shape: Any, mean: Any, stddev: Any, dtype: Any, seed: Any
) -> Tensor:
    """`random.normal` and `random.truncated_normal`: standard draws of `prim`, scaled."""
    dtype = _float_dtype(f"random.{dist}", dtype)
    inputs, attrs = shape_args(prim.name, shape)
    values = execute(prim, inputs, {**attrs, "dtype": dtype, "key": _stream_key(dist, seed)})
    return _scale_shift(values, stddev, mean, dtype)


def normal(
    shape: Any,
    mean: Any = 0.0,
    stddev: Any = 1.0,
    dtype: Any = dtypes.float32,
    seed: Any = None,
    name: Any = None,
) -> Tensor:
    """Samples from a normal distribution.

    Example:
        >>> tf.random.normal([2, 3], seed=1).shape
        TensorShape([2, 3])
    """
    return _normal(RANDOM_STANDARD_NORMAL, "normal", shape, mean, stddev, dtype, seed)


def truncated_normal(
    shape: Any,
    mean: Any = 0.0,
    stddev: Any = 1.0,
    dtype: Any = dtypes.float32,
    seed: Any = None,
    name: Any = None,
) -> Tensor:
    """Samples from a normal distribution, redrawing values more than 2 stddevs from the mean.

    Example:
        >>> bool(tf.reduce_all(tf.abs(tf.random.truncated_normal([100])) <= 2.0))
        True
    """
    return _normal(TRUNCATED_NORMAL, "truncated_normal", shape, mean, stddev, dtype, seed)


def uniform(
    shape: Any,
    minval: Any = 0,
    maxval: Any = None,
    dtype: Any = dtypes.float32,
    seed: Any = None,
    name: Any = None,
) -> Tensor:
    """Samples uniformly from [minval, maxval); integer dtypes need an explicit `maxval`.

    Example:
        >>> int(tf.reduce_max(tf.random.uniform([50], maxval=3, dtype=tf.int32))) < 3
        True
    """
    dtype = dtypes.as_dtype(dtype)
    inputs, attrs = shape_args("RandomUniform", shape)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
        low, high = _int_range("RandomUniformInt", minval, maxval)
        attrs = {**attrs, "dtype": dtype, "minval": low, "maxval": high}
        key = _stream_key("uniform_int", seed)
        return execute(RANDOM_UNIFORM_INT, inputs, {**attrs, "key": key})
    if not dtype.is_floating:
        raise ValueError(f"random.uniform: `dtype` must be floating or integer, got {dtype.name}")
    maxval = 1.0 if maxval is None else maxval
    attrs = {**attrs, "dtype": dtype, "key": _stream_key("uniform", seed)}
    values = execute(RANDOM_UNIFORM, inputs, attrs)
    return _to_range(values, minval, maxval, dtype)


def shuffle(value: Any, seed: Any = None, name: Any = None) -> Tensor:
    """Randomly shuffles a tensor along its first dimension.

    Example:
        >>> sorted(tf.random.shuffle([1, 2, 3]).numpy().tolist())
        [1, 2, 3]
    """
    x = convert_to_tensor(value)
    return execute(RANDOM_SHUFFLE, (x,), {"key": _stream_key("shuffle", seed)})


def categorical(
    logits: Any, num_samples: int, dtype: Any = None, seed: Any = None, name: Any = None
) -> Tensor:
    """Draws `num_samples` class indices per row of `logits` [batch, classes] (int64).

    Example:
        >>> tf.random.categorical([[0.0, -1e9]], 3).numpy()
        array([[0, 0, 0]])
    """
    x = convert_to_tensor(logits)
    if x.shape.rank != 2:
        raise ValueError(f"categorical: `logits` must be 2-D [batch, classes], got shape {x.shape}")
    out = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    if out not in (dtypes.int32, dtypes.int64):
        raise ValueError(f"categorical: `dtype` must be int32 or int64, got {out.name}")
    attrs = {
        "num_samples": int(num_samples),
        "output_dtype": out,
        "key": _stream_key("categorical", seed),
    }
    return execute(MULTINOMIAL, (x,), attrs)


def multinomial(
    logits: Any, num_samples: int, seed: Any = None, name: Any = None, output_dtype: Any = None
) -> Tensor:
    """TF1's `tf.multinomial`: same as `tf.random.categorical`."""
    return categorical(logits, num_samples, dtype=output_dtype, seed=seed)


def gamma(
    shape: Any,
    alpha: Any,
    beta: Any = None,
    dtype: Any = dtypes.float32,
    seed: Any = None,
    name: Any = None,
) -> Tensor:
    """Gamma(alpha, rate=beta) samples of shape `shape + broadcast(alpha, beta).shape`.

    Unlike TensorFlow, no gradient flows to `alpha` (TF differentiates the sample implicitly).

    Example:
        >>> tf.random.gamma([4], alpha=[1.0, 2.0]).shape
        TensorShape([4, 2])
    """
    from eagerflow.ops.array_ops import broadcast_to  # noqa: PLC0415
    from eagerflow.ops.math_ops import divide  # noqa: PLC0415

    dtype = _float_dtype("random.gamma", dtype)
    alpha = convert_to_tensor(alpha, dtype=dtype)
    if beta is not None:
        beta = convert_to_tensor(beta, dtype=dtype)
        both = broadcast_shapes("random.gamma", alpha.shape, beta.shape).as_list()
        alpha = broadcast_to(alpha, both)
    attrs = {"shape": shape_tuple("RandomGamma", shape), "key": _stream_key("gamma", seed)}
    draws = execute(RANDOM_GAMMA, (alpha,), attrs)
    return draws if beta is None else divide(draws, beta)


def poisson(
    shape: Any, lam: Any, dtype: Any = dtypes.float32, seed: Any = None, name: Any = None
) -> Tensor:
    """Poisson(lam) samples of shape `shape + lam.shape`, as `dtype` (float or int).

    Example:
        >>> tf.random.poisson([3], lam=[1.0, 5.0]).shape
        TensorShape([3, 2])
    """
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype in (dtypes.int32, dtypes.int64)):
        raise ValueError(f"random.poisson: `dtype` must be float or int32/int64, got {dtype.name}")
    lam = convert_to_tensor(lam)
    if not lam.dtype.is_floating:
        from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

        lam = cast(lam, dtypes.float32)
    attrs = {
        "shape": shape_tuple("RandomPoissonV2", shape),
        "dtype": dtype,
        "key": _stream_key("poisson", seed),
    }
    return execute(RANDOM_POISSON, (lam,), attrs)
