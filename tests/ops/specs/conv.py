"""Op specs: convolutions (conv_ops.py) and pooling (pooling_ops.py), against NumPy loops."""

import numpy as np

import eagerflow as tf
from eagerflow.ops import conv_ops
from tests.ops.op_spec import Arg, OpSpec


# -- NumPy loop references -------------------------------------------------------------------
def _pads(size, k, stride, dilation, padding):
    k_eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - k_eff) // stride + 1, 0, 0
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + k_eff - size, 0)
        return out, total // 2, total - total // 2
    before, after = padding
    return (size + before + after - k_eff) // stride + 1, before, after


def _layout(x_shape, k_hw, strides, dilations, padding):
    explicit = padding if not isinstance(padding, str) else (padding, padding)
    oh, pt, pb = _pads(x_shape[1], k_hw[0], strides[0], dilations[0], explicit[0])
    ow, pl, pr = _pads(x_shape[2], k_hw[1], strides[1], dilations[1], explicit[1])
    return (oh, ow), ((0, 0), (pt, pb), (pl, pr), (0, 0))


def ref_conv2d(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    (oh, ow), pads = _layout(x.shape, w.shape[:2], strides, dilations, padding)
    xp = np.pad(x, pads)
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]), x.dtype)
    for a in range(oh):
        for b in range(ow):
            for i in range(w.shape[0]):
                for j in range(w.shape[1]):
                    r, c = a * strides[0] + i * dilations[0], b * strides[1] + j * dilations[1]
                    out[:, a, b, :] += xp[:, r, c, :] @ w[i, j]
    return out


