"""tf.compat.v1.variable_scope and get_variable: names, sharing, reuse errors, initializers."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


def test_get_variable_names_shares_and_initializes() -> None:
    with tf.Graph().as_default():
        with v1.variable_scope("layer1"):
            w = v1.get_variable("w", shape=[3, 2])
            b = v1.get_variable("b", shape=[2], initializer=v1.zeros_initializer())
            c = v1.get_variable("c", initializer=tf.constant([1.0, 2.0]))
            v = tf.Variable(1.0, name="v")
            with v1.variable_scope("inner"):
                i = v1.get_variable("i", shape=[], dtype=tf.int32)
        assert [x.name for x in (w, b, c, v, i)] == [
            "layer1/w:0",
            "layer1/b:0",
            "layer1/c:0",
            "layer1/v:0",
            "layer1/inner/i:0",
        ]
        with v1.variable_scope("layer1", reuse=True):
            assert v1.get_variable("w") is w
        with v1.variable_scope("layer1", reuse=v1.AUTO_REUSE):
            assert v1.get_variable("b", shape=[2]) is b
            new = v1.get_variable("new", shape=[4], initializer=v1.constant_initializer(3.0))
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            got_w, got_b, got_c, got_i, got_new = sess.run([w, b, c, i, new])
    limit = np.sqrt(6.0 / (3 + 2))
    assert got_w.shape == (3, 2) and np.all(np.abs(got_w) <= limit) and np.any(got_w != 0)
    np.testing.assert_array_equal(got_b, [0.0, 0.0])
    np.testing.assert_array_equal(got_c, [1.0, 2.0])
    assert got_i == 0 and isinstance(got_i, np.int32)
    np.testing.assert_array_equal(got_new, [3.0] * 4)


def test_reuse_errors() -> None:
    with tf.Graph().as_default():
        with v1.variable_scope("s"):
            v1.get_variable("w", shape=[1])
        with v1.variable_scope("s"), pytest.raises(ValueError, match="already exists"):
            v1.get_variable("w", shape=[1])
        with v1.variable_scope("t", reuse=True), pytest.raises(ValueError, match="does not exist"):
            v1.get_variable("w", shape=[1])
        with v1.variable_scope("s", reuse=True), pytest.raises(ValueError, match="share variable"):
            v1.get_variable("w", shape=[2])
        with pytest.raises(ValueError, match="must be fully defined"):
            v1.get_variable("x")


def test_scope_initializer_and_reuse_variables() -> None:
    with tf.Graph().as_default():
        with v1.variable_scope("s", initializer=v1.ones_initializer()) as scope:
            a = v1.get_variable("a", shape=[2])
            scope.reuse_variables()
            assert v1.get_variable("a") is a
        with v1.Session() as sess:
            sess.run(a.initializer)
            np.testing.assert_array_equal(sess.run(a), [1.0, 1.0])


def test_each_graph_has_its_own_store() -> None:
    for _ in range(2):
        with tf.Graph().as_default():
            w = v1.get_variable("shared_name", shape=[1])
            assert v1.global_variables() == [w]


def test_regularizer_adds_a_regularization_loss() -> None:
    with tf.Graph().as_default():
        with v1.variable_scope("r", regularizer=lambda v: tf.reduce_sum(v * v)):
            w = v1.get_variable("w", initializer=tf.constant([1.0, 2.0]))
        (penalty,) = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
        with v1.Session() as sess:
            sess.run(w.initializer)
            assert sess.run(penalty) == 5.0
