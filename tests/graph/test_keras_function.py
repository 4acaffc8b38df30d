"""Keras layers, models and optimizers inside tf.function train the same as eagerly."""

from __future__ import annotations

import numpy as np

import eagerflow as tf


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6)).astype(np.float32)
    y = rng.integers(0, 3, 64).astype(np.int32)
    return x, y


def _model(copy_from=None):
    model = tf.keras.Sequential(
        [tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(3)]
    )
    model(tf.zeros([1, 6]))
    if copy_from is not None:
        for mine, theirs in zip(model.weights, copy_from.weights):
            mine.assign(theirs.numpy())
    return model


def test_custom_train_step_with_keras_layers_and_adam_equals_eager() -> None:
    x, y = (tf.constant(a) for a in _data())
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def step(model, optimizer):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    eager_model = _model()
    graph_model = _model(copy_from=eager_model)
    eager_opt, graph_opt = tf.keras.optimizers.Adam(0.01), tf.keras.optimizers.Adam(0.01)
    traced = tf.function(step)
    for _ in range(5):
        np.testing.assert_allclose(
            traced(graph_model, graph_opt).numpy(), step(eager_model, eager_opt).numpy(), rtol=1e-5
        )
    for a, b in zip(graph_model.weights, eager_model.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    assert traced.experimental_get_tracing_count() == 1


def test_model_fit_with_graph_steps_equals_run_eagerly() -> None:
    x, y = _data()
    first = _model()
    models = [first, _model(copy_from=first)]  # same initial weights
    histories = []
    for model, run_eagerly in zip(models, (True, False)):
        model.compile(
            optimizer=tf.keras.optimizers.SGD(0.1),
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            run_eagerly=run_eagerly,
        )
        histories.append(model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0))
    np.testing.assert_allclose(
        histories[1].history["loss"], histories[0].history["loss"], rtol=1e-5
    )
    for a, b in zip(models[1].weights, models[0].weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
