"""Model.save_weights / load_weights on the checkpoint machinery."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import train
from eagerflow.train import keras_weights

keras = pytest.importorskip("eagerflow.keras")


def _model():
    return keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])


def _x():
    return tf.constant(np.random.default_rng(0).random((3, 5), np.float32))


def test_save_and_load_weights_round_trip(tmp_path):
    model = _model()
    model(_x())
    path = str(tmp_path / "weights")
    model.save_weights(path)
    with train.load_checkpoint(path) as reader:
        keys = set(reader.keys())
    assert "layer_with_weights-0/kernel" in keys
    assert train.latest_checkpoint(str(tmp_path)) == path
    fresh = _model()
    status = fresh.load_weights(path)  # not built yet: deferred until the first call
    np.testing.assert_array_equal(fresh(_x()).numpy(), model(_x()).numpy())
    status.assert_consumed()


def test_load_into_a_built_model(tmp_path):
    model = _model()
    model(_x())
    path = str(tmp_path / "w")
    keras_weights.save_weights(model, path)
    other = _model()
    other(_x())
    keras_weights.load_weights(other, path).assert_consumed()
    for a, b in zip(other.weights, model.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_hdf5_paths_and_overwrite(tmp_path):
    model = _model()
    model(_x())
    with pytest.raises(ValueError, match="HDF5"):
        keras_weights.save_weights(model, str(tmp_path / "w.h5"))
    keras_weights.save_weights(model, str(tmp_path / "w"))
    with pytest.raises(FileExistsError, match="overwrite=False"):
        keras_weights.save_weights(model, str(tmp_path / "w"), overwrite=False)
    with pytest.raises(NotImplementedError, match="by_name"):
        keras_weights.load_weights(model, str(tmp_path / "w"), by_name=True)


def test_model_checkpoint_callback_saves_through_save_weights(tmp_path):
    callbacks = pytest.importorskip("eagerflow.keras.callbacks")
    if not hasattr(callbacks, "ModelCheckpoint"):
        pytest.skip("ModelCheckpoint not available")
    model = _model()
    model(_x())
    callback = callbacks.ModelCheckpoint(str(tmp_path / "w.{epoch:02d}"), save_weights_only=True)
    callback.set_model(model)
    callback.on_epoch_end(0, {"loss": 1.0})
    fresh = _model()
    fresh.load_weights(str(tmp_path / "w.01"))
    np.testing.assert_array_equal(fresh(_x()).numpy(), model(_x()).numpy())


def test_compiled_model_weights_include_the_optimizer_restored_at_compile_and_fit(tmp_path):
    model = _model()
    if not hasattr(model, "fit"):
        pytest.skip("Model.fit not available")
    rng = np.random.default_rng(0)
    x, y = rng.random((20, 5), np.float32), rng.random((20, 2), np.float32)
    with warnings.catch_warnings():  # fit's own warnings are not this test's concern
        warnings.simplefilter("ignore")
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=1, batch_size=5, verbose=0, shuffle=False)
        model.save_weights(str(tmp_path / "w"))
        with train.load_checkpoint(str(tmp_path / "w.ckpt")) as reader:
            assert reader.has_tensor("optimizer/iter")
        fresh = _model()
        status = fresh.load_weights(str(tmp_path / "w"))  # before build and compile
        fresh.compile(optimizer="adam", loss="mse")
        fresh.fit(x, y, epochs=1, batch_size=5, verbose=0, shuffle=False)
        model.fit(x, y, epochs=1, batch_size=5, verbose=0, shuffle=False)
    assert int(fresh.optimizer.iterations) == int(model.optimizer.iterations) == 8
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    status.assert_consumed()
