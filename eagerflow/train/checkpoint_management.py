"""The `checkpoint` state file, `tf.train.latest_checkpoint` and `tf.train.CheckpointManager`.

The state file has TensorFlow's text form, one field per line, paths relative to the
directory when they are inside it:

    model_checkpoint_path: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-2"
    all_model_checkpoint_paths: "ckpt-3"
    all_model_checkpoint_timestamps: 1764219000.25
    all_model_checkpoint_timestamps: 1764219060.5
    last_preserved_timestamp: 1764218990.0

It is replaced atomically (fsync'ed only when the save asks, as the checkpoint file) and only
after the checkpoint it names is complete.

`CheckpointManager` deletes the checkpoints beyond `max_to_keep` only once the new one is on
disk: without that, a power loss could leave none readable (see `_retire_when_durable`).
"""

from __future__ import annotations

import functools
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from eagerflow.train import checkpoint_format, checkpoint_options
from eagerflow.train.background_job import BackgroundJob

STATE_FILE = "checkpoint"


def _now() -> float:
    """The clock for checkpoint timestamps (a function, so tests can move it)."""
    return time.time()


@dataclass
class CheckpointState:
    """The contents of a `checkpoint` state file (absolute or directory-relative paths)."""

    model_checkpoint_path: str = ""
    all_model_checkpoint_paths: list[str] = field(default_factory=list)
    all_model_checkpoint_timestamps: list[float] = field(default_factory=list)
    last_preserved_timestamp: float = 0.0


def _relative(directory: str, path: str) -> str:
    if os.path.isabs(path) != os.path.isabs(directory):
        return path
    relative = os.path.relpath(path, directory or ".")
    return path if relative.startswith("..") else relative


def _quote(text: str) -> str:
    return json.dumps(text)


def update_checkpoint_state(
    save_dir: str,
    model_checkpoint_path: str,
    all_model_checkpoint_paths: list[str] | None = None,
    all_model_checkpoint_timestamps: list[float] | None = None,
    last_preserved_timestamp: float | None = None,
    *,
    sync_to_disk: bool | None = None,
) -> None:
    """Atomically rewrites `<save_dir>/checkpoint` to name `model_checkpoint_path` as latest.

    `sync_to_disk` (eagerflow extension) as `CheckpointOptions.experimental_sync_to_disk`:
    True fsyncs the file and the directory, None takes the process default.
    """
    paths = list(all_model_checkpoint_paths or [model_checkpoint_path])
    if model_checkpoint_path not in paths:
        paths.append(model_checkpoint_path)
    lines = [f"model_checkpoint_path: {_quote(_relative(save_dir, model_checkpoint_path))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(_relative(save_dir, p))}" for p in paths]
    stamps = all_model_checkpoint_timestamps
    if stamps is None:
        stamps = [_now()] * len(paths)
    lines += [f"all_model_checkpoint_timestamps: {stamp!r}" for stamp in stamps]
    if last_preserved_timestamp is not None:
        lines.append(f"last_preserved_timestamp: {last_preserved_timestamp!r}")
    path = os.path.join(save_dir, STATE_FILE)
    checkpoint_format.atomic_write_text(path, "\n".join(lines) + "\n", sync_to_disk)


def get_checkpoint_state(checkpoint_dir: str, latest_filename: str | None = None) -> Any:
    """Parses `<checkpoint_dir>/checkpoint`; paths come back joined with the directory.

    Returns None when there is no state file.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILE)
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        return None
    state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"latest_checkpoint: {path}:{number}: cannot parse {line!r}.")
        value = value.strip()
        if key == "model_checkpoint_path":
            state.model_checkpoint_path = _absolute(checkpoint_dir, json.loads(value))
        elif key == "all_model_checkpoint_paths":
            state.all_model_checkpoint_paths.append(_absolute(checkpoint_dir, json.loads(value)))
        elif key == "all_model_checkpoint_timestamps":
            state.all_model_checkpoint_timestamps.append(float(value))
        elif key == "last_preserved_timestamp":
            state.last_preserved_timestamp = float(value)
    return state


def _absolute(directory: str, path: str) -> str:
    return path if os.path.isabs(path) else os.path.join(directory, path)


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """The prefix of the newest complete checkpoint in `checkpoint_dir`, or None.

    Example:
        >>> checkpoint.restore(tf.train.latest_checkpoint("./ckpt/"))
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    if checkpoint_format.exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    return checkpoint_format.exists(checkpoint_prefix)


