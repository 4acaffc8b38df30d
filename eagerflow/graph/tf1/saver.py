"""`tf.compat.v1.train.Saver`: name-based checkpoints of variables, saved through a session.

A Saver checkpoint keys each tensor by its variable's name (`layer1/w`), not by object path
as `tf.train.Checkpoint` does; it uses the same file format (`<prefix>.ckpt`,
`train/checkpoint_format.py`, readable by `tf.train.load_checkpoint` / `list_variables`; older
`.npz` checkpoints are read too) and the same `checkpoint` state file, so
`tf.train.latest_checkpoint` finds it. Durability follows `EAGERFLOW_CHECKPOINT_FSYNC`
(docs/checkpoints.md). In a graph, values are read and restored
through the session: a restore feeds the saved arrays to one assign op per variable, built
once.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.context import state
from eagerflow.core.tensor import Tensor
from eagerflow.graph.tf1.graph import Graph
from eagerflow.graph.tf1.graph_ops import placeholder
from eagerflow.graph.tf1.session import get_default_session
from eagerflow.graph.tf1.variables import global_variables
from eagerflow.train import checkpoint_format, checkpoint_management


def _name(variable: Any) -> str:
    return variable.name.rsplit(":", 1)[0]


class Saver:
    """Saves and restores variables by name (TF1's `tf.train.Saver`).

    Example:
        >>> with tf.Graph().as_default():
        ...     v = tf.Variable(1.0, name="v")
        ...     saver = tf.compat.v1.train.Saver()
        ...     with tf.compat.v1.Session() as sess:
        ...         sess.run(v.initializer)
        ...         path = saver.save(sess, "/tmp/model")
    """

    def __init__(
        self,
        var_list: Any = None,
        reshape: bool = False,
        sharded: bool = False,
        max_to_keep: int | None = 5,
        keep_checkpoint_every_n_hours: float = 10000.0,
        name: str | None = None,
        restore_sequentially: bool = False,
        saver_def: Any = None,
        builder: Any = None,
        defer_build: bool = False,
        allow_empty: bool = False,
        write_version: int = 2,
        pad_step_number: bool = False,
        save_relative_paths: bool = False,
        filename: str | None = None,
    ) -> None:
        graph = state().graph
        self._graph = graph if isinstance(graph, Graph) else None
        if var_list is None:
            if self._graph is None:
                raise RuntimeError(
                    "When eager execution is enabled, `var_list` must specify a list or dict "
                    "of variables to save"
                )
            var_list = global_variables()
        if isinstance(var_list, dict):
            items = sorted(var_list.items(), key=lambda item: item[0])
        else:
            items = sorted(((_name(v), v) for v in var_list), key=lambda item: item[0])
        names = [n for n, _ in items]
        for n in names:
            if names.count(n) > 1:
                raise ValueError(f"At least two variables have the same name: {n}")
        if not items and not allow_empty:
            raise ValueError("No variables to save")
        self._items: list[tuple[str, Any]] = items
        self._max_to_keep = max_to_keep
        self._last: list[str] = []
        self._restore_feeds: list | None = None
        self._restore_op: Any = None

    @property
    def last_checkpoints(self) -> list[str]:
        """The checkpoints this saver wrote and still keeps, oldest first."""
        return list(self._last)

    # -- saving ----------------------------------------------------------------------------------
    def save(
        self,
        sess: Any,
        save_path: str,
        global_step: Any = None,
        latest_filename: str | None = None,
        meta_graph_suffix: str = "meta",
        write_meta_graph: bool = True,
        write_state: bool = True,
        strip_default_attrs: bool = False,
        save_debug_info: bool = False,
    ) -> str:
        """Writes every variable's current value; returns the checkpoint prefix."""
        save_path = os.fspath(save_path)
        if global_step is not None:
            step = global_step
            if not isinstance(step, (int, np.integer)):
                step = self._values(sess, [step])[0] if self._graph else np.asarray(step)
            save_path = f"{save_path}-{int(step)}"
        values = self._values(sess, [v for _, v in self._items])
        entries = [{"path": "(root)", "class": "Saver", "children": []}]
        arrays = []
        for (key, variable), value in zip(self._items, values):
            value = np.asarray(value)
            entries.append(
                {
                    "path": key,
                    "class": "Variable",
                    "tensor": key,
                    "dtype": variable.dtype.name,
                    "shape": list(value.shape),
                    "trainable": bool(variable.trainable),
                }
            )
            arrays.append((key, value))
        metadata = {
            "format": checkpoint_format.FORMAT_NAME,
            "version": checkpoint_format.FORMAT_VERSION,
            "nodes": entries,
        }
        directory = os.path.dirname(os.path.abspath(save_path))
        os.makedirs(directory, exist_ok=True)
        checkpoint_format.write_file(save_path, metadata, arrays)
        if save_path in self._last:
            self._last.remove(save_path)
        self._last.append(save_path)
        if self._max_to_keep:
            while len(self._last) > self._max_to_keep:
                checkpoint_management.remove_checkpoint(self._last.pop(0))
        if write_state:
            checkpoint_management.update_checkpoint_state(directory, save_path, self._last)
        return save_path

    def _values(self, sess: Any, fetches: list) -> list:
        if self._graph is None:
            return [np.array(v) for v in fetches]
        sess = sess or get_default_session()
        if sess is None:
            raise TypeError("Saver.save/restore: a Session is required in graph mode.")
        return sess.run(fetches)

    # -- restoring -------------------------------------------------------------------------------
    def restore(self, sess: Any, save_path: str) -> None:
        """Assigns the saved values to the variables (through `sess` in a graph)."""
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        if not checkpoint_format.exists(save_path):
            raise ValueError(
                f"The passed save_path is not a valid checkpoint: {os.fspath(save_path)}"
            )
        reader = checkpoint_format.CheckpointReader(save_path)
        try:
            values = []
            for key, variable in self._items:
                if not reader.has_tensor(key):
                    raise errors.NotFoundError(
                        None, None, f"Key {key} not found in checkpoint {os.fspath(save_path)}"
                    )
                value = reader.get_tensor(key)
                if not variable.shape.is_compatible_with(value.shape):
                    raise errors.InvalidArgumentError(
                        None,
                        None,
                        f"Saver.restore: {key} has shape {tuple(value.shape)} in the "
                        f"checkpoint but the variable has shape {variable.shape}.",
                    )
                values.append(np.array(value))
        finally:
            reader.close()
        if self._graph is None:
            for (_, variable), value in zip(self._items, values):
                variable.assign(value)
            return
        sess = sess or get_default_session()
        if sess is None:
            raise TypeError("Saver.restore: a Session is required in graph mode.")
        if self._restore_op is None:
            self._build_restore()
        sess.run(self._restore_op, dict(zip(self._restore_feeds, values)))

    def _build_restore(self) -> None:
        graph = self._graph
        feeds, updates = [], []
        with graph.as_default(), graph.control_dependencies(None):
            for _, variable in self._items:
                value = placeholder(variable.dtype, variable.shape)
                read = variable.assign(value)
                feeds.append(value)
                updates.append(read._node if isinstance(read, Tensor) else read)
            self._restore_op = graph.group(updates)
        self._restore_feeds = feeds

    def recover_last_checkpoints(self, checkpoint_paths: list[str]) -> None:
        self._last = [p for p in checkpoint_paths if checkpoint_format.exists(p)]

    def set_last_checkpoints(self, last_checkpoints: list[str]) -> None:
        self._last = list(last_checkpoints)
