"""Callbacks, driven through fit on a tiny model and directly through their hooks."""

import csv
import io

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras import callbacks as cb
from eagerflow.keras.engine.training_progbar import Progbar


class _FakeOptimizer:
    def __init__(self, lr):
        self.learning_rate = lr


class _FakeModel:
    """Just enough of a model for the steering callbacks."""

    def __init__(self, lr=1.0):
        self.optimizer = _FakeOptimizer(lr)
        self.stop_training = False
        self.weights = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [w.copy() for w in weights]


def _run_epochs(callback, values, key="val_loss", model=None):
    model = model or _FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    stopped = None
    for epoch, value in enumerate(values):
        model.weights = [np.full(2, float(epoch))]
        callback.on_epoch_end(epoch, {key: value})
        if model.stop_training:
            stopped = epoch
            break
    callback.on_train_end()
    return model, stopped


def test_early_stopping_patience_and_restore():
    es = cb.EarlyStopping(patience=2, restore_best_weights=True)
    model, stopped = _run_epochs(es, [1.0, 0.5, 0.6, 0.7, 0.1])
    assert stopped == 3 and es.best == 0.5 and es.best_epoch == 1
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])


def test_early_stopping_mode_max_min_delta_and_baseline():
    es = cb.EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05)
    assert es.mode == "max"
    _, stopped = _run_epochs(es, [0.5, 0.52, 0.9], key="val_accuracy")
    assert stopped == 1  # +0.02 is below min_delta
    # Above the baseline, improvements do not reset the wait (Keras's rule).
    losses = [1.0, 0.9, 0.95, 0.97]
    _, stopped = _run_epochs(cb.EarlyStopping(monitor="loss", patience=2), losses, key="loss")
    assert stopped == 3
    base = cb.EarlyStopping(monitor="loss", patience=2, baseline=0.1)
    _, stopped = _run_epochs(base, losses, key="loss")
    assert stopped == 2


def test_early_stopping_warns_on_missing_monitor():
    es = cb.EarlyStopping(monitor="val_missing")
    with pytest.warns(UserWarning, match="val_missing"):
        _run_epochs(es, [1.0], key="loss")


def test_reduce_lr_on_plateau():
    model = _FakeModel(lr=1.0)
    r = cb.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_lr=0.3, cooldown=1)
    r.set_model(model)
    r.on_train_begin()
    lrs = []
    for epoch, loss in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        logs = {"loss": loss}
        r.on_epoch_end(epoch, logs)
        lrs.append(model.optimizer.learning_rate)
        assert logs["learning_rate"] == pytest.approx(lrs[-2] if epoch else 1.0)
    # halved once, then min_lr caps the second cut and stops further cuts
    assert lrs == [1.0, 0.5, 0.3, 0.3, 0.3, 0.3]
    with pytest.raises(ValueError, match="factor"):
        cb.ReduceLROnPlateau(factor=1.0)


def test_learning_rate_scheduler_both_signatures():
    model = _FakeModel(lr=0.1)
    s = cb.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    s.set_model(model)
    s.on_epoch_begin(0)
    s.on_epoch_begin(1)
    assert model.optimizer.learning_rate == pytest.approx(0.025)
    one_arg = cb.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    one_arg.set_model(model)
    one_arg.on_epoch_begin(2)
    logs = {}
    one_arg.on_epoch_end(2, logs)
    assert logs["learning_rate"] == pytest.approx(0.03)


def test_history_and_lambda_callback():
    seen = []
    lam = cb.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    history = cb.History()
    cbs = cb.CallbackList([lam, history], model=_FakeModel())
    cbs.on_train_begin()
    for epoch in range(3):
        cbs.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    assert seen == [0, 1, 2]
    assert history.epoch == [0, 1, 2] and history.history["loss"] == [1.0, 0.5, 1 / 3]
    with pytest.raises(ValueError, match="unknown hook"):
        cb.LambdaCallback(on_nothing=print)
    with pytest.raises(TypeError, match="Callback"):
        cb.CallbackList([object()])