def ref_conv2d_backprop_input(x_shape, w, g, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    (oh, ow), pads = _layout(x_shape, w.shape[:2], strides, dilations, padding)
    padded = [s + p[0] + p[1] for s, p in zip(x_shape, pads)]
    dx = np.zeros(padded, g.dtype)
    for a in range(oh):
        for b in range(ow):
            for i in range(w.shape[0]):
                for j in range(w.shape[1]):
                    r, c = a * strides[0] + i * dilations[0], b * strides[1] + j * dilations[1]
                    dx[:, r, c, :] += g[:, a, b, :] @ w[i, j].T
    (_, _), (pt, _), (pl, _), _ = pads
    return dx[:, pt : pt + x_shape[1], pl : pl + x_shape[2], :]


def ref_depthwise(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    kh, kw, c, m = w.shape
    outs = [
        ref_conv2d(x[..., ci : ci + 1], w[:, :, ci : ci + 1, :], strides, padding, dilations)
        for ci in range(c)
    ]
    return np.concatenate(outs, axis=-1)


def ref_pool(x, k, strides, padding, mode):
    (oh, ow), pads = _layout(x.shape, k, strides, (1, 1), padding)
    fill = -np.inf if mode == "max" else np.nan
    xp = np.pad(x.astype(np.float64), pads, constant_values=fill)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for a in range(oh):
        for b in range(ow):
            win = xp[
                :, a * strides[0] : a * strides[0] + k[0], b * strides[1] : b * strides[1] + k[1]
            ]
            out[:, a, b] = win.max(axis=(1, 2)) if mode == "max" else np.nanmean(win, axis=(1, 2))
    return out.astype(x.dtype)


def ref_max_pool_grad(x, g, k, strides, padding):
    (oh, ow), pads = _layout(x.shape, k, strides, (1, 1), padding)
    xp = np.pad(x, pads, constant_values=-np.inf)
    dx = np.zeros(xp.shape, g.dtype)
    for n in range(x.shape[0]):
        for a in range(oh):
            for b in range(ow):
                for ch in range(x.shape[3]):
                    win = xp[
                        n,
                        a * strides[0] : a * strides[0] + k[0],
                        b * strides[1] : b * strides[1] + k[1],
                        ch,
                    ]
                    i, j = np.unravel_index(np.argmax(win), win.shape)
                    dx[n, a * strides[0] + i, b * strides[1] + j, ch] += g[n, a, b, ch]
    _, (pt, _), (pl, _), _ = pads
    return dx[:, pt : pt + x.shape[1], pl : pl + x.shape[2]]


# -- gradients as ops: they put the backprop primitives on the outer tape ------------------
def input_grad(fn, x, w, g):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x, w)
    return tape.gradient(y, x, output_gradients=g)


def filter_grad(fn, x, w, g):
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = fn(x, w)
    return tape.gradient(y, w, output_gradients=g)


def max_pool_grad_grad(x, g, h, **kw):
    pooled_grad = lambda x_, g_: input_grad(lambda a, _: tf.nn.max_pool2d(a, **kw), x_, None, g_)  # noqa: E731
    with tf.GradientTape() as tape:
        tape.watch(g)
        dx = pooled_grad(x, g)
    return tape.gradient(dx, g, output_gradients=h)


X = Arg((2, 7, 8, 3))
W = Arg((3, 2, 3, 4))
S2 = dict(strides=(2, 2), padding="SAME")
NCHW = lambda a: np.ascontiguousarray(np.transpose(a, (0, 3, 1, 2)))  # noqa: E731
NHWC = lambda a: np.transpose(a, (0, 2, 3, 1))  # noqa: E731
POOL = dict(ksize=3, strides=2, padding="SAME")

SPECS = [
    OpSpec(
        "conv2d_valid",
        lambda x, w: tf.nn.conv2d(x, w, strides=1, padding="VALID"),
        ref_conv2d,
        (X, W),
    ),
    OpSpec(
        "conv2d_same_stride2",
        lambda x, w: tf.nn.conv2d(x, w, strides=[1, 2, 2, 1], padding="SAME"),
        lambda x, w: ref_conv2d(x, w, **S2),
        (X, W),
    ),
    OpSpec(
        "conv2d_same_stride23_dilated",
        lambda x, w: tf.nn.conv2d(x, w, strides=[2, 3], padding="SAME", dilations=2),
        lambda x, w: ref_conv2d(x, w, (2, 3), "SAME", (2, 2)),
        (Arg((2, 9, 10, 3)), W),
    ),
    OpSpec(
        "conv2d_explicit_padding",
        lambda x, w: tf.nn.conv2d(x, w, 1, [[0, 0], [1, 2], [0, 1], [0, 0]]),
        lambda x, w: ref_conv2d(x, w, (1, 1), ((1, 2), (0, 1))),
        (X, W),
    ),
    OpSpec(
        "conv2d_nchw",
        lambda x, w: tf.nn.conv2d(x, w, 2, "SAME", data_format="NCHW"),
        lambda x, w: NCHW(ref_conv2d(NHWC(x), w, **S2)),
        (Arg((2, 3, 7, 8)), W),
    ),
    OpSpec(
        "conv2d_nchw_dilated_stride1",
        lambda x, w: tf.nn.conv2d(x, w, 1, "SAME", data_format="NCHW", dilations=[1, 1, 2, 3]),
        lambda x, w: NCHW(ref_conv2d(NHWC(x), w, (1, 1), "SAME", (2, 3))),
        (Arg((2, 3, 7, 8)), W),
    ),
    OpSpec(
        "conv1d_same",
        lambda x, w: tf.nn.conv1d(x, w, stride=2, padding="SAME"),
        lambda x, w: ref_conv2d(x[:, None], w[None], (1, 2), "SAME")[:, 0],
        (Arg((2, 9, 3)), Arg((3, 3, 4))),
    ),
    OpSpec(
        "conv2d_transpose",
        lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 7, 8, 4], strides=2, padding="SAME"),
        lambda x, w: ref_conv2d_backprop_input((2, 7, 8, 4), w, x, (2, 2), "SAME"),
        (Arg((2, 4, 4, 3)), Arg((3, 2, 4, 3))),
    ),
    OpSpec(
        "conv2d_input_grad",
        lambda x, w, g: input_grad(lambda a, b: tf.nn.conv2d(a, b, 2, "SAME"), x, w, g),
        lambda x, w, g: ref_conv2d_backprop_input(x.shape, w, g, (2, 2), "SAME"),
        (X, W, Arg((2, 4, 4, 4))),
    ),
    OpSpec(
        "conv2d_filter_grad",
        lambda x, w, g: filter_grad(lambda a, b: tf.nn.conv2d(a, b, 1, "VALID"), x, w, g),
        lambda x, w, g: conv_filter_grad_ref(x, w, g),
        (X, W, Arg((2, 5, 7, 4))),
    ),
    OpSpec(
        "depthwise_conv2d",
        lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
        lambda x, w: ref_depthwise(x, w, **S2),
        (X, Arg((3, 2, 3, 2))),
    ),
    OpSpec(
        "depthwise_input_grad",
        lambda x, w, g: input_grad(
            lambda a, b: tf.nn.depthwise_conv2d(a, b, [1, 1, 1, 1], "VALID"), x, w, g
        ),
        lambda x, w, g: depthwise_input_grad_ref(x, w, g),
        (X, Arg((3, 2, 3, 2)), Arg((2, 5, 7, 6))),
    ),
    OpSpec(
        "depthwise_filter_grad",
        lambda x, w, g: filter_grad(
            lambda a, b: tf.nn.depthwise_conv2d(a, b, [1, 1, 1, 1], "VALID"), x, w, g
        ),
        lambda x, w, g: depthwise_filter_grad_ref(x, w, g),
        (X, Arg((3, 2, 3, 2)), Arg((2, 5, 7, 6))),
    ),
    OpSpec(
        "max_pool2d_same",
        lambda x: tf.nn.max_pool2d(x, **POOL),
        lambda x: ref_pool(x, (3, 3), (2, 2), "SAME", "max"),
        (X,),
    ),
    OpSpec(
        "max_pool_valid_nchw",
        lambda x: tf.nn.max_pool(x, [1, 1, 2, 2], [1, 1, 2, 2], "VALID", data_format="NCHW"),
        lambda x: NCHW(ref_pool(NHWC(x), (2, 2), (2, 2), "VALID", "max")),
        (Arg((2, 3, 6, 5)),),
    ),
    OpSpec(
        "max_pool2d_grad",
        lambda x, g: input_grad(lambda a, _: tf.nn.max_pool2d(a, **POOL), x, None, g),
        lambda x, g: ref_max_pool_grad(x, g, (3, 3), (2, 2), "SAME"),
        (X, Arg((2, 4, 4, 3))),
    ),
    OpSpec(
        "max_pool2d_grad_grad",
        lambda x, g, h: max_pool_grad_grad(x, g, h, **POOL),
        lambda x, g, h: max_pool_grad_grad_ref(x, h),
        (X, Arg((2, 4, 4, 3)), X),
    ),
    OpSpec(
        "avg_pool2d_same",
        lambda x: tf.nn.avg_pool2d(x, **POOL),
        lambda x: ref_pool(x, (3, 3), (2, 2), "SAME", "avg"),
        (X,),
    ),
    OpSpec(
        "avg_pool1d_valid",
        lambda x: tf.nn.avg_pool1d(x, 2, 2, "VALID"),
        lambda x: ref_pool(x[:, None], (1, 2), (1, 2), "VALID", "avg")[:, 0],
        (Arg((2, 9, 3)),),
    ),
    OpSpec(
        "avg_pool2d_grad",
        lambda x, g: input_grad(lambda a, _: tf.nn.avg_pool2d(a, **POOL), x, None, g),
        lambda x, g: avg_pool_grad_ref(x, g),
        (X, Arg((2, 4, 4, 3))),
    ),
]


