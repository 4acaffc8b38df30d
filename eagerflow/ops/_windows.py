"""Sliding-window arithmetic shared by convolutions and pooling (NHWC, raw arrays).

`extract_patches` gathers every kernel window into one contiguous array (im2col) with one
slice copy per kernel position, so a convolution is a single BLAS matmul; `scatter_patches`
is its adjoint (col2im). Both use only slicing, so they run unchanged on NumPy and CuPy.
Padding follows TensorFlow: SAME pads `max((out - 1) * stride + k_eff - in, 0)` in total,
the extra element at the bottom/right.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors

# Below this kernel-width x channels product, convolutions use full im2col (one matmul with
# inner dimension KH*KW*C) instead of one matmul per kernel row (inner dimension KW*C).
NARROW_WINDOW = 16


def spatial_tuple(
    op: str, name: str, value: Any, n: int = 2, default: int = 1, channels_first: bool = False
) -> tuple:
    """TF's int / length-n / length-(n+2) forms of `strides`, `dilations`, `ksize` -> n ints.

    The length-(n+2) form lists batch and channel entries too: [1, h, w, 1] for NHWC,
    [1, 1, h, w] for NCHW (`channels_first`).
    """
    if value is None:
        return (default,) * n
    if isinstance(value, int) or hasattr(value, "__index__"):
        return (int(value),) * n
    values = [int(v) for v in value]
    if len(values) == 1:
        return (values[0],) * n
    if len(values) == n:
        return tuple(values)
    if len(values) == n + 2:
        return tuple(values[2:] if channels_first else values[1:-1])
    raise ValueError(
        f"{op}: `{name}` must be an int or a list of {n} or {n + 2} ints, got {value!r}"
    )


def normalize_padding(op: str, padding: Any, data_format: str = "NHWC") -> Any:
    """'SAME' / 'VALID' (any case) or TF's explicit [[0, 0], [t, b], [l, r], [0, 0]] form."""
    if isinstance(padding, str):
        upper = padding.upper()
        if upper not in ("SAME", "VALID"):
            raise ValueError(f"{op}: `padding` must be 'SAME' or 'VALID', got {padding!r}")
        return upper
    pairs = [tuple(int(p) for p in pair) for pair in padding]
    if len(pairs) == 4:
        pairs = pairs[1:3] if data_format.endswith("C") else pairs[2:4]
    if len(pairs) != 2 or any(len(p) != 2 or min(p) < 0 for p in pairs):
        raise ValueError(
            f"{op}: explicit `padding` must be 4 pairs of non-negative ints, got {padding!r}"
        )
    return tuple(pairs)


