"""tf.Graph, the default graph, Session.run fetches and feeds, control dependencies."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


def test_ops_in_a_graph_build_nodes_and_a_session_runs_them() -> None:
    g = tf.Graph()
    with g.as_default():
        assert not tf.executing_eagerly()
        assert v1.get_default_graph() is g
        c = tf.constant([[1.0, 2.0]]) * 3.0
        assert "Mul" in g.op_counts()
        with v1.Session() as sess:
            out = sess.run(c)
    assert tf.executing_eagerly()
    np.testing.assert_array_equal(out, [[3.0, 6.0]])
    assert isinstance(out, np.ndarray)


def test_scalars_come_back_as_numpy_scalars_and_ops_as_none() -> None:
    with tf.Graph().as_default():
        s = tf.reduce_sum(tf.constant([1.0, 2.0]))
        op = tf.no_op()
        with v1.Session() as sess:
            value, nothing = sess.run([s, op])
    assert value == 3.0 and isinstance(value, np.float32)
    assert nothing is None


def test_fetch_structures() -> None:
    Pair = collections.namedtuple("Pair", ["a", "b"])
    with tf.Graph().as_default():
        a = tf.constant(1)
        b = tf.constant([2, 3])
        with v1.Session() as sess:
            out = sess.run({"x": [a, (b, a)], "y": Pair(a, b), "z": a})
    assert out["x"][0] == 1 and isinstance(out["x"][1], tuple)
    np.testing.assert_array_equal(out["x"][1][0], [2, 3])
    assert isinstance(out["y"], Pair) and out["y"].a == 1
    assert out["z"] == 1


def test_placeholder_feeds_and_shape_checks() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, shape=[None, 2], name="x")
        y = tf.reduce_sum(x, axis=1)
        with v1.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {x: [[1, 2], [3, 4]]}), [3.0, 7.0])
            np.testing.assert_array_equal(sess.run(y, feed_dict={x: np.ones((1, 2))}), [2.0])
            with pytest.raises(
                ValueError,
                match=r"Cannot feed value of shape \(2,\) for Tensor "
                r"'x:0', which has shape '\(None, 2\)'",
            ):
                sess.run(y, {x: [1.0, 2.0]})
            with pytest.raises(
                tf.errors.InvalidArgumentError,
                match="You must feed a value for placeholder tensor 'x:0'",
            ):
                sess.run(y)
            with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor"):
                sess.run(y, {x: y})


def test_placeholder_dtype_conversion_and_int_overflow() -> None:
    with tf.Graph().as_default():
        i = v1.placeholder(tf.int32, shape=[])
        with v1.Session() as sess:
            assert sess.run(i * 2, {i: 21}) == 42
            with pytest.raises(TypeError, match="is not compatible with Tensor type int32"):
                sess.run(i, {i: 2**40})


def test_placeholder_with_default_and_feeding_any_tensor() -> None:
    with tf.Graph().as_default():
        p = v1.placeholder_with_default(tf.constant([1.0, 2.0]), shape=[None])
        y = p * 2.0
        with v1.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), [2.0, 4.0])
            np.testing.assert_array_equal(sess.run(y, {p: [5.0, 6.0, 7.0]}), [10.0, 12.0, 14.0])
            # Any tensor can be fed: its producer does not run.
            np.testing.assert_array_equal(sess.run(y * 1.0, {y: [1.0]}), [1.0])


def test_placeholder_needs_a_graph() -> None:
    with pytest.raises(RuntimeError, match="not compatible with eager execution"):
        v1.placeholder(tf.float32)


def test_fetches_from_another_graph_and_bad_fetches() -> None:
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0) + 1.0
    with g2.as_default(), v1.Session() as sess:
        with pytest.raises(ValueError, match="is not an element of this graph"):
            sess.run(a)
        with pytest.raises(TypeError, match="Fetch argument None has invalid type"):
            sess.run(None)
        with pytest.raises(TypeError, match="Fetch argument 3 has invalid type"):
            sess.run(3)


def test_closed_session_refuses_to_run() -> None:
    with tf.Graph().as_default():
        a = tf.constant(1.0)
        sess = v1.Session()
        assert sess.run(a) == 1.0
        sess.close()
        with pytest.raises(RuntimeError, match="closed Session"):
            sess.run(a)


def test_session_graph_argument_and_default_session_eval() -> None:
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(2.0) + 1.0
    sess = v1.Session(graph=g)
    with sess.as_default():
        assert v1.get_default_session() is sess
        assert a.eval() == 3.0
    assert a.eval(session=sess) == 3.0
    with pytest.raises(ValueError, match="No default session"):
        a.eval()


def test_graph_tensors_are_hashable_and_compiled_plans_are_reused() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [])
        y = x + 1.0
        assert {x: 1}[x] == 1
        with v1.Session() as sess:
            for i in range(3):
                assert sess.run(y, {x: float(i)}) == i + 1.0
            assert len(sess._plans) == 1


def test_get_and_reset_default_graph() -> None:
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(AssertionError, match="nested graphs"):
            v1.reset_default_graph()
    default = v1.get_default_graph()
    v1.reset_default_graph()
    assert v1.get_default_graph() is not default


def test_control_dependencies_order_updates_before_a_read() -> None:
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        inc = v.assign_add(1.0)
        with tf.control_dependencies([inc]):
            out = tf.identity(tf.constant(5.0))
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            assert sess.run(out) == 5.0
            assert sess.run(v) == 2.0
            sess.run(tf.group(inc, inc.op))
            assert sess.run(v) == 3.0
    # Eagerly control_dependencies does nothing and group is None.
    with tf.control_dependencies([tf.constant(1.0)]):
        assert tf.group(tf.constant(1.0)) is None


def test_graph_finalize() -> None:
    g = tf.Graph()
    g.finalize()
    with g.as_default(), pytest.raises(RuntimeError, match="finalized"):
        tf.constant(1.0) + 1.0


def test_cond_while_loop_and_their_gradients_in_a_graph() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [])
        y = tf.cond(x > 0, lambda: x * 2.0, lambda: -x)
        _, s = tf.while_loop(
            lambda i, s: i < 5, lambda i, s: (i + 1, s + x), [tf.constant(0), tf.constant(0.0)]
        )
        (dy,) = v1.gradients(y, [x])
        with v1.Session() as sess:
            assert sess.run([y, s, dy], {x: 3.0}) == [6.0, 15.0, 2.0]
            assert sess.run([y, dy], {x: -2.0}) == [2.0, -1.0]


def test_graph_tensors_have_no_python_value() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [])
        with pytest.raises(TypeError, match="no value until a Session runs it"):
            bool(x > 0)
        with pytest.raises(TypeError, match="no value until a Session runs it"):
            x.numpy()


def test_tf_names_operations_and_lookup_by_name() -> None:
    g = tf.Graph()
    with g.as_default():
        a = v1.placeholder(tf.float32, [None], name="a")
        b = v1.placeholder(tf.float32, [None], name="a")
        with tf.name_scope("block"):
            c = tf.add(a, b)
            d = tf.add(c, 1.0)
        assert (a.name, b.name) == ("a:0", "a_1:0")
        assert c.name.startswith("block/") and c.name != d.name
        assert repr(a) == 'Tensor("a:0", shape=(None,), dtype=float32)'
        assert g.get_tensor_by_name(c.name) is c
        assert g.get_operation_by_name(d.op.name) is d.op
        with pytest.raises(KeyError):
            g.get_tensor_by_name("nope:0")
        v = tf.Variable(1.0)
        init = v1.global_variables_initializer()
        assert init.type == "NoOp"
        with v1.Session().as_default():
            init.run()
            assert v.initializer.name.startswith("AssignVariableOp")
            assert d.eval({a: [1.0], b: [2.0]}) == [4.0]


def test_fetches_and_feeds_by_name() -> None:
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [], name="x")
        y = tf.multiply(x, 2.0)
        with v1.Session() as sess:
            assert sess.run(y.name, {"x:0": 3.0}) == 6.0
            assert sess.run(y.op.name, {x: 1.0}) is None


def test_tf_function_called_in_a_graph_runs_its_updates_when_fetched() -> None:
    with tf.Graph().as_default():
        v = tf.Variable(2.0)

        @tf.function
        def step():
            v.assign_add(1.0)
            return v * 3.0

        out = step()
        concrete = tf.function(lambda x: x * 2.0).get_concrete_function(tf.constant(1.0))
        doubled = concrete(out)
        with v1.Session() as sess:
            sess.run(v.initializer)
            assert sess.run(out) == 9.0
            assert sess.run(v) == 3.0
            assert sess.run(doubled) == 24.0


def test_graph_tensors_compare_by_identity() -> None:
    with tf.Graph().as_default():
        a = v1.placeholder(tf.float32, [2])
        b = a * 1.0
        assert a == a and a != b and b in [a, b] and a not in [b]
        with v1.Session() as sess:
            np.testing.assert_array_equal(sess.run(tf.equal(a, b), {a: [1.0, 2.0]}), [True] * 2)
