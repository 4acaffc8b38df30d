"""Checkpoints of Keras models and optimizers: TF edge names, slots, deferred restoration."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import train

keras = pytest.importorskip("eagerflow.keras")


def _train_step(model, optimizer, x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


def _sequential():
    return keras.Sequential(
        [keras.layers.Dense(4, activation="relu"), keras.layers.Dropout(0.5), keras.layers.Dense(2)]
    )


def _inputs():
    return tf.constant(np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32))


def test_sequential_uses_tensorflow_edge_names(tmp_path):
    model = _sequential()
    model(_inputs())
    path = train.Checkpoint(model=model).write(str(tmp_path / "c"))
    with train.load_checkpoint(path) as reader:
        keys = set(reader.keys())
    assert keys == {
        "model/layer_with_weights-0/kernel",
        "model/layer_with_weights-0/bias",
        "model/layer_with_weights-1/kernel",
        "model/layer_with_weights-1/bias",
    }


def test_model_and_optimizer_round_trip_into_unbuilt_objects(tmp_path):
    x = _inputs()
    model, optimizer = _sequential(), keras.optimizers.Adam(0.01)
    _train_step(model, optimizer, x)
    path = train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))

    fresh_model, fresh_optimizer = _sequential(), keras.optimizers.Adam(0.01)
    status = train.Checkpoint(model=fresh_model, optimizer=fresh_optimizer).restore(path)
    report = status.report()
    assert "model/layer_with_weights-0/kernel" in report["pending"]
    assert "model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m" in report["pending"]
    assert int(fresh_optimizer.iterations) == 1
    with pytest.raises(AssertionError, match="not restored yet"):
        status.assert_consumed()
    status.assert_existing_objects_matched()

    np.testing.assert_array_equal(fresh_model(x).numpy(), model(x).numpy())  # built: restored
    _train_step(fresh_model, fresh_optimizer, x)  # slots created: restored, then updated
    _train_step(model, optimizer, x)
    for a, b in zip(fresh_model.variables, model.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    for (_, name, a), (_, _, b) in zip(
        fresh_optimizer._slot_variables(), optimizer._slot_variables()
    ):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, err_msg=name)
    status.assert_consumed()


def test_restore_after_the_status_is_dropped(tmp_path):
    x = _inputs()
    model = _sequential()
    model(x)
    path = train.Checkpoint(model=model).write(str(tmp_path / "c"))
    fresh = _sequential()
    train.Checkpoint(model=fresh).read(path)  # status not kept
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense1 = keras.layers.Dense(3)
        self.blocks = [keras.layers.Dense(3), keras.layers.Dense(1)]

    def call(self, inputs):
        h = self.dense1(inputs)
        for block in self.blocks:
            h = block(h)
        return h


def test_subclassed_model_round_trip(tmp_path):
    x = _inputs()
    model = _Subclassed()
    model(x)
    path = train.Checkpoint(net=model).write(str(tmp_path / "c"))
    with train.load_checkpoint(path) as reader:
        assert reader.has_tensor("net/dense1/kernel")
    fresh = _Subclassed()
    status = train.Checkpoint(net=fresh).read(path)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())
    status.assert_consumed()


def test_functional_model_round_trip(tmp_path):
    def build():
        inputs = keras.Input(shape=(5,))
        hidden = keras.layers.Dense(4, activation="tanh")(inputs)
        return keras.Model(inputs=inputs, outputs=keras.layers.Dense(2)(hidden))

    x = _inputs()
    model = build()
    path = train.Checkpoint(model=model).write(str(tmp_path / "c"))
    fresh = build()
    train.Checkpoint(model=fresh).read(path).assert_consumed()
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


def test_layer_added_after_restore_gets_its_values(tmp_path):
    x = _inputs()
    model = _sequential()
    model(x)
    path = train.Checkpoint(model=model).write(str(tmp_path / "c"))
    fresh = keras.Sequential([keras.layers.Dense(4, activation="relu")])
    status = train.Checkpoint(model=fresh).read(path)
    fresh.add(keras.layers.Dropout(0.5))
    fresh.add(keras.layers.Dense(2))
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())
    status.assert_consumed()


def test_wrong_layer_width_raises_with_both_shapes(tmp_path):
    model = keras.Sequential([keras.layers.Dense(4)])
    model(_inputs())
    path = train.Checkpoint(model=model).write(str(tmp_path / "c"))
    fresh = keras.Sequential([keras.layers.Dense(6)])
    train.Checkpoint(model=fresh).read(path)
    with pytest.raises(ValueError, match=r"model/layer_with_weights-0/kernel.*\(5, 4\).*\(5, 6\)"):
        fresh(_inputs())


@pytest.fixture
def global_step():
    step = tf.train.get_or_create_global_step()
    saved = int(step)
    yield step
    step.assign(np.int64(saved))


def test_guide_model_optimizer_and_global_step(tmp_path, monkeypatch, global_step):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # The guide's code, verbatim:
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(10),
        ]
    )
    optimizer = tf.train.AdamOptimizer(learning_rate=0.001)
    checkpoint_dir = tempfile.mkdtemp()
    checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")
    root = tf.train.Checkpoint(
        optimizer=optimizer, model=model, optimizer_step=tf.train.get_or_create_global_step()
    )

    root.save(checkpoint_prefix)
    status = root.restore(tf.train.latest_checkpoint(checkpoint_dir))
    assert isinstance(status, tf.train.CheckpointLoadStatus)

    # Beyond the guide: train a step, save, restore into fresh objects (deferred slots).
    images = tf.constant(np.random.default_rng(1).random((2, 8, 8, 1), np.float32))

    def step(model, optimizer):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(model(images) ** 2)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables), global_step=global_step)

    step(model, optimizer)
    global_step.assign(np.int64(41))
    path = root.save(checkpoint_prefix)
    assert path == checkpoint_prefix + "-2"
    global_step.assign(np.int64(0))
    fresh_model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(10),
        ]
    )
    fresh_optimizer = tf.train.AdamOptimizer(learning_rate=0.001)
    fresh = tf.train.Checkpoint(
        optimizer=fresh_optimizer, model=fresh_model, optimizer_step=global_step
    )
    status = fresh.restore(tf.train.latest_checkpoint(checkpoint_dir))
    assert int(global_step) == 41
    np.testing.assert_array_equal(fresh_model(images).numpy(), model(images).numpy())
    step(fresh_model, fresh_optimizer)
    step(model, optimizer)
    status.assert_consumed()
    for a, b in zip(fresh_model.variables, model.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_partly_built_model_pairs_values_by_layer_index(tmp_path):
    x = _inputs()
    model = keras.Sequential([keras.layers.Dense(5), keras.layers.Dense(5), keras.layers.Dense(5)])
    model(x)
    path = train.Checkpoint(model=model).write(str(tmp_path / "c"))
    fresh = keras.Sequential([keras.layers.Dense(5), keras.layers.Dense(5), keras.layers.Dense(5)])
    fresh.layers[1](tf.zeros([1, 5]))  # only the middle layer is built: it is layer_with_weights-0
    train.Checkpoint(model=fresh).read(path)
    np.testing.assert_array_equal(fresh.layers[1].kernel.numpy(), model.layers[1].kernel.numpy())
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


@pytest.mark.parametrize(
    "make, shape",
    [
        (
            lambda: keras.Sequential(
                [
                    keras.layers.Conv2D(4, 3),
                    keras.layers.BatchNormalization(),
                    keras.layers.Flatten(),
                    keras.layers.Dense(3),
                ]
            ),
            (2, 6, 6, 2),
        ),
        (lambda: keras.Sequential([keras.layers.LSTM(4), keras.layers.Dense(2)]), (2, 5, 3)),
        (
            lambda: keras.Sequential(
                [keras.layers.Embedding(10, 4), keras.layers.GRU(3, return_sequences=True)]
            ),
            None,
        ),
    ],
    ids=["conv-bn-dense", "lstm", "embedding-gru"],
)
def test_layer_zoo_round_trip_into_unbuilt_models(tmp_path, make, shape):
    rng = np.random.default_rng(0)
    if shape is None:
        x = tf.constant(rng.integers(0, 10, (2, 5)).astype(np.int32))
    else:
        x = tf.constant(rng.standard_normal(shape).astype(np.float32))
    model = make()
    model(x)
    for v in model.variables:  # moving statistics too, not only trainable weights
        v.assign(rng.standard_normal(v.shape).astype(v.dtype.as_numpy_dtype))
    path = train.Checkpoint(model=model).write(str(tmp_path / "c"))
    fresh = make()
    status = train.Checkpoint(model=fresh).read(path)
    np.testing.assert_allclose(fresh(x).numpy(), model(x).numpy(), rtol=1e-6)
    status.assert_consumed()
