"""Plain-Python meanings of the transformations, the references the property tests use."""

from __future__ import annotations

import numpy as np

import eagerflow as tf


def values(dataset: tf.data.Dataset) -> list:
    """The elements as Python values (ints, nested lists, tuples)."""
    return [_plain(e) for e in dataset.as_numpy_iterator()]


def _plain(x: object) -> object:
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (np.ndarray, np.generic)):
        return x.tolist()
    return x


def source(kind: str, n: int) -> tf.data.Dataset:
    """0..n-1 as int64 scalars: "slices" takes the index-plan fast path, "range" the
    element-by-element path."""
    if kind == "slices":
        return tf.data.Dataset.from_tensor_slices(np.arange(n, dtype=np.int64))
    return tf.data.Dataset.range(n)


def batch(xs: list, size: int, drop: bool) -> list:
    out = [xs[i : i + size] for i in range(0, len(xs), size)]
    return [b for b in out if len(b) == size] if drop else out


def shard(xs: list, num: int, index: int) -> list:
    return [x for i, x in enumerate(xs) if i % num == index]


def interleave(inputs: list, make, cycle_length: int, block_length: int) -> list:
    """TensorFlow's interleave order, written over lists."""
    pending = list(inputs)
    slots: list = [None] * cycle_length
    out: list = []
    i = block = 0
    while pending or any(s is not None for s in slots):
        if slots[i] is None:
            if pending:
                slots[i] = list(make(pending.pop(0)))
                continue
            i, block = (i + 1) % cycle_length, 0
            continue
        if not slots[i]:
            slots[i] = None
            i, block = (i + 1) % cycle_length, 0
            continue
        out.append(slots[i].pop(0))
        block += 1
        if block == block_length:
            i, block = (i + 1) % cycle_length, 0
    return out


def window(xs: list, size: int, shift: int, stride: int, drop: bool) -> list:
    out = []
    for start in range(0, len(xs), shift):
        w = xs[start : start + (size - 1) * stride + 1 : stride]
        if drop and len(w) < size:
            break
        if w:
            out.append(w)
    return out


def buffer_shuffle(xs: list, buffer_size: int, rng: np.random.Generator) -> list:
    """TensorFlow's buffer shuffle, one element at a time."""
    buf, out = [], []
    for x in xs:
        if len(buf) < buffer_size:
            buf.append(x)
            continue
        i = int(rng.integers(len(buf)))
        out.append(buf[i])
        buf[i] = x
    while buf:
        out.append(buf.pop(int(rng.integers(len(buf)))))
    return out
