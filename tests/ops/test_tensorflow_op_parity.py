"""Every op-table spec run with real TensorFlow and compared with eagerflow (skipped without TF).

Each `OpSpec.fn` of `tests/ops/specs/*.py` is rebound to real TensorFlow: the function is
rebuilt with the same code over a copy of its module's globals in which `tf` is TensorFlow;
what it reaches through globals, closures and defaults is translated the same way (helper
functions of the spec modules are rebound recursively, eagerflow's public functions become the
TensorFlow function of the same public name, eagerflow tensors become TensorFlow constants,
`tf.function`s are re-wrapped with TensorFlow's, and `execute(PRIMITIVE, ...)` calls become
`tf.raw_ops.<PrimitiveName>`). Anything eagerflow-only raises `NotInTensorFlow`; a spec that
calls an eagerflow-internal helper standing for a TF op is written out in TF_FORMS.

With the same sampled inputs (`spec.sample`) both sides are compared on:

- forward values, dtypes and shapes in float64, float32 (the spec's tolerances) and complex128
  (whether the op accepts complex inputs must agree too);
- first-order gradients of the same loss (a fixed random cotangent per floating output; for
  complex outputs `sum(real(f * conj(w)))`) with a GradientTape on each side, float64 and
  complex128;
- second-order gradients where `spec.grad2`: the gradient of `<grad L, u>` for a fixed random
  direction `u` (a Hessian-vector product), float64 and complex128.

Deliberate or otherwise explained differences are listed in KNOWN_DIFFERENCES, keyed by spec
name (every check of that spec) or by "spec/check"; their tests are strict xfails, so a
difference that goes away fails the run and gets noticed.

Run with `TF_CPP_MIN_LOG_LEVEL=3 python -m pytest tests/ops/test_tensorflow_op_parity.py` in an
environment with TensorFlow (written against TensorFlow 2.21).
"""

from __future__ import annotations

import types
import warnings
from typing import Any

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.dtypes import DType
from eagerflow.graph.function import Function
from tests.ops.op_spec import OpSpec
from tests.ops.specs import gather as gather_specs
from tests.ops.test_op_table import SPECS

real_tf = pytest.importorskip("tensorflow")

COMPLEX = np.dtype("complex128")
F64_RTOL = F64_ATOL = 1e-9
C128_RTOL = C128_ATOL = 1e-9
GRAD_RTOL = GRAD_ATOL = 1e-8

