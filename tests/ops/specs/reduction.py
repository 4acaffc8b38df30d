"""Op specs: reductions (reduction_ops.py)."""

import numpy as np
from scipy import special

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec
from tests.ops.specs.nn import real_only

SPECS = [
    OpSpec("reduce_sum_all", tf.reduce_sum, np.sum, (Arg((3, 4)),)),
    OpSpec(
        "reduce_sum_axis1_keepdims",
        lambda x: tf.reduce_sum(x, axis=1, keepdims=True),
        lambda x: np.sum(x, axis=1, keepdims=True),
        (Arg((3, 4)),),
    ),
    OpSpec(
        "reduce_mean_axis0",
        lambda x: tf.reduce_mean(x, axis=0),
        lambda x: np.mean(x, 0),
        (Arg((3, 4)),),
    ),
]

M = Arg((3, 4))
CUBE = Arg((2, 3, 4))


def _ties(x):
    """Rounds to a coarse grid so that reductions see ties (the gradient splits among them)."""
    return tf.round(x * 2.0) / 2.0


SPECS += [
    OpSpec("reduce_max_all", tf.reduce_max, np.max, (M,)),
    OpSpec(
        "reduce_max_axis_neg_keepdims",
        lambda x: tf.reduce_max(x, axis=-1, keepdims=True),
        lambda x: np.max(x, axis=-1, keepdims=True),
        (CUBE,),
    ),
    OpSpec(
        "reduce_min_axes_tuple",
        lambda x: tf.reduce_min(x, axis=(0, 2)),
        lambda x: np.min(x, axis=(0, 2)),
        (CUBE,),
    ),
    OpSpec(
        "reduce_max_ties",
        lambda x: tf.reduce_max(_ties(x) + x * 0.0, axis=1),
        lambda x: np.max(np.round(x * 2.0) / 2.0, axis=1),
        (Arg((3, 6), low=-1.0, high=1.0),),
        grad=False,
    ),
    OpSpec("reduce_prod_all", tf.reduce_prod, np.prod, (M,)),
    OpSpec(
        "reduce_prod_axes",
        lambda x: tf.reduce_prod(x, axis=[0, -1], keepdims=True),
        lambda x: np.prod(x, axis=(0, 2), keepdims=True),
        (CUBE,),
    ),
    OpSpec(
        "reduce_prod_tensor_axis",
        lambda x: tf.reduce_prod(x, axis=tf.constant(1)),
        lambda x: np.prod(x, axis=1),
        (M,),
    ),
    OpSpec("reduce_logsumexp_all", tf.reduce_logsumexp, special.logsumexp, (M,)),
    OpSpec(
        "reduce_logsumexp_large",
        lambda x: tf.reduce_logsumexp(x * 1000.0, axis=1),
        lambda x: special.logsumexp(x * 1000.0, axis=1),
        (M,),
        grad=False,
    ),
    OpSpec(
        "reduce_logsumexp_axis_keepdims",
        lambda x: tf.reduce_logsumexp(x, axis=0, keepdims=True),
        lambda x: special.logsumexp(x, axis=0, keepdims=True),
        (M,),
    ),
    OpSpec(
        "reduce_variance",
        lambda x: tf.math.reduce_variance(x, axis=1),
        lambda x: np.var(x, axis=1),
        (M,),
    ),
    OpSpec("reduce_std", tf.math.reduce_std, np.std, (M,)),
    OpSpec(
        "reduce_euclidean_norm",
        lambda x: tf.math.reduce_euclidean_norm(x, 0),
        lambda x: np.sqrt(np.sum(x * np.conj(x), 0)),
        (M,),
    ),
    OpSpec(
        "reduce_any_all",
        lambda x: tf.stack([tf.reduce_any(x > 1.0, axis=0), tf.reduce_all(x > -1.5, axis=0)]),
        real_only(lambda x: np.stack([np.any(x > 1.0, axis=0), np.all(x > -1.5, axis=0)])),
        (M,),
        grad=False,
        out_dtype="bool",
    ),
    OpSpec(
        "count_nonzero",
        lambda x: tf.math.count_nonzero(tf.floor(x), axis=1),
        lambda x: np.count_nonzero(np.floor(x), axis=1),
        (M,),
        grad=False,
        out_dtype="int64",
    ),
    OpSpec(
        "argmax",
        lambda x: tf.argmax(x, axis=1),
        real_only(lambda x: np.argmax(x, axis=1)),
        (M,),
        grad=False,
        out_dtype="int64",
    ),
    OpSpec(
        "argmin_default_axis_int32",
        lambda x: tf.argmin(x, output_type=tf.int32),
        real_only(lambda x: np.argmin(x, axis=0).astype(np.int32)),
        (M,),
        grad=False,
        out_dtype="int32",
    ),
]

