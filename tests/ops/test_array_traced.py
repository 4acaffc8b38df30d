"""Array ops inside tf.function: traced index bounds and dimensions unknown until run time."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf


def _assert_same(got, want) -> None:
    for g, w in zip(tf.nest.flatten(got), tf.nest.flatten(want)):
        np.testing.assert_allclose(g.numpy(), w.numpy())


def _slices(x, i, n):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x[i] * 2.0 + x[i - 1, ::-1]
        loss = tf.reduce_sum(y * y)
    return (
        y,
        x[i:n, None, -1],
        x[:n, ::-1][:, i],
        tf.strided_slice(x, tf.stack([i, 0]), [4, 2]),
        tape.gradient(loss, x),
    )


def test_traced_scalar_bounds_are_inputs_not_constants() -> None:
    traced = tf.function(_slices)
    x = tf.constant(np.arange(12.0).reshape(4, 3))
    for i, n in [(1, 3), (2, 4), (0, 2)]:
        args = (x, tf.constant(i), tf.constant(n))
        _assert_same(traced(*args), _slices(*args))
    assert traced.experimental_get_tracing_count() == 1


def _unknown_rows(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        flat = tf.reshape(x, [-1]) * 2.0
        same = tf.reshape(tf.transpose(x), tf.shape(x))
        spread = tf.broadcast_to(x[:, :1], tf.shape(x))
    grad = tape.gradient([flat, same, spread], x)
    others = [
        x[1:, ::2],
        x[..., None, -1],
        tf.pad(x, [[1, 0], [0, 2]], "REFLECT"),
        tf.concat([x, x], 0),
        tf.gather(x, [2, 0], axis=1),
        tf.where(x > 3.0, x, 0.0),
        tf.boolean_mask(x, x[:, 0] > 2.0),
        tf.sort(x, axis=0),
        tf.shape(x),
    ]
    return [flat, same, spread, grad] + others


@pytest.mark.parametrize("rows", [2, 5])
def test_dimensions_unknown_until_run_time(rows: int) -> None:
    traced = tf.function(_unknown_rows, input_signature=[tf.TensorSpec([None, 3], tf.float64)])
    x = tf.constant(np.arange(rows * 3.0).reshape(rows, 3))
    _assert_same(traced(x), _unknown_rows(x))


def _ranges(x):
    n = tf.shape(x)[0]
    return (
        tf.gather(x, tf.range(n - 1, -1, -1)),
        tf.range(n),
        tf.range(1, n, 2),
        tf.range(tf.cast(n, tf.float32)),
    )


@pytest.mark.parametrize("rows", [3, 5])
def test_range_with_traced_bounds(rows: int) -> None:
    traced = tf.function(_ranges, input_signature=[tf.TensorSpec([None, 2], tf.float64)])
    x = tf.constant(np.arange(rows * 2.0).reshape(rows, 2))
    got, want = traced(x), _ranges(x)
    _assert_same(got, want)
    assert [g.dtype for g in got] == [w.dtype for w in want]


def _filled(x):
    s = tf.shape(x)
    return tf.zeros(s), tf.ones(s, tf.int32), tf.fill(s, 2.0), tf.zeros(s[1:]), s, tf.size(x)


@pytest.mark.parametrize("signature", [None, [tf.TensorSpec([None, 2], tf.float64)]])
def test_fill_zeros_ones_from_traced_shapes(signature) -> None:
    traced = tf.function(_filled, input_signature=signature)
    for rows in (3, 5):
        x = tf.constant(np.arange(rows * 2.0).reshape(rows, 2))
        got, want = traced(x), _filled(x)
        _assert_same(got, want)
        assert [g.dtype for g in got] == [w.dtype for w in want]


def _mixed_shapes(x):
    n = tf.shape(x)[0]
    with tf.GradientTape() as tape:
        tape.watch(x)
        a = tf.reshape(x, [n, -1, 1])
        b = tf.tile(x, [1, n])
        c = tf.broadcast_to(x[:, :1], [n, 3])
        d = tf.tile(x, [2, 1])
        loss = tf.reduce_sum(a * a) + tf.reduce_sum(b * b) + tf.reduce_sum(c) + tf.reduce_sum(d * d)
    return a, b, c, d, tf.zeros([n, 2]), tf.fill([2, n], 1.5), tape.gradient(loss, x)


@pytest.mark.parametrize("signature", [None, [tf.TensorSpec([None, 3], tf.float64)]])
def test_shapes_mixing_ints_and_traced_scalars(signature) -> None:
    traced = tf.function(_mixed_shapes, input_signature=signature)
    for rows in (2, 4):
        x = tf.constant(np.arange(rows * 3.0).reshape(rows, 3))
        _assert_same(traced(x), _mixed_shapes(x))
    if signature is not None:
        concrete = traced.get_concrete_function(tf.TensorSpec([None, 3], tf.float64))
        assert concrete.structured_outputs[0].shape.as_list() == [None, None, 1]


def _joins(x, y):
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        c = tf.concat([x, y], 0)
        c2 = tf.concat([x, x * 2.0], 1)
        a, b = tf.split(c, 2, axis=0)
        p, q = tf.split(x, [1, -1], axis=0)
        loss = tf.reduce_sum(c * c) + tf.reduce_sum(c2) + tf.reduce_sum(a * b) + tf.reduce_sum(q)
    return (c, c2, a, b, p, q) + tuple(tape.gradient(loss, [x, y]))


def test_concat_and_split_along_unknown_dims() -> None:
    spec = tf.TensorSpec([None, 3], tf.float64)
    traced = tf.function(_joins, input_signature=[spec, spec])
    for rows in (2, 4):
        x = tf.constant(np.arange(rows * 3.0).reshape(rows, 3))
        _assert_same(traced(x, x + 1.0), _joins(x, x + 1.0))


def _gathers(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        a = tf.gather(x, [0, 0, 1])
        b = tf.boolean_mask(x, x[:, 0] > 2.0)
        c = tf.gather_nd(x, [[1, 2], [0, 0]])
        d = tf.sort(x, axis=0)
        loss = tf.reduce_sum(a * a) + tf.reduce_sum(b) + tf.reduce_sum(c * c) + tf.reduce_sum(d * d)
    return a, b, c, d, tape.gradient(loss, x)


def test_gather_gradients_with_unknown_dims() -> None:
    traced = tf.function(_gathers, input_signature=[tf.TensorSpec([None, 3], tf.float64)])
    for rows in (2, 4):
        x = tf.constant(np.arange(rows * 3.0).reshape(rows, 3))
        _assert_same(traced(x), _gathers(x))


def _layouts(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        a = tf.squeeze(tf.expand_dims(x, 1) * 2.0)
        b = tf.reverse(tf.transpose(x), [0])
        p = tf.pad(x, [[1, 1], [0, 1]], "SYMMETRIC")
        loss = tf.reduce_sum(a * a) + tf.reduce_sum(b * b) + tf.reduce_sum(p * p)
    return a, b, p, tape.gradient(loss, x)


def test_layout_gradients_with_unknown_dims() -> None:
    traced = tf.function(_layouts, input_signature=[tf.TensorSpec([None, 3], tf.float64)])
    for rows in (2, 4):
        x = tf.constant(np.arange(rows * 3.0).reshape(rows, 3))
        _assert_same(traced(x), _layouts(x))