# What TensorFlow gives differently on purpose (or cannot run), with the reason. A key is a
# spec name (all its checks) or "spec/check" with check one of CHECKS.
_NO_CPU_KERNEL = "TensorFlow has no CPU kernel for it"
_ADVANCED_INDEX = (
    "NumPy-style advanced indexing (an int list/array or a boolean mask after the first axis) "
    "is an eagerflow extension: TensorFlow's __getitem__ rejects it"
)
_TF_UNCONJUGATED = (
    "complex gradient: TensorFlow's own gradient breaks its convention (see docs/nn.md); "
    "eagerflow's agrees with finite differences (test_op_table)"
)
KNOWN_DIFFERENCES: dict[str, str] = {
    # TensorFlow cannot run the spec.
    "conv2d_nchw": f"NCHW Conv2D: {_NO_CPU_KERNEL}",
    "conv2d_nchw_dilated_stride1": f"NCHW Conv2D: {_NO_CPU_KERNEL}",
    "max_pool_valid_nchw": f"NCHW MaxPool: {_NO_CPU_KERNEL}",
    "conv2d_same_stride23_dilated/float64-grad": f"dilated Conv2DBackpropInput: {_NO_CPU_KERNEL}",
    "conv2d_same_stride23_dilated/float64-grad2": f"dilated Conv2DBackpropInput: {_NO_CPU_KERNEL}",
    "getitem_int_list": _ADVANCED_INDEX,
    "getitem_int_list_axis1": _ADVANCED_INDEX,
    "getitem_int_tensor_after_newaxis": _ADVANCED_INDEX,
    "getitem_bool_mask_axis1": _ADVANCED_INDEX,
    **{
        f"transpose_method_negative_perm/{check}": (
            "TensorFlow's Transpose gradient (InvertPermutation) rejects the negative perm "
            "entries its forward accepts"
        )
        for check in ("float64-grad", "float64-grad2", "complex128-grad", "complex128-grad2")
    },
    "softsign/float64-grad2": "TensorFlow registers no gradient for SoftsignGrad",
    # Deliberate (documented in docs/keras.md and docs/nn.md).
    "softmax_xent/float64-grad": (
        "labels not summing to 1: TF's fused kernel gives softmax - labels, eagerflow the true "
        "derivative softmax * sum(labels) - labels"
    ),
    "softmax_xent/float64-grad2": "as softmax_xent/float64-grad",
    "softmax_xent_axis0/float64-grad": "as softmax_xent/float64-grad",
    "softmax_xent_axis0/float64-grad2": "as softmax_xent/float64-grad",
    "moments/float64-grad2": "TF stops the gradient through the mean (drops a Hessian term)",
    "moments_keepdims/float64-grad2": "as moments/float64-grad2",
    **{
        f"{name}/{check}": _TF_UNCONJUGATED
        for name in (
            "det",
            "slogdet_shifted",
            "squared_difference",
            "xlogy",
            "xlog1py",
            "xdivy",
            "multiply_no_nan",
            "reduce_euclidean_norm",
            "moments",
            "moments_keepdims",
            "cumprod",
            "cumprod_reverse",
            "cumprod_exclusive",
            "cumprod_exclusive_reverse",
            "silu",
            "swish_beta",
        )
        for check in ("complex128-grad", "complex128-grad2")
    },
    **{
        f"{name}/complex128-grad2": (
            "complex second order: TF's reduce_prod gradient differentiates through its "
            "cumprod gradient, which is unconjugated"
        )
        for name in ("reduce_prod_all", "reduce_prod_axes", "reduce_prod_tensor_axis")
    },
    # TensorFlow rounds through float32 where eagerflow keeps the input's precision.
    "leaky_relu/float64": "TF keeps `alpha` as a float32 attribute (0.2 -> 0.200000003)",
    "leaky_relu_grad/float64": "as leaky_relu/float64",
    "gelu_exact/float64": "TF casts the Python float 1/sqrt(2) through float32",
    **{
        f"compute_average_loss/{check}": (
            "with sample_weight, TF casts losses and weights to float32 (float64 rounded, "
            "complex imaginary parts dropped); eagerflow keeps the input dtype"
        )
        for check in (
            "float64",
            "float64-grad",
            "complex128",
            "complex128-grad",
            "complex128-grad2",
        )
    },
}

CHECKS = (
    "float64",
    "float32",
    "complex128",
    "float64-grad",
    "float64-grad2",
    "complex128-grad",
    "complex128-grad2",
)


class NotInTensorFlow(Exception):
    """A spec reaches something that exists only in eagerflow."""


# -- rebinding a spec's callable to real TensorFlow ---------------------------------------------
def _public_paths() -> dict[int, list[str]]:
    """id(object) -> its public dotted names under `eagerflow`, shortest first (a module
    reachable under several names, e.g. `compat.v1.nn` and `compat.nn_v1`, gives each)."""
    prefixes: dict[int, list[str]] = {id(tf): [""]}
    modules = [tf]
    for module in modules:  # breadth first: grows while iterating
        for name in sorted(dir(module)):
            obj = getattr(module, name, None)
            if name.startswith("_") or not isinstance(obj, types.ModuleType):
                continue
            if not obj.__name__.startswith("eagerflow"):
                continue
            if id(obj) not in prefixes:
                prefixes[id(obj)] = []
                modules.append(obj)
            prefixes[id(obj)] += [f"{p}{name}." for p in prefixes[id(module)]]
    paths: dict[int, list[str]] = {}
    for module in modules:
        for name in sorted(dir(module)):
            obj = getattr(module, name, None)
            if name.startswith("_") or isinstance(obj, types.ModuleType) or not callable(obj):
                continue
            paths.setdefault(id(obj), []).extend(f"{p}{name}" for p in prefixes[id(module)])
    return {k: sorted(v, key=lambda s: (s.count("."), s)) for k, v in paths.items()}


_PATHS = _public_paths()


