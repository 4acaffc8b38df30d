"""`tf.keras.callbacks`: hooks into `fit`, `evaluate` and `predict`.

This module holds the base class, the list that dispatches to callbacks, and the logging
callbacks (`History`, `ProgbarLogger`, `CSVLogger`, `LambdaCallback`, `TerminateOnNaN`); the
ones that steer training (`EarlyStopping`, `ModelCheckpoint`, `LearningRateScheduler`,
`ReduceLROnPlateau`) live in callbacks_training.py and are re-exported here.
"""

from __future__ import annotations

import collections
import csv
import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.keras.engine.training_progbar import Progbar


class Callback:
    """Base class: override the `on_*` hooks you need. `self.model` is the model trained.

    Example:
        >>> class Count(tf.keras.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print("epoch", epoch, "loss", logs["loss"])
    """

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None: ...
    def on_test_begin(self, logs: dict | None = None) -> None: ...
    def on_test_end(self, logs: dict | None = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_begin(self, logs: dict | None = None) -> None: ...
    def on_predict_end(self, logs: dict | None = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    # TF 1 / Keras 2 names of the training batch hooks.
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_begin(batch, logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_end(batch, logs)


_HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


class CallbackList(Callback):
    """Calls each hook on every callback in order, adding `History`/`ProgbarLogger` if asked."""

    def __init__(
        self,
        callbacks: Any = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"callbacks must be tf.keras.callbacks.Callback instances, got {cb!r}."
                )
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.insert(0, ProgbarLogger())
        if add_history and not any(isinstance(cb, History) for cb in self.callbacks):
            self.callbacks.append(History())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def _dispatch(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def __iter__(self) -> Any:
        return iter(self.callbacks)


def _make_hook(name: str) -> Callable:
    def hook(self: CallbackList, *args: Any) -> None:
        self._dispatch(name, *args)

    hook.__name__ = name
    return hook


for _name in _HOOKS:
    setattr(CallbackList, _name, _make_hook(_name))


class History(Callback):
    """Records the logs of every epoch: `history.history["loss"]` is the list of epoch losses.

    `fit` adds it automatically and returns it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


class _Everything:
    def __contains__(self, item: Any) -> bool:
        return True


class ProgbarLogger(Callback):
    """Prints `Epoch i/N` and a progress bar with the metrics (added by `fit(verbose=1)`)."""

    def __init__(self, count_mode: str = "steps", stateful_metrics: Any = None) -> None:
        super().__init__()
        if count_mode != "steps":
            raise ValueError(
                f'ProgbarLogger: only count_mode="steps" is supported, got {count_mode!r}.'
            )
        self.progbar: Progbar | None = None
        self._seen = 0
        self._training = False
        self._target: int | None = None

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self._target = params.get("steps")

    def _new_bar(self, target: int | None) -> None:
        # fit's logs are running results already (metric objects), so none is re-averaged.
        self.progbar = Progbar(target, verbose=self.verbose, stateful_metrics=_Everything())
        self._seen = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self._training = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.epochs}")
        self._new_bar(self._target)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._seen = batch + 1
        if self.progbar is not None:
            self.progbar.update(self._seen, logs, finalize=False)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self._target is None:
            self._target = self._seen  # known from the second epoch on
        if self.progbar is not None:
            self.progbar.target = self.progbar.target or self._seen
            self.progbar.update(self._seen, logs, finalize=True)

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._training:
            self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._training and self.progbar is not None:
            self._seen = batch + 1
            self.progbar.update(self._seen, logs, finalize=False)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self._training and self.progbar is not None:
            self.progbar.target = self.progbar.target or self._seen
            self.progbar.update(self._seen, logs, finalize=True)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._seen = batch + 1
        if self.progbar is not None:
            self.progbar.update(self._seen, None, finalize=False)

    def on_predict_end(self, logs: dict | None = None) -> None:
        if self.progbar is not None:
            self.progbar.target = self.progbar.target or self._seen
            self.progbar.update(self._seen, None, finalize=True)


class LambdaCallback(Callback):
    """A callback from plain functions: `LambdaCallback(on_epoch_end=lambda epoch, logs: ...)`.

    Example:
        >>> cb = tf.keras.callbacks.LambdaCallback(on_train_end=lambda logs: print("done"))
    """

    def __init__(self, **hooks: Callable) -> None:
        super().__init__()
        allowed = set(_HOOKS) | {"on_batch_begin", "on_batch_end"}
        for name, fn in hooks.items():
            if name not in allowed:
                raise ValueError(
                    f"LambdaCallback: unknown hook {name!r}; known are {sorted(allowed)}."
                )
            target = {
                "on_batch_begin": "on_train_batch_begin",
                "on_batch_end": "on_train_batch_end",
            }
            setattr(self, target.get(name, name), fn)


class CSVLogger(Callback):
    """Writes one CSV row of logs per epoch (`epoch,loss,...`) to `filename`.

    Example:
        >>> logger = tf.keras.callbacks.CSVLogger("training.log")
    """

    def __init__(self, filename: str, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self._file: Any = None
        self._writer: Any = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        has_header = self.append and os.path.exists(self.filename)
        if has_header:
            with open(self.filename) as f:
                has_header = bool(f.readline().strip())
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self._has_header = has_header
        self.keys = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = dict(logs or {})
        if self.keys is None:
            self.keys = sorted(logs)
            self._writer = csv.DictWriter(
                self._file, fieldnames=["epoch"] + self.keys, delimiter=self.sep
            )
            if not self._has_header:
                self._writer.writeheader()
        row = collections.OrderedDict({"epoch": epoch})
        for key in self.keys:
            value = logs.get(key, "NA")
            row[key] = value if isinstance(value, str) else _plain(value)
        self._writer.writerow(row)
        self._file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class TerminateOnNaN(Callback):
    """Stops training when the batch loss becomes NaN or infinite."""

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


def _plain(value: Any) -> Any:
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array.tolist()


from eagerflow.keras.callbacks_training import (  # noqa: E402  (they subclass Callback)
    BackupAndRestore,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
)
from eagerflow.summary.keras_callback import TensorBoard  # noqa: E402  (summary's callback)

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
]
