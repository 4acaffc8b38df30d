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
]
