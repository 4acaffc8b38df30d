"""`tf.summary.scalar`, `histogram`, `image`, `text` and `write` (TensorFlow 2 forms).

Each builds a `Summary` proto with TensorBoard's own helpers (the same plugin metadata and
tensor encoding TensorFlow 2 writes) and hands it to the default writer. Each returns True
when the summary was written and False when no writer is set or recording is off.
"""

from __future__ import annotations

import importlib
import io
from typing import Any

import numpy as np

from eagerflow.core.context import state
from eagerflow.summary import _tensorboard, writer


def value_of(data: Any) -> np.ndarray:
    """A NumPy value for tensors, variables, NumPy/Python values and metrics (`result()`)."""
    result = getattr(data, "result", None)
    if callable(result) and not hasattr(data, "__array__"):
        data = result()
    return np.asarray(data)


def scoped_tag(name: str) -> str:
    """`name` under the current name scopes (`train/loss` inside `name_scope("train")`)."""
    scopes = [scope for scope in state().name_scopes if scope]
    return "/".join(scopes + [name]) if scopes else name


def emit(summary: Any, step: Any, function: str, default: bool = True) -> bool:
    """Writes `summary` to the default writer at `step` (or the default step) if recording."""
    if not writer.should_record_summaries(default):
        return False
    writer.default_writer().write_summary(summary, writer.resolve_step(step, function))
    return True


def _recording(default: bool = True) -> bool:
    return writer.should_record_summaries(default)


def scalar_summary(tag: str, data: Any, description: str | None = None) -> Any:
    value = value_of(data)
    if value.shape != ():
        raise ValueError(
            f"tf.summary.scalar: {tag!r} expects a scalar, got a value of shape {value.shape}."
        )
    if value.dtype.kind not in "biuf":
        raise TypeError(f"tf.summary.scalar: {tag!r} cannot record a {value.dtype} value.")
    return _tensorboard.require("plugins.scalar.summary_v2").scalar_pb(tag, value, description)


def histogram_summary(
    tag: str, data: Any, buckets: int | None = None, description: str | None = None
) -> Any:
    histograms = _tensorboard.require("plugins.histogram.summary_v2")
    value = value_of(data).astype(np.float64)
    return histograms.histogram_pb(tag, value, buckets=buckets, description=description)


def _to_uint8(images: np.ndarray, tag: str) -> np.ndarray:
    if images.dtype == np.uint8:
        return images
    if images.dtype.kind != "f":
        raise TypeError(
            f"tf.summary.image: {tag!r} expects uint8 or float images, got {images.dtype}."
        )
    # tf.image.convert_image_dtype: scale by 255.5 and saturate.
    return np.clip(np.floor(images.astype(np.float64) * 255.5), 0, 255).astype(np.uint8)


def _png(image: np.ndarray) -> bytes:
    try:
        pil = importlib.import_module("PIL.Image")
    except ImportError as exc:
        raise ImportError(
            "tf.summary.image needs Pillow to encode PNG: pip install eagerflow[tensorboard]"
        ) from exc
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[image.shape[-1]]
    pixels = image[..., 0] if image.shape[-1] == 1 else image
    buffer = io.BytesIO()
    pil.fromarray(np.ascontiguousarray(pixels), mode=mode).save(buffer, format="PNG")
    return buffer.getvalue()


def image_summary(tag: str, data: Any, max_outputs: int = 3, description: str | None = None) -> Any:
    images = value_of(data)
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"tf.summary.image: {tag!r} expects [k, h, w, c] images with c in (1, 3, 4), "
            f"got shape {images.shape}."
        )
    images = _to_uint8(images, tag)[: max(int(max_outputs), 0)]
    height, width = images.shape[1:3]
    content = [str(width).encode(), str(height).encode()] + [_png(image) for image in images]
    tensor_util = _tensorboard.require("util.tensor_util")
    metadata = _tensorboard.require("plugins.image.metadata")
    summary_pb2 = _tensorboard.require("compat.proto.summary_pb2")
    summary = summary_pb2.Summary()
    summary.value.add(
        tag=tag,
        metadata=metadata.create_summary_metadata(display_name=None, description=description),
        tensor=tensor_util.make_tensor_proto(content, dtype=np.object_),
    )
    return summary


def text_summary(tag: str, data: Any, description: str | None = None) -> Any:
    value = value_of(data)
    if value.dtype.kind not in "SUO":
        raise TypeError(f"tf.summary.text: {tag!r} expects strings, got {value.dtype}.")
    value = np.vectorize(lambda s: s if isinstance(s, bytes) else str(s).encode("utf-8"))(value)
    texts = _tensorboard.require("plugins.text.summary_v2")
    return texts.text_pb(tag, value.astype(np.object_), description=description)


def scalar(name: str, data: Any, step: Any = None, description: str | None = None) -> bool:
    """Writes a scalar summary (`tf.summary.scalar`).

    Example:
        >>> with writer.as_default():
        ...     tf.summary.scalar("loss", 0.25, step=3)
        True
    """
    if not _recording():
        return False
    return emit(scalar_summary(scoped_tag(name), data, description), step, "tf.summary.scalar")


def histogram(
    name: str, data: Any, step: Any = None, buckets: int | None = None, description: Any = None
) -> bool:
    """Writes a histogram of `data` with `buckets` buckets (default 30)."""
    if not _recording():
        return False
    summary = histogram_summary(scoped_tag(name), data, buckets, description)
    return emit(summary, step, "tf.summary.histogram")


def image(
    name: str, data: Any, step: Any = None, max_outputs: int = 3, description: Any = None
) -> bool:
    """Writes up to `max_outputs` images of `data` ([k, h, w, c], uint8 or floats in [0, 1])."""
    if not _recording():
        return False
    summary = image_summary(scoped_tag(name), data, max_outputs, description)
    return emit(summary, step, "tf.summary.image")


def text(name: str, data: Any, step: Any = None, description: str | None = None) -> bool:
    """Writes a string (or an array of strings) as a text summary (Markdown in TensorBoard)."""
    if not _recording():
        return False
    return emit(text_summary(scoped_tag(name), data, description), step, "tf.summary.text")


def write(tag: str, tensor: Any, step: Any = None, metadata: Any = None, name: Any = None) -> bool:
    """Writes `tensor` under `tag` with `metadata` (a SummaryMetadata proto or its bytes)."""
    if not _recording():
        return False
    summary_pb2 = _tensorboard.require("compat.proto.summary_pb2")
    tensor_util = _tensorboard.require("util.tensor_util")
    if isinstance(metadata, bytes):
        metadata = summary_pb2.SummaryMetadata.FromString(metadata)
    summary = summary_pb2.Summary()
    value = value_of(tensor)
    if value.dtype.kind == "U":
        value = np.vectorize(lambda s: s.encode("utf-8"), otypes=[np.object_])(value)
    summary.value.add(
        tag=scoped_tag(tag),
        metadata=metadata or summary_pb2.SummaryMetadata(),
        tensor=tensor_util.make_tensor_proto(value),
    )
    return emit(summary, step, "tf.summary.write")
