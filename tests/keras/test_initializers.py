"""Initializers (statistics, seeds, lookup), regularizers, constraints and activations."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf

K = tf.keras


@pytest.mark.parametrize(
    "name, shape, expected_std",
    [
        ("glorot_uniform", (300, 200), np.sqrt(2.0 / 500)),
        ("glorot_normal", (300, 200), np.sqrt(2.0 / 500)),
        ("he_normal", (3, 3, 40, 50), np.sqrt(2.0 / 360)),
        ("he_uniform", (400, 100), np.sqrt(2.0 / 400)),
        ("lecun_normal", (400, 100), np.sqrt(1.0 / 400)),
        ("lecun_uniform", (400, 100), np.sqrt(1.0 / 400)),
    ],
)
def test_variance_scaling_family_statistics(name, shape, expected_std) -> None:
    tf.random.set_seed(1)
    values = K.initializers.get(name)(shape).numpy()
    assert values.shape == shape and values.dtype == np.float32
    assert abs(values.mean()) < 0.1 * expected_std
    np.testing.assert_allclose(values.std(), expected_std, rtol=0.05)


def test_uniform_bounds_and_truncation() -> None:
    limit = np.sqrt(6.0 / (30 + 20))
    values = K.initializers.GlorotUniform(seed=3)((30, 20)).numpy()
    assert np.all(np.abs(values) <= limit)
    normal = K.initializers.TruncatedNormal(stddev=1.0, seed=3)((2000,)).numpy()
    assert np.all(np.abs(normal) <= 2.0)


def test_constant_zeros_ones_identity_orthogonal() -> None:
    np.testing.assert_array_equal(K.initializers.Constant(3)((2,)).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(K.initializers.get("zeros")((2, 2)).numpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal(K.initializers.Ones()((1,), dtype="float64").numpy(), [1.0])
    np.testing.assert_array_equal(K.initializers.Identity(2.0)((2, 2)).numpy(), 2 * np.eye(2))
    q = K.initializers.Orthogonal(seed=0)((6, 4)).numpy()
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)


def test_seeded_initializers_are_reproducible() -> None:
    a = K.initializers.RandomNormal(seed=7)((5,)).numpy()
    tf.random.set_seed(123)
    b = K.initializers.RandomNormal(seed=7)((5,)).numpy()
    c = K.initializers.RandomNormal(seed=8)((5,)).numpy()
    assert a.shape == b.shape == (5,)
    assert not np.array_equal(b, c)


def test_lookup_and_serialization() -> None:
    init = K.initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=1)
    config = K.initializers.serialize(init)
    assert config == {
        "class_name": "VarianceScaling",
        "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 1},
    }
    assert K.initializers.deserialize(config).get_config() == init.get_config()
    with pytest.raises(ValueError, match="Unknown initializer: 'nope'"):
        K.initializers.get("nope")
    with pytest.raises(ValueError, match="mode"):
        K.initializers.VarianceScaling(mode="fan_sideways")


def test_regularizers() -> None:
    w = tf.constant([1.0, -2.0])
    np.testing.assert_allclose(float(K.regularizers.L1(0.1)(w)), 0.3, rtol=1e-6)
    np.testing.assert_allclose(float(K.regularizers.L2(0.1)(w)), 0.5, rtol=1e-6)
    np.testing.assert_allclose(float(K.regularizers.l1_l2(0.1, 0.1)(w)), 0.8, rtol=1e-6)
    assert K.regularizers.get("l2").get_config() == {"l2": 0.01}
    with pytest.raises(ValueError, match="Unknown regularizer"):
        K.regularizers.get("l3")


def test_constraints() -> None:
    np.testing.assert_array_equal(
        K.constraints.NonNeg()(tf.constant([-1.0, 2.0])).numpy(), [0.0, 2.0]
    )
    w = tf.constant([[3.0], [4.0]])
    np.testing.assert_allclose(K.constraints.UnitNorm()(w).numpy(), [[0.6], [0.8]], rtol=1e-5)
    np.testing.assert_allclose(K.constraints.MaxNorm(1.0)(w).numpy(), [[0.6], [0.8]], rtol=1e-5)
    layer = K.layers.Dense(1, kernel_constraint="non_neg")
    layer(tf.ones([1, 2]))
    assert layer.kernel.constraint is not None


def test_activations() -> None:
    x = tf.constant([-2.0, 0.5, 3.0])
    np.testing.assert_allclose(K.activations.relu(x).numpy(), [0.0, 0.5, 3.0])
    np.testing.assert_allclose(
        K.activations.relu(x, alpha=0.1, max_value=2.0).numpy(), [-0.2, 0.5, 2.0], rtol=1e-6
    )
    np.testing.assert_allclose(K.activations.get("linear")(x).numpy(), x.numpy())
    np.testing.assert_allclose(
        K.activations.softmax(tf.constant([[0.0, 0.0]])).numpy(), [[0.5, 0.5]]
    )
    np.testing.assert_allclose(K.activations.hard_sigmoid(x).numpy(), [0.1, 0.6, 1.0], rtol=1e-6)
    assert K.activations.serialize(K.activations.get("relu")) == "relu"
    with pytest.raises(ValueError, match="Unknown activation function: 'rleu'"):
        K.activations.get("rleu")
