"""AutoGraph-style conversion of Python `if`, `while` and `for` inside tf.function."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.graph import autograph
from eagerflow.graph.ir import OperatorNotAllowedInGraphError


@tf.function
def _sign_then_grow(x, n):
    if tf.reduce_sum(x) > 0:
        y = x * 2.0
    else:
        y = -x
    i = tf.constant(0)
    while i < n:
        y = y + 1.0
        i += 1
    return y


@pytest.mark.parametrize("values, n, want", [([1.0, 2.0], 3, [5.0, 7.0]), ([-1.0], 2, [3.0])])
def test_if_and_while_on_tensors_become_graph_control_flow(values, n, want) -> None:
    np.testing.assert_allclose(_sign_then_grow(tf.constant(values), tf.constant(n)).numpy(), want)


def test_converted_statements_are_graph_nodes() -> None:
    graph = _sign_then_grow.get_concrete_function(tf.constant([1.0]), tf.constant(1)).graph
    counts = graph.op_counts()
    assert counts["If"] == 1 and counts["While"] == 1


def test_for_over_tf_range_with_a_tensor_bound() -> None:
    @tf.function
    def triangle(n):
        total = tf.constant(0)
        for k in tf.range(n):
            total += k
        return total

    assert triangle(tf.constant(5)).numpy() == 10
    assert triangle(tf.constant(101)).numpy() == 5050
    assert triangle.experimental_get_tracing_count() == 1


def test_for_over_a_symbolic_tensor_iterates_its_rows() -> None:
    @tf.function
    def row_sums(m):
        acc = tf.zeros([m.shape[1]])
        for row in m:
            acc = acc + row * row
        return acc

    m = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_allclose(row_sums(tf.constant(m)).numpy(), (m * m).sum(0))


def test_python_conditions_stay_python() -> None:
    traces = []

    @tf.function
    def f(x, training):
        traces.append(training)
        if training:
            x = x * 10.0
        for _ in range(2):  # unrolled at trace time
            x = x + 1.0
        return x

    assert f(tf.constant(1.0), True).numpy() == 12.0
    assert f(tf.constant(1.0), False).numpy() == 3.0
    assert traces == [True, False]


def test_gradient_through_converted_control_flow() -> None:
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x
            if tf.reduce_sum(x) > 0:
                y = y * y
            k = 0
            for _ in tf.range(tf.constant(2)):
                y = y * x
                k += 1
        return tape.gradient(y, x)

    x = tf.constant([1.5, 2.0])
    np.testing.assert_allclose(f(x).numpy(), 4 * x.numpy() ** 3, rtol=1e-6)


def test_variable_defined_in_one_branch_only_is_undefined_after() -> None:
    @tf.function
    def f(x):
        if x > 0:
            extra = x * 3.0  # noqa: F841  (defined on one path only)
        y = x + 1.0
        return y

    assert f(tf.constant(1.0)).numpy() == 2.0


def test_returns_inside_if_statements_are_converted() -> None:
    @tf.function
    def f(x, training):
        if training:
            return x + 1.0
        y = x * 10.0
        if tf.reduce_sum(y) > 5.0:
            y = y - 5.0
            return y
        elif tf.reduce_sum(y) < -5.0:
            return y + 5.0
        return y

    got = [f(tf.constant(v), t).numpy() for v, t in ((1.0, True), (1.0, False), (-1.0, False))]
    assert got == [2.0, 5.0, -5.0]
    assert f(tf.constant(0.1), False).numpy() == pytest.approx(1.0)


def test_if_nested_in_a_while_body() -> None:
    @tf.function
    def collatz_steps(n):
        steps = tf.constant(0)
        while n > 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    assert collatz_steps(tf.constant(27)).numpy() == 111
    assert collatz_steps.get_concrete_function(tf.constant(1)).graph.op_counts()["While"] == 1


def test_unconvertible_statement_raises_the_error_naming_the_line() -> None:
    @tf.function
    def f(x):
        for _ in tf.range(3):
            if x > 100.0:
                return x  # a return inside a loop is not converted
            x = x * 10.0
        return x

    with pytest.raises(OperatorNotAllowedInGraphError, match=r"test_autograph.py:\d+") as info:
        f(tf.constant(1.0))
    assert "tf.cond" in str(info.value) and "return" in str(info.value)


def test_conversion_keeps_eager_behaviour_and_closures() -> None:
    scale = [2.0]

    def f(x):
        if x > 0:
            x = x * scale[0]
        return x

    converted = autograph.convert(f)
    assert converted is not f
    assert converted(tf.constant(3.0)).numpy() == 6.0
    scale[0] = 5.0
    assert converted(3.0) == 15.0
    assert autograph.convert(lambda x: x) is not None


def test_break_in_a_tensor_while_loop() -> None:
    @tf.function
    def first_above(x, limit):
        i = tf.constant(0)
        found = tf.constant(-1)
        while i < tf.shape(x)[0]:
            if x[i] > limit:
                found = i
                break
            i += 1
        return found

    x = tf.constant([1.0, 5.0, 2.0, 7.0])
    assert [first_above(x, tf.constant(v)).numpy() for v in (4.0, 6.0, 9.0)] == [1, 3, -1]
    assert first_above.experimental_get_tracing_count() == 1


def test_continue_in_a_for_over_tf_range() -> None:
    @tf.function
    def sum_odd(n):
        total = tf.constant(0)
        for i in tf.range(n):
            if i % 2 == 0:
                continue
            total += i
        return total

    assert sum_odd(tf.constant(10)).numpy() == 25


def test_break_in_python_loops_with_python_and_tensor_conditions() -> None:
    @tf.function
    def f(x):
        for k in range(100):
            if k == 3:  # a Python condition: the Python loop stops
                break
            x = x + 1.0
        for _ in range(5):
            if x > 4.0:  # a tensor condition: later iterations are guarded
                break
            x = x + 1.0
        return x

    assert f(tf.constant(0.0)).numpy() == 5.0
    assert f(tf.constant(10.0)).numpy() == 13.0
