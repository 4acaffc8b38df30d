"""Array ops on the GPU (CuPy): the same values and gradients as on the CPU."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.core import backend

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(backend.num_gpus() == 0, reason="needs a CUDA GPU with CuPy"),
]


def _ops(t):
    return [
        t[1, ::-2],
        t[..., None, 1:],
        t[[2, 0]],
        tf.gather(t, [0, 0, 3], axis=0),
        tf.gather(t, [[0, 2], [1, 1], [2, 0], [1, 1]], axis=2, batch_dims=1),
        tf.gather_nd(t, [[1, 2], [1, 2]]),
        tf.scatter_nd([[1], [1]], t[:2], [3, 5, 3]),
        tf.tensor_scatter_nd_add(t, [[0], [0]], t[:2]),
        tf.tensor_scatter_nd_update(t, [[3]], t[:1]),
        tf.concat([t, t], 1),
        tf.split(t, [1, -1], 0)[1],
        tf.tile(t, [1, 2, 1]),
        tf.pad(t, [[1, 1], [2, 0], [0, 0]], "REFLECT"),
        tf.pad(t, [[1, 1], [0, 0], [0, 2]], "SYMMETRIC"),
        tf.pad(t, [[1, 0], [0, 0], [0, 1]], constant_values=2.0),
        tf.reverse(t, [1]),
        tf.transpose(t),
        tf.sort(t, axis=1),
        tf.sort(t, direction="DESCENDING"),
        tf.where(t > 0, t, 0.0),
        tf.boolean_mask(t, t[:, 0, 0] > 0),
        tf.clip_by_value(t, -0.5, 0.5),
        tf.clip_by_norm(t, 1.0),
        tf.expand_dims(t, 0),
        tf.squeeze(t[:1]),
        tf.slice(t, [1, 1, 0], [2, -1, 2]),
        tf.strided_slice(t, [0, 1], [0, 4], [1, 2], begin_mask=1, end_mask=1),
        tf.linspace(t[0, 0], t[1, 0], 4),
        tf.fill([2], t[0, 0, 0]),
        # Not differentiable: values only.
        tf.one_hot([0, 2, 5], 3),
        tf.range(5),
        tf.unique(tf.constant([3, 1, 3]))[1],
        tf.argsort(t, axis=0),
        tf.shape(t),
        tf.where(t > 0),
    ]


def _run(device: str) -> tuple:
    x = np.random.default_rng(0).normal(size=(4, 5, 3))
    with tf.device(device):
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            outs = _ops(t)
            loss = tf.add_n([tf.reduce_sum(o * o) for o in outs if o.dtype == tf.float64])
        grad = tape.gradient(loss, t)
    return outs, grad


def test_array_ops_match_cpu_on_gpu() -> None:
    cpu_outs, cpu_grad = _run("/CPU:0")
    gpu_outs, gpu_grad = _run("/GPU:0")
    assert "GPU" in gpu_outs[0].device and "GPU" in gpu_grad.device
    for i, (c, g) in enumerate(zip(cpu_outs, gpu_outs)):
        assert c.dtype == g.dtype, i
        np.testing.assert_allclose(np.asarray(g), np.asarray(c), rtol=1e-12, err_msg=str(i))
    np.testing.assert_allclose(np.asarray(gpu_grad), np.asarray(cpu_grad), rtol=1e-10)
