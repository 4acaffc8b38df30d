"""nn, conv, pooling and random ops on the GPU (CuPy): the CPU's values and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.core import backend

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(backend.num_gpus() == 0, reason="needs a CUDA GPU with CuPy"),
]

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 7, 8, 3)).astype(np.float32)
W = RNG.normal(size=(3, 2, 3, 4)).astype(np.float32)
CASES = {
    "conv2d_same_s2": (lambda x, w: tf.nn.conv2d(x, w, 2, "SAME"), X, W),
    "conv2d_valid_s1": (lambda x, w: tf.nn.conv2d(x, w, 1, "VALID"), X, W),
    "conv2d_nchw_dilated": (
        lambda x, w: tf.nn.conv2d(x, w, 1, "SAME", data_format="NCHW", dilations=2),
        np.ascontiguousarray(X.transpose(0, 3, 1, 2)),
        W,
    ),
    "conv2d_transpose": (
        lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 7, 8, 4], 2),
        X[:, :4, :4].copy(),
        W.transpose(0, 1, 3, 2).copy(),
    ),
    "depthwise": (
        lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
        X,
        W[:, :, :, :2].copy(),
    ),
    "max_pool_same": (lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME"), X),
    "max_pool_tiles": (lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), X),
    "avg_pool": (lambda x: tf.nn.avg_pool2d(x, 3, 2, "SAME"), X),
    "softmax": (tf.nn.softmax, X),
    "log_softmax_axis1": (lambda x: tf.nn.log_softmax(x, axis=1), X),
    "activations": (
        lambda x: (
            tf.nn.relu(x)
            + tf.nn.elu(x)
            + tf.nn.selu(x)
            + tf.nn.leaky_relu(x)
            + tf.nn.relu6(x)
            + tf.nn.gelu(x)
            + tf.nn.silu(x)
            + tf.nn.softplus(x)
            + tf.nn.softsign(x)
        ),
        X,
    ),
    "sparse_xent": (
        lambda logits: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant([0, 2, 1]), logits=logits
        ),
        X[0, 0, :3].copy(),
    ),
    "bias_add": (tf.nn.bias_add, X, X[0, 0, 0].copy()),
}


def _run(fn, arrays, device):
    with tf.device(device):
        tensors = [tf.constant(a) for a in arrays]
        with tf.GradientTape() as tape:
            tape.watch(tensors)
            y = fn(*tensors)
            loss = tf.reduce_sum(y * y)
        grads = tape.gradient(loss, tensors)
    return y, [y.numpy()] + [g.numpy() for g in grads]


@pytest.mark.parametrize("name", sorted(CASES))
def test_gpu_matches_cpu(name):
    fn, *arrays = CASES[name]
    _, cpu = _run(fn, arrays, "/cpu:0")
    y, gpu = _run(fn, arrays, "/gpu:0")
    assert "GPU" in y.device
    for a, b in zip(cpu, gpu):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-4)


def test_random_ops_run_on_the_gpu():
    with tf.device("/gpu:0"):
        tf.random.set_seed(1)
        generator = tf.random.Generator.from_seed(3)
        outs = [
            tf.random.normal([1000]),
            tf.random.uniform([100], maxval=5, dtype=tf.int32),
            tf.random.truncated_normal([1000]),
            tf.random.shuffle(tf.range(10)),
            tf.random.categorical([[0.0, 1.0]], 50),
            tf.random.gamma([10], 2.0),
            tf.random.poisson([10], 3.0),
            tf.nn.dropout(tf.ones([100]), 0.5),
            tf.random.stateless_normal([4], seed=[1, 2]),
            generator.normal([5]),
            generator.uniform_full_int([2], dtype=tf.int64),
        ]
    for out in outs:
        assert "GPU" in out.device
    assert abs(outs[0].numpy().std() - 1) < 0.1
    assert outs[2].numpy().max() <= 2.0
    assert sorted(outs[3].numpy().tolist()) == list(range(10))
