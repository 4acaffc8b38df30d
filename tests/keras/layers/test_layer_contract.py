"""The layer contract, checked for every case in layer_cases.CASES.

For each layer: output shape and dtype; weight count, names and trainability; `get_config` /
`from_config` round trip (same config, same outputs with the same weights); the symbolic
(functional) call agrees with the eager one; and one GradientTape + plain SGD step lowers a
loss (layers with trainable weights) or passes a gradient to the inputs (layers without).
Comparisons with TensorFlow's own layers (same weights, same outputs and gradients) are in
tests/keras/test_tensorflow_parity.py, which runs only where TensorFlow is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from tests.keras.layers.layer_cases import CASES, LayerCase

CASE_IDS = [case.id for case in CASES]


def _inputs(case: LayerCase, rng: np.random.Generator, batch: int | None = None):
    shapes = case.inputs if isinstance(case.inputs, list) else [case.inputs]
    values = []
    for shape in shapes:
        shape = (batch or shape[0],) + tuple(shape[1:])
        if case.int_inputs:
            values.append(tf.constant(rng.integers(0, case.int_inputs, shape).astype(np.int32)))
        else:
            values.append(tf.constant(rng.normal(size=shape).astype(case.dtype)))
    return values if isinstance(case.inputs, list) else values[0]


def _outputs(result) -> list:
    return result if isinstance(result, (list, tuple)) else [result]


def _expected_shapes(case: LayerCase) -> list:
    return case.output_shape if isinstance(case.output_shape, list) else [case.output_shape]


def _build(case: LayerCase, rng: np.random.Generator):
    tf.keras.backend.clear_session()
    tf.random.set_seed(0)
    layer = case.make()
    x = _inputs(case, rng)
    return layer, x, layer(x, **case.call_kwargs)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_output_shape_and_dtype(case: LayerCase, rng) -> None:
    _, _, result = _build(case, rng)
    outputs = _outputs(result)
    assert [tuple(o.shape.as_list()) for o in outputs] == _expected_shapes(case)
    for output in outputs:
        assert output.dtype == tf.as_dtype(case.dtype)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_weight_names_counts_and_trainability(case: LayerCase, rng) -> None:
    layer, _, _ = _build(case, rng)
    assert layer.built
    assert tuple(w.name for w in layer.weights) == case.weights
    expected_trainable = len(case.weights) if case.trainable is None else case.trainable
    assert len(layer.trainable_weights) == expected_trainable
    assert len(layer.non_trainable_weights) == len(case.weights) - expected_trainable
    assert layer.count_params() == sum(int(np.prod(w.shape.as_list())) for w in layer.weights)
    assert [w.shape for w in layer.weights] == [
        tf.TensorShape(a.shape) for a in layer.get_weights()
    ]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_config_round_trip(case: LayerCase, rng) -> None:
    layer, x, _ = _build(case, rng)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    clone_config = clone.get_config()
    assert clone_config == config
    if "training" in case.call_kwargs:
        return  # random (dropout) or state-updating (batch statistics) calls
    clone(x)
    clone.set_weights(layer.get_weights())
    for a, b in zip(_outputs(layer(x)), _outputs(clone(x))):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_symbolic_call_matches_eager_shapes(case: LayerCase, rng) -> None:
    tf.keras.backend.clear_session()
    shapes = case.inputs if isinstance(case.inputs, list) else [case.inputs]
    dtype = "int32" if case.int_inputs else case.dtype
    symbols = [tf.keras.Input(shape=s[1:], dtype=dtype) for s in shapes]
    layer = case.make()
    symbolic = layer(symbols if isinstance(case.inputs, list) else symbols[0], **case.call_kwargs)
    expected = [(None, *s[1:]) for s in _expected_shapes(case)]
    assert [tuple(t.shape.as_list()) for t in _outputs(symbolic)] == expected
    model = tf.keras.Model(symbols if isinstance(case.inputs, list) else symbols[0], symbolic)
    eager = model(_inputs(case, rng, batch=3))
    assert [tuple(o.shape.as_list()) for o in _outputs(eager)] == [
        (3, *s[1:]) for s in _expected_shapes(case)
    ]


def _loss(outputs: list):
    return tf.add_n([tf.reduce_mean(tf.square(o - 0.5)) for o in outputs])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_one_sgd_step_lowers_the_loss(case: LayerCase, rng) -> None:
    layer, x, _ = _build(case, rng)
    kwargs = dict(case.call_kwargs)
    if not layer.trainable_weights:
        inputs = x if isinstance(x, list) else [x]
        if case.int_inputs:
            return
        with tf.GradientTape() as tape:
            for t in inputs:
                tape.watch(t)
            loss = _loss(_outputs(layer(x, **kwargs)))
        grads = tape.gradient(loss, inputs)
        assert all(g is not None and np.all(np.isfinite(g.numpy())) for g in grads)
        return
    if case.id.startswith("dropout"):
        kwargs.pop("training", None)
    variables = layer.trainable_weights
    with tf.GradientTape() as tape:
        before = _loss(_outputs(layer(x, **kwargs)))
    grads = tape.gradient(before, variables)
    missing = [v.name for v, g in zip(variables, grads) if g is None]
    assert not missing, missing
    for v, g in zip(variables, grads):
        v.assign_sub(0.05 * g)
    after = _loss(_outputs(layer(x, **kwargs)))
    assert float(after) < float(before)
