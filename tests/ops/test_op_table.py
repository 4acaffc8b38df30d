"""Generic checks for every op in the spec tables (see op_spec.py)."""

from __future__ import annotations

import importlib
import pkgutil
import warnings

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.core import errors
from eagerflow.core.dispatch import GRADIENTS, infer
from eagerflow.core.tensor_spec import TensorSpec
from tests.ops import specs as specs_package
from tests.ops.op_spec import OpSpec


def _load_specs() -> list[OpSpec]:
    found: list[OpSpec] = []
    for info in pkgutil.iter_modules(specs_package.__path__):
        module = importlib.import_module(f"tests.ops.specs.{info.name}")
        found.extend(module.SPECS)
    names = [s.name for s in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"duplicate op-spec names: {sorted(duplicates)}")
    return found


SPECS = _load_specs()
GRAD_SPECS = [s for s in SPECS if s.grad]
GRAD2_SPECS = [s for s in SPECS if s.grad and s.grad2]
# Gradients that no op-table entry can reach: they are exercised by their own tests.
COVERED_ELSEWHERE = {"CustomGradient", "ReadVariableOp"}
# Graph-only control flow (nodes exist only inside tf.function): tests/graph covers them.
COVERED_ELSEWHERE |= {"If", "Case", "While"}
# The Python callback op (tf.py_function): tests/graph/tf1/test_script_ops.py covers it.
COVERED_ELSEWHERE |= {"EagerPyFunc"}


def _flat(result) -> list:
    return [r for r in tf.nest.flatten(result)]


def _expected_dtype(spec: OpSpec, arrays: list, float_dtype: str) -> str:
    if spec.out_dtype is not None:
        return spec.out_dtype
    return float_dtype


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@pytest.mark.parametrize("float_dtype", ["float32", "float64"])
def test_forward_matches_reference(spec: OpSpec, float_dtype: str) -> None:
    if float_dtype not in spec.dtypes:
        pytest.skip(f"{spec.name} does not run in {float_dtype}")
    arrays = spec.sample(0, np.dtype(float_dtype))
    got = _flat(spec.fn(*[tf.constant(a) for a in arrays]))
    want = _flat(spec.ref(*[a.copy() for a in arrays]))
    assert len(got) == len(want)
    tol = (spec.rtol, spec.atol) if float_dtype == "float32" else (1e-9, 1e-9)
    for g, w in zip(got, want):
        assert isinstance(g, tf.Tensor)
        np.testing.assert_allclose(g.numpy(), np.asarray(w), rtol=tol[0], atol=tol[1])
        assert list(g.shape) == list(np.shape(w))
    if spec.out_dtype is not None or any(a.dtype.kind == "f" for a in arrays):
        assert got[0].dtype.name == _expected_dtype(spec, arrays, float_dtype)


def _non_contiguous(a: np.ndarray) -> np.ndarray:
    if a.ndim == 0:
        return a
    doubled = np.repeat(a, 2, axis=-1)[..., ::2]  # strided view with the same values
    assert not doubled.flags.c_contiguous or a.shape[-1] <= 1
    return doubled


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_forward_on_non_contiguous_inputs(spec: OpSpec) -> None:
    arrays = spec.sample(1, np.dtype(spec.dtypes[-1]))
    want = _flat(spec.fn(*[tf.constant(a) for a in arrays]))
    strided = [
        tf.constant(_non_contiguous(a)) if spec.args[i].fixed is None else tf.constant(a)
        for i, a in enumerate(arrays)
    ]
    got = _flat(spec.fn(*strided))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6, atol=1e-6)


def _watched_run(spec: OpSpec, arrays: list):
    tensors = [tf.constant(a) for a in arrays]
    with tf.GradientTape(persistent=True) as tape:
        for i, t in enumerate(tensors):
            if spec.args[i].differentiable:
                tape.watch(t)
        out = spec.fn(*tensors)
    return tensors, out, tape


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_shape_rules_match_eager_results(spec: OpSpec) -> None:
    arrays = spec.sample(2, np.dtype("float64"))
    _, _, tape = _watched_run(spec, arrays)
    for rec in tape._records:
        specs = [TensorSpec.from_tensor(t) for t in rec.inputs]
        inferred = _flat(infer(rec.prim, specs, rec.attrs))
        assert len(inferred) == len(rec.outputs), rec
        for spec_out, actual in zip(inferred, rec.outputs):
            assert spec_out.shape == actual.shape, (rec, spec_out, actual.shape)
            assert spec_out.dtype == actual.dtype, (rec, spec_out, actual.dtype)


