"""Depthwise and separable 2-D convolutions (`tf.nn.depthwise_conv2d`, `separable_conv2d`).

Same im2col windows as `conv_ops.py`, with one batched matmul per input channel. The
backprop primitives' gradients are each other and the forward op, so every order works.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.convert import binary_operands
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _windows as win
from eagerflow.ops._dtype_kinds import reject_complex
from eagerflow.ops.conv_ops import (
    _attrs,
    _backprop_filter_rule,
    _backprop_input_rule,
    _check_channels,
    _check_rank,
    _dims,
    _resolved_input_shape,
    _window_attrs,
    _windows_of,
    conv2d,
)


def _depthwise_patches(xp: Any, x: Any, k_hw: tuple, attrs: dict, op: str) -> tuple:
    out_hw, pads = _windows_of(op, x.shape, k_hw, attrs)
    cols = win.extract_patches(xp, x, k_hw, attrs["strides"], attrs["dilations"], pads, out_hw)
    n, c = x.shape[0], x.shape[3]
    k = k_hw[0] * k_hw[1]
    # [N*OH*OW, K, C] -> [C, N*OH*OW, K]: one batched matmul per channel.
    return xp.transpose(cols.reshape(-1, k, c), (2, 0, 1)), out_hw, pads, n, c


def _depthwise_kernel(xp: Any, x: Any, w: Any, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x = win.to_nhwc(xp, x, fmt)
    kh, kw, c, m = w.shape
    cols, out_hw, _, n, _ = _depthwise_patches(xp, x, (kh, kw), attrs, "DepthwiseConv2dNative")
    wk = xp.transpose(w.reshape(kh * kw, c, m), (1, 0, 2))  # [C, K, M]
    out = xp.matmul(cols, wk)  # [C, P, M]
    out = xp.transpose(out, (1, 0, 2)).reshape(n, out_hw[0], out_hw[1], c * m)
    return win.from_nhwc(xp, out, fmt)


def _depthwise_rule(x: TensorSpec, w: TensorSpec, **attrs: Any) -> TensorSpec:
    fmt = attrs["data_format"]
    xd, wd = win.nhwc_dims(x.shape.as_list(), fmt), w.shape.as_list()
    _check_channels("DepthwiseConv2dNative", xd, wd)
    out_hw, _ = _windows_of("DepthwiseConv2dNative", xd, (wd[0], wd[1]), attrs)
    channels = None if wd[2] is None or wd[3] is None else wd[2] * wd[3]
    return TensorSpec(win.from_nhwc_dims([xd[0], *out_hw, channels], fmt), x.dtype)


def _depthwise_input_kernel(xp: Any, w: Any, g: Any, input_sizes: tuple, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    g = win.to_nhwc(xp, g, fmt)
    in_shape = _resolved_input_shape(input_sizes, fmt, g, w)
    kh, kw, c, m = w.shape
    out_hw, pads = _windows_of("DepthwiseConv2dNativeBackpropInput", in_shape, (kh, kw), attrs)
    gc = xp.transpose(g.reshape(-1, c, m), (1, 0, 2))  # [C, P, M]
    wk = xp.transpose(w.reshape(kh * kw, c, m), (1, 2, 0))  # [C, M, K]
    cols = xp.transpose(xp.matmul(gc, wk), (1, 2, 0))  # [P, K, C]
    cols = xp.ascontiguousarray(cols).reshape(g.shape[0], out_hw[0], out_hw[1], kh, kw, c)
    dx = win.scatter_patches(xp, cols, in_shape, attrs["strides"], attrs["dilations"], pads)
    return win.from_nhwc(xp, dx, fmt)


def _depthwise_filter_kernel(xp: Any, x: Any, g: Any, filter_sizes: tuple, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x, g = win.to_nhwc(xp, x, fmt), win.to_nhwc(xp, g, fmt)
    kh, kw, c, m = filter_sizes
    op = "DepthwiseConv2dNativeBackpropFilter"
    cols, _, _, _, _ = _depthwise_patches(xp, x, (kh, kw), attrs, op)  # [C, P, K]
    gc = xp.transpose(g.reshape(-1, c, m), (1, 0, 2))  # [C, P, M]
    dw = xp.matmul(xp.swapaxes(cols, 1, 2), gc)  # [C, K, M]
    return xp.ascontiguousarray(xp.transpose(dw, (1, 0, 2))).reshape(kh, kw, c, m)


DEPTHWISE = Primitive("DepthwiseConv2dNative", _depthwise_kernel, _depthwise_rule)
DEPTHWISE_BACKPROP_INPUT = Primitive(
    "DepthwiseConv2dNativeBackpropInput", _depthwise_input_kernel, _backprop_input_rule
)
DEPTHWISE_BACKPROP_FILTER = Primitive(
    "DepthwiseConv2dNativeBackpropFilter", _depthwise_filter_kernel, _backprop_filter_rule
)


@RegisterGradient("DepthwiseConv2dNative")
def _depthwise_grad(op: Any, grad: Tensor) -> list:
    x, w = op.inputs
    attrs = _window_attrs(op)
    return [
        execute(DEPTHWISE_BACKPROP_INPUT, (w, grad), {"input_sizes": _dims(x), **attrs}),
        execute(DEPTHWISE_BACKPROP_FILTER, (x, grad), {"filter_sizes": _dims(w), **attrs}),
    ]


@RegisterGradient("DepthwiseConv2dNativeBackpropInput")
def _depthwise_backprop_input_grad(op: Any, grad: Tensor) -> list:
    w, g = op.inputs
    attrs = _window_attrs(op)
    return [
        execute(DEPTHWISE_BACKPROP_FILTER, (grad, g), {"filter_sizes": _dims(w), **attrs}),
        execute(DEPTHWISE, (grad, w), attrs),
    ]


@RegisterGradient("DepthwiseConv2dNativeBackpropFilter")
def _depthwise_backprop_filter_grad(op: Any, grad: Tensor) -> list:
    x, g = op.inputs
    attrs = _window_attrs(op)
    return [
        execute(DEPTHWISE_BACKPROP_INPUT, (grad, g), {"input_sizes": _dims(x), **attrs}),
        execute(DEPTHWISE, (x, grad), attrs),
    ]


def depthwise_conv2d(
    input: Any,
    filter: Any,
    strides: Any,
    padding: Any,
    data_format: Any = None,
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """Depthwise 2-D convolution: each input channel gets its own `channel_multiplier` filters.

    Args:
        input: [batch, height, width, in_channels].
        filter: [filter_height, filter_width, in_channels, channel_multiplier].
        strides: a list of 4 (or 2) ints, or an int.

    Example:
        >>> x = tf.ones([1, 4, 4, 3])
        >>> tf.nn.depthwise_conv2d(x, tf.ones([2, 2, 3, 2]), [1, 1, 1, 1], "VALID").shape
        TensorShape([1, 3, 3, 6])
    """
    x, w = binary_operands("DepthwiseConv2dNative", input, filter)
    reject_complex("DepthwiseConv2dNative", x)
    _check_rank("DepthwiseConv2dNative", "input", x, 4)
    _check_rank("DepthwiseConv2dNative", "filter", w, 4)
    attrs = _attrs("DepthwiseConv2dNative", strides, padding, dilations, data_format)
    _depthwise_rule(x, w, **attrs)
    return execute(DEPTHWISE, (x, w), attrs)


def separable_conv2d(
    input: Any,
    depthwise_filter: Any,
    pointwise_filter: Any,
    strides: Any,
    padding: Any,
    data_format: Any = None,
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """A depthwise convolution followed by a 1x1 (pointwise) convolution mixing channels.

    Args:
        depthwise_filter: [filter_height, filter_width, in_channels, channel_multiplier].
        pointwise_filter: [1, 1, in_channels * channel_multiplier, out_channels].

    Example:
        >>> x = tf.ones([1, 5, 5, 2])
        >>> tf.nn.separable_conv2d(x, tf.ones([3, 3, 2, 2]), tf.ones([1, 1, 4, 3]),
        ...                        [1, 1, 1, 1], "VALID").shape
        TensorShape([1, 3, 3, 3])
    """
    fmt = win.check_data_format("separable_conv2d", data_format)
    depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, fmt, dilations)
    return conv2d(depthwise, pointwise_filter, 1, "VALID", data_format=fmt)
