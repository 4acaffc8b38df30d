"""Max and average pooling (`tf.nn.max_pool2d`, `avg_pool2d`, ...) over NHWC windows.

Max-pool gradients route to the first maximum of each window (TensorFlow's tie rule);
`MaxPoolGrad` and `MaxPoolGradGrad` are each other's gradients and `AvgPoolGrad`'s is
`AvgPool`, so higher orders work. SAME average pooling divides by the number of real
(unpadded) elements in each window, as TensorFlow does.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _windows as win
from eagerflow.ops._dtype_kinds import reject_complex

_ONE = (1, 1)


def _lowest(xp: Any, dtype: Any) -> Any:
    if xp.dtype(dtype).kind == "f":
        return -xp.inf
    return xp.iinfo(dtype).min


def _geometry(op: str, nhwc_shape: Any, attrs: dict) -> tuple:
    return win.geometry(
        op, nhwc_shape[1:3], attrs["ksize"], attrs["strides"], _ONE, attrs["padding"]
    )


def _windows(xp: Any, x: Any, attrs: dict, op: str, pad_value: Any = 0) -> tuple:
    """[N, H, W, C] -> ([N, OH, OW, KH*KW, C] windows, out_hw, pads)."""
    out_hw, pads = _geometry(op, x.shape, attrs)
    cols = win.extract_patches(
        xp, x, attrs["ksize"], attrs["strides"], _ONE, pads, out_hw, pad_value
    )
    n, oh, ow, kh, kw, c = cols.shape
    return cols.reshape(n, oh, ow, kh * kw, c), out_hw, pads


def _argmax_mask(xp: Any, x: Any, attrs: dict, op: str) -> tuple:
    """One-hot [N, OH, OW, K, C] marking the first maximum of each window."""
    cols, out_hw, pads = _windows(xp, x, attrs, op, _lowest(xp, x.dtype))
    first = xp.argmax(cols, axis=3)
    k = cols.shape[3]
    mask = xp.arange(k).reshape(1, 1, 1, k, 1) == first[:, :, :, None, :]
    return mask, out_hw, pads


def _pool_rule(x: TensorSpec, **attrs: Any) -> TensorSpec:
    fmt = attrs["data_format"]
    xd = win.nhwc_dims(x.shape.as_list(), fmt)
    out_hw, _ = _geometry("Pool", xd, attrs)
    return TensorSpec(win.from_nhwc_dims([xd[0], *out_hw, xd[3]], fmt), x.dtype)


def _input_rule(x: TensorSpec, *rest: TensorSpec, **attrs: Any) -> TensorSpec:
    return TensorSpec(x.shape, x.dtype)


def _output_rule(x: TensorSpec, *rest: TensorSpec, **attrs: Any) -> TensorSpec:
    return TensorSpec(rest[0].shape, x.dtype)


# -- max pooling ---------------------------------------------------------------------------
def _tiles(x: Any, attrs: dict) -> Any:
    """Non-overlapping windows (ksize == strides, no padding) as a [N, OH, KH, OW, KW, C]
    view of x, or None. Keras' default MaxPooling2D takes this copy-free path."""
    kh, kw = attrs["ksize"]
    if attrs["strides"] != (kh, kw):
        return None
    n, h, w, c = x.shape
    if attrs["padding"] == "SAME" and (h % kh or w % kw):
        return None
    oh, ow = h // kh, w // kw
    if oh == 0 or ow == 0:
        return None
    return x[:, : oh * kh, : ow * kw].reshape(n, oh, kh, ow, kw, c)


def _first_max_masks(xp: Any, tiles: Any, y: Any) -> Any:
    """Yields (i, j, mask) marking, per window, the first position (row-major) equal to y."""
    taken = xp.zeros(y.shape, dtype=bool)
    for i in range(tiles.shape[2]):
        for j in range(tiles.shape[4]):
            hit = (tiles[:, :, i, :, j, :] == y) & ~taken
            taken |= hit
            yield i, j, hit


