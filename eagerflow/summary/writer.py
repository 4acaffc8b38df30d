"""Summary writers, the default writer, the default step and the recording conditions.

The state is per thread, as in TensorFlow: `writer.set_as_default()` or `with
writer.as_default():` choose where summaries go, `tf.summary.experimental.set_step` the step
they get, and `tf.summary.record_if` whether they are written at all.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
import weakref
from typing import Any, Callable, Iterator

import numpy as np

from eagerflow.core import errors
from eagerflow.summary import _tensorboard


class _State(threading.local):
    def __init__(self) -> None:
        self.writer: SummaryWriter | None = None
        self.step: Any = None
        self.conditions: list[Any] = []


_STATE = _State()
_OPEN_WRITERS: weakref.WeakSet = weakref.WeakSet()


def _flush_open_writers() -> None:
    for writer in list(_OPEN_WRITERS):
        writer.close()


atexit.register(_flush_open_writers)


def _truth(condition: Any) -> bool:
    if callable(condition):
        condition = condition()
    return bool(np.asarray(condition))


class SummaryWriter:
    """Writes summaries to one TensorBoard event file (`tf.summary.SummaryWriter`).

    Made by `tf.summary.create_file_writer`; summaries go to the default writer.

    Example:
        >>> writer = tf.summary.create_file_writer("/tmp/logs")
        >>> with writer.as_default(step=1):
        ...     tf.summary.scalar("loss", 0.25)
        <tf.Tensor: shape=(), dtype=bool, numpy=True>
    """

    def __init__(
        self, logdir: str, max_queue: int = 10, flush_millis: int = 120_000, suffix: str = ""
    ) -> None:
        writer_module = _tensorboard.require("summary.writer.event_file_writer")
        self._event_pb2 = _tensorboard.require("compat.proto.event_pb2")
        self._logdir = os.fspath(logdir)
        self._writer = writer_module.EventFileWriter(
            self._logdir,
            max_queue_size=max_queue,
            flush_secs=flush_millis / 1000.0,
            filename_suffix=suffix,
        )
        self._closed = False
        self._lock = threading.Lock()
        _OPEN_WRITERS.add(self)

    @property
    def logdir(self) -> str:
        return self._logdir

    @property
    def file_name(self) -> str:
        """The path of the event file being written."""
        return self._writer._general_file_writer.name

    def init(self) -> None:
        """The file is open from creation on; kept for TF1 code."""

    def set_as_default(self, step: Any = None) -> None:
        """Makes this the default writer of the current thread (and sets `step` if given)."""
        _STATE.writer = self
        if step is not None:
            _STATE.step = step

    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator[SummaryWriter]:
        """Default writer (and default `step`, if given) inside the block; flushes at exit."""
        previous_writer, previous_step = _STATE.writer, _STATE.step
        _STATE.writer = self
        if step is not None:
            _STATE.step = step
        try:
            yield self
        finally:
            _STATE.writer = previous_writer
            _STATE.step = previous_step
            if not self._closed:
                self.flush()

    def write_summary(self, summary: Any, step: int) -> None:
        """Appends one `Summary` proto at `step` (an Event with the current wall time)."""
        with self._lock:
            if self._closed:
                raise errors.FailedPreconditionError(
                    None, None, f"SummaryWriter: the writer for {self._logdir!r} is closed."
                )
            event = self._event_pb2.Event(wall_time=time.time(), step=step, summary=summary)
            self._writer.add_event(event)

    def flush(self) -> None:
        """Writes everything queued so far to disk."""
        if not self._closed:
            self._writer.flush()

    def close(self) -> None:
        """Flushes and closes the file; the writer stops being the default."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._writer.close()
        if _STATE.writer is self:
            _STATE.writer = None
        _OPEN_WRITERS.discard(self)

    def __repr__(self) -> str:
        return f"<SummaryWriter logdir={self._logdir!r}{' (closed)' if self._closed else ''}>"


