"""`tf.train.CheckpointOptions`: how `Checkpoint.save` / `write` run."""

from __future__ import annotations

from typing import Any


class CheckpointOptions:
    """Options for `Checkpoint.save`, `write`, `restore` and `read`.

    `enable_async=True` (or TensorFlow's older `experimental_enable_async_checkpoint=True`)
    makes `save`/`write` return as soon as the values are captured; the file is written by a
    background thread, and `checkpoint.sync()`, the next save and any restore wait for it.
    Capturing costs no copy: eagerflow never writes a variable's array in place, so the
    arrays of the moment stay valid while training goes on.

    `experimental_sync_to_disk` (an eagerflow extension): saves are atomic (a temporary file
    renamed over the final name) but, as in TensorFlow, not fsync'ed, so a power loss or OS
    crash soon after a save may lose it. `True` fsyncs the file and its directory (and the
    `checkpoint` state file) before the save returns; `None` takes the process default,
    `EAGERFLOW_CHECKPOINT_FSYNC=1` in the environment, else no sync. The other arguments are
    accepted for TensorFlow compatibility and have no effect.

    Example:
        >>> options = tf.train.CheckpointOptions(enable_async=True)
        >>> path = checkpoint.save("/tmp/run/ckpt", options=options)   # returns at once
        >>> checkpoint.sync()                                           # file complete
        >>> durable = tf.train.CheckpointOptions(experimental_sync_to_disk=True)
        >>> path = checkpoint.save("/tmp/run/ckpt", options=durable)   # on disk, synced
    """

    def __init__(
        self,
        experimental_io_device: str | None = None,
        experimental_enable_async_checkpoint: bool = False,
        experimental_write_callbacks: Any = None,
        enable_async: bool = False,
        experimental_skip_slot_variables: bool = False,
        experimental_sharding_callback: Any = None,
        experimental_sync_to_disk: bool | None = None,
    ) -> None:
        self.experimental_io_device = experimental_io_device
        self.enable_async = bool(enable_async or experimental_enable_async_checkpoint)
        self.experimental_enable_async_checkpoint = self.enable_async
        self.experimental_write_callbacks = list(experimental_write_callbacks or ())
        self.experimental_skip_slot_variables = experimental_skip_slot_variables
        self.experimental_sharding_callback = experimental_sharding_callback
        self.experimental_sync_to_disk = (
            None if experimental_sync_to_disk is None else bool(experimental_sync_to_disk)
        )

    def __repr__(self) -> str:
        return (
            f"CheckpointOptions(enable_async={self.enable_async}, "
            f"experimental_sync_to_disk={self.experimental_sync_to_disk})"
        )


def sync_to_disk(options: Any) -> bool | None:
    """Whether a save with `options` fsyncs (None: the process default, see above)."""
    return getattr(options, "experimental_sync_to_disk", None)