def _tf_attr(path: str) -> Any:
    obj: Any = real_tf
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _raw_op(prim: Primitive, inputs: tuple, attrs: dict) -> Any:
    """`execute(PRIM, inputs, attrs)` as `tf.raw_ops.<name>`: the input and attribute names
    of the primitives the specs call directly."""
    names = {
        "ConjugateTranspose": lambda x: {"x": x[0], "perm": list(attrs["perm"])},
        "MirrorPadGrad": lambda x: {
            "input": x[0],
            "paddings": [list(p) for p in attrs["paddings"]],
            "mode": attrs["mode"],
        },
    }
    if prim.name not in names or not hasattr(real_tf.raw_ops, prim.name):
        raise NotInTensorFlow(f"primitive {prim.name} (eagerflow-only or not mapped)")
    return getattr(real_tf.raw_ops, prim.name)(**names[prim.name](inputs))


class _ModuleProxy:
    """An eagerflow module seen from a rebound spec: attributes translated to TensorFlow."""

    def __init__(self, module: types.ModuleType, translator: _Translator) -> None:
        self._module = module
        self._translator = translator

    def __getattr__(self, name: str) -> Any:
        return self._translator(getattr(self._module, name))


class _Translator:
    def __init__(self) -> None:
        self._functions: dict[int, Any] = {}
        self._globals: dict[str, dict] = {}

    def __call__(self, obj: Any) -> Any:
        if obj is tf:
            return real_tf
        if isinstance(obj, tf.Tensor):
            return real_tf.constant(obj.numpy())
        if isinstance(obj, DType):
            return real_tf.as_dtype(obj.name)
        if isinstance(obj, (list, tuple)):
            items = [self(o) for o in obj]
            return type(obj)(items) if type(obj) in (list, tuple) else obj
        if isinstance(obj, dict):
            return {k: self(v) for k, v in obj.items()}
        if isinstance(obj, slice):
            return slice(self(obj.start), self(obj.stop), self(obj.step))
        if isinstance(obj, types.ModuleType):
            return _ModuleProxy(obj, self) if obj.__name__.startswith("eagerflow") else obj
        if isinstance(obj, Function):
            return real_tf.function(self(obj.python_function))
        if obj is execute:
            return _raw_op
        if id(obj) in _PATHS:
            for path in _PATHS[id(obj)]:
                try:
                    return _tf_attr(path)
                except AttributeError:
                    continue
            return self._unavailable(f"tf.{_PATHS[id(obj)][0]}")
        if isinstance(obj, types.FunctionType):
            module = obj.__module__ or ""
            if module.startswith("tests."):
                return self._rebind(obj)
            if module.startswith("eagerflow"):
                return self._unavailable(f"{module}.{obj.__qualname__}")
        return obj

    @staticmethod
    def _unavailable(what: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            raise NotInTensorFlow(what)

        return call

    def _module_globals(self, fn: types.FunctionType) -> dict:
        key = fn.__module__
        if key not in self._globals:
            new: dict = {}
            self._globals[key] = new  # before filling: module functions refer to each other
            for name, value in fn.__globals__.items():
                new[name] = value if name.startswith("__") else self(value)
        return self._globals[key]

    def _rebind(self, fn: types.FunctionType) -> types.FunctionType:
        if id(fn) in self._functions:
            return self._functions[id(fn)]
        new_globals = self._module_globals(fn)
        closure = (
            None
            if fn.__closure__ is None
            else tuple(types.CellType(self(c.cell_contents)) for c in fn.__closure__)
        )
        defaults = None if fn.__defaults__ is None else tuple(self(d) for d in fn.__defaults__)
        rebound = types.FunctionType(fn.__code__, new_globals, fn.__name__, defaults, closure)
        rebound.__kwdefaults__ = fn.__kwdefaults__
        self._functions[id(fn)] = rebound
        return rebound


_TRANSLATE = _Translator()


# Specs that call an eagerflow-internal helper, written with the TensorFlow op it stands for.
TF_FORMS: dict[str, Any] = {
    # eagerflow's GatherV2Grad primitive: TF's gather gradient is IndexedSlices, made dense.
    "gather_adjoint": lambda g: real_tf.convert_to_tensor(
        real_tf.IndexedSlices(g, real_tf.constant(gather_specs.REPEATED), dense_shape=[4, 3])
    ),
    # slicing_ops.unslice(zeros([4, 5]), g, x[3::-2, 1]): the adjoint of StridedSlice.
    "strided_slice_grad": lambda g: real_tf.raw_ops.StridedSliceGrad(
        shape=[4, 5],
        begin=[3, 1],
        end=[0, 2],
        strides=[-2, 1],
        dy=g,
        end_mask=0b01,
        shrink_axis_mask=0b10,
    ),
}


def tf_form(spec: OpSpec) -> Any:
    """The spec's callable over real TensorFlow."""
    return TF_FORMS[spec.name] if spec.name in TF_FORMS else _TRANSLATE(spec.fn)


# -- running both sides ---------------------------------------------------------------------------
def _ef_flat(result: Any) -> list:
    return list(tf.nest.flatten(result))


def _tf_flat(result: Any) -> list:
    return [
        real_tf.convert_to_tensor(r) if isinstance(r, real_tf.IndexedSlices) else r
        for r in real_tf.nest.flatten(result)
    ]


class Side:
    """One framework: eagerflow or TensorFlow, with the spec's callable bound to it."""

    def __init__(self, m: Any, fn: Any, flat: Any) -> None:
        self.m, self.fn, self.flat = m, fn, flat

    def outputs(self, arrays: list) -> list:
        return self.flat(self.fn(*[self.m.constant(a) for a in arrays]))

    def loss(self, weights: list) -> Any:
        m = self.m

        def value(*tensors: Any) -> Any:
            terms = []
            for o, w in zip(self.flat(self.fn(*tensors)), weights):
                if w is None:
                    continue
                if o.dtype.is_complex:
                    terms.append(m.reduce_sum(m.math.real(o * m.math.conj(m.constant(w)))))
                else:
                    terms.append(m.reduce_sum(o * m.constant(w)))
            return m.add_n(terms)

        return value

    def gradients(self, f: Any, tensors: list, diff: list) -> list:
        with self.m.GradientTape() as tape:
            for i in diff:
                tape.watch(tensors[i])
            value = f(*tensors)
        grads = tape.gradient(value, [tensors[i] for i in diff], unconnected_gradients="zero")
        return [self.m.convert_to_tensor(g) for g in grads]

    def second_order(self, loss: Any, arrays: list, diff: list, u: list) -> list:
        m = self.m

        def directional(*tensors: Any) -> Any:
            grads = self.gradients(loss, tensors, diff)
            return m.add_n(
                [
                    m.reduce_sum(m.math.real(m.math.conj(g) * m.constant(u[i])))
                    if g.dtype.is_complex
                    else m.reduce_sum(g * m.constant(u[i]))
                    for g, i in zip(grads, diff)
                ]
            )

        return self.gradients(directional, [m.constant(a) for a in arrays], diff)


def _sides(spec: OpSpec) -> tuple[Side, Side]:
    return Side(tf, spec.fn, _ef_flat), Side(real_tf, tf_form(spec), _tf_flat)


def _weights(outputs: list, rng: np.random.Generator) -> list:
    """One fixed random cotangent per floating output (complex for complex outputs)."""
    weights = []
    for o in outputs:
        a = np.asarray(o)
        if a.dtype.kind == "c":
            weights.append(
                (rng.normal(size=a.shape) + 1j * rng.normal(size=a.shape)).astype(a.dtype)
            )
        elif a.dtype.kind == "f":
            weights.append(rng.normal(size=a.shape).astype(a.dtype))
        else:
            weights.append(None)
    return weights


def _compare(ours: list, theirs: list, rtol: float, atol: float, what: str) -> None:
    assert len(ours) == len(theirs), f"{what}: {len(ours)} results, TensorFlow {len(theirs)}"
    for k, (a, b) in enumerate(zip(ours, theirs)):
        a_np, b_np = np.asarray(a), np.asarray(b)
        assert a.dtype.name == b.dtype.name, (
            f"{what}[{k}]: dtype {a.dtype.name} vs TF {b.dtype.name}"
        )
        assert a_np.shape == b_np.shape, f"{what}[{k}]: shape {a_np.shape} vs TF {b_np.shape}"
        np.testing.assert_allclose(a_np, b_np, rtol=rtol, atol=atol, err_msg=f"{what}[{k}]")


def _accepts(side: Side, arrays: list) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            side.outputs(arrays)
    except NotInTensorFlow:
        raise
    except Exception:
        return False
    return True


def _complex_arrays(spec: OpSpec, seed: int, ours: Side, theirs: Side) -> list:
    """complex128 inputs, after checking that both sides agree on accepting them."""
    if not spec.complex or not any(a.differentiable for a in spec.args):
        pytest.skip("no complex inputs for this spec (spec.complex=False or none differentiable)")
    arrays = spec.sample(seed, COMPLEX)
    accepted = (_accepts(ours, arrays), _accepts(theirs, arrays))
    assert accepted[0] == accepted[1], (
        f"accepts complex128: eagerflow {accepted[0]}, TF {accepted[1]}"
    )
    if not accepted[0]:
        pytest.skip("both reject complex128 inputs")
    return arrays


def _check_forward(spec: OpSpec, dtype: str) -> None:
    ours, theirs = _sides(spec)
    if dtype == "complex128":
        arrays = _complex_arrays(spec, 0, ours, theirs)
        tol = (C128_RTOL, C128_ATOL)
    else:
        if dtype not in spec.dtypes:
            pytest.skip(f"{spec.name} does not run in {dtype}")
        arrays = spec.sample(0, np.dtype(dtype))
        tol = (spec.rtol, spec.atol) if dtype == "float32" else (F64_RTOL, F64_ATOL)
    _compare(ours.outputs(arrays), theirs.outputs(arrays), *tol, what=f"{spec.name} {dtype}")


def _check_gradient(spec: OpSpec, dtype: str, order: int) -> None:
    if not spec.grad or (order == 2 and not spec.grad2):
        pytest.skip(f"{spec.name}: no gradient check of order {order} in the op table")
    ours, theirs = _sides(spec)
    seed = 3 if order == 1 else 4
    if dtype == "complex128":
        arrays = _complex_arrays(spec, seed, ours, theirs)
    else:
        arrays = spec.sample(seed, np.dtype(dtype))
    diff = [i for i, a in enumerate(spec.args) if a.differentiable]
    rng = np.random.default_rng(seed)
    weights = _weights(ours.outputs(arrays), rng)
    if order == 1:
        results = [
            side.gradients(side.loss(weights), [side.m.constant(a) for a in arrays], diff)
            for side in (ours, theirs)
        ]
    else:
        u = [
            (rng.normal(size=a.shape) + 1j * rng.normal(size=a.shape)).astype(a.dtype)
            if a.dtype.kind == "c"
            else rng.normal(size=a.shape).astype(a.dtype)
            if i in diff
            else None
            for i, a in enumerate(arrays)
        ]
        results = [
            side.second_order(side.loss(weights), arrays, diff, u) for side in (ours, theirs)
        ]
    _compare(*results, GRAD_RTOL, GRAD_ATOL, what=f"{spec.name} {dtype} order-{order} gradient")


def _params(check: str) -> list:
    params = []
    for spec in SPECS:
        reason = KNOWN_DIFFERENCES.get(spec.name) or KNOWN_DIFFERENCES.get(f"{spec.name}/{check}")
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(spec, id=spec.name, marks=marks))
    return params


