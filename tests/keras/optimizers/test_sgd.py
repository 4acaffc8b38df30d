"""SGD golden values, hand-computed (as keras's sgd_test.py)."""

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras.optimizers import SGD


def _step(opt, var, grads):
    opt.apply_gradients([(tf.constant(np.asarray(grads, np.float32)), var)])


def test_single_step():
    x = tf.Variable([1.0, 2.0, 3.0, 4.0])
    _step(SGD(learning_rate=0.5), x, [1.0, 6.0, 7.0, 2.0])
    np.testing.assert_allclose(x.numpy(), [0.5, -1.0, -0.5, 3.0])


def test_momentum_two_steps():
    # v1 = -0.1*1 = -0.1; x = 0.9.  v2 = 0.9*(-0.1) - 0.1*1 = -0.19; x = 0.71.
    x = tf.Variable([1.0])
    opt = SGD(learning_rate=0.1, momentum=0.9)
    _step(opt, x, [1.0])
    np.testing.assert_allclose(x.numpy(), [0.9], rtol=1e-6)
    _step(opt, x, [1.0])
    np.testing.assert_allclose(x.numpy(), [0.71], rtol=1e-6)
    np.testing.assert_allclose(opt.get_slot(x, "momentum").numpy(), [-0.19], rtol=1e-6)
    assert int(opt.iterations) == 2


def test_nesterov_two_steps():
    # v1 = -0.1; x = 1 + 0.9*(-0.1) - 0.1 = 0.81.  v2 = -0.19; x = 0.81 - 0.171 - 0.1 = 0.539.
    x = tf.Variable([1.0])
    opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    _step(opt, x, [1.0])
    np.testing.assert_allclose(x.numpy(), [0.81], rtol=1e-6)
    _step(opt, x, [1.0])
    np.testing.assert_allclose(x.numpy(), [0.539], rtol=1e-6)


def test_float64_variable_keeps_dtype():
    x = tf.Variable(np.array([1.0, 2.0]))
    opt = SGD(learning_rate=0.25, momentum=0.5)
    for _ in range(3):
        opt.apply_gradients([(tf.constant(np.array([1.0, -2.0])), x)])
    assert x.dtype == tf.float64
    # velocities: -0.25, -0.375, -0.4375 (times g) -> total -1.0625 * g
    np.testing.assert_allclose(x.numpy(), [1.0 - 1.0625, 2.0 + 2.125], rtol=1e-12)


def test_minimize_quadratic():
    var = tf.Variable(1.0)
    SGD(learning_rate=0.1).minimize(lambda: (var * var) / 2.0, [var])
    np.testing.assert_allclose(var.numpy(), 0.9, rtol=1e-6)


def test_bad_momentum():
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=-1.0)


def test_config_round_trip():
    opt = SGD(learning_rate=0.3, momentum=0.5, nesterov=True, clipnorm=1.0)
    config = opt.get_config()
    clone = SGD.from_config(config)
    assert clone.get_config() == config
    assert config["momentum"] == 0.5 and config["nesterov"] is True
    np.testing.assert_allclose(config["learning_rate"], 0.3, rtol=1e-6)
