"""A TF1-style program end to end: tf.data input, Keras layers, Adam train op with a global
step, evaluation through a placeholder, Saver save and restore in a second session."""

from __future__ import annotations

import os

import numpy as np

import eagerflow as tf

v1 = tf.compat.v1


def test_tf1_training_program(tmp_path) -> None:
    rng = np.random.RandomState(0)
    xs = rng.randn(128, 10).astype(np.float32)
    labels = (xs[:, :3].sum(axis=1) > 0).astype(np.int64)
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensor_slices((xs, labels)).shuffle(128, seed=1)
        x, y = ds.repeat().batch(32).make_one_shot_iterator().get_next()
        model = tf.keras.Sequential(
            [tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(2)]
        )
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x))
        )
        step = v1.train.get_or_create_global_step()
        train_op = v1.train.AdamOptimizer(0.02).minimize(loss, global_step=step)
        inputs = v1.placeholder(tf.float32, [None, 10])
        predictions = tf.argmax(model(inputs), axis=1)
        saver = v1.train.Saver()
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            first = sess.run(loss)
            for _ in range(100):
                _, last = sess.run([train_op, loss])
            accuracy = np.mean(sess.run(predictions, {inputs: xs}) == labels)
            path = saver.save(sess, os.path.join(tmp_path, "model"), global_step=step)
        assert last < first / 4 and accuracy > 0.95
        assert path.endswith("model-100")
        with v1.Session() as sess:
            saver.restore(sess, path)
            assert np.mean(sess.run(predictions, {inputs: xs}) == labels) == accuracy
