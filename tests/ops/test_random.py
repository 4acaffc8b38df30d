"""Random ops: distributions, dtypes, TensorFlow's seed semantics, Generator, stateless ops."""

import numpy as np
import pytest
from scipy import stats

import eagerflow as tf
from eagerflow.core.dispatch import GRADIENTS, NO_GRADIENT
from eagerflow.ops import random_ops


@pytest.fixture(autouse=True)
def _reset_seed():
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


def test_normal_moments_and_dtype():
    tf.random.set_seed(0)
    x = tf.random.normal([20000], mean=2.0, stddev=3.0)
    assert x.dtype == tf.float32 and x.shape == [20000]
    assert abs(x.numpy().mean() - 2.0) < 0.1
    assert abs(x.numpy().std() - 3.0) < 0.1
    assert tf.random.normal([2, 3], dtype=tf.float64).dtype == tf.float64


def test_uniform_float_range_and_distribution():
    tf.random.set_seed(1)
    x = tf.random.uniform([5000], minval=-1.0, maxval=3.0).numpy()
    assert x.min() >= -1.0 and x.max() < 3.0
    assert stats.kstest((x + 1) / 4, "uniform").pvalue > 1e-3


def test_uniform_int_needs_maxval_and_stays_in_range():
    tf.random.set_seed(2)
    x = tf.random.uniform([1000], minval=-2, maxval=3, dtype=tf.int32)
    assert x.dtype == tf.int32
    assert set(np.unique(x.numpy())) == {-2, -1, 0, 1, 2}
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int64)
    assert tf.random.uniform([3], maxval=10, dtype=tf.int64).dtype == tf.int64


def test_truncated_normal_is_within_two_stddevs():
    tf.random.set_seed(3)
    x = tf.random.truncated_normal([5000], mean=1.0, stddev=0.5).numpy()
    assert x.min() >= 0.0 and x.max() <= 2.0
    assert abs(x.std() - 0.5 * 0.8796) < 0.02  # std of N(0,1) truncated at +-2


def test_shuffle_permutes_first_dimension():
    tf.random.set_seed(4)
    x = np.arange(20).reshape(10, 2)
    y = tf.random.shuffle(tf.constant(x)).numpy()
    assert sorted(y[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(y[:, 1] - y[:, 0], 1)
    assert not np.array_equal(y, x)


def test_categorical_follows_logits():
    tf.random.set_seed(5)
    logits = tf.math.log([[0.2, 0.8], [1.0, 1e-30]])
    s = tf.random.categorical(logits, 4000)
    assert s.dtype == tf.int64 and s.shape == [2, 4000]
    assert abs(s.numpy()[0].mean() - 0.8) < 0.03
    assert (s.numpy()[1] == 0).all()
    assert tf.random.categorical(logits, 3, dtype=tf.int32).dtype == tf.int32


def test_global_seed_makes_the_op_sequence_reproducible():
    tf.random.set_seed(1234)
    first = [tf.random.uniform([3]).numpy(), tf.random.normal([3]).numpy()]
    tf.random.set_seed(1234)
    second = [tf.random.uniform([3]).numpy(), tf.random.normal([3]).numpy()]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], tf.random.uniform([3]).numpy())


def test_op_seed_stream_differs_per_call_and_restarts_after_set_seed():
    tf.random.set_seed(7)
    a1, a2 = tf.random.uniform([3], seed=1), tf.random.uniform([3], seed=1)
    assert not np.array_equal(a1.numpy(), a2.numpy())
    tf.random.set_seed(7)
    b1, b2 = tf.random.uniform([3], seed=1), tf.random.uniform([3], seed=1)
    np.testing.assert_array_equal(a1.numpy(), b1.numpy())
    np.testing.assert_array_equal(a2.numpy(), b2.numpy())


def test_op_seed_does_not_depend_on_ops_in_between():
    tf.random.set_seed(9)
    a = tf.random.normal([2], seed=3).numpy()
    tf.random.set_seed(9)
    tf.random.uniform([5])
    np.testing.assert_array_equal(a, tf.random.normal([2], seed=3).numpy())


def test_op_seed_without_global_seed_is_reproducible():
    a = tf.random.normal([4], seed=11).numpy()
    tf.random.set_seed(None)
    np.testing.assert_array_equal(a, tf.random.normal([4], seed=11).numpy())
    assert random_ops.get_seed(11) == (random_ops.DEFAULT_GRAPH_SEED, 11)


def test_unseeded_ops_are_fresh():
    assert not np.array_equal(tf.random.normal([8]).numpy(), tf.random.normal([8]).numpy())


