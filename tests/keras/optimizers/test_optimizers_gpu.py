"""Optimizers, losses and metrics on the GPU (CuPy): the same values as on CPU, slots on GPU."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.core import backend
from eagerflow.keras import losses, metrics, optimizers

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(backend.num_gpus() == 0, reason="needs a CUDA GPU with CuPy"),
]

OPTIMIZERS = [
    lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    lambda: optimizers.Adam(0.1, amsgrad=True),
    lambda: optimizers.AdamW(0.1),
    lambda: optimizers.RMSprop(0.1, momentum=0.5, centered=True),
    lambda: optimizers.Adagrad(0.1),
    lambda: optimizers.Adadelta(1.0),
    lambda: optimizers.Adamax(0.1),
    lambda: optimizers.Nadam(0.1),
    lambda: tf.train.MomentumOptimizer(0.1, 0.9),
    lambda: optimizers.SGD(optimizers.schedules.CosineDecay(0.1, 10)),
]


def _run(make, device):
    rng = np.random.default_rng(0)
    start = rng.normal(size=(5, 3)).astype(np.float32)
    grads = rng.normal(size=(4, 5, 3)).astype(np.float32)
    with tf.device(device):
        var = tf.Variable(start)
        opt = make()
        for g in grads:
            opt.apply_gradients([(tf.constant(g), var)])
    return var, opt


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_optimizer_on_gpu_matches_cpu(make):
    cpu, _ = _run(make, "CPU:0")
    gpu, opt = _run(make, "GPU:0")
    assert "GPU" in gpu.device
    for _, _, slot in opt._slot_variables():
        assert "GPU" in slot.device
    np.testing.assert_allclose(gpu.numpy(), cpu.numpy(), rtol=1e-5, atol=1e-6)


def test_losses_and_metrics_on_gpu():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(8, 5)).astype(np.float32)
    labels = rng.integers(0, 5, size=8)
    results = {}
    for device in ("CPU:0", "GPU:0"):
        with tf.device(device):
            x = tf.constant(logits)
            loss = losses.SparseCategoricalCrossentropy(from_logits=True)(labels, x)
            acc = metrics.SparseCategoricalAccuracy()
            acc.update_state(labels, x)
            auc = metrics.AUC()
            auc.update_state(labels > 2, tf.sigmoid(x[:, 0]))
            results[device] = [float(loss), float(acc.result()), float(auc.result())]
    np.testing.assert_allclose(results["GPU:0"], results["CPU:0"], rtol=1e-5)


def test_fit_on_gpu():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(128, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    with tf.device("GPU:0"):
        model = tf.keras.Sequential(
            [tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(2)]
        )
        model.compile(
            optimizer="adam",
            loss=losses.SparseCategoricalCrossentropy(True),
            metrics=["accuracy"],
            run_eagerly=True,
        )
        history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert "GPU" in model.trainable_variables[0].device
