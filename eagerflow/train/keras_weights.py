"""`Model.save_weights` / `Model.load_weights` on the object-based checkpoint machinery.

The model itself is the root of the checkpoint, so keys read `layer_with_weights-0/kernel`
(and `optimizer/...` for a compiled model), as in TensorFlow's own weights format. Loading
into a model that is not built yet is deferred: each weight gets its value when the model
builds it.

Keras calls these from its `Model` methods:

    def save_weights(self, filepath, overwrite=True, save_format=None, options=None):
        return keras_weights.save_weights(self, filepath, overwrite, save_format, options)
"""

from __future__ import annotations

import os
from typing import Any

from eagerflow.train import checkpoint_format, checkpoint_management, checkpoint_options
from eagerflow.train.checkpoint import restore_object_graph, save_object_graph

_HDF5_SUFFIXES = (".h5", ".hdf5", ".keras")


def _check_format(filepath: str, save_format: Any, function: str) -> str:
    path = os.fspath(filepath)
    if path.endswith(_HDF5_SUFFIXES) or save_format in ("h5", "keras"):
        raise ValueError(
            f"{function}: HDF5/.keras files are not supported; got {path!r} "
            f"(save_format={save_format!r}). Use a path without that suffix: weights are "
            "written as an eagerflow checkpoint (<path>.ckpt, see docs/checkpoints.md)."
        )
    if save_format not in (None, "tf", "npz"):
        raise ValueError(f"{function}: unknown save_format {save_format!r}; use 'tf' or None.")
    return path


def save_weights(
    model: Any, filepath: str, overwrite: bool = True, save_format: Any = None, options: Any = None
) -> None:
    """Writes every weight reachable from `model` to checkpoint `<filepath>.ckpt` (atomically).

    Also records `filepath` as the latest checkpoint of its directory, so that
    `tf.train.latest_checkpoint(directory)` finds it.
    """
    path = _check_format(filepath, save_format, "save_weights")
    existing = checkpoint_format.checkpoint_files(path)
    if not overwrite and existing:
        raise FileExistsError(f"save_weights: {existing[0]!r} exists and overwrite=False.")
    save_object_graph(model, path, options)
    checkpoint_management.update_checkpoint_state(
        os.path.dirname(path), path, [path], sync_to_disk=checkpoint_options.sync_to_disk(options)
    )


def load_weights(
    model: Any,
    filepath: str,
    by_name: bool = False,
    skip_mismatch: bool = False,
    options: Any = None,
) -> Any:
    """Restores weights saved by `save_weights`; returns the restore status.

    Weights of layers that are not built yet are restored when they are built.
    """
    path = _check_format(filepath, None, "load_weights")
    if by_name or skip_mismatch:
        raise NotImplementedError(
            "load_weights: by_name and skip_mismatch apply to HDF5 files only; eagerflow "
            "weights are matched by their path in the model."
        )
    return restore_object_graph(model, path)