def test_tf1_names_share_the_seed_state():
    tf.set_random_seed(5)
    a = tf.random_normal([3]).numpy()
    b = tf.random_uniform([3]).numpy()
    tf.random.set_seed(5)
    np.testing.assert_array_equal(a, tf.random.normal([3]).numpy())
    np.testing.assert_array_equal(b, tf.random.uniform([3]).numpy())
    assert tf.truncated_normal([2]).shape == [2]
    assert tf.random_shuffle([1, 2]).shape == [2]
    assert tf.compat.v1.random_normal is tf.random_normal
    assert tf.compat.v1.set_random_seed is tf.random.set_seed


def test_random_ops_have_no_gradient():
    for name in random_ops.STATEFUL_OPS:
        assert name in NO_GRADIENT and name not in GRADIENTS
    mean = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.random.normal([10], mean=mean, seed=1))
    assert float(tape.gradient(y, mean)) == 10.0  # through the shift, not the sample


def test_shape_argument_forms():
    assert tf.random.normal(tf.constant([2, 3])).shape == [2, 3]
    assert tf.random.uniform(tf.TensorShape([4])).shape == [4]
    assert tf.random.uniform((), dtype=tf.float64).shape == []


def test_tensor_bounds_for_uniform():
    x = tf.random.uniform([100], minval=tf.constant(2.0), maxval=tf.constant(4.0), seed=1)
    assert 2.0 <= x.numpy().min() and x.numpy().max() < 4.0


def test_generator_from_seed_is_reproducible_and_advances():
    g1 = tf.random.Generator.from_seed(42)
    g2 = tf.random.Generator.from_seed(42)
    a, b = g1.normal([3]), g1.normal([3])
    assert not np.array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(a.numpy(), g2.normal([3]).numpy())
    assert isinstance(g1.state, tf.Variable) and g1.state.dtype == tf.int64
    g1.reset_from_seed(42)
    np.testing.assert_array_equal(a.numpy(), g1.normal([3]).numpy())
    u = g1.uniform([100], minval=1, maxval=4, dtype=tf.int32).numpy()
    assert u.min() >= 1 and u.max() <= 3
    assert g1.truncated_normal([50]).numpy().max() <= 2.0
    assert len(g1.split(2)) == 2


def test_generator_non_deterministic_state_differs():
    g1 = tf.random.Generator.from_non_deterministic_state()
    g2 = tf.random.Generator.from_non_deterministic_state()
    assert not np.array_equal(g1.uniform([4]).numpy(), g2.uniform([4]).numpy())
    assert tf.random.get_global_generator().normal([2]).shape == [2]


def test_stateless_ops_are_pure_functions_of_the_seed():
    a = tf.random.stateless_normal([5], seed=[1, 2])
    np.testing.assert_array_equal(a.numpy(), tf.random.stateless_normal([5], seed=[1, 2]).numpy())
    assert not np.array_equal(a.numpy(), tf.random.stateless_normal([5], seed=[1, 3]).numpy())
    u = tf.random.stateless_uniform([100], seed=[3, 4], minval=5, maxval=7, dtype=tf.int64)
    assert set(np.unique(u.numpy())) <= {5, 6}
    assert tf.random.stateless_truncated_normal([50], seed=[0, 0]).numpy().max() <= 2.0


def test_gamma_and_poisson_moments_and_shapes():
    tf.random.set_seed(6)
    g = tf.random.gamma([4000], alpha=[1.0, 4.0], beta=2.0)
    assert g.shape == [4000, 2] and g.dtype == tf.float32
    np.testing.assert_allclose(g.numpy().mean(axis=0), [0.5, 2.0], rtol=0.08)
    p = tf.random.poisson([4000], lam=[1.0, 6.0], dtype=tf.int32)
    assert p.shape == [4000, 2] and p.dtype == tf.int32
    np.testing.assert_allclose(p.numpy().mean(axis=0), [1.0, 6.0], rtol=0.08)
    tf.random.set_seed(6)
    np.testing.assert_array_equal(g.numpy(), tf.random.gamma([4000], [1.0, 4.0], 2.0).numpy())


def test_random_ops_inside_tf_function_draw_on_every_call():
    @tf.function
    def noisy(x):
        return x + tf.random.normal([3]) + tf.random.uniform([3], seed=1)

    zeros = tf.zeros([3])
    assert not np.array_equal(noisy(zeros).numpy(), noisy(zeros).numpy())
    tf.random.set_seed(3)
    sample = tf.function(lambda: tf.random.normal([2]))
    first = [sample().numpy(), sample().numpy()]
    tf.random.set_seed(3)
    sample = tf.function(lambda: tf.random.normal([2]))
    np.testing.assert_array_equal(first, [sample().numpy(), sample().numpy()])
    generator = tf.random.Generator.from_seed(1)
    draw = tf.function(lambda: generator.normal([2]))
    assert not np.array_equal(draw().numpy(), draw().numpy())
