"""tf.data iterators feeding a TF1 graph."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


def _dataset():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    return tf.data.Dataset.from_tensor_slices((x, np.arange(5))).map(lambda a, b: (a * 2.0, b))


def test_one_shot_iterator_feeds_a_session_until_out_of_range() -> None:
    with tf.Graph().as_default():
        x, y = v1.data.make_one_shot_iterator(_dataset().batch(2)).get_next()
        assert x.shape.as_list() == [None, 2] and y.dtype == tf.int64
        total = tf.reduce_sum(x)
        seen = []
        with v1.Session() as sess:
            while True:
                try:
                    seen.append(sess.run([total, y]))
                except tf.errors.OutOfRangeError:
                    break
    assert [float(t) for t, _ in seen] == [12.0, 44.0, 34.0]
    assert [list(b) for _, b in seen] == [[0, 1], [2, 3], [4]]


def test_initializable_iterator_restarts() -> None:
    with tf.Graph().as_default():
        it = _dataset().make_initializable_iterator()
        _, y = it.get_next()
        with v1.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
                sess.run(y)
            for _ in range(2):
                sess.run(it.initializer)
                assert [sess.run(y) for _ in range(3)] == [0, 1, 2]


def test_training_from_a_dataset_in_a_graph() -> None:
    rng = np.random.RandomState(0)
    xs = rng.randn(64, 2).astype(np.float32)
    ys = xs @ np.array([[2.0], [-1.0]], np.float32)
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensor_slices((xs, ys)).repeat().batch(16)
        x, y = ds.make_one_shot_iterator().get_next()
        w = tf.Variable(tf.zeros([2, 1]))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        train_op = v1.train.GradientDescentOptimizer(0.3).minimize(loss)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            for _ in range(60):
                sess.run(train_op)
            np.testing.assert_allclose(sess.run(w).ravel(), [2.0, -1.0], atol=1e-3)


def test_eager_one_shot_iterator_is_the_python_iterator() -> None:
    it = v1.data.make_one_shot_iterator(tf.data.Dataset.range(3))
    assert [int(e) for e in it] == [0, 1, 2]
    with pytest.raises(RuntimeError, match="not supported when eager execution is enabled"):
        v1.data.make_initializable_iterator(tf.data.Dataset.range(3))