def conv_filter_grad_ref(x, w, g):
    dw = np.zeros(w.shape, g.dtype)
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            patch = x[:, i : i + g.shape[1], j : j + g.shape[2], :]
            dw[i, j] = np.einsum("nhwc,nhwo->co", patch, g)
    return dw


def depthwise_input_grad_ref(x, w, g):
    kh, kw, c, m = w.shape
    gs = g.reshape(*g.shape[:3], c, m)
    parts = [
        ref_conv2d_backprop_input(x[..., :1].shape, w[:, :, ci : ci + 1, :], gs[..., ci, :])
        for ci in range(c)
    ]
    return np.concatenate(parts, axis=-1)


def depthwise_filter_grad_ref(x, w, g):
    kh, kw, c, m = w.shape
    gs = g.reshape(*g.shape[:3], c, m)
    dw = np.zeros(w.shape, g.dtype)
    for ci in range(c):
        dw[:, :, ci : ci + 1, :] = conv_filter_grad_ref(
            x[..., ci : ci + 1], w[:, :, ci : ci + 1, :], gs[..., ci, :]
        )
    return dw


def max_pool_grad_grad_ref(x, h):
    # The adjoint of routing g to the argmax: gather h at each window's argmax.
    (oh, ow), pads = _layout(x.shape, (3, 3), (2, 2), (1, 1), "SAME")
    xp = np.pad(x, pads, constant_values=-np.inf)
    hp = np.pad(h, pads)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]), h.dtype)
    for n in range(x.shape[0]):
        for a in range(oh):
            for b in range(ow):
                for ch in range(x.shape[3]):
                    win = xp[n, 2 * a : 2 * a + 3, 2 * b : 2 * b + 3, ch]
                    i, j = np.unravel_index(np.argmax(win), win.shape)
                    out[n, a, b, ch] = hp[n, 2 * a + i, 2 * b + j, ch]
    return out