# -- cumulative --------------------------------------------------------------------------------
POS = Arg((3, 4), low=0.5, high=1.5)


def _np_cumulative(fn, identity, x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = fn(x, axis=axis)
    if exclusive:
        out = np.moveaxis(out, axis, 0)
        out = np.concatenate([np.full_like(out[:1], identity), out[:-1]], 0)
        out = np.moveaxis(out, 0, axis)
    return np.flip(out, axis) if reverse else out


for _exclusive in (False, True):
    for _reverse in (False, True):
        _tag = ("_exclusive" if _exclusive else "") + ("_reverse" if _reverse else "")
        SPECS += [
            OpSpec(
                f"cumsum{_tag}",
                lambda x, e=_exclusive, r=_reverse: tf.cumsum(x, axis=1, exclusive=e, reverse=r),
                lambda x, e=_exclusive, r=_reverse: _np_cumulative(np.cumsum, 0, x, 1, e, r),
                (M,),
            ),
            OpSpec(
                f"cumprod{_tag}",
                lambda x, e=_exclusive, r=_reverse: tf.math.cumprod(
                    x, axis=-1, exclusive=e, reverse=r
                ),
                lambda x, e=_exclusive, r=_reverse: _np_cumulative(np.cumprod, 1, x, 1, e, r),
                (POS,),
            ),
        ]


def _np_top_k(x, k):
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return [np.take_along_axis(x, idx, -1), idx.astype(np.int32)]


SPECS += [
    OpSpec(
        "top_k",
        lambda x: list(tf.math.top_k(x, k=3)),
        lambda x: _np_top_k(x, 3),
        (Arg((2, 3, 5)),),
    ),
]

SPECS += [
    OpSpec(
        "reduce_mean_axes_keepdims",
        lambda x: tf.reduce_mean(x, axis=[0, -1], keepdims=True),
        lambda x: np.mean(x, axis=(0, 2), keepdims=True),
        (CUBE,),
    ),
    OpSpec("reduce_mean_all", tf.reduce_mean, np.mean, (CUBE,)),
]

# -- segment reductions (segment_ops.py) -------------------------------------------------------
IDS = Arg(fixed=np.array([2, 0, -1, 2, 0], dtype=np.int32))  # -1: dropped, as TF
DENSE_IDS = Arg(fixed=np.array([1, 0, -1, 1, 0], dtype=np.int32))  # no empty segment


def _np_segment(fn, fill, data, ids, n):
    out = np.full((n,) + data.shape[1:], fill, dtype=data.dtype)
    for s in range(n):
        rows = data[ids == s]
        if len(rows):
            out[s] = fn(rows, axis=0)
    return out


SPECS += [
    OpSpec(
        "unsorted_segment_sum",
        lambda x, ids: tf.math.unsorted_segment_sum(x, ids, 4),
        lambda x, ids: _np_segment(np.sum, 0, x, ids, 4),
        (Arg((5, 3)), IDS),
    ),
    OpSpec(
        "unsorted_segment_max",
        lambda x, ids: tf.math.unsorted_segment_max(x, ids, 2),
        lambda x, ids: _np_segment(np.max, 0, x, ids, 2),
        (Arg((5, 3)), DENSE_IDS),
    ),
    OpSpec(
        "unsorted_segment_min",
        lambda x, ids: tf.math.unsorted_segment_min(x, ids, 2),
        lambda x, ids: _np_segment(np.min, 0, x, ids, 2),
        (Arg((5, 3)), DENSE_IDS),
    ),
    OpSpec(
        "unsorted_segment_mean",
        lambda x, ids: tf.math.unsorted_segment_mean(x, ids, 4),
        lambda x, ids: _np_segment(np.mean, 0, x, ids, 4),
        (Arg((5, 3)), IDS),
    ),
    OpSpec(
        "segment_sum_sorted",
        lambda x: tf.math.segment_sum(x, [0, 0, 1, 3]),
        lambda x: _np_segment(np.sum, 0, x, np.array([0, 0, 1, 3]), 4),
        (Arg((4, 2)),),
    ),
]

SPECS += [
    OpSpec(
        "reduce_std_complex",
        lambda x, y: tf.math.reduce_std(tf.complex(x, y), axis=1),
        lambda x, y: np.std(x + 1j * y, axis=1),
        (M, M),
    ),
]
