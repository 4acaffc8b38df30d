"""Reading event files back with TensorBoard's own EventAccumulator."""

from __future__ import annotations

import pytest

pytest.importorskip("tensorboard")

from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def load(logdir) -> event_accumulator.EventAccumulator:
    accumulator = event_accumulator.EventAccumulator(
        str(logdir), size_guidance={event_accumulator.TENSORS: 0}
    )
    accumulator.Reload()
    return accumulator


def values(logdir, tag: str) -> list[tuple[int, object]]:
    """[(step, value as NumPy), ...] for `tag`, in file order."""
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in load(logdir).Tensors(tag)]


def scalars(logdir, tag: str) -> list[tuple[int, float]]:
    return [(step, float(value)) for step, value in values(logdir, tag)]


def plugin_of(logdir, tag: str) -> str:
    return load(logdir).SummaryMetadata(tag).plugin_data.plugin_name
