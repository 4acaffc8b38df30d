"""`tf.compat.v1.nn`: `tf.nn` with TensorFlow 1's signatures where they differ.

TF1 programs call `tf.nn.dropout(x, keep_prob)`, `tf.nn.max_pool(value, ...)`,
`tf.nn.in_top_k(predictions, targets, k)` and `softmax_cross_entropy_with_logits` (no
gradient to the labels); these wrappers translate to the TF2 functions.
"""
# ruff: noqa: F401, F403

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eagerflow import nn as _nn
from eagerflow.nn import *
from eagerflow.nn import (
    softmax_cross_entropy_with_logits as softmax_cross_entropy_with_logits_v2,
)
from eagerflow.ops.conv_ops import conv2d_backprop_filter, conv2d_backprop_input


def _one(op: str, **candidates: Any) -> Any:
    given = {k: v for k, v in candidates.items() if v is not None}
    if len(given) > 1:
        raise ValueError(f"{op}: pass only one of {sorted(candidates)}, got {sorted(given)}")
    return next(iter(given.values()), None)


def dropout(
    x: Any,
    keep_prob: Any = None,
    noise_shape: Any = None,
    seed: Any = None,
    name: Any = None,
    rate: Any = None,
) -> Any:
    """TF1 dropout: keeps each element with probability `keep_prob` (or drops with `rate`)."""
    if keep_prob is not None and rate is not None:
        raise ValueError("dropout: pass either `keep_prob` or `rate`, not both")
    if keep_prob is not None:
        rate = 1 - keep_prob
    if rate is None:
        raise ValueError("dropout: `keep_prob` or `rate` is required")
    return _nn.dropout(x, rate, noise_shape=noise_shape, seed=seed)


def softmax_cross_entropy_with_logits(
    _sentinel: Any = None,
    labels: Any = None,
    logits: Any = None,
    dim: int = -1,
    name: Any = None,
    axis: Any = None,
) -> Any:
    """TF1 softmax cross entropy: no gradient flows into `labels`."""
    from eagerflow.ops.array_ops import stop_gradient  # noqa: PLC0415

    if _sentinel is not None:
        raise ValueError("softmax_cross_entropy_with_logits: pass `labels` and `logits` by name")
    axis = dim if axis is None else axis
    return softmax_cross_entropy_with_logits_v2(stop_gradient(labels), logits, axis=axis)


def softmax(logits: Any, axis: Any = None, name: Any = None, dim: Any = None) -> Any:
    """TF1 softmax: `dim` is the old name of `axis`."""
    return _nn.softmax(logits, _one("softmax", axis=axis, dim=dim))


def log_softmax(logits: Any, axis: Any = None, name: Any = None, dim: Any = None) -> Any:
    """TF1 log_softmax: `dim` is the old name of `axis`."""
    return _nn.log_softmax(logits, _one("log_softmax", axis=axis, dim=dim))


def l2_normalize(
    x: Any, axis: Any = None, epsilon: float = 1e-12, name: Any = None, dim: Any = None
) -> Any:
    """TF1 l2_normalize: `dim` is the old name of `axis`."""
    return _nn.l2_normalize(x, _one("l2_normalize", axis=axis, dim=dim), epsilon)


def moments(
    x: Any,
    axes: Any,
    shift: Any = None,
    name: Any = None,
    keep_dims: Any = None,
    keepdims: Any = None,
) -> tuple:
    """TF1 moments: `keep_dims` is the old name of `keepdims`."""
    return _nn.moments(
        x, axes, keepdims=bool(_one("moments", keep_dims=keep_dims, keepdims=keepdims))
    )


def conv2d(
    input: Any,
    filter: Any = None,
    strides: Any = None,
    padding: Any = None,
    use_cudnn_on_gpu: bool = True,
    data_format: str = "NHWC",
    dilations: Any = None,
    name: Any = None,
    filters: Any = None,
) -> Any:
    """TF1 conv2d: the filter argument is `filter` (or `filters`)."""
    w = _one("conv2d", filter=filter, filters=filters)
    return _nn.conv2d(input, w, strides, padding, data_format=data_format, dilations=dilations)


def conv1d(
    value: Any = None,
    filters: Any = None,
    stride: Any = None,
    padding: Any = None,
    use_cudnn_on_gpu: Any = None,
    data_format: Any = None,
    name: Any = None,
    input: Any = None,
    dilations: Any = None,
) -> Any:
    """TF1 conv1d: the input is `value` (or `input`)."""
    x = _one("conv1d", value=value, input=input)
    return _nn.conv1d(x, filters, stride, padding, data_format or "NWC", dilations)


def conv2d_transpose(
    value: Any = None,
    filter: Any = None,
    output_shape: Any = None,
    strides: Any = None,
    padding: str = "SAME",
    data_format: str = "NHWC",
    name: Any = None,
    input: Any = None,
    filters: Any = None,
    dilations: Any = None,
) -> Any:
    """TF1 conv2d_transpose: `value`/`filter` are the old names of `input`/`filters`."""
    x = _one("conv2d_transpose", value=value, input=input)
    w = _one("conv2d_transpose", filter=filter, filters=filters)
    return _nn.conv2d_transpose(x, w, output_shape, strides, padding, data_format, dilations)


def depthwise_conv2d(
    input: Any,
    filter: Any,
    strides: Any,
    padding: Any,
    rate: Any = None,
    name: Any = None,
    data_format: Any = None,
    dilations: Any = None,
) -> Any:
    """TF1 depthwise_conv2d: `rate` is the old name of `dilations`."""
    return _nn.depthwise_conv2d(
        input,
        filter,
        strides,
        padding,
        data_format,
        _one("depthwise_conv2d", rate=rate, dilations=dilations),
    )


def separable_conv2d(
    input: Any,
    depthwise_filter: Any,
    pointwise_filter: Any,
    strides: Any,
    padding: Any,
    rate: Any = None,
    name: Any = None,
    data_format: Any = None,
    dilations: Any = None,
) -> Any:
    """TF1 separable_conv2d: `rate` is the old name of `dilations`."""
    d = _one("separable_conv2d", rate=rate, dilations=dilations)
    return _nn.separable_conv2d(
        input, depthwise_filter, pointwise_filter, strides, padding, data_format, d
    )


def _v1_pool(pool: Callable[..., Any]) -> Callable[..., Any]:
    def v1_pool(
        value: Any,
        ksize: Any,
        strides: Any,
        padding: str,
        data_format: str = "NHWC",
        name: Any = None,
        input: Any = None,
    ) -> Any:
        x = _one(pool.__name__, value=value, input=input)
        return pool(x, ksize, strides, padding, data_format)

    v1_pool.__name__ = v1_pool.__qualname__ = pool.__name__
    v1_pool.__doc__ = f"TF1 {pool.__name__}: the input is `value` (or `input`)."
    return v1_pool


max_pool = _v1_pool(_nn.max_pool)
avg_pool = _v1_pool(_nn.avg_pool)


def in_top_k(predictions: Any, targets: Any, k: int, name: Any = None) -> Any:
    """TF1 argument order: predictions first."""
    return _nn.in_top_k(targets, predictions, k)


def embedding_lookup(
    params: Any,
    ids: Any,
    partition_strategy: str = "mod",
    name: Any = None,
    validate_indices: bool = True,
    max_norm: Any = None,
) -> Any:
    """TF1 embedding_lookup: `partition_strategy` is accepted (one table only)."""
    return _nn.embedding_lookup(params, ids, max_norm=max_norm)