def remove_checkpoint(checkpoint_prefix: str) -> None:
    """Deletes the files of checkpoint `checkpoint_prefix`, `.ckpt` or version-1 `.npz`
    (no error if already gone)."""
    for name in checkpoint_format.checkpoint_files(checkpoint_prefix):
        try:
            os.remove(name)
        except FileNotFoundError:
            pass


def _retire_when_durable(new_prefix: str, directory: str, expired: list[str]) -> None:
    """Deletes the `expired` checkpoints once checkpoint `new_prefix` is on disk.

    Saves are not fsync'ed (as TensorFlow's), so the new file's data may reach the disk up to
    ~30 s after the deletion of the old one is committed (ext4 commits metadata every 5 s and
    allocates delayed data later): a power loss in between would leave no readable
    checkpoint with `max_to_keep=1`. Syncing the new file and the directory first keeps that
    order; the manager runs this in a `BackgroundJob`, so the save does not wait for the disk.
    """
    for name in checkpoint_format.checkpoint_files(new_prefix):
        checkpoint_format.fsync_file(name)
    checkpoint_format.fsync_directory(directory)
    for old in expired:
        remove_checkpoint(old)


class CheckpointManager:
    """Numbered saves of one `Checkpoint` in a directory, keeping the newest `max_to_keep`.

    Example:
        >>> manager = tf.train.CheckpointManager(checkpoint, "/tmp/run", max_to_keep=3)
        >>> manager.save()                    # '/tmp/run/ckpt-1'
        >>> checkpoint.restore(manager.latest_checkpoint)
    """

    def __init__(
        self,
        checkpoint: Any,
        directory: str,
        max_to_keep: int | None,
        keep_checkpoint_every_n_hours: float | None = None,
        checkpoint_name: str = "ckpt",
        step_counter: Any = None,
        checkpoint_interval: int | None = None,
        init_fn: Any = None,
    ) -> None:
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(
                f"CheckpointManager: max_to_keep must be a positive integer or None, "
                f"got {max_to_keep!r}."
            )
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("CheckpointManager: `checkpoint_interval` needs a `step_counter`.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every_n_hours = keep_checkpoint_every_n_hours
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_checkpoint_step: int | None = None
        self._maybe_delete: dict[str, float] = {}
        # (checkpoints being deleted, the job deleting them once the newer one is on disk)
        self._retirements: list[tuple[list[str], BackgroundJob]] = []
        checkpoint_format.remove_stale_temporaries(self._directory)
        state = get_checkpoint_state(self._directory)
        now = _now()
        self._last_preserved_timestamp = now
        self._latest: str | None = None
        if state is not None:
            stamps = state.all_model_checkpoint_timestamps
            if len(stamps) != len(state.all_model_checkpoint_paths):
                stamps = [now] * len(state.all_model_checkpoint_paths)
            for path, stamp in zip(state.all_model_checkpoint_paths, stamps):
                if checkpoint_format.exists(path):
                    self._maybe_delete[path] = min(stamp, now)
            if state.last_preserved_timestamp:
                self._last_preserved_timestamp = state.last_preserved_timestamp
            if checkpoint_format.exists(state.model_checkpoint_path):
                self._latest = state.model_checkpoint_path

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint(self) -> Any:
        return self._checkpoint

    @property
    def latest_checkpoint(self) -> str | None:
        """The prefix of the newest checkpoint this manager saved or found, or None."""
        return self._latest

    @property
    def checkpoints(self) -> list[str]:
        """The kept checkpoints it may still delete, oldest first."""
        return list(self._maybe_delete)

    @property
    def checkpoint_interval(self) -> int | None:
        return self._checkpoint_interval

    def restore_or_initialize(self) -> str | None:
        """Restores the latest checkpoint, or runs `init_fn`; returns the path restored."""
        if self._latest is not None:
            self._checkpoint.restore(self._latest)
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None

    def save(
        self, checkpoint_number: Any = None, check_interval: bool = True, options: Any = None
    ) -> str | None:
        """Saves `<directory>/<checkpoint_name>-<n>`, drops the oldest beyond `max_to_keep`.

        `n` is `checkpoint_number` when given, else the checkpoint's incremented save
        counter. Returns the new prefix (None when `checkpoint_interval` says not yet). With
        `options=tf.train.CheckpointOptions(enable_async=True)` the file, the state file and
        the deletions are done in the background (`checkpoint.sync()` waits).
        """
        if self._checkpoint_interval is not None and check_interval:
            step = int(self._step_counter)
            last = self._last_checkpoint_step
            if last is not None and step < last + self._checkpoint_interval:
                return None
            self._last_checkpoint_step = step
        counter = getattr(self._checkpoint, "save_counter", None)
        if counter is not None:
            counter.assign_add(1)
        if checkpoint_number is None:
            if counter is None:
                raise ValueError("CheckpointManager.save: give `checkpoint_number`.")
            checkpoint_number = int(counter.numpy())
        path = f"{self._prefix}-{int(checkpoint_number)}"
        for expiring, job in list(self._retirements):
            if path in expiring:  # a number used again: delete the old file first
                job.wait()
        self._maybe_delete.pop(path, None)
        self._maybe_delete[path] = _now()
        self._latest = path
        expired = self._sweep()
        kept = list(self._maybe_delete)
        stamps = list(self._maybe_delete.values())
        preserved = self._last_preserved_timestamp
        sync = checkpoint_options.sync_to_disk(options)

        def finish() -> None:
            # The state file moves on before old files go: a crash in between leaves stray
            # files, never a state file that names a deleted checkpoint.
            update_checkpoint_state(
                self._directory, path, kept, stamps, preserved, sync_to_disk=sync
            )
            if sync or not expired:
                for old in expired:
                    remove_checkpoint(old)
            else:
                # Only here (saves finish one at a time) is the list changed, but by sync().
                self._retirements = [(e, job) for e, job in self._retirements if job.running()]
                retire = functools.partial(_retire_when_durable, path, self._directory, expired)
                job = BackgroundJob("checkpoint retirement", retire).start()
                self._retirements.append((expired, job))

        write = getattr(self._checkpoint, "_write", None)
        if write is not None:
            write(path, options, then=finish)
        else:
            self._checkpoint.write(path)
            finish()
        return path

    def sync(self) -> None:
        """Waits for an asynchronous save and for the deletion of superseded checkpoints."""
        sync = getattr(self._checkpoint, "sync", None)
        if sync is not None:
            sync()
        retirements, self._retirements = self._retirements, []
        for _, job in retirements:
            job.wait()

    def _sweep(self) -> list[str]:
        """The oldest checkpoints beyond `max_to_keep` (sparing one per n hours), to delete."""
        expired: list[str] = []
        if self._max_to_keep is None:
            return expired
        while len(self._maybe_delete) > self._max_to_keep:
            path = next(iter(self._maybe_delete))
            stamp = self._maybe_delete.pop(path)
            hours = self._keep_every_n_hours
            if hours and stamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = stamp
                continue
            expired.append(path)
        return expired


def load_checkpoint(ckpt_dir_or_file: str) -> checkpoint_format.CheckpointReader:
    """A reader for a checkpoint prefix, or for the latest checkpoint of a directory."""
    if os.path.isdir(ckpt_dir_or_file):
        latest = latest_checkpoint(ckpt_dir_or_file)
        if latest is None:
            raise ValueError(f"load_checkpoint: no checkpoint found in {ckpt_dir_or_file!r}.")
        ckpt_dir_or_file = latest
    return checkpoint_format.CheckpointReader(ckpt_dir_or_file)


def list_variables(ckpt_dir_or_file: str) -> list[tuple[str, list[int]]]:
    """`[(key, shape), ...]` of the tensors in a checkpoint, sorted by key."""
    reader = load_checkpoint(ckpt_dir_or_file)
    try:
        nodes = reader.metadata["nodes"]
        return sorted((n["tensor"], list(n["shape"])) for n in nodes if "tensor" in n)
    finally:
        reader.close()
