"""Convolutions: conv1d, conv2d, depthwise_conv2d, conv2d_transpose and their backprops.

One im2col kernel (`_windows.extract_patches`) plus one BLAS matmul per op, for NumPy and
CuPy alike. The backprop primitives are TensorFlow's (`Conv2DBackpropInput`,
`Conv2DBackpropFilter`); each is linear in its tensor inputs, and their gradients are each
other and `Conv2D`, so every order of differentiation works.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import binary_operands
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _windows as win
from eagerflow.ops._dtype_kinds import reject_complex


def _attrs(op: str, strides: Any, padding: Any, dilations: Any, data_format: Any) -> dict:
    fmt = win.check_data_format(op, data_format)
    return {
        "strides": win.spatial_tuple(op, "strides", strides, channels_first=fmt == "NCHW"),
        "padding": win.normalize_padding(op, padding, fmt),
        "dilations": win.spatial_tuple(op, "dilations", dilations, channels_first=fmt == "NCHW"),
        "data_format": fmt,
    }


def _windows_of(op: str, x_nhwc: Any, k_hw: tuple, attrs: dict) -> tuple:
    return win.geometry(
        op, x_nhwc[1:3], k_hw, attrs["strides"], attrs["dilations"], attrs["padding"]
    )


def _check_channels(op: str, x_dims: list, w_dims: list) -> None:
    if x_dims[3] is not None and w_dims[2] is not None and x_dims[3] != w_dims[2]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: input depth must equal filter in_channels: input has {x_dims[3]} channels "
            f"(input shape {x_dims} in NHWC), filter shape is {w_dims}",
        )


# -- Conv2D --------------------------------------------------------------------------------
def _conv2d_kernel(xp: Any, x: Any, w: Any, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x = win.to_nhwc(xp, x, fmt)
    kh, kw, c, o = w.shape
    out_hw, pads = _windows_of("Conv2D", x.shape, (kh, kw), attrs)
    x = win.pad_spatial(xp, x, pads)
    out = win.correlate(xp, x, w, attrs["strides"], attrs["dilations"], out_hw)
    return win.from_nhwc(xp, out, fmt)


def _conv2d_rule(x: TensorSpec, w: TensorSpec, **attrs: Any) -> TensorSpec:
    fmt = attrs["data_format"]
    xd, wd = win.nhwc_dims(x.shape.as_list(), fmt), w.shape.as_list()
    _check_channels("Conv2D", xd, wd)
    out_hw, _ = _windows_of("Conv2D", xd, (wd[0], wd[1]), attrs)
    return TensorSpec(win.from_nhwc_dims([xd[0], *out_hw, wd[3]], fmt), x.dtype)


CONV2D = Primitive("Conv2D", _conv2d_kernel, _conv2d_rule)


def _backprop_input_kernel(xp: Any, w: Any, g: Any, input_sizes: tuple, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    g = win.to_nhwc(xp, g, fmt)
    in_shape = _resolved_input_shape(input_sizes, fmt, g, w)
    kh, kw, c, o = w.shape
    out_hw, pads = _windows_of("Conv2DBackpropInput", in_shape, (kh, kw), attrs)
    full_pads = _full_correlation_pads((kh, kw), attrs, pads)
    if full_pads is not None:
        # Stride 1: dx is g correlated with the flipped filter (one gather, no scatter-adds).
        flipped = xp.ascontiguousarray(xp.transpose(w[::-1, ::-1], (0, 1, 3, 2)))
        g = win.pad_spatial(xp, g, full_pads)
        dx = win.correlate(xp, g, flipped, (1, 1), attrs["dilations"], in_shape[1:3])
        return win.from_nhwc(xp, dx, fmt)
    cols = xp.dot(g.reshape(-1, o), w.reshape(kh * kw * c, o).T)
    cols = cols.reshape(g.shape[0], out_hw[0], out_hw[1], kh, kw, c)
    dx = win.scatter_patches(xp, cols, in_shape, attrs["strides"], attrs["dilations"], pads)
    return win.from_nhwc(xp, dx, fmt)


def _full_correlation_pads(k_hw: tuple, attrs: dict, pads: tuple) -> Any:
    """Paddings of g that turn stride-1 backprop-input into a correlation, or None."""
    if attrs["strides"] != (1, 1):
        return None
    out = []
    for k, d, (before, after) in zip(k_hw, attrs["dilations"], pads):
        reach = (k - 1) * d
        if before > reach or after > reach:
            return None
        out.append((reach - before, reach - after))
    return tuple(out)


def _resolved_input_shape(input_sizes: tuple, fmt: str, g_nhwc: Any, w: Any) -> tuple:
    dims = win.nhwc_dims(input_sizes, fmt)
    if dims[0] is None:
        dims[0] = g_nhwc.shape[0]
    if dims[3] is None:
        dims[3] = w.shape[2]
    return tuple(int(d) for d in dims)


def _backprop_input_rule(w: TensorSpec, g: TensorSpec, input_sizes: tuple, **attrs: Any):
    dims = list(input_sizes)
    fmt = attrs["data_format"]
    batch_axis, channel_axis = 0, (3 if fmt == "NHWC" else 1)
    if dims[batch_axis] is None:
        dims[batch_axis] = g.shape.as_list()[0]
    if dims[channel_axis] is None:
        dims[channel_axis] = w.shape.as_list()[2]
    return TensorSpec(dims, g.dtype)


CONV2D_BACKPROP_INPUT = Primitive(
    "Conv2DBackpropInput", _backprop_input_kernel, _backprop_input_rule
)


def _backprop_filter_kernel(xp: Any, x: Any, g: Any, filter_sizes: tuple, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x, g = win.to_nhwc(xp, x, fmt), win.to_nhwc(xp, g, fmt)
    kh, kw, c, o = filter_sizes
    _, pads = _windows_of("Conv2DBackpropFilter", x.shape, (kh, kw), attrs)
    x = win.pad_spatial(xp, x, pads)
    g = xp.ascontiguousarray(g)
    return win.correlate_filter_grad(xp, x, g, (kh, kw), attrs["strides"], attrs["dilations"])


def _backprop_filter_rule(x: TensorSpec, g: TensorSpec, filter_sizes: tuple, **attrs: Any):
    return TensorSpec(list(filter_sizes), x.dtype)


CONV2D_BACKPROP_FILTER = Primitive(
    "Conv2DBackpropFilter", _backprop_filter_kernel, _backprop_filter_rule
)


def _window_attrs(op: Any) -> dict:
    return {k: op.get_attr(k) for k in ("strides", "padding", "dilations", "data_format")}


@RegisterGradient("Conv2D")
def _conv2d_grad(op: Any, grad: Tensor) -> list:
    x, w = op.inputs
    attrs = _window_attrs(op)
    skip = op.skip_input_indices  # e.g. the images fed to the first layer need no gradient
    return [
        None
        if 0 in skip
        else execute(CONV2D_BACKPROP_INPUT, (w, grad), {"input_sizes": _dims(x), **attrs}),
        None
        if 1 in skip
        else execute(CONV2D_BACKPROP_FILTER, (x, grad), {"filter_sizes": _dims(w), **attrs}),
    ]


@RegisterGradient("Conv2DBackpropInput")
def _conv2d_backprop_input_grad(op: Any, grad: Tensor) -> list:
    w, g = op.inputs
    attrs = _window_attrs(op)
    return [
        execute(CONV2D_BACKPROP_FILTER, (grad, g), {"filter_sizes": _dims(w), **attrs}),
        execute(CONV2D, (grad, w), attrs),
    ]


@RegisterGradient("Conv2DBackpropFilter")
def _conv2d_backprop_filter_grad(op: Any, grad: Tensor) -> list:
    x, g = op.inputs
    attrs = _window_attrs(op)
    return [
        execute(CONV2D_BACKPROP_INPUT, (grad, g), {"input_sizes": _dims(x), **attrs}),
        execute(CONV2D, (x, grad), attrs),
    ]


def _dims(t: Any) -> tuple:
    return tuple(t.shape.as_list())


def _check_rank(op: str, name: str, t: Tensor, rank: int) -> None:
    if t.shape.rank is not None and t.shape.rank != rank:
        raise ValueError(f"{op}: `{name}` must be rank {rank}, got shape {t.shape}")


def conv2d(
    input: Any,
    filters: Any,
    strides: Any,
    padding: Any,
    data_format: str = "NHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """2-D convolution of an NHWC `input` with HWIO `filters` (cross-correlation, as in TF).

    Args:
        input: [batch, height, width, in_channels] (or NCHW with `data_format="NCHW"`).
        filters: [filter_height, filter_width, in_channels, out_channels].
        strides: an int, or a list of 2 or 4 ints.
        padding: "SAME", "VALID", or explicit [[0, 0], [top, bottom], [left, right], [0, 0]].
        data_format: "NHWC" (default) or "NCHW".
        dilations: an int, or a list of 2 or 4 ints (default 1).

    Example:
        >>> x = tf.ones([1, 5, 5, 1])
        >>> tf.nn.conv2d(x, tf.ones([3, 3, 1, 2]), strides=1, padding="VALID").shape
        TensorShape([1, 3, 3, 2])
    """
    x, w = binary_operands("Conv2D", input, filters)
    reject_complex("Conv2D", x)
    _check_rank("Conv2D", "input", x, 4)
    _check_rank("Conv2D", "filters", w, 4)
    attrs = _attrs("Conv2D", strides, padding, dilations, data_format)
    _conv2d_rule(x, w, **attrs)
    return execute(CONV2D, (x, w), attrs)


def conv2d_backprop_input(
    input_sizes: Any,
    filter: Any,
    out_backprop: Any,
    strides: Any,
    padding: Any,
    use_cudnn_on_gpu: bool = True,
    data_format: str = "NHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """Gradient of `conv2d` with respect to its input (`tf.compat.v1.nn.conv2d_backprop_input`).

    Example:
        >>> g = tf.ones([1, 3, 3, 2])
        >>> tf.compat.v1.nn.conv2d_backprop_input([1, 5, 5, 1], tf.ones([3, 3, 1, 2]), g,
        ...                                      strides=[1, 1, 1, 1], padding="VALID").shape
        TensorShape([1, 5, 5, 1])
    """
    w, g = binary_operands("Conv2DBackpropInput", filter, out_backprop)
    reject_complex("Conv2DBackpropInput", w, "filter")
    attrs = _attrs("Conv2DBackpropInput", strides, padding, dilations, data_format)
    sizes = tuple(int(d) for d in _as_list(input_sizes))
    _check_transpose_shapes("Conv2DBackpropInput", sizes, w, g, attrs)
    return execute(CONV2D_BACKPROP_INPUT, (w, g), {"input_sizes": sizes, **attrs})


def conv2d_backprop_filter(
    input: Any,
    filter_sizes: Any,
    out_backprop: Any,
    strides: Any,
    padding: Any,
    use_cudnn_on_gpu: bool = True,
    data_format: str = "NHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """Gradient of `conv2d` with respect to its filter (`tf.compat.v1.nn.conv2d_backprop_filter`).

    Example:
        >>> g = tf.ones([1, 3, 3, 2])
        >>> tf.compat.v1.nn.conv2d_backprop_filter(tf.ones([1, 5, 5, 1]), [3, 3, 1, 2], g,
        ...                                       strides=[1, 1, 1, 1], padding="VALID").shape
        TensorShape([3, 3, 1, 2])
    """
    x, g = binary_operands("Conv2DBackpropFilter", input, out_backprop)
    reject_complex("Conv2DBackpropFilter", x)
    attrs = _attrs("Conv2DBackpropFilter", strides, padding, dilations, data_format)
    sizes = tuple(int(d) for d in _as_list(filter_sizes))
    return execute(CONV2D_BACKPROP_FILTER, (x, g), {"filter_sizes": sizes, **attrs})


def _as_list(shape: Any) -> list:
    if isinstance(shape, Tensor):
        return shape.numpy().reshape(-1).tolist()
    if hasattr(shape, "as_list"):
        return shape.as_list()
    return list(shape)


def _check_transpose_shapes(op: str, sizes: tuple, w: Tensor, g: Tensor, attrs: dict) -> None:
    fmt = attrs["data_format"]
    xd = win.nhwc_dims(sizes, fmt)
    wd = w.shape.as_list()
    if len(sizes) != 4:
        raise ValueError(f"{op}: output shape must have 4 entries, got {list(sizes)}")
    _check_channels(op, xd, wd)
    out_hw, _ = _windows_of(op, xd, (wd[0], wd[1]), attrs)
    gd = win.nhwc_dims(g.shape.as_list(), fmt)
    expected = [xd[0], *out_hw, wd[3]]
    if any(a is not None and b is not None and a != b for a, b in zip(gd, expected)):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: the input of shape {g.shape} does not match output shape {list(sizes)}: "
            f"a convolution of that output shape with filters {w.shape} gives "
            f"{win.from_nhwc_dims(expected, fmt)}",
        )


def conv2d_transpose(
    input: Any,
    filters: Any,
    output_shape: Any,
    strides: Any,
    padding: str = "SAME",
    data_format: str = "NHWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """Transposed 2-D convolution ("deconvolution"): the gradient of `conv2d` w.r.t. its input.

    Args:
        input: [batch, height, width, in_channels].
        filters: [height, width, output_channels, in_channels].
        output_shape: the 4-D shape of the result.

    Example:
        >>> x = tf.ones([1, 2, 2, 3])
        >>> tf.nn.conv2d_transpose(x, tf.ones([3, 3, 8, 3]), [1, 4, 4, 8], strides=2).shape
        TensorShape([1, 4, 4, 8])
    """
    x, w = binary_operands("conv2d_transpose", input, filters)
    _check_rank("conv2d_transpose", "input", x, 4)
    _check_rank("conv2d_transpose", "filters", w, 4)
    return conv2d_backprop_input(
        output_shape, w, x, strides, padding, data_format=data_format, dilations=dilations
    )


def conv1d(
    input: Any,
    filters: Any,
    stride: Any,
    padding: Any,
    data_format: str = "NWC",
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """1-D convolution of [batch, width, in_channels] with [width, in_channels, out_channels].

    Example:
        >>> tf.nn.conv1d(tf.ones([2, 10, 3]), tf.ones([4, 3, 5]), 1, "SAME").shape
        TensorShape([2, 10, 5])
    """
    from eagerflow.ops.array_ops import expand_dims, squeeze  # noqa: PLC0415

    if data_format not in ("NWC", "NCW", None):
        raise ValueError(f"conv1d: `data_format` must be 'NWC' or 'NCW', got {data_format!r}")
    x, w = binary_operands("conv1d", input, filters)
    _check_rank("conv1d", "input", x, 3)
    _check_rank("conv1d", "filters", w, 3)
    ncw = data_format == "NCW"
    height_axis = 2 if ncw else 1  # [N, C, 1, W] or [N, 1, W, C]
    stride = win.spatial_tuple("conv1d", "stride", stride, n=1, channels_first=ncw)[0]
    dilation = win.spatial_tuple("conv1d", "dilations", dilations, n=1, channels_first=ncw)[0]
    if not isinstance(padding, str):
        raise ValueError(f"conv1d: `padding` must be 'SAME' or 'VALID', got {padding!r}")
    y = conv2d(
        expand_dims(x, height_axis),
        expand_dims(w, 0),
        (1, stride),
        padding,
        data_format="NCHW" if ncw else "NHWC",
        dilations=(1, dilation),
    )
    return squeeze(y, [height_axis])


def convolution(
    input: Any,
    filters: Any,
    strides: Any = None,
    padding: str = "VALID",
    data_format: Any = None,
    dilations: Any = None,
    name: Any = None,
) -> Tensor:
    """N-D convolution for N = 1 or 2 (`tf.nn.convolution`): dispatches on the input rank.

    Example:
        >>> tf.nn.convolution(tf.ones([1, 5, 5, 1]), tf.ones([3, 3, 1, 1])).shape
        TensorShape([1, 3, 3, 1])
    """
    x = binary_operands("convolution", input, filters)[0]
    rank = x.shape.rank
    if rank == 3:
        return conv1d(
            input,
            filters,
            1 if strides is None else strides,
            padding,
            data_format or "NWC",
            dilations,
        )
    if rank == 4:
        fmt = "NCHW" if data_format in ("NCHW", "NCW") else "NHWC"
        return conv2d(input, filters, 1 if strides is None else strides, padding, fmt, dilations)
    raise ValueError(f"convolution: only 3-D and 4-D inputs are supported, got shape {x.shape}")


def atrous_conv2d(value: Any, filters: Any, rate: int, padding: str, name: Any = None) -> Tensor:
    """Dilated ("atrous") 2-D convolution with stride 1 and dilation `rate`.

    Example:
        >>> tf.nn.atrous_conv2d(tf.ones([1, 7, 7, 1]), tf.ones([3, 3, 1, 1]), 2, "VALID").shape
        TensorShape([1, 3, 3, 1])
    """
    if int(rate) < 1:
        raise ValueError(f"atrous_conv2d: `rate` must be >= 1, got {rate}")
    return conv2d(value, filters, 1, padding, dilations=int(rate))
