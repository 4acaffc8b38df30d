"""`tf.train.Checkpoint`: object-based saving and restoring of variables.

Example:
    >>> x = tf.Variable(10.0)
    >>> checkpoint = tf.train.Checkpoint(x=x)
    >>> x.assign(2.0)
    >>> path = checkpoint.save("./ckpt/")        # './ckpt/-1'
    >>> x.assign(11.0)
    >>> checkpoint.restore(tf.train.latest_checkpoint("./ckpt/"))
    >>> x.numpy()
    2.0
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import numpy as np

from eagerflow.core import backend
from eagerflow.core.variable import Variable
from eagerflow.train import (
    checkpoint_format,
    checkpoint_management,
    checkpoint_options,
    keras_trackable,
    restore,
)
from eagerflow.train.background_job import BackgroundJob
from eagerflow.train.trackable import Node, build_graph, may_hold_state, path_text

_ = keras_trackable  # imported for its rules: Keras models and optimizers get TF edge names


def _captured_value(variable: Variable) -> Any:
    """The variable's array of this moment: a host array, or a device array (copied later)."""
    value = variable._value
    if type(value) is not np.ndarray:
        return value  # device memory: copied to the host while the file is written
    return _fixed_width_strings(value, variable) if value.dtype.hasobject else value


def _host_arrays(values: list[tuple[str, Any]]) -> Iterator[tuple[str, np.ndarray]]:
    """`(key, host array)` pairs, copying device arrays one at a time as the file asks."""
    for key, value in values:
        yield key, backend.to_device(value, backend.CPU)


def _fixed_width_strings(array: np.ndarray, variable: Variable) -> np.ndarray:
    """String variables (object arrays) as NumPy `U` (all str) or `S` (bytes) arrays."""
    items = array.ravel().tolist()
    if all(isinstance(item, str) for item in items):
        return np.array(items, dtype=str).reshape(array.shape)
    if all(isinstance(item, (bytes, str)) for item in items):
        encoded = [item.encode("utf-8") if isinstance(item, str) else item for item in items]
        return np.array(encoded, dtype=bytes).reshape(array.shape)
    raise TypeError(
        f"Checkpoint: variable {variable.name!r} holds Python objects other than strings, "
        "which cannot be saved without pickle."
    )


def _metadata(nodes: list[Node]) -> dict:
    entries = []
    for node in nodes:
        entry: dict[str, Any] = {"path": path_text(node.path), "class": type(node.obj).__name__}
        if node.is_variable:
            entry["tensor"] = "/".join(node.path)
            entry["dtype"] = node.obj.dtype.name
            entry["shape"] = list(node.obj._value.shape)
            entry["trainable"] = bool(node.obj.trainable)
        else:
            entry["children"] = [{"name": name, "node": child} for name, child in node.children]
        if node.slots:
            entry["slot_variables"] = [
                {"original_variable_node": var, "slot_name": slot, "slot_variable_node": sv}
                for var, slot, sv in node.slots
            ]
        entries.append(entry)
    return {
        "format": checkpoint_format.FORMAT_NAME,
        "version": checkpoint_format.FORMAT_VERSION,
        "nodes": entries,
    }


def capture_object_graph(root: Any) -> tuple[dict, list[tuple[str, Any]]]:
    """The metadata and `(key, array)` pairs of every variable reachable from `root`.

    The arrays are the variables' current ones (device arrays stay on their device until
    written): later assignments replace a variable's array instead of writing into it, so
    they stay valid.
    """
    nodes = build_graph(root)
    for node in nodes:
        if node.is_variable and not node.path:
            raise ValueError("Checkpoint: the root of a checkpoint cannot be a variable.")
    values = [("/".join(n.path), _captured_value(n.obj)) for n in nodes if n.is_variable]
    return _metadata(nodes), values


def write_captured(path: str, metadata: dict, values: list, sync: bool | None = None) -> None:
    """Writes what `capture_object_graph` returned to checkpoint `path`."""
    checkpoint_format.write_file(path, metadata, _host_arrays(values), sync)


def save_object_graph(root: Any, prefix: str, options: Any = None) -> str:
    """Writes every variable reachable from `root` to checkpoint `prefix`; returns `prefix`."""
    metadata, values = capture_object_graph(root)
    write_captured(prefix, metadata, values, checkpoint_options.sync_to_disk(options))
    return os.fspath(prefix)


def restore_object_graph(root: Any, save_path: str | None) -> Any:
    """Restores checkpoint `save_path` into the objects reachable from `root`."""
    if save_path is None:
        return restore.InitializationOnlyStatus()
    return restore.CheckpointLoadStatus(root, os.fspath(save_path))


