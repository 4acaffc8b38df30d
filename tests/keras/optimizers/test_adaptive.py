"""Adam, AdamW, Adamax, Nadam, RMSprop, Adagrad, Adadelta: hand-computed first steps and
multi-step agreement with the float64 NumPy statements in reference.py.

Learning rates are powers of two: the learning-rate variable is float32, as in Keras.
"""

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras import optimizers
from tests.keras.optimizers import reference

GRADS = np.array(
    [[1.0, -2.0, 0.5], [0.3, -0.1, 2.0], [-1.5, 0.7, 0.2], [0.05, 1.0, -0.4], [2.0, 2.0, 2.0]]
)
START = np.array([0.5, -1.0, 2.0])


def _run(opt, dtype=np.float64):
    var = tf.Variable(START.astype(dtype))
    for g in GRADS:
        opt.apply_gradients([(tf.constant(g.astype(dtype)), var)])
    return var.numpy()


CASES = [
    ("Adam", dict(learning_rate=0.125), lambda: reference.adam(START, GRADS, lr=0.125)),
    (
        "Adam",
        dict(learning_rate=0.0625, beta_1=0.8, beta_2=0.9, amsgrad=True),
        lambda: reference.adam(START, GRADS, lr=0.0625, b1=0.8, b2=0.9, amsgrad=True),
    ),
    (
        "AdamW",
        dict(learning_rate=0.125, weight_decay=0.1),
        lambda: reference.adam(START, GRADS, lr=0.125, wd=0.1),
    ),
    ("Adamax", dict(learning_rate=0.125), lambda: reference.adamax(START, GRADS, lr=0.125)),
    ("Nadam", dict(learning_rate=0.125), lambda: reference.nadam(START, GRADS, lr=0.125)),
    ("RMSprop", dict(learning_rate=0.125), lambda: reference.rmsprop(START, GRADS, lr=0.125)),
    (
        "RMSprop",
        dict(learning_rate=0.0625, rho=0.8, momentum=0.5, centered=True),
        lambda: reference.rmsprop(START, GRADS, lr=0.0625, rho=0.8, momentum=0.5, centered=True),
    ),
    ("Adagrad", dict(learning_rate=0.125), lambda: reference.adagrad(START, GRADS, lr=0.125)),
    ("Adadelta", dict(learning_rate=1.0), lambda: reference.adadelta(START, GRADS, lr=1.0)),
    (
        "SGD",
        dict(learning_rate=0.125, momentum=0.7, nesterov=True),
        lambda: reference.momentum_sgd(START, GRADS, lr=0.125, momentum=0.7, nesterov=True),
    ),
]


@pytest.mark.parametrize("name,kwargs,expected", CASES, ids=[c[0] for c in CASES])
def test_multi_step_matches_reference(name, kwargs, expected):
    got = _run(getattr(optimizers, name)(**kwargs))
    np.testing.assert_allclose(got, expected(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,kwargs,expected", CASES, ids=[c[0] for c in CASES])
def test_float32_multi_step(name, kwargs, expected):
    got = _run(getattr(optimizers, name)(**kwargs), dtype=np.float32)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected(), rtol=2e-5, atol=2e-6)


def test_adam_first_step_by_hand():
    # m = 0.1 g, v = 0.001 g^2, alpha = 0.1 * sqrt(0.001) / 0.1: the step is 0.1 * sign(g).
    var = tf.Variable([1.0, 2.0])
    optimizers.Adam(learning_rate=0.1).apply_gradients([(tf.constant([1.0, -2.0]), var)])
    np.testing.assert_allclose(var.numpy(), [0.9, 2.1], rtol=1e-5)


def test_rmsprop_first_step_by_hand():
    # rms = 0.1 * g^2 = 0.1; step = 0.1 * 1 / sqrt(0.1) = 0.316228
    var = tf.Variable(1.0)
    optimizers.RMSprop(learning_rate=0.1).apply_gradients([(tf.constant(1.0), var)])
    np.testing.assert_allclose(var.numpy(), 1.0 - 0.1 / np.sqrt(0.1), rtol=1e-5)


def test_adagrad_first_step_by_hand():
    # accumulator = 0.1 + 4 = 4.1; step = 0.5 * 2 / sqrt(4.1)
    var = tf.Variable(3.0)
    optimizers.Adagrad(learning_rate=0.5).apply_gradients([(tf.constant(2.0), var)])
    np.testing.assert_allclose(var.numpy(), 3.0 - 1.0 / np.sqrt(4.1), rtol=1e-5)


def test_nadam_first_step_by_hand():
    # u1 = 0.468, u2 = 0.48528, m_hat = 0.48528 / (1 - 0.468 * 0.48528) + 10, v_hat = 100.
    var = tf.Variable(10.0)
    optimizers.Nadam(learning_rate=0.2).apply_gradients([(tf.constant(10.0), var)])
    m_hat = 0.48528 / (1 - 0.468 * 0.48528) + 10.0
    np.testing.assert_allclose(var.numpy(), 10.0 - 0.2 * m_hat / 10.0, rtol=1e-5)


@pytest.mark.parametrize(
    "name,slots",
    [
        ("Adam", ["m", "v"]),
        ("Adamax", ["m", "v"]),
        ("Nadam", ["m", "v"]),
        ("RMSprop", ["rms"]),
        ("Adagrad", ["accumulator"]),
        ("Adadelta", ["accum_grad", "accum_var"]),
    ],
)
def test_slots_are_variables(name, slots):
    opt = getattr(optimizers, name)()
    var = tf.Variable([1.0, 2.0], name="w")
    opt.apply_gradients([(tf.constant([0.1, 0.2]), var)])
    assert opt.get_slot_names() == slots
    for primary, slot_name, slot in opt._slot_variables():
        assert primary is var
        assert isinstance(slot, tf.Variable) and not slot.trainable
        assert slot.shape == var.shape and slot.dtype == var.dtype
        assert opt.get_slot(var, slot_name) is slot


def test_amsgrad_adds_vhat():
    opt = optimizers.Adam(amsgrad=True)
    var = tf.Variable([1.0])
    opt.apply_gradients([(tf.constant([1.0]), var)])
    assert opt.get_slot_names() == ["m", "v", "vhat"]


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad"])
def test_config_round_trip(name):
    cls = getattr(optimizers, name)
    config = cls(learning_rate=0.25).get_config()
    assert cls.from_config(config).get_config() == config
    restored = optimizers.deserialize(optimizers.serialize(cls.from_config(config)))
    assert type(restored) is cls