def _one_dim(in_size: Any, k: int, stride: int, dilation: int, padding: Any) -> tuple:
    """(output size, pad_before, pad_after) for one spatial dimension."""
    k_eff = (k - 1) * dilation + 1
    if in_size is None:
        return None, 0, 0
    if padding == "VALID":
        return max((in_size - k_eff) // stride + 1, 0), 0, 0
    if padding == "SAME":
        out = -(-in_size // stride)
        total = max((out - 1) * stride + k_eff - in_size, 0)
        return out, total // 2, total - total // 2
    before, after = padding
    return max((in_size + before + after - k_eff) // stride + 1, 0), before, after


def geometry(op: str, in_hw: Any, k_hw: Any, strides: tuple, dilations: tuple, padding: Any):
    """Output (h, w) and ((top, bottom), (left, right)) paddings; raises if a window is empty."""
    explicit = padding if isinstance(padding, tuple) else (padding, padding)
    out, pads = [], []
    for i in range(2):
        size, before, after = _one_dim(in_hw[i], k_hw[i], strides[i], dilations[i], explicit[i])
        if size is not None and size <= 0:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"{op}: computed output size would be non-positive: input spatial shape "
                f"{tuple(in_hw)}, window {tuple(k_hw)}, strides {strides}, dilations "
                f"{dilations}, padding {padding!r}",
            )
        out.append(size)
        pads.append((before, after))
    return tuple(out), tuple(pads)


def extract_patches(
    xp: Any,
    x: Any,
    k_hw: tuple,
    strides: tuple,
    dilations: tuple,
    pads: tuple,
    out_hw: tuple,
    pad_value: Any = 0,
) -> Any:
    """[N, H, W, C] -> contiguous [N, OH, OW, KH, KW, C] windows (im2col)."""
    x = pad_spatial(xp, x, pads, pad_value)
    n, c = x.shape[0], x.shape[3]
    (kh, kw), (oh, ow), (sh, sw), (dh, dw) = k_hw, out_hw, strides, dilations
    if (kh, kw, sh, sw) == (1, 1, 1, 1):
        return xp.ascontiguousarray(x[:, :oh, :ow, :]).reshape(n, oh, ow, 1, 1, c)
    cols = xp.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    for i in range(kh):
        r = i * dh
        for j in range(kw):
            s = j * dw
            cols[:, :, :, i, j, :] = x[
                :, r : r + (oh - 1) * sh + 1 : sh, s : s + (ow - 1) * sw + 1 : sw, :
            ]
    return cols


def channel_major_patches(
    xp: Any, x: Any, k_hw: tuple, strides: tuple, dilations: tuple, out_hw: tuple
) -> Any:
    """[N, H, W, C] (already padded) -> contiguous [KH * KW * C, N * OH * OW] (im2col^T).

    For few channels: each window position copies whole [OW] runs, where the [.., KH, KW, C]
    layout of `extract_patches` copies C values at a time (3x faster for C = 3).
    """
    n, c = x.shape[0], x.shape[3]
    (kh, kw), (oh, ow), (sh, sw), (dh, dw) = k_hw, out_hw, strides, dilations
    planes = xp.ascontiguousarray(xp.transpose(x, (3, 0, 1, 2)))  # free for C = 1
    cols = xp.empty((kh, kw, c, n, oh, ow), dtype=x.dtype)
    for i in range(kh):
        r = i * dh
        for j in range(kw):
            s = j * dw
            cols[i, j] = planes[
                :, :, r : r + (oh - 1) * sh + 1 : sh, s : s + (ow - 1) * sw + 1 : sw
            ]
    return cols.reshape(kh * kw * c, n * oh * ow)


def width_patches(xp: Any, x: Any, kw: int, sw: int, dw: int, ow: int) -> Any:
    """[N, H, W, C] (already padded) -> contiguous [N, H, OW, KW * C]: windows along width only."""
    n, h, _, c = x.shape
    item = x.dtype.itemsize
    if sw == 1 and dw == 1 and x.strides[3] == item and x.strides[2] == c * item:
        # Adjacent windows overlap in memory: each row of KW * C values is one contiguous run
        # of x, so a strided view copies with inner loops KW times longer (2x faster).
        view = xp.lib.stride_tricks.as_strided(
            x, (n, h, ow, kw * c), (x.strides[0], x.strides[1], c * item, item)
        )
        return xp.ascontiguousarray(view)
    cols = xp.empty((n, h, ow, kw, c), dtype=x.dtype)
    for j in range(kw):
        s = j * dw
        cols[:, :, :, j, :] = x[:, :, s : s + (ow - 1) * sw + 1 : sw, :]
    return cols.reshape(n, h, ow, kw * c)


def _kernel_rows(xp: Any, cols: Any, i: int, sh: int, dh: int, oh: int) -> Any:
    """Rows of width windows under kernel row `i`, as [N, OH * OW, KW * C] (a view if sh == 1)."""
    rows = cols[:, i * dh : i * dh + (oh - 1) * sh + 1 : sh]
    if sh != 1:
        rows = xp.ascontiguousarray(rows)
    n, _, ow, k = rows.shape
    return rows.reshape(n, oh * ow, k)


def correlate(xp: Any, x: Any, w: Any, strides: tuple, dilations: tuple, out_hw: tuple) -> Any:
    """Cross-correlation of a padded [N, H, W, C] with [KH, KW, C, O] -> [N, OH, OW, O].

    One batched matmul per kernel row over width-only windows: a third of full im2col's
    copying, and BLAS calls sized to the data rather than one huge tall-skinny product.
    """
    kh, kw, c, o = w.shape
    (oh, ow), (sh, sw), (dh, dw) = out_hw, strides, dilations
    if kw * c < NARROW_WINDOW:
        # Few channels (a first layer on images): row matmuls would have a tiny inner
        # dimension, so one full-im2col matmul is several times faster.
        cols = channel_major_patches(xp, x, (kh, kw), strides, dilations, out_hw)
        out = xp.dot(cols.T, w.reshape(kh * kw * c, o))
        return out.reshape(x.shape[0], oh, ow, o)
    cols = width_patches(xp, x, kw, sw, dw, ow)
    out = xp.matmul(_kernel_rows(xp, cols, 0, sh, dh, oh), w[0].reshape(kw * c, o))
    for i in range(1, kh):
        out += xp.matmul(_kernel_rows(xp, cols, i, sh, dh, oh), w[i].reshape(kw * c, o))
    return out.reshape(x.shape[0], oh, ow, o)


def correlate_filter_grad(
    xp: Any, x: Any, g: Any, k_hw: tuple, strides: tuple, dilations: tuple
) -> Any:
    """Gradient of `correlate` w.r.t. its filter: [KH, KW, C, O] from padded x and g."""
    kh, kw = k_hw
    n, oh, ow, o = g.shape
    (sh, sw), (dh, dw) = strides, dilations
    c = x.shape[3]
    if kw * c < NARROW_WINDOW:
        cols = channel_major_patches(xp, x, k_hw, strides, dilations, (oh, ow))
        return xp.dot(cols, g.reshape(-1, o)).reshape(kh, kw, c, o)
    cols = width_patches(xp, x, kw, sw, dw, ow)
    g3 = g.reshape(n, oh * ow, o)
    rows = [
        xp.matmul(xp.swapaxes(_kernel_rows(xp, cols, i, sh, dh, oh), 1, 2), g3).sum(axis=0)
        for i in range(kh)
    ]
    return xp.stack(rows).reshape(kh, kw, x.shape[3], o)


def pad_spatial(xp: Any, x: Any, pads: tuple, value: Any = 0) -> Any:
    """Pads H and W of [N, H, W, C] (a zeros-and-copy, cheaper than `xp.pad`)."""
    (pt, pb), (pl, pr) = pads
    if not (pt or pb or pl or pr):
        return x
    n, h, w, c = x.shape
    shape = (n, h + pt + pb, w + pl + pr, c)
    # Zeros come from calloc'd pages: cheaper than filling, and the interior is overwritten.
    out = xp.zeros(shape, dtype=x.dtype) if value == 0 else xp.full(shape, value, dtype=x.dtype)
    out[:, pt : pt + h, pl : pl + w, :] = x
    return out


def scatter_patches(
    xp: Any, cols: Any, in_shape: tuple, strides: tuple, dilations: tuple, pads: tuple
) -> Any:
    """Adjoint of `extract_patches`: sums [N, OH, OW, KH, KW, C] windows into [N, H, W, C]."""
    n, h, w, c = in_shape
    (pt, pb), (pl, pr) = pads
    _, oh, ow, kh, kw, _ = cols.shape
    (sh, sw), (dh, dw) = strides, dilations
    out = xp.zeros((n, h + pt + pb, w + pl + pr, c), dtype=cols.dtype)
    for i in range(kh):
        r = i * dh
        for j in range(kw):
            s = j * dw
            out[:, r : r + (oh - 1) * sh + 1 : sh, s : s + (ow - 1) * sw + 1 : sw, :] += cols[
                :, :, :, i, j, :
            ]
    if pt or pb or pl or pr:
        out = xp.ascontiguousarray(out[:, pt : pt + h, pl : pl + w, :])
    return out


def to_nhwc(xp: Any, x: Any, data_format: str) -> Any:
    return x if data_format == "NHWC" else xp.transpose(x, (0, 2, 3, 1))


def from_nhwc(xp: Any, x: Any, data_format: str) -> Any:
    return x if data_format == "NHWC" else xp.ascontiguousarray(xp.transpose(x, (0, 3, 1, 2)))


def nhwc_dims(shape: Any, data_format: str) -> list:
    dims = list(shape)
    return dims if data_format == "NHWC" else [dims[0], dims[2], dims[3], dims[1]]


def from_nhwc_dims(dims: list, data_format: str) -> list:
    return dims if data_format == "NHWC" else [dims[0], dims[3], dims[1], dims[2]]


def check_data_format(op: str, data_format: Any) -> str:
    fmt = "NHWC" if data_format is None else str(data_format)
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError(f"{op}: `data_format` must be 'NHWC' or 'NCHW', got {data_format!r}")
    return fmt