def avg_pool_grad_ref(x, g):
    (oh, ow), pads = _layout(x.shape, (3, 3), (2, 2), (1, 1), "SAME")
    real = np.pad(np.ones(x.shape[1:3]), pads[1:3])
    dx = np.zeros((x.shape[0], *real.shape, x.shape[3]), g.dtype)
    for a in range(oh):
        for b in range(ow):
            count = real[2 * a : 2 * a + 3, 2 * b : 2 * b + 3].sum()
            dx[:, 2 * a : 2 * a + 3, 2 * b : 2 * b + 3] += g[:, a : a + 1, b : b + 1] / count
    _, (pt, _), (pl, _), _ = pads
    return dx[:, pt : pt + x.shape[1], pl : pl + x.shape[2]]


SPECS += [
    OpSpec(
        "conv2d_backprop_filter_v1",
        lambda x, g: conv_ops.conv2d_backprop_filter(x, [3, 2, 3, 4], g, [1, 1, 1, 1], "VALID"),
        lambda x, g: conv_filter_grad_ref(x, np.zeros((3, 2, 3, 4)), g),
        (X, Arg((2, 5, 7, 4))),
    ),
]

SPECS += [
    OpSpec(
        "separable_conv2d",
        lambda x, d, p: tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME"),
        lambda x, d, p: ref_conv2d(ref_depthwise(x, d, (1, 1), "SAME"), p),
        (X, Arg((3, 3, 3, 2)), Arg((1, 1, 6, 4))),
    ),
    OpSpec(
        "atrous_conv2d",
        lambda x, w: tf.nn.atrous_conv2d(x, w, 2, "SAME"),
        lambda x, w: ref_conv2d(x, w, (1, 1), "SAME", (2, 2)),
        (X, W),
    ),
    OpSpec(
        "convolution_1d",
        lambda x, w: tf.nn.convolution(x, w, padding="SAME"),
        lambda x, w: ref_conv2d(x[:, None], w[None], (1, 1), "SAME")[:, 0],
        (Arg((2, 9, 3)), Arg((3, 3, 4))),
    ),
]

SPECS += [
    OpSpec(
        "max_pool2d_tiles_grad",
        lambda x, g: input_grad(lambda a, _: tf.nn.max_pool2d(a, 2, 2, "VALID"), x, None, g),
        lambda x, g: ref_max_pool_grad(x, g, (2, 2), (2, 2), "VALID"),
        (Arg((2, 7, 5, 3)), Arg((2, 3, 2, 3))),
    ),
    OpSpec(
        "max_pool2d_tiles_grad_grad",
        lambda x, g, h: max_pool_grad_grad(x, g, h, ksize=2, strides=2, padding="SAME"),
        lambda x, g, h: tiles_grad_grad_ref(x, h),
        (Arg((2, 6, 4, 3)), Arg((2, 3, 2, 3)), Arg((2, 6, 4, 3))),
    ),
]


def tiles_grad_grad_ref(x, h):
    n, hh, ww, c = x.shape
    xt = (
        x.reshape(n, hh // 2, 2, ww // 2, 2, c)
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(n, hh // 2, ww // 2, 4, c)
    )
    ht = (
        h.reshape(n, hh // 2, 2, ww // 2, 2, c)
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(n, hh // 2, ww // 2, 4, c)
    )
    first = np.argmax(xt, axis=3)[:, :, :, None, :]
    return np.take_along_axis(ht, first, axis=3)[:, :, :, 0, :]
