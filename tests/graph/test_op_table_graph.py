"""Every op in the op-spec table: traced, optimized and compiled equals eager, forward and
gradient (the gradient taken both inside the function and around the call)."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.graph import options
from eagerflow.graph.ir import OperatorNotAllowedInGraphError
from tests.ops.op_spec import OpSpec
from tests.ops.test_op_table import SPECS


def _tensors(spec: OpSpec, arrays: list) -> list:
    return [tf.constant(a) for a in arrays]


def _traced(fn):
    """tf.function(fn). A spec whose own code reads input values in Python (to keep samples
    away from kinks) is traced with its inputs captured from the closure instead, with
    constant folding off so that the compiled graph still does the work."""
    traced = tf.function(fn)

    def call(*args):
        try:
            return traced(*args)
        except OperatorNotAllowedInGraphError as exc:
            if "tests/ops/specs/" not in str(exc):
                raise
        previous = tf.config.optimizer.get_experimental_options()
        tf.config.optimizer.set_experimental_options({"constant_folding": False})
        try:
            return tf.function(lambda: fn(*args))()
        finally:
            options.reset()
            tf.config.optimizer.set_experimental_options(previous)

    return call


def _assert_same(got, want, rtol=1e-6, atol=1e-6) -> None:
    got, want = tf.nest.flatten(got), tf.nest.flatten(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if w is None:
            assert g is None
            continue
        assert g.dtype == w.dtype
        assert list(g.shape) == list(w.shape)
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=rtol, atol=atol)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_traced_forward_matches_eager(spec: OpSpec) -> None:
    arrays = spec.sample(0, np.dtype(spec.dtypes[-1]))
    tensors = _tensors(spec, arrays)
    want = spec.fn(*tensors)
    got = _traced(spec.fn)(*tensors)
    _assert_same(got, want)


def _loss(spec: OpSpec):
    def loss(*tensors):
        outs = [o for o in tf.nest.flatten(spec.fn(*tensors)) if o.dtype.is_floating]
        return tf.add_n([tf.reduce_sum(o * o) for o in outs]) if outs else None

    return loss


GRAD_SPECS = [s for s in SPECS if s.grad]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=lambda s: s.name)
def test_traced_gradient_matches_eager(spec: OpSpec) -> None:
    arrays = spec.sample(1, np.dtype("float64"))
    diff = [i for i, a in enumerate(spec.args) if a.differentiable]
    loss = _loss(spec)

    def grads(*tensors):
        with tf.GradientTape() as tape:
            for i in diff:
                tape.watch(tensors[i])
            value = loss(*tensors)
        return tape.gradient(value, [tensors[i] for i in diff], unconnected_gradients="zero")

    tensors = _tensors(spec, arrays)
    want = grads(*tensors)
    _assert_same(_traced(grads)(*tensors), want, rtol=1e-9, atol=1e-9)

    # The tape outside, the function call recorded as one op.
    traced_loss = _traced(loss)
    with tf.GradientTape() as tape:
        for i in diff:
            tape.watch(tensors[i])
        value = traced_loss(*tensors)
    outside = tape.gradient(value, [tensors[i] for i in diff], unconnected_gradients="zero")
    _assert_same(outside, want, rtol=1e-9, atol=1e-9)
