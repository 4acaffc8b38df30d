"""Callbacks that steer training: early stopping, checkpoints and learning-rate changes."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.keras.callbacks import Callback

_MAXIMIZED = ("acc", "auc", "precision", "recall", "fmeasure", "f1")


def _monitor_mode(monitor: str, mode: str, owner: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', got {mode!r}.")
    if mode != "auto":
        return mode
    name = monitor.lower()
    return "max" if any(key in name for key in _MAXIMIZED) else "min"


def _missing_monitor(owner: str, monitor: str, logs: dict) -> None:
    warnings.warn(
        f"{owner} is conditioned on metric `{monitor}`, which is not available. Available "
        f"metrics are: {','.join(sorted(logs))}.",
        UserWarning,
        stacklevel=3,
    )


class EarlyStopping(Callback):
    """Stops training when `monitor` has not improved for `patience` epochs.

    Args:
        monitor: The logged quantity to watch ("val_loss" by default).
        min_delta: The least change that counts as an improvement.
        patience: Epochs without improvement before stopping.
        verbose: 1 prints a message when stopping.
        mode: "min", "max" or "auto" (max for accuracy-like names).
        baseline: Training stops unless the quantity improves on this value.
        restore_best_weights: Restore the weights of the best epoch at the end.
        start_from_epoch: Epochs to wait before counting.

    Example:
        >>> callback = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=3)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.mode = _monitor_mode(monitor, mode, "EarlyStopping")
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_weights: Any = None
        self.best_epoch = 0

    def _improved(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        if self.mode == "max":
            return value - self.min_delta > reference
        return value + self.min_delta < reference

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            _missing_monitor("Early stopping", self.monitor, logs)
            return
        if epoch < self.start_from_epoch:
            return
        current = float(logs[self.monitor])
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improved(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(Callback):
    """Saves the model (or its weights) after epochs, optionally only when `monitor` improves.

    `filepath` may hold format fields filled from the epoch (1-based) and the logs, e.g.
    `"ckpt/weights.{epoch:02d}-{val_loss:.2f}"`. Weights go through `Model.save_weights`.

    Example:
        >>> cb = tf.keras.callbacks.ModelCheckpoint("ckpt/w.{epoch:02d}", save_weights_only=True)
    """

    def __init__(
        self,
        filepath: Any,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: Any = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = _monitor_mode(monitor, mode, "ModelCheckpoint")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(
                f"ModelCheckpoint: save_freq must be 'epoch' or a positive int, got {save_freq!r}."
            )
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._batches_seen = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen % self.save_freq == 0:
            self._save(self._current_epoch, logs or {}, batch)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, logs or {})

    def _path(self, epoch: int, logs: dict, batch: int | None) -> str:
        values = {k: float(np.asarray(v)) for k, v in logs.items() if np.ndim(v) == 0}
        try:
            if batch is None:
                return self.filepath.format(epoch=epoch + 1, **values)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **values)
        except KeyError as e:
            raise KeyError(
                f"ModelCheckpoint: failed to format filepath {self.filepath!r}: key {e} is not "
                f"in the logs ({sorted(logs)})."
            ) from None

    def _save(self, epoch: int, logs: dict, batch: int | None = None) -> None:
        path = self._path(epoch, logs, batch)
        if self.save_best_only:
            if self.monitor not in logs:
                _missing_monitor("ModelCheckpoint", self.monitor, logs)
                return
            current = float(logs[self.monitor])
            better = self.best is None or (
                current > self.best if self.mode == "max" else current < self.best
            )
            if not better:
                if self.verbose > 0:
                    print(
                        f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}"
                    )
                return
            if self.verbose > 0:
                previous = "inf" if self.best is None else f"{self.best:.5f}"
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {previous} to "
                    f"{current:.5f}, saving model to {path}"
                )
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        save = getattr(self.model, "save", None)
        if self.save_weights_only or save is None:
            self.model.save_weights(path, overwrite=True)
        else:
            save(path, overwrite=True)


def _set_learning_rate(model: Any, value: float) -> None:
    model.optimizer.learning_rate = float(value)


def _learning_rate(model: Any) -> float:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError("This callback needs a compiled model whose optimizer has learning_rate.")
    return float(np.asarray(optimizer.learning_rate))


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch to `schedule(epoch, lr)`.

    Example:
        >>> cb = tf.keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        lr = _learning_rate(self.model)
        try:
            new_lr = self.schedule(epoch, lr)
        except TypeError:  # the older single-argument form
            new_lr = self.schedule(epoch)
        new_lr = float(np.asarray(new_lr))
        if not np.isfinite(new_lr):
            raise ValueError(
                f"LearningRateScheduler: the schedule returned {new_lr!r} for epoch {epoch}."
            )
        _set_learning_rate(self.model, new_lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new_lr}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = _learning_rate(self.model)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` when `monitor` stops improving.

    Example:
        >>> cb = tf.keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0, got {factor}.")
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = _monitor_mode(monitor, mode, "ReduceLROnPlateau")
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self) -> None:
        self.best = -np.inf if self.mode == "max" else np.inf
        self.wait = 0
        self.cooldown_counter = 0

    def _improved(self, current: float) -> bool:
        if self.mode == "max":
            return current > self.best + self.min_delta
        return current < self.best - self.min_delta

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _learning_rate(self.model)
        if self.monitor not in logs:
            _missing_monitor("Learning rate reduction", self.monitor, logs)
            return
        current = float(logs[self.monitor])
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _learning_rate(self.model)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    _set_learning_rate(self.model, new_lr)
                    if self.verbose > 0:
                        print(
                            f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                            f"to {new_lr}."
                        )
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class BackupAndRestore(Callback):
    """Backs up the model, optimizer and epoch after each epoch; a rerun of `fit` resumes.

    If training is interrupted, calling `fit` again with the same callback restores the last
    backup (weights, optimizer slots and iterations) and continues from the next epoch. The
    backup is deleted when training finishes.

    Example:
        >>> callback = tf.keras.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
    """

    def __init__(
        self, backup_dir: str, save_freq: Any = "epoch", delete_checkpoint: bool = True
    ) -> None:
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(
                f'BackupAndRestore: only save_freq="epoch" is supported, got {save_freq!r}.'
            )
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir must be a non-empty path.")
        self.backup_dir = os.fspath(backup_dir)
        self.delete_checkpoint = delete_checkpoint
        self._manager: Any = None
        self._epoch: Any = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        import eagerflow as tf  # noqa: PLC0415  (checkpoints live in eagerflow.train)

        self._epoch = tf.Variable(np.int64(0), trainable=False, name="backup_epoch")
        checkpoint = tf.train.Checkpoint(
            model=self.model, optimizer=self.model.optimizer, epoch=self._epoch
        )
        self._manager = tf.train.CheckpointManager(checkpoint, self.backup_dir, max_to_keep=1)
        latest = self._manager.latest_checkpoint
        if latest:
            checkpoint.restore(latest)
            self.model._resume_epoch = int(self._epoch.numpy())

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch.assign(np.int64(epoch + 1))
        self._manager.save()

    def on_train_end(self, logs: dict | None = None) -> None:
        # Only reached when fit finishes: an interrupted run leaves the backup in place.
        if self.delete_checkpoint:
            shutil.rmtree(self.backup_dir, ignore_errors=True)