def _scalar_loss(spec: OpSpec, weights: list):
    def loss(*tensors):
        outs = [o for o in _flat(spec.fn(*tensors)) if o.dtype.is_floating]
        return (
            tf.add_n([tf.reduce_sum(o * w) for o, w in zip(outs, weights)])
            if len(outs) > 1
            else tf.reduce_sum(outs[0] * weights[0])
        )

    return loss


def _loss_weights(spec: OpSpec, arrays: list, rng: np.random.Generator) -> list:
    outs = [o for o in _flat(spec.fn(*[tf.constant(a) for a in arrays])) if o.dtype.is_floating]
    return [tf.constant(rng.normal(size=o.shape.as_list())) for o in outs]


def _directional_fd(f, arrays: list, direction: list, eps: float) -> float:
    # Only differentiable inputs move; integer inputs (labels, indices) keep their dtype.
    plus = [a if d is None else a + eps * d for a, d in zip(arrays, direction)]
    minus = [a if d is None else a - eps * d for a, d in zip(arrays, direction)]
    return (
        float(f(*[tf.constant(p) for p in plus])) - float(f(*[tf.constant(m) for m in minus]))
    ) / (2 * eps)


def _directions(spec: OpSpec, arrays: list, rng: np.random.Generator) -> list:
    return [
        rng.normal(size=a.shape) if spec.args[i].differentiable else None
        for i, a in enumerate(arrays)
    ]


def _tape_gradients(loss, tensors: list, diff: list) -> list:
    """Tape gradients of `loss(*tensors)` for the inputs at `diff` (zeros if unconnected)."""
    with tf.GradientTape() as tape:
        for i in diff:
            tape.watch(tensors[i])
        value = loss(*tensors)
    return tape.gradient(value, [tensors[i] for i in diff], unconnected_gradients="zero")


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=lambda s: s.name)
def test_gradient_matches_finite_differences(spec: OpSpec) -> None:
    rng = np.random.default_rng(3)
    arrays = spec.sample(3, np.dtype("float64"))
    loss = _scalar_loss(spec, _loss_weights(spec, arrays, rng))
    tensors = [tf.constant(a) for a in arrays]
    diff = [i for i, a in enumerate(spec.args) if a.differentiable]
    grads = _tape_gradients(loss, tensors, diff)
    direction = _directions(spec, arrays, rng)
    analytic = sum(float(np.sum(g.numpy() * direction[i])) for g, i in zip(grads, diff))
    numeric = _directional_fd(loss, arrays, direction, spec.eps)
    np.testing.assert_allclose(analytic, numeric, rtol=spec.grad_rtol, atol=spec.grad_atol)


@pytest.mark.parametrize("spec", GRAD2_SPECS, ids=lambda s: s.name)
def test_second_order_gradient_matches_finite_differences(spec: OpSpec) -> None:
    rng = np.random.default_rng(4)
    arrays = spec.sample(4, np.dtype("float64"))
    loss = _scalar_loss(spec, _loss_weights(spec, arrays, rng))
    diff = [i for i, a in enumerate(spec.args) if a.differentiable]
    u = _directions(spec, arrays, rng)

    def directional_grad(*tensors):
        grads = _tape_gradients(loss, tensors, diff)
        return tf.add_n([tf.reduce_sum(g * u[i]) for g, i in zip(grads, diff)])

    second = _tape_gradients(directional_grad, [tf.constant(a) for a in arrays], diff)
    v = _directions(spec, arrays, rng)
    analytic = sum(float(np.sum(s.numpy() * v[i])) for s, i in zip(second, diff))
    numeric = _directional_fd(directional_grad, arrays, v, 1e-5)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-3, atol=1e-5)


def _primitives_used(spec: OpSpec) -> set:
    """Primitives run by the op and by its first-order backward pass (recorded on an outer
    tape), so gradient-only primitives such as TanhGrad count as covered when exercised."""
    arrays = spec.sample(5, np.dtype("float64"))
    tensors = [tf.constant(a) for a in arrays]
    diff = [tensors[i] for i, a in enumerate(spec.args) if a.differentiable]
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(diff)
        with tf.GradientTape() as inner:
            inner.watch(diff)
            outs = [o for o in _flat(spec.fn(*tensors)) if o.dtype.is_floating]
            total = tf.add_n([tf.reduce_sum(o) for o in outs])
        inner.gradient(total, diff, unconnected_gradients="zero")
    return {rec.prim.name for rec in outer._records}


def test_every_differentiable_primitive_is_in_the_table() -> None:
    seen: set[str] = set()
    for spec in GRAD_SPECS:
        seen |= _primitives_used(spec)
    missing = set(GRADIENTS) - seen - COVERED_ELSEWHERE
    assert not missing, f"differentiable primitives with no op-spec entry: {sorted(missing)}"


