"""The CuPy backend on a real GPU: placement, copies, gradients, memory. Skipped without one."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import eagerflow as tf

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(tf.contrib.eager.num_gpus() == 0, reason="needs a CUDA GPU with CuPy"),
]
GPU0 = "/job:localhost/replica:0/task:0/device:GPU:0"
CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"


def test_gpu_is_visible_everywhere_tensorflow_reports_it() -> None:
    assert tf.test.is_gpu_available()
    assert tf.contrib.eager.num_gpus() >= 1
    assert tf.config.list_physical_devices("GPU")[0].device_type == "GPU"


def test_copies_between_host_and_gpu() -> None:
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    x_gpu = x.gpu()
    assert x_gpu.device == GPU0 and x_gpu.cpu().device == CPU0
    assert isinstance(x_gpu.numpy(), np.ndarray)
    np.testing.assert_array_equal(x_gpu.numpy(), x.numpy())
    with tf.device("/gpu:0"):
        assert tf.identity(x.cpu()).device == GPU0


def test_ops_run_where_their_inputs_live() -> None:
    a = tf.constant(np.arange(4.0, dtype=np.float32)).gpu()
    b = tf.constant(np.ones(4, np.float32)).cpu()
    with tf.device("/gpu:0"):
        on_gpu = tf.matmul(tf.reshape(a, [2, 2]), tf.reshape(a, [2, 2]))
    assert on_gpu.device == GPU0
    mixed = a + b.gpu()
    assert mixed.device == GPU0
    with tf.device("/cpu:0"):
        back = a * 2.0
    assert back.device == CPU0
    np.testing.assert_array_equal(back.numpy(), [0, 2, 4, 6])


def test_gradients_on_the_gpu() -> None:
    with tf.device("/gpu:0"):
        w = tf.Variable([[0.1, 0.2]])
        x = tf.constant([[0.3], [0.4]])
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.tanh(tf.matmul(w, x)))
        grad = tape.gradient(y, w)
    assert grad.device == GPU0
    expected = (1 - np.tanh(0.11) ** 2) * np.array([[0.3, 0.4]])
    np.testing.assert_allclose(grad.numpy(), expected, rtol=1e-5)


def test_gpu_variable_memory_is_freed_with_the_last_reference() -> None:
    import cupy

    pool = cupy.get_default_memory_pool()
    gc.collect()
    before = pool.used_bytes()
    with tf.device("/gpu:0"):
        v = tf.Variable(tf.random_normal([1000, 1000]))
    assert v.device == GPU0
    assert pool.used_bytes() - before >= 4_000_000
    v = None
    gc.collect()
    assert pool.used_bytes() - before < 4_000_000


def test_guide_performance_matmul_on_the_gpu_matches_the_cpu() -> None:
    x = tf.random_normal([64, 64])
    with tf.device("/gpu:0"):
        gpu = tf.matmul(x, x)
    with tf.device("/cpu:0"):
        cpu = tf.matmul(x, x)
    assert gpu.device == GPU0 and cpu.device == CPU0
    np.testing.assert_allclose(gpu.numpy(), cpu.numpy(), rtol=1e-4, atol=1e-4)
