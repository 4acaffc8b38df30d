"""tf.gradients in a TF1 graph, and tf.train optimizers' train ops against eager training."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


def test_gradients_match_the_tape() -> None:
    x0 = np.array([[0.5, -1.0], [2.0, 0.3]], np.float32)

    def f(x, w):
        return tf.reduce_sum(tf.tanh(tf.matmul(x, w)) + tf.exp(w[0]))

    w_eager = tf.Variable(np.eye(2, dtype=np.float32))
    x_eager = tf.constant(x0)
    with tf.GradientTape() as tape:
        tape.watch(x_eager)
        y = f(x_eager, w_eager)
    want = tape.gradient(y, [x_eager, w_eager])
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, 2])
        w = tf.Variable(np.eye(2, dtype=np.float32))
        got = v1.gradients(f(x, w), [x, w])
        with v1.Session() as sess:
            sess.run(w.initializer)
            got = sess.run(got, {x: x0})
    for g, e in zip(got, want):
        np.testing.assert_allclose(g, e.numpy(), rtol=1e-6)


def test_grad_ys_unconnected_and_stop_gradients() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [2])
        z = v1.placeholder(tf.float32, [2])
        y = x * x
        dx, dz = v1.gradients(y, [x, z], grad_ys=[tf.constant([1.0, 10.0])])
        assert dz is None
        (zero,) = v1.gradients(y, [z], unconnected_gradients="zero")
        q = x * 2.0
        (held,) = v1.gradients(q * x, [x], stop_gradients=[q])
        two = v1.gradients([y, y], x)[0]
        with v1.Session() as sess:
            got = sess.run([dx, zero, held, two], {x: [1.0, 3.0], z: [0.0, 0.0]})
    np.testing.assert_array_equal(got[0], [2.0, 60.0])
    np.testing.assert_array_equal(got[1], [0.0, 0.0])
    np.testing.assert_array_equal(got[2], [2.0, 6.0])  # q held constant: d(q*x)/dx = q
    np.testing.assert_array_equal(got[3], [4.0, 12.0])


def test_second_order_gradients_in_a_graph() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [])
        (dy,) = v1.gradients(x * x * x, [x])
        (d2y,) = v1.gradients(dy, [x])
        with v1.Session() as sess:
            assert sess.run([dy, d2y], {x: 2.0}) == [12.0, 12.0]


def test_gradients_needs_a_graph() -> None:
    with pytest.raises(RuntimeError, match="eager execution is enabled"):
        v1.gradients(tf.constant(1.0), [tf.constant(1.0)])


OPTIMIZERS = {
    "sgd": lambda: v1.train.GradientDescentOptimizer(0.1),
    "momentum": lambda: v1.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda: v1.train.AdamOptimizer(0.05),
    "rmsprop": lambda: v1.train.RMSPropOptimizer(0.01, momentum=0.5),
    "adagrad": lambda: v1.train.AdagradOptimizer(0.1),
}


def _data():
    rng = np.random.RandomState(0)
    return (
        rng.randn(3, 2).astype(np.float32),
        rng.randn(8, 3).astype(np.float32),
        rng.randn(8, 2).astype(np.float32),
    )


def _loss(x, y, w, b):
    return tf.reduce_mean(tf.square(tf.nn.relu(tf.matmul(x, w) + b) - y))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_graph_training_reaches_the_eager_weights(name: str) -> None:
    w0, xs, ys = _data()
    steps = 6
    w = tf.Variable(w0)
    b = tf.Variable(np.zeros(2, np.float32))
    opt = OPTIMIZERS[name]()
    for _ in range(steps):
        opt.minimize(lambda: _loss(xs, ys, w, b), var_list=[w, b])
    with tf.Graph().as_default():
        gw = tf.Variable(w0)
        gb = tf.Variable(np.zeros(2, np.float32))
        x = v1.placeholder(tf.float32, [None, 3])
        y = v1.placeholder(tf.float32, [None, 2])
        step = v1.train.get_or_create_global_step()
        train_op = OPTIMIZERS[name]().minimize(_loss(x, y, gw, gb), global_step=step)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            for _ in range(steps):
                assert sess.run(train_op, {x: xs, y: ys}) is None
            got_w, got_b, got_step = sess.run([gw, gb, step])
    assert got_step == steps
    assert not np.allclose(got_w, w0)
    np.testing.assert_allclose(got_w, w.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got_b, b.numpy(), rtol=1e-6, atol=1e-7)


def test_keras_model_trained_in_a_graph_matches_eager_training() -> None:
    _, xs, ys = _data()

    def model_fn():
        return tf.keras.Sequential(
            [
                tf.keras.layers.Dense(4, activation="tanh", kernel_initializer="glorot_uniform"),
                tf.keras.layers.Dense(2),
            ]
        )

    tf.random.set_seed(3)
    eager_model = model_fn()
    eager_model(xs)
    initial = [v.numpy() for v in eager_model.trainable_variables]
    opt = v1.train.AdamOptimizer(0.01)
    for _ in range(5):
        opt.minimize(
            lambda: tf.reduce_mean(tf.square(eager_model(xs) - ys)),
            var_list=eager_model.trainable_variables,
        )
    with tf.Graph().as_default():
        model = model_fn()
        x = v1.placeholder(tf.float32, [None, 3])
        loss = tf.reduce_mean(tf.square(model(x) - ys))
        train_op = v1.train.AdamOptimizer(0.01).minimize(loss)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            for var, value in zip(model.trainable_variables, initial):
                sess.run(var.assign(value))
            for _ in range(5):
                sess.run(train_op, {x: xs})
            got = sess.run(model.trainable_variables)
    for g, v in zip(got, eager_model.trainable_variables):
        np.testing.assert_allclose(g, v.numpy(), rtol=1e-5, atol=1e-6)


def test_gradient_tape_records_graph_ops() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [2])
        w = tf.Variable([1.0, 3.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x * x * w)
        dx, dw = tape.gradient(y, [x, w])
        with v1.Session() as sess:
            sess.run(w.initializer)
            got = sess.run([dx, dw], {x: [1.0, 2.0]})
    np.testing.assert_array_equal(got[0], [2.0, 12.0])
    np.testing.assert_array_equal(got[1], [1.0, 4.0])
