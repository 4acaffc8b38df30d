"""The Keras TensorBoard callback: per-epoch and per-batch losses and metrics."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import eagerflow as tf
from tests.summary import _events

pytest.importorskip("eagerflow.keras.callbacks")
from eagerflow.summary.keras_callback import TensorBoard  # noqa: E402


def test_hooks_write_epoch_batch_and_validation_values(tmp_path):
    callback = TensorBoard(log_dir=str(tmp_path), update_freq=2)
    callback.on_train_begin()
    for epoch in range(2):
        for batch in range(3):
            callback.on_train_batch_end(batch, {"loss": 10.0 * epoch + batch, "size": 4})
        callback.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0 + epoch})
    callback.on_train_end()
    train, validation = tmp_path / "train", tmp_path / "validation"
    assert _events.scalars(train, "epoch_loss") == [(0, 1.0), (1, 0.5)]
    assert _events.scalars(validation, "epoch_loss") == [(0, 2.0), (1, 3.0)]
    # batches 2, 4, 6 of training (every 2nd): epoch 0 batch 1, epoch 1 batch 0 and 2.
    assert _events.scalars(train, "batch_loss") == [(2, 1.0), (4, 10.0), (6, 12.0)]


def test_epoch_only_by_default(tmp_path):
    callback = TensorBoard(log_dir=str(tmp_path))
    callback.on_train_begin()
    callback.on_train_batch_end(0, {"loss": 1.0})
    callback.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.5})
    callback.on_train_end()
    tags = _events.load(tmp_path / "train").Tags()["tensors"]
    assert sorted(tags) == ["epoch_accuracy", "epoch_loss"]


def test_invalid_update_freq():
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(update_freq="sometimes")


def test_fit_with_the_callback(tmp_path):
    keras = pytest.importorskip("eagerflow.keras")
    model = keras.Sequential([keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    if not hasattr(model, "fit"):
        pytest.skip("Model.fit not available")
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    rng = np.random.default_rng(0)
    x = rng.random((20, 4), np.float32)
    y = rng.random((20, 1), np.float32)
    callback = TensorBoard(log_dir=str(tmp_path), update_freq="batch", histogram_freq=1)
    with warnings.catch_warnings():  # fit's own warnings are not this test's concern
        warnings.simplefilter("ignore")
        history = model.fit(
            x, y, epochs=2, batch_size=5, validation_data=(x, y), callbacks=[callback], verbose=0
        )
    train = _events.scalars(tmp_path / "train", "epoch_loss")
    assert [step for step, _ in train] == [0, 1]
    np.testing.assert_allclose([v for _, v in train], history.history["loss"], rtol=1e-6)
    validation = _events.scalars(tmp_path / "validation", "epoch_mae")
    np.testing.assert_allclose([v for _, v in validation], history.history["val_mae"], rtol=1e-6)
    assert len(_events.scalars(tmp_path / "train", "batch_loss")) == 8
    tags = _events.load(tmp_path / "train").Tags()["tensors"]
    kernel_tag = model.layers[0].kernel.name.replace(":", "_")
    assert kernel_tag in tags


def test_keras_exposes_the_callback():
    callbacks = pytest.importorskip("eagerflow.keras.callbacks")
    if not hasattr(callbacks, "TensorBoard"):
        pytest.skip("eagerflow.keras.callbacks does not export TensorBoard yet")
    assert callbacks.TensorBoard is TensorBoard
    assert tf.keras.callbacks.TensorBoard is TensorBoard