class Checkpoint:
    """Groups trackable objects (variables, layers, models, optimizers, ...) for saving.

    Each keyword argument is a named edge from the checkpoint to an object; values are found
    again by their path from here (`model/layer_with_weights-0/kernel`), so they can be
    restored into freshly built objects, even before their variables exist (deferred
    restoration).

    Example:
        >>> root = tf.train.Checkpoint(optimizer=optimizer, model=model)
        >>> save_path = root.save("/tmp/training/ckpt")      # '/tmp/training/ckpt-1'
        >>> root.restore(save_path).assert_consumed()
    """

    def __init__(self, root: Any = None, **kwargs: Any) -> None:
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_children", {})
        object.__setattr__(self, "_writing", None)  # the async write in flight, if any
        if root is not None:
            kwargs = {"root": root, **kwargs}
        for name, value in sorted(kwargs.items()):
            if not may_hold_state(value):
                raise ValueError(
                    f"Checkpoint: `Checkpoint` was expecting a trackable object (an object "
                    f"derived from Variable, Module, Layer, optimizer, or a container of "
                    f"them) for {name!r}, got {value!r}."
                )
            self._children[name] = value

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_") and may_hold_state(value):
            self._children[name] = value
            restore.object_attached(self, name, value)

    def __getattr__(self, name: str) -> Any:
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"'Checkpoint' object has no attribute {name!r}")

    def _trackable_children(self) -> dict[str, Any]:
        children = dict(self._children)
        if self._save_counter is not None:
            children["save_counter"] = self._save_counter
        return children

    @property
    def save_counter(self) -> Variable:
        """How many times `save()` has run (an int64 variable, saved with the checkpoint)."""
        if self._save_counter is None:
            counter = Variable(np.int64(0), trainable=False, name="save_counter")
            object.__setattr__(self, "_save_counter", counter)
        return self._save_counter

    def write(self, file_prefix: str, options: Any = None) -> str:
        """Writes a checkpoint at exactly `file_prefix` (no numbering, no state file)."""
        return self._write(os.fspath(file_prefix), options, then=None)

    def save(self, file_prefix: str, options: Any = None) -> str:
        """Saves a numbered checkpoint `<file_prefix>-<save_counter>`; returns its path.

        Also records it as the latest in the `checkpoint` state file of its directory, once
        the file is complete.
        """
        counter = self.save_counter
        counter.assign_add(np.int64(1))
        path = f"{os.fspath(file_prefix)}-{int(counter.numpy())}"
        sync = checkpoint_options.sync_to_disk(options)

        def record() -> None:
            checkpoint_management.update_checkpoint_state(
                os.path.dirname(path), path, [path], sync_to_disk=sync
            )

        return self._write(path, options, then=record)

    def _write(self, path: str, options: Any, then: Callable[[], None] | None) -> str:
        self.sync()
        metadata, values = capture_object_graph(self)
        sync = checkpoint_options.sync_to_disk(options)
        if not getattr(options, "enable_async", False):
            write_captured(path, metadata, values, sync)
            if then is not None:
                then()
            return path
        # Device arrays come to the host now: holding them until the write ends would keep
        # a second copy of every variable in device memory while training goes on.
        host_values = list(_host_arrays(values))

        def write_then_record() -> None:
            write_captured(path, metadata, host_values, sync)
            if then is not None:
                then()

        job = BackgroundJob(f"checkpoint {path}", write_then_record)
        object.__setattr__(self, "_writing", job)
        job.start()
        return path

    def sync(self) -> None:
        """Waits for an asynchronous save to finish; re-raises its error, if any."""
        job = self._writing
        if job is not None:
            object.__setattr__(self, "_writing", None)
            job.wait()

    def read(self, save_path: str | None, options: Any = None) -> Any:
        """Restores a checkpoint written by `write` or `save`; returns the load status."""
        self.sync()
        return restore_object_graph(self, save_path)

    def restore(self, save_path: str | None, options: Any = None) -> Any:
        """Restores `save_path` (e.g. `tf.train.latest_checkpoint(dir)`); returns the status.

        Variables that do not exist yet get their values when they are created. With
        `save_path=None` nothing happens (variables keep their initializers).
        """
        self.sync()
        if save_path is not None and self._save_counter is None:
            reader = checkpoint_format.CheckpointReader(save_path)
            names = [edge["name"] for edge in reader.metadata["nodes"][0].get("children", ())]
            reader.close()
            if "save_counter" in names:
                self.save_counter  # noqa: B018 - created so the saved count comes back
        return self.read(save_path, options)