class _NoopWriter:
    """A writer that drops everything (`tf.summary.create_noop_writer`)."""

    def set_as_default(self, step: Any = None) -> None:
        _STATE.writer = None
        if step is not None:
            _STATE.step = step

    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator[_NoopWriter]:
        previous_writer, previous_step = _STATE.writer, _STATE.step
        self.set_as_default(step)
        try:
            yield self
        finally:
            _STATE.writer, _STATE.step = previous_writer, previous_step

    def init(self) -> None:
        """Nothing to open."""

    def flush(self) -> None:
        """Nothing to flush."""

    def close(self) -> None:
        """Nothing to close."""


def create_file_writer(
    logdir: str,
    max_queue: int | None = None,
    flush_millis: int | None = None,
    filename_suffix: str | None = None,
    name: str | None = None,
    experimental_trackable: bool = False,
) -> SummaryWriter:
    """A writer of `events.out.tfevents.<time>.<host>...v2` files in `logdir`.

    Args:
        logdir: the directory (created if missing).
        max_queue: events queued before a write to disk is forced (default 10).
        flush_millis: the longest time between flushes, in milliseconds (default 120000).
        filename_suffix: appended to the event file name (default ".v2").

    Raises:
        ImportError: when the `tensorboard` package is missing (`pip install
            eagerflow[tensorboard]`).

    Example:
        >>> writer = tf.summary.create_file_writer("/tmp/logs")
        >>> with writer.as_default():
        ...     tf.summary.scalar("loss", 0.5, step=1)
        <tf.Tensor: shape=(), dtype=bool, numpy=True>
    """
    if logdir is None:
        raise ValueError("create_file_writer: `logdir` is required, got None.")
    return SummaryWriter(
        logdir,
        max_queue=10 if max_queue is None else int(max_queue),
        flush_millis=120_000 if flush_millis is None else int(flush_millis),
        suffix=".v2" if filename_suffix is None else filename_suffix,
    )


def create_noop_writer() -> _NoopWriter:
    return _NoopWriter()


def default_writer() -> SummaryWriter | None:
    return _STATE.writer


def flush(writer: Any = None, name: str | None = None) -> None:
    """Flushes `writer`, or the default writer."""
    writer = writer if writer is not None else _STATE.writer
    if writer is not None:
        writer.flush()


# -- steps and recording conditions ---------------------------------------------------------
def set_step(step: Any) -> None:
    """Sets the default step for summaries (an int or a variable read at write time)."""
    _STATE.step = step


def get_step() -> Any:
    """The default step, or None."""
    return _STATE.step


def resolve_step(step: Any, function: str) -> Any:
    """`step`, else the default step (an int, tensor or variable); raises if neither is set."""
    if step is None:
        step = _STATE.step
    if step is None:
        raise ValueError(
            f"{function}: no step set. Pass `step=`, use `writer.as_default(step=...)`, or "
            "call `tf.summary.experimental.set_step()` first."
        )
    return step


@contextlib.contextmanager
def record_if(condition: bool | Callable[[], Any] | Any) -> Iterator[None]:
    """Records summaries inside the block only while `condition` holds.

    `condition` is a bool, a boolean tensor, or a callable evaluated at each summary.
    """
    _STATE.conditions.append(condition)
    try:
        yield
    finally:
        _STATE.conditions.pop()


def should_record_summaries(default: bool = True) -> bool:
    """Whether a summary written now would be recorded (a writer and a true condition).

    `default` is the answer with no `record_if` active: True for `tf.summary`, False for
    `tf.contrib.summary`, as in TensorFlow 1.
    """
    return _STATE.writer is not None and recording_condition(default)


def recording_condition(default: bool = True) -> bool:
    """The innermost `record_if` condition, evaluated now (`default` when there is none)."""
    if not _STATE.conditions:
        return default
    return _truth(_STATE.conditions[-1])
