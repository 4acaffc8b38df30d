"""`tf.summary.scalar`, `histogram`, `image`, `text` and `write` (TensorFlow 2 forms).

Each call is one `WriteSummary` op: eagerly it writes at once; inside a `tf.function` it
becomes a node with a side effect that writes each time the function runs. Its kernel builds
a `Summary` proto with TensorBoard's own helpers (the same plugin metadata and tensor encoding
TensorFlow 2 writes) and hands it to the writer that was the default when the op was created.
Each returns a boolean tensor: whether the summary was written (False when no writer is set
or recording is off).
"""

from __future__ import annotations

import functools
import importlib
import io
from typing import Any, Callable

import numpy as np

from eagerflow.core import dtypes
from eagerflow.core.context import state
from eagerflow.core.convert import constant, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.summary import _tensorboard, writer


def value_of(data: Any) -> np.ndarray:
    """A NumPy value for tensors, variables, NumPy/Python values and metrics (`result()`)."""
    return np.asarray(_unwrap_metric(data))


def _unwrap_metric(data: Any) -> Any:
    result = getattr(data, "result", None)
    if callable(result) and not hasattr(data, "__array__"):
        return result()
    return data


def scoped_tag(name: str) -> str:
    """`name` under the current name scopes (`train/loss` inside `name_scope("train")`)."""
    scopes = [scope for scope in state().name_scopes if scope]
    return "/".join(scopes + [name]) if scopes else name


def _host(array: Any) -> np.ndarray:
    return array if type(array) is np.ndarray else np.asarray(array.get())


def _write_kernel(
    xp: Any, data: Any, step: Any, *, build: Callable, target: Any, default: bool, **_: Any
) -> Any:
    if not writer.recording_condition(default):
        return xp.asarray(False)
    target.write_summary(build(_host(data)), int(_host(step)))
    return xp.asarray(True)


def _write_spec(data: TensorSpec, step: TensorSpec, **attrs: Any) -> TensorSpec:
    return TensorSpec((), dtypes.bool_)


# A side effect (writing to the event file): never folded, merged or dropped by graph passes.
WRITE_SUMMARY = Primitive("WriteSummary", _write_kernel, _write_spec)
no_gradient("WriteSummary")


def emit(build: Callable, data: Any, step: Any, function: str, default: bool = True) -> Any:
    """Writes `build(value of data)` at `step` (or the default step) to the default writer.

    `default` is whether to record with no `record_if` active. Returns a boolean tensor.
    """
    target = writer.default_writer()
    if target is None:
        return constant(False)
    step = convert_to_tensor(writer.resolve_step(step, function))
    attrs = {"build": build, "target": target, "default": default}
    attrs.update(stateful=True, side_effect=True)
    return execute(WRITE_SUMMARY, (convert_to_tensor(_unwrap_metric(data)), step), attrs)


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


def scalar(name: str, data: Any, step: Any = None, description: str | None = None) -> Any:
    """Writes a scalar summary (`tf.summary.scalar`); returns whether it was written.

    Example:
        >>> with writer.as_default():
        ...     tf.summary.scalar("loss", 0.25, step=3)
        <tf.Tensor: shape=(), dtype=bool, numpy=True>
    """
    build = functools.partial(scalar_summary, scoped_tag(name), description=description)
    return emit(build, data, step, "tf.summary.scalar")


def histogram(
    name: str, data: Any, step: Any = None, buckets: int | None = None, description: Any = None
) -> Any:
    """Writes a histogram of `data` with `buckets` buckets (default 30)."""
    tag = scoped_tag(name)
    build = functools.partial(histogram_summary, tag, buckets=buckets, description=description)
    return emit(build, data, step, "tf.summary.histogram")


def image(
    name: str, data: Any, step: Any = None, max_outputs: int = 3, description: Any = None
) -> Any:
    """Writes up to `max_outputs` images of `data` ([k, h, w, c], uint8 or floats in [0, 1])."""
    tag = scoped_tag(name)
    build = functools.partial(image_summary, tag, max_outputs=max_outputs, description=description)
    return emit(build, data, step, "tf.summary.image")


def text(name: str, data: Any, step: Any = None, description: str | None = None) -> Any:
    """Writes a string (or an array of strings) as a text summary (Markdown in TensorBoard)."""
    build = functools.partial(text_summary, scoped_tag(name), description=description)
    return emit(build, data, step, "tf.summary.text")


def tensor_summary(tag: str, data: Any, metadata: Any = None) -> Any:
    summary_pb2 = _tensorboard.require("compat.proto.summary_pb2")
    tensor_util = _tensorboard.require("util.tensor_util")
    if isinstance(metadata, bytes):
        metadata = summary_pb2.SummaryMetadata.FromString(metadata)
    value = value_of(data)
    if value.dtype.kind in "UO":
        value = np.vectorize(
            lambda s: s if isinstance(s, bytes) else str(s).encode("utf-8"), otypes=[np.object_]
        )(value)
    summary = summary_pb2.Summary()
    summary.value.add(
        tag=tag,
        metadata=metadata or summary_pb2.SummaryMetadata(),
        tensor=tensor_util.make_tensor_proto(value),
    )
    return summary


def write(tag: str, tensor: Any, step: Any = None, metadata: Any = None, name: Any = None) -> Any:
    """Writes `tensor` under `tag` with `metadata` (a SummaryMetadata proto or its bytes)."""
    build = functools.partial(tensor_summary, scoped_tag(tag), metadata=metadata)
    return emit(build, tensor, step, "tf.summary.write")
