"""Checkpoints written eagerly restore into the same model built in a TF1 graph."""

from __future__ import annotations

import os

import numpy as np

import eagerflow as tf

v1 = tf.compat.v1


def _model():
    return tf.keras.Sequential(
        [tf.keras.layers.Dense(4, activation="tanh"), tf.keras.layers.Dense(2)]
    )


def _saved(tmp_path) -> tuple[str, np.ndarray, np.ndarray]:
    xs = np.random.RandomState(0).randn(3, 5).astype(np.float32)
    model = _model()
    want = model(xs).numpy()
    path = tf.train.Checkpoint(model=model).save(os.path.join(tmp_path, "ckpt"))
    return path, xs, want


def test_restore_then_initialize_or_restore(tmp_path) -> None:
    path, xs, want = _saved(tmp_path)
    with tf.Graph().as_default():
        model = _model()
        status = tf.train.Checkpoint(model=model).restore(path)  # deferred: not built yet
        x = v1.placeholder(tf.float32, [None, 5])
        y = model(x)
        extra = tf.Variable(7.0)  # not in the checkpoint: initialized
        with v1.Session() as sess:
            status.initialize_or_restore(sess)
            np.testing.assert_allclose(sess.run(y, {x: xs}), want, rtol=1e-6)
            assert sess.run(extra) == 7.0


def test_initializer_then_run_restore_ops(tmp_path) -> None:
    path, xs, want = _saved(tmp_path)
    with tf.Graph().as_default():
        model = _model()
        x = v1.placeholder(tf.float32, [None, 5])
        y = model(x)
        status = tf.train.Checkpoint(model=model).restore(path)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            assert not np.allclose(sess.run(y, {x: xs}), want)
            status.run_restore_ops(sess)
            np.testing.assert_allclose(sess.run(y, {x: xs}), want, rtol=1e-6)
