"""`tf.keras.callbacks.TensorBoard`: losses and metrics of `fit` as TensorBoard summaries.

Training values go to `<log_dir>/train`, validation values (the `val_` logs) to
`<log_dir>/validation`, through `tf.summary` writers:

- every epoch: `epoch_<name>` at step = epoch (`epoch_loss`, `epoch_accuracy`, ...);
- with `update_freq="batch"` or an int n: `batch_<name>` every n training batches, at step =
  the number of batches trained so far (the optimizer's `iterations`, so a second `fit`
  continues the curve);
- with `histogram_freq=k`: a histogram of every weight every k epochs (tag = the weight's
  name with `:` replaced by `_`).
"""

from __future__ import annotations

import os
from typing import Any

from eagerflow.keras.callbacks import Callback
from eagerflow.summary import summary_ops, writer


class TensorBoard(Callback):
    """Writes per-epoch (and optionally per-batch) losses and metrics for TensorBoard.

    Example:
        >>> tensorboard = tf.keras.callbacks.TensorBoard(log_dir="./logs", update_freq="batch")
        >>> model.fit(x, y, epochs=2, callbacks=[tensorboard])   # then: tensorboard --logdir logs
    """

    def __init__(
        self,
        log_dir: str = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: int = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq <= 0):
            raise ValueError(
                "TensorBoard: update_freq must be 'epoch', 'batch' or a positive int, got "
                f"{update_freq!r}."
            )
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(
                f"TensorBoard: histogram_freq must be a non-negative int, got {histogram_freq!r}."
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.update_freq = update_freq
        self._writers: dict[str, writer.SummaryWriter] = {}
        self._train_step = 0

    def _writer(self, name: str) -> writer.SummaryWriter:
        if name not in self._writers:
            self._writers[name] = writer.create_file_writer(os.path.join(self.log_dir, name))
        return self._writers[name]

    def _write(self, run: str, values: dict[str, Any], step: int) -> None:
        target = self._writer(run)
        for tag, value in values.items():
            target.write_summary(summary_ops.scalar_summary(tag, value), step)

    # -- hooks ------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        # Batch steps continue across `fit` calls, counted by the optimizer as in Keras.
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        self._train_step = 0 if iterations is None else int(iterations)
        self._writer("train")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._train_step += 1
        if self.update_freq == "epoch" or self._train_step % self.update_freq:
            return
        values = {f"batch_{k}": v for k, v in (logs or {}).items() if _is_number(v)}
        self._write("train", values, self._train_step)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        train, validation = {}, {}
        for key, value in (logs or {}).items():
            if not _is_number(value):
                continue
            if key.startswith("val_"):
                validation[f"epoch_{key[len('val_') :]}"] = value
            else:
                train[f"epoch_{key}"] = value
        self._write("train", train, epoch)
        if validation:
            self._write("validation", validation, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        for target in self._writers.values():
            target.flush()

    def _write_histograms(self, epoch: int) -> None:
        target = self._writer("train")
        for weight in getattr(self.model, "weights", ()) or ():
            tag = weight.name.replace(":", "_")
            target.write_summary(summary_ops.histogram_summary(tag, weight), epoch)

    def on_train_end(self, logs: dict | None = None) -> None:
        for target in self._writers.values():
            target.close()
        self._writers.clear()


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
