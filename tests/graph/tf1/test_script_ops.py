"""py_function, numpy_function, py_func and tfe.py_func: eagerly, in TF1 graphs, in tf.function."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


def _f(x, y):
    return x * x * y, tf.reduce_sum(x)


def test_py_function_eagerly_calls_the_function_and_is_differentiable() -> None:
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        a, s = tf.py_function(_f, [x, 3.0], [tf.float32, tf.float32])
    assert float(s) == 3.0
    np.testing.assert_array_equal(tape.gradient(a, x).numpy(), [6.0, 12.0])
    assert tf.py_function(lambda v: v + 1, [x], tf.float32).shape == [2]


def test_py_function_in_a_graph_runs_eagerly_when_the_session_runs() -> None:
    seen = []

    def callback(x):
        seen.append((tf.executing_eagerly(), type(x).__name__))
        return tf.matmul(x, x)

    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32)
        y = tf.py_function(callback, [x], tf.float32)
        assert y.shape.rank is None and not seen
        with v1.Session() as sess:
            out = sess.run(y, {x: [[2.0]]})
    np.testing.assert_array_equal(out, [[4.0]])
    assert seen == [(True, "Tensor")]


def test_py_function_gradient_in_a_graph_uses_the_forward_tape() -> None:
    calls = []

    def f(x, y):
        calls.append(1)
        return _f(x, y)

    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [2])
        a, s = tf.py_function(f, [x, tf.constant(3.0)], [tf.float32, tf.float32])
        a.set_shape([2])
        s.set_shape([])
        (dx,) = v1.gradients(a + s, [x])
        assert dx.shape.as_list() == [2]
        with v1.Session() as sess:
            got = sess.run([a, dx], {x: [1.0, 2.0]})
    np.testing.assert_array_equal(got[0], [3.0, 12.0])
    np.testing.assert_array_equal(got[1], [8.0, 14.0])  # 2xy + 2 (s broadcast over 2 items)
    assert len(calls) == 1  # the gradient asks the forward run's tape, no second call


def test_py_function_inside_tf_function() -> None:
    @tf.function
    def g(x):
        a, s = tf.py_function(_f, [x, 2.0], [tf.float32, tf.float32])
        return a + s

    out = g(tf.constant([1.0, 2.0]))
    np.testing.assert_array_equal(out.numpy(), [5.0, 11.0])


def test_numpy_function_and_py_func_get_numpy_arrays() -> None:
    kinds = []

    def twice(v):
        kinds.append(type(v))
        return v * 2

    out = tf.numpy_function(twice, [np.array([1, 2], np.int32)], tf.int32)
    np.testing.assert_array_equal(out.numpy(), [2, 4])
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None])
        y = v1.py_func(twice, [x], tf.float32)
        with v1.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {x: [1.0, 3.0]}), [2.0, 6.0])
    assert kinds == [np.ndarray, np.ndarray]


def test_numpy_function_checks_the_declared_dtype_and_count() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="0-th value returned by pyfunc_"):
        tf.numpy_function(lambda v: v.astype(np.float64), [tf.constant([1.0])], tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="returns 1 values, but expects"):
        tf.numpy_function(lambda v: v, [tf.constant([1.0])], [tf.float32, tf.float32])


def test_numpy_function_has_no_gradient() -> None:
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.numpy_function(lambda v: v * 2, [x], tf.float32)
    assert tape.gradient(y, x) is None


def test_tfe_py_func_is_py_function() -> None:
    out = tf.contrib.eager.py_func(lambda v: v * 2.0, [tf.constant(1.5)], tf.float32)
    assert float(out) == 3.0