def _max_pool_kernel(xp: Any, x: Any, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x = win.to_nhwc(xp, x, fmt)
    tiles = _tiles(x, attrs)
    if tiles is not None:
        return win.from_nhwc(xp, tiles.max(axis=(2, 4)), fmt)
    cols, _, _ = _windows(xp, x, attrs, "MaxPool", _lowest(xp, x.dtype))
    return win.from_nhwc(xp, cols.max(axis=3), fmt)


def _max_pool_grad_kernel(xp: Any, x: Any, y: Any, g: Any, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x, y, g = (win.to_nhwc(xp, a, fmt) for a in (x, y, g))
    tiles = _tiles(x, attrs)
    if tiles is not None:
        n, oh, kh, ow, kw, c = tiles.shape
        d_tiles = xp.empty(tiles.shape, dtype=g.dtype)
        for i, j, hit in _first_max_masks(xp, tiles, y):
            d_tiles[:, :, i, :, j, :] = g * hit
        d_tiles = d_tiles.reshape(n, oh * kh, ow * kw, c)
        if d_tiles.shape != x.shape:  # rows / columns no window covers get zero gradient
            dx = xp.zeros(x.shape, dtype=g.dtype)
            dx[:, : oh * kh, : ow * kw] = d_tiles
            d_tiles = dx
        return win.from_nhwc(xp, d_tiles, fmt)
    mask, _, pads = _argmax_mask(xp, x, attrs, "MaxPoolGrad")
    cols = mask * g[:, :, :, None, :]
    n, oh, ow, _, c = cols.shape
    cols = cols.reshape(n, oh, ow, *attrs["ksize"], c)
    dx = win.scatter_patches(xp, cols, x.shape, attrs["strides"], _ONE, pads)
    return win.from_nhwc(xp, dx, fmt)


def _max_pool_grad_grad_kernel(xp: Any, x: Any, y: Any, gg: Any, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x, y, gg = (win.to_nhwc(xp, a, fmt) for a in (x, y, gg))
    tiles = _tiles(x, attrs)
    if tiles is not None:
        gg_tiles = _tiles(gg, attrs)
        out = xp.zeros(y.shape, dtype=gg.dtype)
        for i, j, hit in _first_max_masks(xp, tiles, y):
            out += gg_tiles[:, :, i, :, j, :] * hit
        return win.from_nhwc(xp, out, fmt)
    mask, _, _ = _argmax_mask(xp, x, attrs, "MaxPoolGradGrad")
    cols, _, _ = _windows(xp, gg, attrs, "MaxPoolGradGrad")
    return win.from_nhwc(xp, (cols * mask).sum(axis=3), fmt)


MAX_POOL = Primitive("MaxPool", _max_pool_kernel, _pool_rule)
MAX_POOL_GRAD = Primitive("MaxPoolGrad", _max_pool_grad_kernel, _input_rule)
MAX_POOL_GRAD_GRAD = Primitive("MaxPoolGradGrad", _max_pool_grad_grad_kernel, _output_rule)


def _pool_attrs(op: Any) -> dict:
    return {k: op.get_attr(k) for k in ("ksize", "strides", "padding", "data_format")}


def _zeros(t: Tensor) -> Tensor:
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    return zeros_like(t)


@RegisterGradient("MaxPool")
def _max_pool_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(MAX_POOL_GRAD, (op.inputs[0], op.outputs[0], grad), _pool_attrs(op))


@RegisterGradient("MaxPoolGrad")
def _max_pool_grad_grad(op: Any, grad: Tensor) -> list:
    x, y, _ = op.inputs
    return [
        _zeros(x),
        _zeros(y),
        execute(MAX_POOL_GRAD_GRAD, (x, y, grad), _pool_attrs(op)),
    ]


@RegisterGradient("MaxPoolGradGrad")
def _max_pool_grad_grad_grad(op: Any, grad: Tensor) -> list:
    x, y, _ = op.inputs
    return [_zeros(x), _zeros(y), execute(MAX_POOL_GRAD, (x, y, grad), _pool_attrs(op))]


# -- average pooling -----------------------------------------------------------------------
def _window_counts(xp: Any, in_hw: tuple, attrs: dict, dtype: Any) -> Any:
    """Real (unpadded) elements per window, [1, OH, OW, 1]."""
    if attrs["padding"] == "VALID":
        kh, kw = attrs["ksize"]
        return xp.asarray(kh * kw, dtype=dtype)
    ones = xp.ones((1, in_hw[0], in_hw[1], 1), dtype=dtype)
    cols, _, _ = _windows(xp, ones, attrs, "AvgPool")
    return cols.sum(axis=3)


def _avg_pool_kernel(xp: Any, x: Any, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    x = win.to_nhwc(xp, x, fmt)
    cols, _, _ = _windows(xp, x, attrs, "AvgPool")
    counts = _window_counts(xp, x.shape[1:3], attrs, x.dtype)
    return win.from_nhwc(xp, cols.sum(axis=3) / counts, fmt)


def _avg_pool_grad_kernel(xp: Any, g: Any, orig_input_shape: tuple, **attrs: Any) -> Any:
    fmt = attrs["data_format"]
    g = win.to_nhwc(xp, g, fmt)
    in_shape = win.nhwc_dims(orig_input_shape, fmt)
    in_shape[0] = g.shape[0]
    out_hw, pads = _geometry("AvgPoolGrad", in_shape, attrs)
    share = g / _window_counts(xp, in_shape[1:3], attrs, g.dtype)
    kh, kw = attrs["ksize"]
    n, oh, ow, c = share.shape
    cols = xp.broadcast_to(share[:, :, :, None, None, :], (n, oh, ow, kh, kw, c))
    dx = win.scatter_patches(xp, cols, tuple(in_shape), attrs["strides"], _ONE, pads)
    return win.from_nhwc(xp, dx, fmt)


def _avg_pool_grad_rule(g: TensorSpec, orig_input_shape: tuple, **attrs: Any) -> TensorSpec:
    dims = list(orig_input_shape)
    if dims[0] is None:
        dims[0] = g.shape.as_list()[0]
    return TensorSpec(dims, g.dtype)


AVG_POOL = Primitive("AvgPool", _avg_pool_kernel, _pool_rule)
AVG_POOL_GRAD = Primitive("AvgPoolGrad", _avg_pool_grad_kernel, _avg_pool_grad_rule)


@RegisterGradient("AvgPool")
def _avg_pool_grad(op: Any, grad: Tensor) -> Tensor:
    shape = tuple(op.inputs[0].shape.as_list())
    return execute(AVG_POOL_GRAD, (grad,), {"orig_input_shape": shape, **_pool_attrs(op)})


@RegisterGradient("AvgPoolGrad")
def _avg_pool_grad_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(AVG_POOL, (grad,), _pool_attrs(op))


# -- public functions ----------------------------------------------------------------------
def _pool(
    prim: Primitive, op: str, input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any
) -> Tensor:
    x = convert_to_tensor(input)
    reject_complex(op, x)
    fmt = win.check_data_format(op, data_format)
    if x.shape.rank is not None and x.shape.rank != 4:
        raise ValueError(f"{op}: `input` must be rank 4, got shape {x.shape}")
    if not isinstance(padding, str):
        raise ValueError(f"{op}: `padding` must be 'SAME' or 'VALID', got {padding!r}")
    attrs = {
        "ksize": win.spatial_tuple(op, "ksize", ksize, channels_first=fmt == "NCHW"),
        "strides": win.spatial_tuple(op, "strides", strides, channels_first=fmt == "NCHW"),
        "padding": win.normalize_padding(op, padding),
        "data_format": fmt,
    }
    _pool_rule(x, **attrs)
    return execute(prim, (x,), attrs)


def max_pool2d(
    input: Any, ksize: Any, strides: Any, padding: str, data_format: str = "NHWC", name: Any = None
) -> Tensor:
    """Max pooling over 2-D windows of an NHWC tensor.

    Example:
        >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
        >>> tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")[0, :, :, 0].numpy()
        array([[ 5.,  7.],
               [13., 15.]], dtype=float32)
    """
    return _pool(MAX_POOL, "MaxPool", input, ksize, strides, padding, data_format)


def avg_pool2d(
    input: Any, ksize: Any, strides: Any, padding: str, data_format: str = "NHWC", name: Any = None
) -> Tensor:
    """Average pooling over 2-D windows of an NHWC tensor (SAME: over real elements only).

    Example:
        >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
        >>> tf.nn.avg_pool2d(x, ksize=2, strides=2, padding="VALID")[0, :, :, 0].numpy()
        array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)
    """
    return _pool(AVG_POOL, "AvgPool", input, ksize, strides, padding, data_format)


def _pool_nd(
    two_d: Any, op: str, input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any
) -> Tensor:
    from eagerflow.ops.array_ops import expand_dims, squeeze  # noqa: PLC0415

    x = convert_to_tensor(input)
    if x.shape.rank == 4:
        return two_d(x, ksize, strides, padding, data_format or "NHWC")
    if x.shape.rank != 3:
        raise ValueError(f"{op}: only 3-D and 4-D inputs are supported, got shape {x.shape}")
    ncw = data_format in ("NCW", "NCHW")
    height_axis = 2 if ncw else 1
    k = win.spatial_tuple(op, "ksize", ksize, n=1, channels_first=ncw)[0]
    s = win.spatial_tuple(op, "strides", strides, n=1, channels_first=ncw)[0]
    y = two_d(expand_dims(x, height_axis), (1, k), (1, s), padding, "NCHW" if ncw else "NHWC")
    return squeeze(y, [height_axis])


def max_pool1d(
    input: Any, ksize: Any, strides: Any, padding: str, data_format: str = "NWC", name: Any = None
) -> Tensor:
    """Max pooling over 1-D windows of a [batch, width, channels] tensor.

    Example:
        >>> tf.nn.max_pool1d(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID").shape
        TensorShape([1, 2, 1])
    """
    return _pool_nd(max_pool2d, "MaxPool", input, ksize, strides, padding, data_format)


def avg_pool1d(
    input: Any, ksize: Any, strides: Any, padding: str, data_format: str = "NWC", name: Any = None
) -> Tensor:
    """Average pooling over 1-D windows of a [batch, width, channels] tensor.

    Example:
        >>> tf.nn.avg_pool1d(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID").shape
        TensorShape([1, 2, 1])
    """
    return _pool_nd(avg_pool2d, "AvgPool", input, ksize, strides, padding, data_format)


def max_pool(
    input: Any, ksize: Any, strides: Any, padding: str, data_format: Any = None, name: Any = None
) -> Tensor:
    """Max pooling of a 3-D (NWC) or 4-D (NHWC) tensor (`tf.nn.max_pool`).

    Example:
        >>> tf.nn.max_pool(tf.ones([1, 4, 4, 1]), 2, 2, "VALID").shape
        TensorShape([1, 2, 2, 1])
    """
    return _pool_nd(max_pool2d, "MaxPool", input, ksize, strides, padding, data_format)


def avg_pool(
    input: Any, ksize: Any, strides: Any, padding: str, data_format: Any = None, name: Any = None
) -> Tensor:
    """Average pooling of a 3-D (NWC) or 4-D (NHWC) tensor (`tf.nn.avg_pool`).

    Example:
        >>> tf.nn.avg_pool(tf.ones([1, 4, 4, 1]), 2, 2, "VALID").shape
        TensorShape([1, 2, 2, 1])
    """
    return _pool_nd(avg_pool2d, "AvgPool", input, ksize, strides, padding, data_format)
