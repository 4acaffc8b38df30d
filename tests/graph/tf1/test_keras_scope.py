"""Keras fit/evaluate/predict in a TF1 graph run eagerly, after initializing graph variables."""

from __future__ import annotations

import os

import numpy as np

import eagerflow as tf

v1 = tf.compat.v1


def test_fit_in_a_graph_trains_the_graph_variables() -> None:
    rng = np.random.RandomState(0)
    xs = rng.randn(64, 3).astype(np.float32)
    ys = xs.sum(axis=1, keepdims=True)
    with tf.Graph().as_default():
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        x = v1.placeholder(tf.float32, [None, 3])
        y = model(x)  # built in the graph: graph variables, not initialized yet
        model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
        history = model.fit(xs, ys, epochs=5, batch_size=16, verbose=0)
        assert not tf.executing_eagerly()
        losses = history.history["loss"]
        assert losses[-1] < losses[0]
        loss = model.evaluate(xs, ys, verbose=0)
        predicted = model.predict(xs[:4], verbose=0)
        with v1.Session() as sess:  # the session sees the trained values
            np.testing.assert_allclose(sess.run(y, {x: xs[:4]}), predicted, rtol=1e-5)
    assert abs(loss - float(np.mean((model.predict(xs, verbose=0) - ys) ** 2))) < 1e-4


def test_weights_api_acts_at_once_in_a_graph(tmp_path) -> None:
    xs = np.ones((2, 3), np.float32)
    with tf.Graph().as_default():
        model = tf.keras.Sequential([tf.keras.layers.Dense(2, kernel_initializer="ones")])
        x = v1.placeholder(tf.float32, [None, 3])
        y = model(x)
        kernel, bias = model.get_weights()  # initializes first, as TF1 Keras's session did
        np.testing.assert_array_equal(kernel, np.ones((3, 2)))
        model.set_weights([kernel * 2.0, bias + 1.0])
        with v1.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {x: xs}), np.full((2, 2), 7.0))
        path = os.path.join(tmp_path, "w")
        model.save_weights(path)
        model.set_weights([kernel, bias])
        model.load_weights(path)
        with v1.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {x: xs}), np.full((2, 2), 7.0))
