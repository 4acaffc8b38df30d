"""tf.function: tracing, the function cache, retracing rules and messages, state rules."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.graph.ir import OperatorNotAllowedInGraphError


def test_traced_function_equals_eager() -> None:
    def f(x, y):
        return tf.tanh(x) * y + tf.reduce_sum(x * x)

    x = tf.constant([[1.0, -2.0], [0.5, 3.0]])
    y = tf.constant([2.0, 3.0])
    np.testing.assert_allclose(tf.function(f)(x, y).numpy(), f(x, y).numpy(), rtol=1e-6)


def test_graph_prints_readably() -> None:
    @tf.function
    def f(x):
        return tf.tanh(x) * 2.0

    text = str(f.get_concrete_function(tf.constant([1.0, 2.0])).graph)
    assert text.splitlines()[0] == "graph f(%0: float32(2,)) {"
    assert "Tanh(%0) : float32(2,)" in text
    assert "Const 2.0 : float32()" in text
    assert text.rstrip().endswith("}")


def test_one_trace_per_shape_dtype_and_python_value() -> None:
    traces = []

    @tf.function
    def f(x, n):
        traces.append(1)  # a Python side effect: runs at trace time only
        return x * n

    a = tf.constant([1.0, 2.0])
    f(a, 2)
    f(tf.constant([3.0, 4.0]), 2)  # same shape and dtype: cached
    assert len(traces) == 1
    f(a, 3)  # new Python value
    assert len(traces) == 2
    f(tf.constant([1, 2]), 3)  # new dtype
    assert len(traces) == 3
    assert f.experimental_get_tracing_count() == 3


def test_retrace_is_logged_with_the_argument_and_the_change(caplog) -> None:
    @tf.function
    def f(x, scale):
        return x * scale

    with caplog.at_level(logging.INFO, logger="eagerflow.function"):
        f(tf.zeros([32, 10]), 1.0)
        f(tf.zeros([17, 10]), 1.0)
        f(tf.zeros([17, 10]), 2.0)
    messages = [r.getMessage() for r in caplog.records]
    assert any("x: shape (32, 10) -> (17, 10)" in m for m in messages), messages
    assert any("scale: Python value 1.0 -> 2.0" in m for m in messages), messages
    assert f.retrace_history[0].startswith("x: shape (32, 10) -> (17, 10)")


def test_shape_change_relaxes_to_none_and_stops_retracing() -> None:
    @tf.function
    def f(x):
        return tf.reduce_sum(x, axis=1)

    f(tf.ones([4, 3]))
    f(tf.ones([5, 3]))
    count = f.experimental_get_tracing_count()
    for batch in (6, 7, 8):
        np.testing.assert_allclose(f(tf.ones([batch, 3])).numpy(), np.full(batch, 3.0))
    assert f.experimental_get_tracing_count() == count
    relaxed = f.get_concrete_function(tf.ones([9, 3]))
    assert relaxed.input_specs[0].shape.as_list() == [None, 3]
    assert "relaxed" in f.retrace_history[-1]


def test_reduce_retracing_relaxes_every_dimension() -> None:
    @tf.function(reduce_retracing=True)
    def f(x):
        return x * 2.0

    f(tf.ones([2, 3]))
    f(tf.ones([3, 4]))
    f(tf.ones([5, 6]))
    assert f.experimental_get_tracing_count() == 2


def test_fifth_retrace_warns_with_the_history() -> None:
    @tf.function
    def f(x, n):
        return x + n

    x = tf.constant(1.0)
    for n in range(5):
        f(x, n)
    with pytest.warns(UserWarning, match="5 retraces of tf.function f") as record:
        f(x, 5)
    text = str(record[0].message)
    assert "n: Python value 0 -> 1" in text and "n: Python value 4 -> 5" in text


def test_input_signature_is_enforced_and_accepts_none_dims() -> None:
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def f(x):
        return x + 1.0

    f(tf.ones([1, 2]))
    f(tf.ones([7, 2]))
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match=r"argument x has shape \(3, 3\)"):
        f(tf.ones([3, 3]))
    with pytest.raises(TypeError, match="float64"):
        f(tf.ones([3, 2], tf.float64))
    np.testing.assert_allclose(f([[1.0, 2.0]]).numpy(), [[2.0, 3.0]])  # lists convert


def test_get_concrete_function_with_tensor_specs() -> None:
    @tf.function
    def f(x):
        return x * 2.0

    concrete = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    np.testing.assert_allclose(concrete(tf.constant([1.0, 2.0, 3.0])).numpy(), [2.0, 4.0, 6.0])
    with pytest.raises(TypeError, match="not compatible"):
        concrete(tf.constant([[1.0]]))
    assert f.get_concrete_function(tf.TensorSpec([None], tf.float32)) is concrete


def test_methods_trace_per_instance() -> None:
    class Scaler(tf.Module):
        def __init__(self, factor):
            super().__init__()
            self.factor = tf.Variable(factor)

        @tf.function
        def __call__(self, x):
            return x * self.factor

    a, b = Scaler(2.0), Scaler(3.0)
    x = tf.constant([1.0])
    assert a(x).numpy()[0] == 2.0
    assert b(x).numpy()[0] == 3.0
    a.factor.assign(5.0)
    assert a(x).numpy()[0] == 5.0  # variables are read at run time, not folded


def test_nested_structures_in_and_out() -> None:
    @tf.function
    def f(inputs, scale=2.0):
        return {"sum": inputs["a"] + inputs["b"][0], "scaled": [inputs["b"][1] * scale, None]}

    out = f({"a": tf.constant(1.0), "b": (tf.constant(2.0), tf.constant(3.0))})
    assert out["sum"].numpy() == 3.0
    assert out["scaled"][0].numpy() == 6.0 and out["scaled"][1] is None


def test_numpy_arrays_are_tensor_arguments() -> None:
    @tf.function
    def f(x):
        return x * 2

    f(np.ones(3, np.float32))
    f(np.zeros(3, np.float32))
    assert f.experimental_get_tracing_count() == 1
    assert f(np.ones(3, np.float32)).dtype == tf.float32


def test_nested_tf_function_is_inlined() -> None:
    inner = tf.function(lambda x: x * 3.0)

    @tf.function
    def outer(x):
        return inner(x) + 1.0

    assert outer(tf.constant(2.0)).numpy() == 7.0
    graph = outer.get_concrete_function(tf.constant(2.0)).graph
    assert "Mul" in graph.op_counts()


def test_python_print_at_trace_time_and_tf_print_at_run_time(capsys) -> None:
    @tf.function
    def f(x):
        print("tracing")
        tf.print("running", x)
        return x

    for value in (1, 2, 3):
        f(tf.constant(value))
    captured = capsys.readouterr()
    assert captured.out.count("tracing") == 1
    assert captured.err.splitlines() == ["running 1", "running 2", "running 3"]


def test_tf_print_eagerly_and_to_stdout(capsys) -> None:
    tf.print("values:", tf.constant([1, 2, 3]), 4, output_stream=__import__("sys").stdout)
    assert capsys.readouterr().out == "values: [1 2 3] 4\n"


def test_variable_updates_run_in_program_order() -> None:
    v = tf.Variable(1.0)

    @tf.function
    def f():
        v.assign(10.0)
        before = v.read_value()
        v.assign_add(5.0)
        return before, v.read_value()

    before, after = f()
    assert (before.numpy(), after.numpy()) == (10.0, 15.0)
    v.assign(0.0)
    before, after = f()
    assert (before.numpy(), after.numpy()) == (10.0, 15.0)


def test_variables_may_be_created_on_the_first_trace_only() -> None:
    class Lazy:
        def __init__(self):
            self.v = None

        @tf.function
        def __call__(self, x):
            if self.v is None:
                self.v = tf.Variable(tf.ones(x.shape) * 2.0)
            return x * self.v

    m = Lazy()
    np.testing.assert_allclose(m(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(m(tf.constant([3.0, 4.0])).numpy(), [6.0, 8.0])


def test_creating_a_variable_on_every_call_raises_tf_error() -> None:
    @tf.function
    def f(x):
        v = tf.Variable(1.0)
        return x + v

    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on"):
        f(tf.constant(1.0))


def test_creating_a_variable_on_a_later_trace_raises() -> None:
    created = []

    @tf.function
    def f(x):
        if x.shape.rank == 2 and not created:
            created.append(tf.Variable(1.0))
        return x

    f(tf.constant(1.0))
    with pytest.raises(ValueError, match="created on the first call"):
        f(tf.constant([[1.0]]))


def test_symbolic_tensor_value_errors_name_the_line() -> None:
    @tf.function(autograph=False)
    def f(x):
        if x > 0:  # needs a value
            return x
        return -x

    with pytest.raises(OperatorNotAllowedInGraphError, match=r"test_function.py:\d+.*tf.cond"):
        f(tf.constant(1.0))

    @tf.function
    def g(x):
        return x.numpy()

    with pytest.raises(OperatorNotAllowedInGraphError, match="tf.print"):
        g(tf.constant(1.0))


def test_run_functions_eagerly() -> None:
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x + 1

    tf.config.run_functions_eagerly(True)
    try:
        f(tf.constant(1))
        f(tf.constant(1))
    finally:
        tf.config.run_functions_eagerly(False)
    assert len(calls) == 2 and tf.config.functions_run_eagerly() is False


def test_optimizer_options_switch_passes_off() -> None:
    @tf.function
    def f(x):
        return tf.matmul(x, x) + tf.matmul(x, x) * 1.0

    x = tf.ones([2, 2])
    optimized = f.get_concrete_function(x).optimized_graph.op_counts()
    assert optimized.get("MatMul") == 1
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    plain = f.get_concrete_function(x).optimized_graph.op_counts()
    assert plain.get("MatMul") == 2 and "FusedElementwise" not in plain
    np.testing.assert_allclose(f(x).numpy(), np.full((2, 2), 4.0))
    with pytest.raises(ValueError, match="unknown option"):
        tf.config.optimizer.set_experimental_options({"no_such_pass": True})


def test_input_signature_first_call_with_python_lists() -> None:
    @tf.function(
        input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([], tf.int32)]
    )
    def f(x, n):
        return x * tf.cast(n, tf.float32)

    np.testing.assert_allclose(f([[1.0, 2.0]], 3).numpy(), [[3.0, 6.0]])
    np.testing.assert_allclose(f(tf.ones([2, 2]), 2).numpy(), np.full((2, 2), 2.0))
    assert f.experimental_get_tracing_count() == 1


def test_device_scope_runs_the_placed_interpreter() -> None:
    v = tf.Variable([1.0, 2.0])

    @tf.function
    def f(x):
        v.assign_add(x)
        y = tf.cond(tf.reduce_sum(x) > 0, lambda: x * v, lambda: x - v)
        return tf.tanh(y) + 1.0

    x = tf.constant([0.5, 0.25])
    with tf.device("/cpu:0"):
        got = f(x)
    want = np.tanh(x.numpy() * np.array([1.5, 2.25], np.float32)) + 1.0
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    np.testing.assert_allclose(v.numpy(), [1.5, 2.25])


def test_keyword_calls_defaults_and_concrete_calls_with_tensors_only() -> None:
    @tf.function
    def f(x, scale=1.0, *, shift=0.0):
        return x * scale + shift

    x = tf.constant([1.0, 2.0])
    assert f(x).numpy().tolist() == f(x=x).numpy().tolist() == [1.0, 2.0]
    assert f(x, shift=1.0).numpy().tolist() == [2.0, 3.0]
    assert f.experimental_get_tracing_count() == 2
    concrete = f.get_concrete_function(tf.TensorSpec([None], tf.float32), 3.0)
    assert concrete(tf.constant([1.0, 2.0, 3.0])).numpy().tolist() == [3.0, 6.0, 9.0]
    with pytest.raises(TypeError, match=r"expected the tensor inputs \(x\)"):
        concrete(x, x)