# -- complex inputs: TensorFlow's gradient convention ----------------------------------------
# For a real loss L of a complex tensor z, `tape.gradient(L, z)` is dL/dRe(z) + i dL/dIm(z)
# (for a holomorphic op y = f(z) its gradient function returns grad * conj(f'(z))). Every spec
# whose op accepts complex128 inputs is checked against finite differences of
# L(z) = sum(real(f(z) * conj(w))) for a fixed random complex w.
COMPLEX = np.dtype("complex128")


def _accepts_complex(spec: OpSpec) -> bool:
    """Whether the op runs on complex128 inputs; real-only ops raise, as TF's kernels do."""
    if not spec.complex or not any(a.differentiable for a in spec.args):
        return False
    arrays = spec.sample(0, COMPLEX)
    try:
        with warnings.catch_warnings():
            # A ComplexWarning here (imaginary parts dropped) is reported by the tests below.
            warnings.simplefilter("ignore")
            spec.fn(*[tf.constant(a) for a in arrays])
    except (TypeError, errors.InvalidArgumentError):
        return False
    return True


COMPLEX_SPECS = [s for s in SPECS if _accepts_complex(s)]
COMPLEX_GRAD_SPECS = [s for s in COMPLEX_SPECS if s.grad]
COMPLEX_GRAD2_SPECS = [s for s in COMPLEX_GRAD_SPECS if s.grad2]
# Differentiable primitives whose public ops reject complex inputs (TF's kernels do too).
REAL_ONLY = {
    "Atan2", "FloorMod", "Max", "Min", "Maximum", "Minimum", "Erf", "Lgamma", "Digamma",
    "Polygamma", "Relu", "ReluGrad", "Relu6", "Relu6Grad", "LeakyRelu", "LeakyReluGrad", "Elu",
    "EluGrad", "Selu", "SeluGrad", "Softplus", "Softmax", "LogSoftmax",
    "SparseSoftmaxCrossEntropyWithLogits", "Conv2D", "Conv2DBackpropInput",
    "Conv2DBackpropFilter", "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
    "DepthwiseConv2dNativeBackpropFilter", "MaxPool", "MaxPoolGrad", "MaxPoolGradGrad",
    "AvgPool", "AvgPoolGrad", "UnsortedSegmentMax", "UnsortedSegmentMin", "ClipByValue",
    "TopKV2",
}  # fmt: skip


def _complex_weights(spec: OpSpec, arrays: list, rng: np.random.Generator) -> list:
    outs = _flat(spec.fn(*[tf.constant(a) for a in arrays]))
    weights = []
    for o in outs:
        if o.dtype.is_complex:
            shape = o.shape.as_list()
            weights.append(tf.constant(rng.normal(size=shape) + 1j * rng.normal(size=shape)))
        elif o.dtype.is_floating:
            weights.append(tf.constant(rng.normal(size=o.shape.as_list())))
        else:
            weights.append(None)  # integer / bool outputs carry no gradient
    return weights


def _real_loss(spec: OpSpec, weights: list):
    """L = sum(real(f * conj(w))) over complex outputs (sum(f * w) over real ones): real."""

    def loss(*tensors):
        terms = []
        for o, w in zip(_flat(spec.fn(*tensors)), weights):
            if w is None:
                continue
            if o.dtype.is_complex:
                terms.append(tf.reduce_sum(tf.math.real(o * tf.math.conj(w))))
            else:
                terms.append(tf.reduce_sum(o * w))
        return tf.add_n(terms)

    return loss


def _convention_fd(f, arrays: list, index: int, eps: float) -> np.ndarray:
    """dL/dRe(z) + i dL/dIm(z) for input `index`, by central differences per element."""
    z = arrays[index]
    expected = np.zeros(z.shape, dtype=complex)
    for k in np.ndindex(z.shape):
        for unit in (1.0, 1j):
            moved = []
            for sign in (1.0, -1.0):
                shifted = np.array(z)  # a 0-d array for scalars, not a NumPy scalar
                shifted[k] += sign * eps * unit
                args = [shifted if j == index else a for j, a in enumerate(arrays)]
                moved.append(float(f(*[tf.constant(a) for a in args])))
            expected[k] += unit * (moved[0] - moved[1]) / (2 * eps)
    return expected


def _convention_pairing(grads: list, direction: list, diff: list) -> float:
    # The directional derivative of L along d is Re(sum(conj(g) * d)) when g = dL/dRe + i dL/dIm.
    return sum(
        float(np.sum(np.real(np.conj(g.numpy()) * direction[i]))) for g, i in zip(grads, diff)
    )


