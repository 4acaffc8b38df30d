"""Op specs: clip_by_value, clip_by_norm, clip_by_global_norm (clip_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec


def _clip_by_norm_reference(x: np.ndarray, clip: float, axis: object = None) -> np.ndarray:
    norm = np.sqrt(np.sum(x * x, axis=axis, keepdims=True))
    return x * clip / np.maximum(norm, clip)


def _global_reference(a: np.ndarray, b: np.ndarray, clip: float) -> tuple:
    norm = np.sqrt(np.sum(a * a) + np.sum(b * b))
    scale = clip / max(norm, clip)
    return [a * scale, b * scale], norm


def _without_none(result: tuple) -> tuple:
    clipped, norm = result
    return [c for c in clipped if c is not None], norm


SPECS = [
    OpSpec(
        "clip_by_value_scalars",
        lambda x: tf.clip_by_value(x, -0.5, 1.0),
        lambda x: np.clip(x, -0.5, 1.0),
        (Arg((3, 4)),),
    ),
    OpSpec(
        "clip_by_value_tensor_bounds",
        tf.clip_by_value,
        lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
        (Arg((3, 4)), Arg((4,), low=-1.0, high=-0.2), Arg((3, 1), low=0.2, high=1.0)),
    ),
    OpSpec(
        "clip_by_norm_clipped",
        lambda x: tf.clip_by_norm(x, 1.5),
        lambda x: _clip_by_norm_reference(x, 1.5),
        (Arg((3, 4)),),
    ),
    OpSpec(
        "clip_by_norm_axes",
        lambda x: tf.clip_by_norm(x, 1.0, axes=[1]),
        lambda x: _clip_by_norm_reference(x, 1.0, axis=1),
        (Arg((3, 4), low=0.5, high=2.0),),
    ),
    OpSpec(
        "clip_by_norm_unclipped",
        lambda x: tf.clip_by_norm(x, 100.0),
        lambda x: x,
        (Arg((3, 4)),),
    ),
    OpSpec(
        "clip_by_global_norm",
        lambda a, b: tf.clip_by_global_norm([a, b], 2.0),
        lambda a, b: _global_reference(a, b, 2.0),
        (Arg((3, 2)), Arg((4,))),
    ),
    OpSpec(
        "clip_by_global_norm_unclipped",
        lambda a, b: _without_none(tf.clip_by_global_norm([a, None, b], 50.0)),
        lambda a, b: [a, b, np.sqrt(np.sum(a * a) + np.sum(b * b))],
        (Arg((3, 2)), Arg((4,))),
    ),
]
