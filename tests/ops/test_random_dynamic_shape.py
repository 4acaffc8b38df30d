"""Random ops and dropout with shapes known only at run time (a shape tensor, unknown batch)."""

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


@pytest.fixture(autouse=True)
def _reset_seed():
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


def test_eager_shape_tensor_is_read_as_the_shape():
    shape = tf.constant([2, 3])
    assert tf.random.uniform(shape).shape == [2, 3]
    assert tf.random.normal(shape, dtype=tf.float64).shape == [2, 3]
    assert tf.random.truncated_normal(tf.constant([4], tf.int64)).shape == [4]
    assert tf.random.uniform(shape, maxval=5, dtype=tf.int32).shape == [2, 3]
    a = tf.random.stateless_normal(shape, seed=[1, 2])
    np.testing.assert_array_equal(a, tf.random.stateless_normal([2, 3], seed=[1, 2]))


@pytest.mark.parametrize(
    "draw",
    [
        lambda s: tf.random.uniform(s),
        lambda s: tf.random.normal(s, mean=1.0),
        lambda s: tf.random.truncated_normal(s),
        lambda s: tf.random.uniform(s, maxval=1000, dtype=tf.int32),
    ],
    ids=["uniform", "normal", "truncated_normal", "uniform_int"],
)
def test_traced_shape_tensor_one_trace_two_batch_sizes(draw):
    traces = []

    def f(x):
        traces.append(1)
        return draw(tf.shape(x))

    fn = tf.function(f)
    cf = fn.get_concrete_function(tf.TensorSpec([None, 3]))
    assert cf(tf.zeros([2, 3])).shape == [2, 3]
    assert cf(tf.zeros([5, 3])).shape == [5, 3]
    first, second = cf(tf.zeros([4, 3])).numpy(), cf(tf.zeros([4, 3])).numpy()
    assert not np.array_equal(first, second)  # a fresh draw per call
    assert len(traces) == 1


def test_traced_static_shape_keeps_known_dims():
    seen = {}

    def f(x):
        seen["uniform"] = tf.random.uniform(tf.shape(x)).shape.as_list()
        seen["mixed"] = tf.random.normal([tf.shape(x)[0], 2]).shape.as_list()
        return x

    tf.function(f).get_concrete_function(tf.TensorSpec([None, 3]))
    assert seen == {"uniform": [None, 3], "mixed": [None, 2]}


def test_traced_op_seed_repeats_after_set_seed():
    def trace():
        fn = tf.function(lambda x: tf.random.uniform(tf.shape(x), seed=3))
        return fn.get_concrete_function(tf.TensorSpec([None]))

    tf.random.set_seed(11)
    cf = trace()
    a, b = cf(tf.zeros([3])).numpy(), cf(tf.zeros([3])).numpy()
    assert not np.array_equal(a, b)
    tf.random.set_seed(11)
    np.testing.assert_array_equal(trace()(tf.zeros([3])), a)


def test_traced_stateless_with_shape_tensor_is_deterministic():
    fn = tf.function(lambda x: tf.random.stateless_uniform(tf.shape(x), seed=[1, 2]))
    cf = fn.get_concrete_function(tf.TensorSpec([None, 2]))
    out = cf(tf.zeros([3, 2]))
    np.testing.assert_array_equal(out, cf(tf.zeros([3, 2])))
    np.testing.assert_array_equal(out, tf.random.stateless_uniform([3, 2], seed=[1, 2]))


def test_traced_negative_or_non_integer_shape_is_an_error():
    cf = tf.function(lambda n: tf.random.uniform(n)).get_concrete_function(
        tf.TensorSpec([1], tf.int32)
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        cf(tf.constant([-1]))
    with pytest.raises(TypeError, match="integer"):
        tf.function(lambda s: tf.random.uniform(s)).get_concrete_function(
            tf.TensorSpec([2], tf.float32)
        )


def test_dropout_in_function_with_unknown_batch():
    fn = tf.function(lambda x: tf.nn.dropout(x, 0.5))
    cf = fn.get_concrete_function(tf.TensorSpec([None, 3]))
    for batch in (4, 7):
        out = cf(tf.ones([batch, 3])).numpy()
        assert out.shape == (batch, 3)
        assert set(np.unique(out)) <= {0.0, 2.0}
    big = tf.ones([200, 3])
    assert not np.array_equal(cf(big), cf(big))


def test_dropout_noise_shape_with_unknown_batch_shares_the_mask():
    fn = tf.function(lambda x: tf.nn.dropout(x, 0.5, noise_shape=[None, 1]))
    cf = fn.get_concrete_function(tf.TensorSpec([None, 3]))
    out = cf(tf.ones([50, 3])).numpy()
    assert out.shape == (50, 3)
    assert (out == out[:, :1]).all()


def test_keras_dropout_training_in_function_with_unknown_batch():
    layer = tf.keras.layers.Dropout(0.5)
    cf = tf.function(lambda x: layer(x, training=True)).get_concrete_function(
        tf.TensorSpec([None, 3])
    )
    assert cf(tf.ones([6, 3])).shape == [6, 3]


def test_dropout_in_tf1_graph_with_placeholder_batch():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, 3])
        y = tf.nn.dropout(x, rate=0.5)
        z = tf.keras.layers.Dropout(0.5)(x, training=True)
        assert y.shape.as_list() == [None, 3] and z.shape.as_list() == [None, 3]
        with v1.Session() as sess:
            a = sess.run(y, {x: np.ones((4, 3))})
            b = sess.run(y, {x: np.ones((200, 3))})
            c = sess.run(z, {x: np.ones((2, 3))})
    assert tf.executing_eagerly()
    assert a.shape == (4, 3) and b.shape == (200, 3) and c.shape == (2, 3)
    assert set(np.unique(b)) == {0.0, 2.0}
