"""Learning-rate schedules against their formulas, evaluated by hand."""

import math

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras.optimizers import schedules


def _at(schedule, step):
    value = schedule(step)
    assert value.dtype == tf.float32
    return float(value.numpy())


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert _at(s, 0) == pytest.approx(0.1)
    assert _at(s, 5) == pytest.approx(0.1 * 0.5**0.5)
    assert _at(s, 20) == pytest.approx(0.025)
    stairs = schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    assert _at(stairs, 19) == pytest.approx(0.05)


def test_piecewise_constant_boundaries_are_inclusive_on_the_left_piece():
    s = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [_at(s, x) for x in (0, 10, 11, 20, 21)] == pytest.approx([1.0, 1.0, 0.5, 0.5, 0.1])
    with pytest.raises(ValueError, match="1 less"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_polynomial_and_inverse_time():
    p = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0, power=2.0)
    assert _at(p, 5) == pytest.approx(0.25)
    assert _at(p, 50) == pytest.approx(0.0)
    cyc = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0, cycle=True)
    assert _at(cyc, 15) == pytest.approx(0.25)  # decay_steps becomes 20
    inv = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5)
    assert _at(inv, 4) == pytest.approx(0.5)


def test_cosine_decay_and_warmup():
    s = schedules.CosineDecay(1.0, decay_steps=10, alpha=0.1)
    assert _at(s, 0) == pytest.approx(1.0)
    assert _at(s, 5) == pytest.approx(0.9 * 0.5 + 0.1)
    assert _at(s, 100) == pytest.approx(0.1)
    w = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert _at(w, 2) == pytest.approx(0.5)
    assert _at(w, 4) == pytest.approx(1.0)
    assert _at(w, 9) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.5)))


def test_cosine_decay_restarts():
    s = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    assert _at(s, 0) == pytest.approx(1.0)
    assert _at(s, 5) == pytest.approx(0.5)
    assert _at(s, 10) == pytest.approx(0.5)  # restart, peak halved
    assert _at(s, 20) == pytest.approx(0.25)  # half-way through the 20-step period


def test_schedule_accepts_variables_and_tensors():
    s = schedules.ExponentialDecay(1.0, 1, 0.5)
    step = tf.Variable(np.int64(2), trainable=False)
    assert _at(s, step) == pytest.approx(0.25)
    assert _at(s, tf.constant(3)) == pytest.approx(0.125)


def test_serialize_round_trip():
    s = schedules.CosineDecay(0.5, 100, alpha=0.2, warmup_target=1.0, warmup_steps=3)
    restored = schedules.deserialize(schedules.serialize(s))
    assert type(restored) is schedules.CosineDecay
    assert restored.get_config() == s.get_config()
    with pytest.raises(ValueError, match="unknown schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})


def test_custom_schedule_subclass():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return tf.constant(0.5)

    from eagerflow.keras.optimizers import SGD

    v = tf.Variable(1.0)
    SGD(learning_rate=Halving()).apply_gradients([(tf.constant(1.0), v)])
    assert float(v.numpy()) == 0.5
