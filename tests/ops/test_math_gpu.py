"""Math, reduction and linalg ops on the GPU (CuPy): the same values and gradients as on CPU."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.core import backend

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(backend.num_gpus() == 0, reason="needs a CUDA GPU with CuPy"),
]


def _ops(t, m):
    pos = tf.abs(t) + 0.5
    return [
        tf.pow(pos, t),
        tf.maximum(t, 0.1),
        tf.math.squared_difference(t, 0.3),
        tf.math.divide_no_nan(t, tf.floor(t)),
        tf.sqrt(pos),
        tf.math.rsqrt(pos),
        tf.math.expm1(t),
        tf.math.log1p(pos),
        tf.atan2(t, pos),
        tf.sigmoid(t * 10.0),
        tf.tan(t * 0.5),
        tf.asinh(t),
        tf.round(t * 4.0),
        tf.math.erf(t * 2.0),
        tf.math.lgamma(t * 3.0),
        tf.math.digamma(pos),
        tf.math.polygamma(tf.constant(1.0, tf.float64), pos),
        tf.math.l2_normalize(t, axis=1),
        tf.reduce_max(t, axis=1),
        tf.reduce_min(t, axis=[0, 2]),
        tf.reduce_prod(pos, axis=-1),
        tf.reduce_logsumexp(t, axis=0),
        tf.math.reduce_std(t, axis=2),
        tf.cumsum(t, axis=1, exclusive=True),
        tf.math.cumprod(pos, axis=1, reverse=True),
        tf.math.top_k(t, k=2).values,
        tf.einsum("abc,bd->acd", t, m),
        tf.einsum("...i,...i->...", t, t),
        tf.einsum("bii->bi", t[:, :3, :]),
        tf.tensordot(t, m, axes=[[1], [0]]),
        tf.linalg.inv(tf.matmul(m, m, transpose_a=True) + 3.0 * tf.eye(2, dtype=tf.float64)),
        tf.linalg.det(tf.matmul(m, m, transpose_a=True) + 3.0 * tf.eye(2, dtype=tf.float64)),
        tf.linalg.diag(t[0]),
        tf.linalg.diag_part(t, k=1),
        tf.linalg.trace(t[:, :3, :]),
        tf.norm(t, axis=[1, 2]),
        tf.norm(pos, ord=1, axis=(1, 2)),
        tf.norm(t, ord=3, axis=-1),
        tf.reduce_mean(t, axis=[0, 2]),
        tf.math.xlogy(t, pos),
        tf.math.xdivy(t, pos),
        tf.math.multiply_no_nan(t, tf.floor(t)),
        tf.linalg.solve(
            tf.matmul(m, m, transpose_a=True) + 3.0 * tf.eye(2, dtype=tf.float64), m[:2]
        ),
        tf.linalg.cholesky(tf.matmul(m, m, transpose_a=True) + tf.eye(2, dtype=tf.float64)),
        tf.linalg.slogdet(tf.matmul(m, m, transpose_a=True) + tf.eye(2, dtype=tf.float64))[1],
        tf.linalg.band_part(t, 1, 0),
        tf.abs(tf.complex(t, pos)),
        # Not differentiable: values only.
        tf.argmax(t, axis=1),
        tf.math.top_k(t, k=2).indices,
        tf.reduce_any(t > 1.0, axis=0),
        tf.math.count_nonzero(tf.floor(t)),
        tf.math.is_finite(tf.math.log(t)),
        (tf.cast(t * 10.0, tf.int32) & 6) | 1,
        ~(t > 0.0),
        tf.reduce_mean(tf.cast(t * 10.0, tf.int32), axis=1),
        tf.truncatediv(tf.cast(t * 10.0, tf.int32), 3),
        tf.truncatemod(tf.cast(t * 10.0, tf.int32), 3),
        tf.reduce_max(t[:0], axis=0),
    ]


def _run(device: str) -> tuple:
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(4, 5, 3)), rng.normal(size=(5, 2))
    with tf.device(device):
        t, m = tf.constant(x), tf.constant(w)
        with tf.GradientTape() as tape:
            tape.watch([t, m])
            outs = _ops(t, m)
            loss = tf.add_n([tf.reduce_sum(o * o) for o in outs if o.dtype == tf.float64])
        grads = tape.gradient(loss, [t, m])
    return outs, grads


def test_math_ops_match_cpu_on_gpu() -> None:
    cpu_outs, cpu_grads = _run("/CPU:0")
    gpu_outs, gpu_grads = _run("/GPU:0")
    assert "GPU" in gpu_outs[0].device and "GPU" in gpu_grads[0].device
    for i, (c, g) in enumerate(zip(cpu_outs, gpu_outs)):
        assert c.dtype == g.dtype, i
        np.testing.assert_allclose(np.asarray(g), np.asarray(c), rtol=1e-9, err_msg=str(i))
    for c, g in zip(cpu_grads, gpu_grads):
        np.testing.assert_allclose(np.asarray(g), np.asarray(c), rtol=1e-8)