@pytest.mark.parametrize("spec", COMPLEX_SPECS, ids=lambda s: s.name)
def test_complex_forward_matches_reference(spec: OpSpec) -> None:
    arrays = spec.sample(0, COMPLEX)
    got = _flat(spec.fn(*[tf.constant(a) for a in arrays]))
    want = _flat(spec.ref(*[a.copy() for a in arrays]))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), np.asarray(w), rtol=1e-9, atol=1e-9)
        assert list(g.shape) == list(np.shape(w))


@pytest.mark.parametrize("spec", COMPLEX_GRAD_SPECS, ids=lambda s: s.name)
def test_complex_gradient_follows_tf_convention(spec: OpSpec) -> None:
    rng = np.random.default_rng(3)
    arrays = spec.sample(3, COMPLEX)
    loss = _real_loss(spec, _complex_weights(spec, arrays, rng))
    tensors = [tf.constant(a) for a in arrays]
    diff = [i for i, a in enumerate(spec.args) if a.differentiable]
    grads = _tape_gradients(loss, tensors, diff)
    for g, i in zip(grads, diff):
        assert g.dtype == tensors[i].dtype, (spec.name, i, g.dtype)
        expected = _convention_fd(loss, arrays, i, spec.eps)
        np.testing.assert_allclose(
            g.numpy(), expected, rtol=spec.grad_rtol, atol=spec.grad_atol, err_msg=f"input {i}"
        )


@pytest.mark.parametrize("spec", COMPLEX_GRAD2_SPECS, ids=lambda s: s.name)
def test_complex_second_order_gradient_follows_tf_convention(spec: OpSpec) -> None:
    rng = np.random.default_rng(4)
    arrays = spec.sample(4, COMPLEX)
    loss = _real_loss(spec, _complex_weights(spec, arrays, rng))
    diff = [i for i, a in enumerate(spec.args) if a.differentiable]
    u = [
        rng.normal(size=a.shape) + 1j * rng.normal(size=a.shape) if i in diff else None
        for i, a in enumerate(arrays)
    ]

    def directional_grad(*tensors):
        # Re(sum(conj(G) * u)), G the first-order gradient: again a real function of z.
        grads = _tape_gradients(loss, tensors, diff)
        return tf.add_n(
            [tf.reduce_sum(tf.math.real(tf.math.conj(g) * u[i])) for g, i in zip(grads, diff)]
        )

    second = _tape_gradients(directional_grad, [tf.constant(a) for a in arrays], diff)
    v = [
        rng.normal(size=a.shape) + 1j * rng.normal(size=a.shape) if i in diff else None
        for i, a in enumerate(arrays)
    ]
    analytic = _convention_pairing(second, v, diff)
    numeric = _directional_fd(directional_grad, arrays, v, 1e-5)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-3, atol=1e-5)


def _complex_primitives_used(spec: OpSpec) -> tuple:
    """Primitives run by the complex loss and its backward pass, and those of them that had a
    complex input."""
    arrays = spec.sample(5, COMPLEX)
    tensors = [tf.constant(a) for a in arrays]
    diff = [tensors[i] for i, a in enumerate(spec.args) if a.differentiable]
    loss = _real_loss(spec, _complex_weights(spec, arrays, np.random.default_rng(5)))
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(diff)
        with tf.GradientTape() as inner:
            inner.watch(diff)
            value = loss(*tensors)
        inner.gradient(value, diff, unconnected_gradients="zero")
    used = {rec.prim.name for rec in outer._records}
    on_complex = {
        rec.prim.name for rec in outer._records if any(t.dtype.is_complex for t in rec.inputs)
    }
    return used, on_complex


def test_every_differentiable_primitive_is_checked_with_complex_inputs() -> None:
    """A new differentiable op either gets the complex checks (its spec accepts complex
    inputs) or rejects complex inputs and is listed in REAL_ONLY."""
    seen: set[str] = set()
    seen_complex: set[str] = set()
    for spec in COMPLEX_GRAD_SPECS:
        used, on_complex = _complex_primitives_used(spec)
        seen |= used
        seen_complex |= on_complex
    # `Complex` builds a complex tensor from real parts: it only needs to have run.
    missing = set(GRADIENTS) - seen_complex - COVERED_ELSEWHERE - REAL_ONLY - {"Complex"}
    missing |= {"Complex"} - seen
    assert not missing, f"differentiable primitives never run on complex inputs: {sorted(missing)}"
    stale = REAL_ONLY & seen_complex
    assert not stale, f"REAL_ONLY primitives that ran on complex inputs: {sorted(stale)}"
