"""Optimization passes: run(optimize(g)) == run(g) on random graphs (hypothesis), plus the
structural effect of each pass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eagerflow as tf
from eagerflow.graph.executor import compile_graph, interpret
from eagerflow.graph.passes import (
    eliminate_common_subexpressions,
    eliminate_dead_code,
    fold_constants,
    fuse_elementwise,
    fusion,
    optimize,
    simplify_arithmetic,
)

PASSES = [
    fold_constants,
    simplify_arithmetic,
    eliminate_common_subexpressions,
    eliminate_dead_code,
    fuse_elementwise,
    optimize,
]

# Each op: (name, arity, function on two operands).
OPS = [
    ("add", 2, lambda a, b: a + b),
    ("mul", 2, lambda a, b: a * b),
    ("sub", 2, lambda a, b: a - b),
    ("matmul", 2, lambda a, b: tf.matmul(a, b) * 0.5),
    ("tanh", 1, lambda a, b: tf.tanh(a)),
    ("square", 1, lambda a, b: tf.square(a) * 0.1),
    ("transpose2", 1, lambda a, b: tf.transpose(tf.transpose(a))),
    ("transpose", 1, lambda a, b: tf.transpose(a)),
    ("reshape2", 1, lambda a, b: tf.reshape(tf.reshape(a, [9]), [3, 3])),
    ("times_one", 1, lambda a, b: a * 1.0),
    ("plus_zero", 1, lambda a, b: 0.0 + a),
    ("neg_neg", 1, lambda a, b: tf.negative(tf.negative(a))),
    ("const", 1, lambda a, b: a + tf.constant(np.eye(3), a.dtype) * 2.0 - 1.0),
    ("cast", 1, lambda a, b: tf.cast(a, a.dtype)),
    ("exp", 1, lambda a, b: tf.exp(tf.tanh(a))),
    ("max", 2, lambda a, b: tf.maximum(a, b)),
    ("row", 1, lambda a, b: a * tf.constant([1.0, -2.0, 0.5], a.dtype) + 1.0),
    ("div", 2, lambda a, b: a / (tf.square(b) + 1.0)),
]

programs = st.lists(
    st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 100), st.integers(0, 100)),
    min_size=1,
    max_size=14,
)


def _build(program: list, outputs: list):
    def f(x, y):
        values = [x, y]
        for op, i, j in program:
            _, _, fn = OPS[op]
            values.append(fn(values[i % len(values)], values[j % len(values)]))
        return [values[k % len(values)] for k in outputs]

    return f


def _inputs(seed: int, dtype: str) -> list:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (3, 3)).astype(dtype), rng.uniform(-1, 1, (3, 3)).astype(dtype)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    programs,
    st.lists(st.integers(0, 100), min_size=1, max_size=3),
    st.integers(0, 3),
    st.sampled_from(["float64", "float32"]),
)
def test_every_pass_preserves_results_on_random_graphs(program, outputs, seed, dtype) -> None:
    f = _build(program, outputs)
    arrays = _inputs(seed, dtype)
    want = [t.numpy() for t in f(*[tf.constant(a) for a in arrays])]
    graph = tf.function(f).get_concrete_function(*[tf.constant(a) for a in arrays]).graph
    base = compile_graph(graph)(*arrays)
    for got, w in zip(base, want):
        np.testing.assert_array_equal(got, w)
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == "float64" else {"rtol": 1e-5, "atol": 1e-6}
    for run_pass in PASSES:
        optimized = run_pass(graph)
        for result in (compile_graph(optimized)(*arrays), interpret(optimized, arrays)):
            for got, w in zip(result, want):
                assert got.dtype == w.dtype and got.shape == w.shape
                np.testing.assert_allclose(got, w, **tol)


def _graph(f, *args):
    return tf.function(f).get_concrete_function(*args).graph


X = tf.constant(np.ones((2, 2), np.float32))


def test_cse_merges_two_identical_matmuls() -> None:
    graph = _graph(lambda x: tf.matmul(x, x) + tf.matmul(x, x), X)
    assert graph.op_counts()["MatMul"] == 2
    assert eliminate_common_subexpressions(graph).op_counts()["MatMul"] == 1


def test_cse_keeps_distinct_attrs_and_stateful_reads_apart() -> None:
    v = tf.Variable(np.ones((2, 2), np.float32))

    def f(x):
        a = tf.matmul(x, v, transpose_b=True)
        v.assign_add(x)
        return a + tf.matmul(x, v)

    graph = eliminate_common_subexpressions(_graph(f, X))
    assert graph.op_counts()["MatMul"] == 2
    assert graph.op_counts()["ReadVariableOp"] == 2


def test_constants_fold_and_variables_do_not() -> None:
    v = tf.Variable(3.0)
    graph = fold_constants(_graph(lambda x: x * (tf.constant(2.0) * 4.0 + 1.0) + v * 1.0, X))
    counts = graph.op_counts()
    assert counts["Mul"] == 2  # x * 9, v * 1 (the variable is read at run time)
    assert counts["ReadVariableOp"] == 1
    assert any(
        n.type == "Const" and np.asarray(n.attrs["value"]).tolist() == 9.0 for n in graph.nodes
    )


def test_shape_only_ops_fold_for_static_shapes() -> None:
    graph = fold_constants(_graph(lambda x: tf.ones_like(x) + tf.cast(tf.shape(x)[0], x.dtype), X))
    assert "OnesLike" not in graph.op_counts() and "Shape" not in graph.op_counts()


def test_dead_nodes_go_and_side_effects_stay() -> None:
    v = tf.Variable(0.0)

    def f(x):
        tf.exp(x)  # unused
        tf.print("side effect")
        v.assign_add(1.0)
        return x + 1.0

    graph = eliminate_dead_code(_graph(f, X))
    counts = graph.op_counts()
    assert "Exp" not in counts
    assert counts["PrintV2"] == 1 and counts["AssignAddVariableOp"] == 1


def test_arithmetic_identities_are_removed() -> None:
    def f(x):
        y = tf.transpose(tf.transpose(x)) * 1.0 + 0.0
        y = tf.reshape(tf.reshape(tf.negative(tf.negative(y)), [4]), [2, 2])
        return tf.cast(tf.identity(y), tf.float32) / 1.0

    graph = eliminate_dead_code(simplify_arithmetic(_graph(f, X)))
    assert set(graph.op_counts()) == {"Placeholder"}
    assert graph.outputs[0] is graph.inputs[0]


def test_arithmetic_keeps_broadcasting_multiplications() -> None:
    graph = simplify_arithmetic(_graph(lambda x: x * tf.ones([3, 2, 2]), X))
    assert graph.op_counts()["Mul"] == 1  # x * ones changes the shape: not an identity


def test_transpose_chain_composes() -> None:
    x = tf.ones([2, 3, 4])
    graph = simplify_arithmetic(
        _graph(lambda x: tf.transpose(tf.transpose(x, [1, 0, 2]), [0, 2, 1]), x)
    )
    transposes = [n for n in graph.nodes if n.type == "Transpose"]
    assert transposes[-1].attrs["perm"] == (1, 2, 0)
    got = compile_graph(eliminate_dead_code(graph))(x.numpy())[0]
    np.testing.assert_array_equal(got, np.transpose(np.transpose(x.numpy(), [1, 0, 2]), [0, 2, 1]))


def test_fusion_groups_single_use_elementwise_chains() -> None:
    def f(x):
        a = tf.tanh(x * 2.0 + 1.0)
        return tf.matmul(a, a), tf.exp(a) - a

    graph = fuse_elementwise(_graph(f, X))
    fused = [n for n in graph.nodes if n.type == "FusedElementwise"]
    assert [n.attrs["ops"] for n in fused] == [["Mul", "AddV2", "Tanh"], ["Exp", "Sub"]]


@pytest.mark.skipif(fusion.numexpr is None, reason="numexpr not installed")
def test_fused_numexpr_program_matches_chained_kernels() -> None:
    graph = fuse_elementwise(_graph(lambda x: tf.tanh(x * 2.0 + 1.0) * x - x, X))
    node = next(n for n in graph.nodes if n.type == "FusedElementwise")
    rng = np.random.default_rng(0)
    for size in (5, fusion.NUMEXPR_MIN_SIZE + 3):
        a = rng.uniform(-2, 2, size).astype(np.float32)
        args = [a if x is graph.inputs[0] else x._node.attrs["value"] for x in node.inputs]
        want = node.op.python(np, *args)
        np.testing.assert_allclose(node.op._numexpr_program()(*args), want, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(node.op.kernel(np, *args), want, rtol=1e-6, atol=1e-6)


def test_fusion_falls_back_without_numexpr(monkeypatch) -> None:
    monkeypatch.setattr(fusion, "numexpr", None)
    graph = fuse_elementwise(_graph(lambda x: tf.tanh(x * 2.0 + 1.0), X))
    op = next(n.op for n in graph.nodes if n.type == "FusedElementwise")
    assert op.expression is None
    got = compile_graph(graph)(X.numpy())[0]
    np.testing.assert_allclose(got, np.tanh(X.numpy() * 2 + 1), rtol=1e-6)


def test_passes_do_not_change_their_input_graph() -> None:
    graph = _graph(lambda x: tf.matmul(x, x) + tf.matmul(x, x) * 1.0, X)
    before = str(graph)
    optimize(graph)
    assert str(graph) == before