def test_csv_logger(tmp_path):
    path = tmp_path / "log.csv"
    logger = cb.CSVLogger(str(path))
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.5, "acc": 0.25})
    logger.on_epoch_end(1, {"loss": 0.25, "acc": 0.5})
    logger.on_train_end()
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert [r["epoch"] for r in rows] == ["0", "1"]
    assert rows[1]["loss"] == "0.25" and rows[0]["acc"] == "0.25"
    appender = cb.CSVLogger(str(path), append=True)
    appender.on_train_begin()
    appender.on_epoch_end(2, {"loss": 0.1, "acc": 0.9})
    appender.on_train_end()
    assert len(list(csv.DictReader(path.read_text().splitlines()))) == 3


def test_terminate_on_nan():
    model = _FakeModel()
    t = cb.TerminateOnNaN()
    t.set_model(model)
    t.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    t.on_train_batch_end(1, {"loss": float("nan")})
    assert model.stop_training


def test_progbar_static_output():
    out = io.StringIO()
    bar = Progbar(4, stream=out, stateful_metrics=["acc"])
    for step in range(4):
        bar.update(step + 1, {"loss": float(step), "acc": 0.5})
    text = out.getvalue()
    assert text.startswith("4/4 [==============================] - ")
    assert "ms/step" in text or "us/step" in text or "s/step" in text
    assert "loss: 1.5000" in text and "acc: 0.5000" in text  # loss averaged, acc as given
    assert text.count("\n") == 1


def _tiny_model():
    tf.random.set_seed(1)
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse", run_eagerly=True)
    return model


def _tiny_data():
    x = np.linspace(-1, 1, 32, dtype=np.float32)[:, None]
    return x, 2 * x + 1


def test_model_checkpoint_through_fit(tmp_path):
    model = _tiny_model()
    x, y = _tiny_data()
    pattern = str(tmp_path / "w.{epoch:02d}-{loss:.3f}")
    best = str(tmp_path / "best")
    model.fit(
        x,
        y,
        epochs=3,
        verbose=0,
        validation_data=(x, y),
        callbacks=[
            cb.ModelCheckpoint(pattern, monitor="loss", save_weights_only=True),
            cb.ModelCheckpoint(best, save_best_only=True, save_weights_only=True),
        ],
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len([n for n in names if n.startswith("w.")]) == 3
    assert any(n.startswith("best") for n in names)
    restored = _tiny_model()
    restored(x[:1])
    restored.load_weights(best)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_callbacks_steer_fit():
    model = _tiny_model()
    x, y = _tiny_data()
    history = model.fit(
        x,
        y,
        epochs=20,
        verbose=0,
        callbacks=[
            cb.LearningRateScheduler(lambda epoch, lr: 0.05 if epoch >= 2 else lr),
            cb.EarlyStopping(monitor="loss", patience=0, min_delta=10.0),
        ],
    )
    assert len(history.epoch) == 2  # no epoch improves by 10: stops after the second
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1])


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progbar_redraws_in_place_on_a_terminal():
    out = _Terminal()
    bar = Progbar(3, stream=out, interval=0.0)
    for step in range(3):
        bar.update(step + 1, {"loss": 1.0})
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "ETA: " in text.split("\r")[1]  # intermediate lines show the ETA
    assert "/step" in text.split("\r")[-1]  # the final line shows the time per step
    unknown = _Terminal()
    Progbar(None, stream=unknown, interval=0.0).update(7, {"loss": 2.0}, finalize=True)
    assert "7/Unknown" in unknown.getvalue()


def test_backup_and_restore_resumes_an_interrupted_fit(tmp_path):
    x, y = _tiny_data()
    reference = _tiny_model()
    reference.fit(x, y, epochs=4, batch_size=8, verbose=0, shuffle=False)

    class Crash(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    backup = str(tmp_path / "backup")
    model = _tiny_model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(
            x,
            y,
            epochs=4,
            batch_size=8,
            verbose=0,
            shuffle=False,
            callbacks=[cb.BackupAndRestore(backup), Crash()],
        )
    resumed = _tiny_model()  # a fresh process would rebuild the model like this
    history = resumed.fit(
        x,
        y,
        epochs=4,
        batch_size=8,
        verbose=0,
        shuffle=False,
        callbacks=[cb.BackupAndRestore(backup)],
    )
    assert history.epoch == [2, 3]
    assert int(resumed.optimizer.iterations) == int(reference.optimizer.iterations) == 16
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert not (tmp_path / "backup").exists()  # deleted once training finished
