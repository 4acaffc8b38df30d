"""Variables in a TF1 graph: initializers, collections, uninitialized reads, assignments."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


def test_reading_an_uninitialized_variable_fails_until_the_initializer_runs() -> None:
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], name="w")
        y = v * 2.0
        init = v1.global_variables_initializer()
        with v1.Session() as sess:
            with pytest.raises(
                tf.errors.FailedPreconditionError, match="Attempting to use uninitialized value w"
            ):
                sess.run(y)
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(v)
            assert sess.run(init) is None
            np.testing.assert_array_equal(sess.run(y), [2.0, 4.0])
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])


def test_collections_and_variables_initializer_for_a_subset() -> None:
    with tf.Graph().as_default():
        a = tf.Variable(1.0, name="a")
        b = tf.Variable(2.0, name="b", trainable=False)
        assert v1.global_variables() == [a, b]
        assert v1.trainable_variables() == [a]
        assert v1.global_variables(scope="b") == [b]
        with v1.Session() as sess:
            sess.run(v1.variables_initializer([a]))
            assert sess.run(a) == 1.0
            assert list(v1.report_uninitialized_variables()) == [b"b"]
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(b)
            sess.run(b.initializer)
            assert sess.run(b) == 2.0
    assert v1.global_variables() == [] and v1.global_variables_initializer() is None


def test_random_initializer_draws_again_each_time_it_runs() -> None:
    tf.random.set_seed(1)
    with tf.Graph().as_default():
        v = tf.Variable(tf.random.normal([1000]))
        init = v1.global_variables_initializer()
        with v1.Session() as sess:
            sess.run(init)
            first = sess.run(v)
            sess.run(init)
            second = sess.run(v)
    assert abs(float(first.std()) - 1.0) < 0.1
    assert not np.array_equal(first, second)


def test_variable_initialized_from_another_variable_and_dtype_cast() -> None:
    with tf.Graph().as_default():
        a = tf.Variable(3.0)
        b = tf.Variable(a * 2.0)
        c = tf.Variable(tf.constant(1.0) + 1.0, dtype=tf.float64)
        assert c.dtype == tf.float64 and b.shape == []
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            assert sess.run(b) == 6.0
            assert sess.run(c) == 2.0 and isinstance(sess.run(c), np.float64)


def test_assign_returns_the_new_value_and_runs_only_when_fetched() -> None:
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        double = v.assign(v * 2.0)
        add = v.assign_add(10.0)
        with v1.Session() as sess:
            sess.run(v.initializer)
            assert sess.run(v) == 1.0
            assert sess.run(double) == 2.0
            assert sess.run(double) == 4.0
            assert sess.run(add) == 14.0


def test_eager_variables_are_captured_initialized() -> None:
    w = tf.Variable([1.0, 2.0])
    with tf.Graph().as_default():
        y = tf.reduce_sum(w * 3.0)
        assert v1.global_variables() == []
        with v1.Session() as sess:
            assert sess.run(y) == 9.0


def test_keras_layers_create_graph_variables() -> None:
    with tf.Graph().as_default():
        layer = tf.keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
        x = v1.placeholder(tf.float32, [None, 3])
        y = layer(x)
        assert y.shape.as_list() == [None, 2]
        assert len(v1.trainable_variables()) == 2
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(y, {x: [[1.0, 2.0, 3.0]]}), [[6.0, 6.0]])


def test_variable_initial_value_needs_a_known_shape() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32)
        with pytest.raises(ValueError, match="fully defined shape"):
            tf.Variable(x)


def test_collections_by_key() -> None:
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        step = v1.train.get_or_create_global_step()
        assert v1.get_collection(v1.GraphKeys.TRAINABLE_VARIABLES) == [v]
        assert v1.get_collection(v1.GraphKeys.GLOBAL_VARIABLES) == [v, step]
        assert v1.get_collection(v1.GraphKeys.GLOBAL_STEP) == [step]
        loss = tf.reduce_sum(v * 2.0)
        v1.add_to_collection(v1.GraphKeys.LOSSES, loss)
        v1.add_to_collections(["a", "b"], loss)
        assert v1.get_collection("losses") == [loss] == v1.get_collection("b")
        v1.get_collection_ref("c").append(1)
        assert v1.get_collection("c") == [1]
    assert v1.get_collection("losses") == []


def test_print_returns_an_op_in_a_graph(capsys) -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [])
        p = tf.print("x is", x, output_stream=sys.stdout)
        with tf.control_dependencies([p]):
            y = tf.identity(x * 2.0)
        assert capsys.readouterr().out == ""
        with v1.Session() as sess:
            assert sess.run(y, {x: 2.5}) == 5.0
    assert capsys.readouterr().out == "x is 2.5\n"
