"""Convolution and bias kernels pick a code path by shape; every path gives the same numbers.

The op-spec tables use few channels, which take the narrow (full im2col) path of
`_windows.correlate`; here each configuration also runs the row-matmul path (with its
strided-view window copy) and the two must agree, forward and both gradients. BiasAdd's
large-input forms (tiled add, ones @ grad) are checked against NumPy.
"""

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.ops import _windows

CONFIGS = [
    ((2, 7, 8, 3), (3, 2, 3, 4), 1, "VALID", 1),
    ((2, 9, 8, 2), (3, 3, 2, 5), [2, 3], "SAME", 2),
    ((2, 7, 8, 6), (2, 3, 6, 4), 2, "SAME", 1),
    ((1, 10, 9, 5), (3, 3, 5, 3), 1, [[0, 0], [1, 2], [0, 1], [0, 0]], 1),
    ((2, 12, 12, 7), (3, 3, 7, 2), 1, "SAME", [2, 1]),
    ((2, 9, 9, 8), (3, 3, 8, 4), 1, "VALID", 1),
]


def _conv_and_grads(x, w, strides, padding, dilations):
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d(x, w, strides, padding, dilations=dilations)
        loss = tf.reduce_sum(y * y)
    return [y.numpy(), *(g.numpy() for g in tape.gradient(loss, [x, w]))]


@pytest.mark.parametrize("x_shape, w_shape, strides, padding, dilations", CONFIGS)
def test_narrow_and_row_paths_agree(monkeypatch, x_shape, w_shape, strides, padding, dilations):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal(x_shape))
    w = tf.constant(rng.standard_normal(w_shape))
    results = []
    for narrow in (10**9, 0):  # everything narrow, then nothing narrow
        monkeypatch.setattr(_windows, "NARROW_WINDOW", narrow)
        results.append(_conv_and_grads(x, w, strides, padding, dilations))
    for narrow_value, row_value in zip(*results):
        np.testing.assert_allclose(row_value, narrow_value, rtol=1e-10, atol=1e-10)


def test_width_patches_strided_view_matches_the_copy_loop():
    x = np.random.default_rng(1).standard_normal((2, 5, 9, 4))
    fast = _windows.width_patches(np, x, 3, 1, 1, 7)
    slow = _windows.width_patches(np, np.asfortranarray(x), 3, 1, 1, 7)  # no strided view
    np.testing.assert_array_equal(fast, slow)


@pytest.mark.parametrize("shape", [(4, 20, 30, 40), (3, 50, 200), (2, 3)])
def test_bias_add_large_forms_match_numpy(shape):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    b = tf.Variable(rng.standard_normal(shape[-1]))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.nn.bias_add(x, b)
            loss = tf.reduce_sum(y * y * y)
        grad_b = inner.gradient(loss, b)
        second = tf.reduce_sum(grad_b * grad_b)
    hess_b = outer.gradient(second, b)
    axes = tuple(range(len(shape) - 1))
    ref_y = x + b.numpy()
    ref_grad = (3 * ref_y**2).sum(axes)
    np.testing.assert_array_equal(y.numpy(), ref_y)
    np.testing.assert_allclose(grad_b.numpy(), ref_grad, rtol=1e-12)
    np.testing.assert_allclose(hess_b.numpy(), (12 * ref_y * ref_grad).sum(axes), rtol=1e-12)
