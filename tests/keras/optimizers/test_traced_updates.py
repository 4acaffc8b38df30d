"""Optimizer and metric updates inside tf.function equal the eager ones."""

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras import metrics, optimizers

pytestmark = pytest.mark.skipif(not hasattr(tf, "function"), reason="tf.function not available")

MAKERS = {
    "adam_amsgrad": lambda: optimizers.Adam(0.1, amsgrad=True),
    "sgd_nesterov": lambda: optimizers.SGD(0.01, momentum=0.9, nesterov=True),
    "nadam": lambda: optimizers.Nadam(0.1),
    "rmsprop_centered": lambda: optimizers.RMSprop(0.1, momentum=0.5, centered=True),
    "schedule": lambda: optimizers.SGD(optimizers.schedules.ExponentialDecay(0.01, 1, 0.5)),
    "adadelta": lambda: optimizers.Adadelta(1.0),
    "adamw": lambda: optimizers.AdamW(0.1, weight_decay=0.1),
    "adamax": lambda: optimizers.Adamax(0.1),
    "adagrad": lambda: optimizers.Adagrad(0.1),
    "tf1_momentum": lambda: tf.train.MomentumOptimizer(0.01, 0.9),
}


def _train(make, traced):
    w = tf.Variable(np.ones((3, 2), np.float32))
    b = tf.Variable(np.zeros(2, np.float32))
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3) / 6.0)
    opt, mean = make(), metrics.Mean()

    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
        mean.update_state(loss)
        return loss

    step(x)  # slots are created eagerly, as fit does
    run = tf.function(step) if traced else step
    for _ in range(4):
        run(x)
    return w.numpy(), b.numpy(), int(opt.iterations), float(mean.result())


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_traced_step_equals_eager(name):
    eager = _train(MAKERS[name], traced=False)
    traced = _train(MAKERS[name], traced=True)
    assert traced[2] == eager[2] == 5
    np.testing.assert_allclose(traced[0], eager[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(traced[1], eager[1], rtol=1e-5, atol=1e-7)
    assert traced[3] == pytest.approx(eager[3], rel=1e-5)