def test_known_differences_name_existing_checks() -> None:
    names = {s.name for s in SPECS}
    for key in KNOWN_DIFFERENCES:
        name, _, check = key.partition("/")
        assert name in names, f"KNOWN_DIFFERENCES: no spec {name!r}"
        assert not check or check in CHECKS, f"KNOWN_DIFFERENCES: no check {check!r}"
    assert set(TF_FORMS) <= names, f"TF_FORMS: no specs {sorted(set(TF_FORMS) - names)}"


@pytest.mark.parametrize("spec", _params("float64"))
def test_forward_float64(spec: OpSpec) -> None:
    _check_forward(spec, "float64")


@pytest.mark.parametrize("spec", _params("float32"))
def test_forward_float32(spec: OpSpec) -> None:
    _check_forward(spec, "float32")


@pytest.mark.parametrize("spec", _params("complex128"))
def test_forward_complex128(spec: OpSpec) -> None:
    _check_forward(spec, "complex128")


@pytest.mark.parametrize("spec", _params("float64-grad"))
def test_gradient_float64(spec: OpSpec) -> None:
    _check_gradient(spec, "float64", 1)


@pytest.mark.parametrize("spec", _params("float64-grad2"))
def test_second_order_gradient_float64(spec: OpSpec) -> None:
    _check_gradient(spec, "float64", 2)


@pytest.mark.parametrize("spec", _params("complex128-grad"))
def test_gradient_complex128(spec: OpSpec) -> None:
    _check_gradient(spec, "complex128", 1)


@pytest.mark.parametrize("spec", _params("complex128-grad2"))
def test_second_order_gradient_complex128(spec: OpSpec) -> None:
    _check_gradient(spec, "complex128", 2)
