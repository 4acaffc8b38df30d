"""`tf.contrib.summary`: the TF1 summary API the Eager Execution guide uses.

Summaries use the global step unless given `step=`, and, as in TensorFlow 1, are recorded
only inside a recording condition:

    global_step = tf.train.get_or_create_global_step()
    writer = tf.contrib.summary.create_file_writer("./tb/")
    writer.set_as_default()
    for _ in range(10):
        global_step.assign_add(1)
        with tf.contrib.summary.record_summaries_every_n_global_steps(100):
            tf.contrib.summary.scalar("global_step", global_step)

The writers and files are those of `tf.summary`.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np

from eagerflow.summary import summary_ops
from eagerflow.summary.writer import (
    SummaryWriter,
    create_file_writer,
    create_noop_writer,
    flush,
    record_if,
)
from eagerflow.summary.writer import should_record_summaries as _should_record
from eagerflow.train import get_global_step, get_or_create_global_step

__all__ = [
    "SummaryWriter",
    "all_summary_ops",
    "always_record_summaries",
    "create_file_writer",
    "create_summary_file_writer",
    "create_noop_writer",
    "eval_dir",
    "flush",
    "generic",
    "histogram",
    "image",
    "initialize",
    "never_record_summaries",
    "record_summaries_every_n_global_steps",
    "scalar",
    "should_record_summaries",
    "summary_writer_initializer_op",
    "text",
]

create_summary_file_writer = create_file_writer


def should_record_summaries() -> bool:
    """Whether summaries are recorded now (never, outside a recording condition)."""
    return _should_record(default=False)


def record_summaries_every_n_global_steps(n: int, global_step: Any = None) -> Any:
    """Records summaries in the block when the global step is a multiple of `n`.

    The step is read at each summary, so the block may also advance it.
    """
    if int(n) <= 0:
        raise ValueError(f"record_summaries_every_n_global_steps: n must be positive, got {n}.")
    step = get_or_create_global_step() if global_step is None else global_step
    return record_if(lambda: int(np.asarray(step)) % int(n) == 0)


def always_record_summaries() -> Any:
    """Records every summary in the block."""
    return record_if(True)


def never_record_summaries() -> Any:
    """Records no summary in the block."""
    return record_if(False)


def _step(step: Any) -> Any:
    if step is not None:
        return step
    global_step = get_global_step()
    return get_or_create_global_step() if global_step is None else global_step


def _tag(name: str, family: str | None) -> str:
    return summary_ops.scoped_tag(f"{family}/{name}" if family else name)


def _write(build: Any, tensor: Any, step: Any, function: str) -> Any:
    return summary_ops.emit(build, tensor, _step(step), function, default=False)


def scalar(name: str, tensor: Any, family: str | None = None, step: Any = None) -> Any:
    """Writes a scalar at `step` (default: the global step) when recording.

    Returns a boolean tensor: whether it was written.

    Example:
        >>> with tf.contrib.summary.always_record_summaries():
        ...     tf.contrib.summary.scalar("loss", 0.5)
        <tf.Tensor: shape=(), dtype=bool, numpy=True>
    """
    build = functools.partial(summary_ops.scalar_summary, _tag(name, family))
    return _write(build, tensor, step, "contrib.summary.scalar")


def histogram(name: str, tensor: Any, family: str | None = None, step: Any = None) -> Any:
    """Writes a histogram of `tensor` at `step` (default: the global step) when recording."""
    build = functools.partial(summary_ops.histogram_summary, _tag(name, family))
    return _write(build, tensor, step, "contrib.summary.histogram")


def image(
    name: str,
    tensor: Any,
    bad_color: Any = None,
    max_images: int = 3,
    family: str | None = None,
    step: Any = None,
) -> Any:
    """Writes up to `max_images` images ([k, h, w, c]) at `step` when recording."""
    tag = _tag(name, family)
    build = functools.partial(summary_ops.image_summary, tag, max_outputs=max_images)
    return _write(build, tensor, step, "contrib.summary.image")


def text(name: str, tensor: Any, family: str | None = None, step: Any = None) -> Any:
    """Writes strings as a text summary at `step` when recording."""
    build = functools.partial(summary_ops.text_summary, _tag(name, family))
    return _write(build, tensor, step, "contrib.summary.text")


def generic(
    name: str, tensor: Any, metadata: Any = None, family: str | None = None, step: Any = None
) -> Any:
    """Writes any tensor with the given SummaryMetadata when recording."""
    build = functools.partial(summary_ops.tensor_summary, _tag(name, family), metadata=metadata)
    return _write(build, tensor, step, "contrib.summary.generic")


def all_summary_ops() -> list:
    """Graph-mode collection of summary ops; empty in eager execution."""
    return []


def summary_writer_initializer_op() -> list:
    """Graph-mode writer initializers; empty in eager execution."""
    return []


def initialize(graph: Any = None, session: Any = None) -> None:
    """Writers are ready at creation in eager execution; kept for TF1 code."""


def eval_dir(model_dir: str, name: str | None = None) -> str:
    """`<model_dir>/eval` or `<model_dir>/eval_<name>`."""
    return os.path.join(model_dir, "eval" if not name else "eval_" + name)
