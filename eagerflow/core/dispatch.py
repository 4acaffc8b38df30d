"""Primitives and their dispatch: the one place that decides eager, recorded or traced.

A primitive is a kernel over raw arrays `(xp, *arrays, **attrs)`, a shape rule over
`TensorSpec`s, and (registered separately, by op-type name) a gradient function.
`execute` runs it eagerly, appends it to every active tape, or adds it to the graph being
traced. Nothing else in the package asks which mode is active.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import backend
from eagerflow.core.context import _STATE, state
from eagerflow.core.tensor import Tensor, wrap

_ndarray = np.ndarray
_new = object.__new__
_EMPTY: dict = {}


class Primitive:
    """One op type (TensorFlow's op-type name, e.g. `"MatMul"`)."""

    __slots__ = ("name", "kernel", "shape_rule", "num_outputs", "overrides")

    def __init__(
        self,
        name: str,
        kernel: Callable[..., Any],
        shape_rule: Callable[..., Any],
        num_outputs: int = 1,
    ) -> None:
        if name in PRIMITIVES:
            raise ValueError(f"Primitive {name!r} is already registered.")
        self.name = name
        self.kernel = kernel
        self.shape_rule = shape_rule
        self.num_outputs = num_outputs
        # Device-specific kernels, by device kind ("GPU"): an explicit fast path, never a copy.
        self.overrides: dict[str, Callable[..., Any]] = {}
        PRIMITIVES[name] = self

    def override(self, device_kind: str) -> Callable:
        """Decorator registering a device-specific kernel for this primitive."""

        def register(fn: Callable) -> Callable:
            self.overrides[device_kind] = fn
            return fn

        return register

    def __repr__(self) -> str:
        return f"<Primitive {self.name}>"


PRIMITIVES: dict[str, Primitive] = {}
# Gradient functions by op-type name, TensorFlow's `RegisterGradient` form `(op, *grads)`.
GRADIENTS: dict[str, Callable[..., Any]] = {}
# Op types declared to have no gradient (`tf.no_gradient`): their inputs get None.
NO_GRADIENT: set[str] = set()


class OpRecord:
    """One executed primitive, as seen by gradient functions (`op.inputs`, `op.get_attr`)."""

    __slots__ = ("prim", "inputs", "outputs", "attrs", "skip_input_indices")

    def __init__(self, prim: Primitive, inputs: tuple, outputs: tuple, attrs: dict) -> None:
        self.prim = prim
        self.inputs = inputs
        self.outputs = outputs
        self.attrs = attrs
        # Set by the backward sweep, as in TF eager: inputs whose gradient nobody needs, so a
        # gradient function may return None for them without computing anything.
        self.skip_input_indices: tuple = ()

    @property
    def type(self) -> str:
        return self.prim.name

    @property
    def name(self) -> str:
        return self.prim.name

    def get_attr(self, name: str) -> Any:
        return self.attrs[name]

    def __repr__(self) -> str:
        return f"<OpRecord {self.prim.name} attrs={self.attrs}>"


def _placement(arrays: list) -> tuple[Any, list]:
    """Slow path: a device scope is active or some input is not a host array.

    TF's eager rule: run where the scope says, else where the (non-host) inputs live; copy
    the remaining inputs there.
    """
    device = state().device
    if device is None:
        device = backend.CPU
        for a in arrays:
            if type(a) is not _ndarray:
                device = backend.device_of(a)
                break
    return device, [backend.to_device(a, device) for a in arrays]


def _all_host(arrays: list) -> bool:
    for a in arrays:
        if type(a) is not _ndarray:
            return False
    return True


def run_kernel(prim: Primitive, arrays: list, attrs: dict) -> Any:
    """Runs the kernel for raw arrays and returns raw output array(s)."""
    if state().device is None and _all_host(arrays):
        out = prim.kernel(np, *arrays, **attrs)
    else:
        device, arrays = _placement(arrays)
        kernel = prim.overrides.get(device.kind, prim.kernel)
        if device.kind == "GPU":
            if device.index == 0:  # CuPy's current device unless a program switched it
                return kernel(device.xp, *arrays, **attrs)
            with device.xp.cuda.Device(device.index):
                return kernel(device.xp, *arrays, **attrs)
        out = kernel(np, *arrays, **attrs)
    if prim.num_outputs == 1:
        return out if type(out) is _ndarray else np.asarray(out)
    return tuple(o if type(o) is _ndarray else np.asarray(o) for o in out)


def execute(prim: Primitive, inputs: tuple, attrs: dict = _EMPTY) -> Any:
    """Runs `prim` on Tensors: eagerly, recording on active tapes, or tracing into a graph."""
    s = _STATE
    if s.graph is not None:
        return s.graph.add_op(prim, inputs, attrs)
    # Hot path, kept inline: host arrays and no device scope (checked without a helper call
    # for the common arities; this line runs for every op).
    if len(inputs) == 2:
        a, b = inputs[0]._value, inputs[1]._value
        host = type(a) is _ndarray and type(b) is _ndarray
        arrays = (a, b)
    elif len(inputs) == 1:
        a = inputs[0]._value
        host = type(a) is _ndarray
        arrays = (a,)
    else:
        arrays = [t._value for t in inputs]
        host = _all_host(arrays)
    if host and s.device is None:
        out = prim.kernel(np, *arrays, **attrs) if attrs else prim.kernel(np, *arrays)
        if prim.num_outputs == 1:
            if type(out) is not _ndarray:
                out = np.asarray(out)
        else:
            out = tuple(o if type(o) is _ndarray else np.asarray(o) for o in out)
    else:
        out = run_kernel(prim, list(arrays), attrs)
    if prim.num_outputs == 1:
        result = _new(Tensor)  # `wrap`, inlined: this runs for every op
        result._value = out
        if s.tapes:
            for tape in s.tapes:
                tape.record_operation(prim, inputs, (result,), attrs)
        return result
    outputs = tuple(wrap(o) for o in out)
    if s.tapes:
        for tape in s.tapes:
            tape.record_operation(prim, inputs, outputs, attrs)
    return outputs


def infer(prim: Primitive, specs: list, attrs: dict) -> Any:
    """Output TensorSpec(s) of `prim` for input specs, from its shape rule."""
    return prim.shape_rule(*specs, **attrs)


def is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


def execute_update(prim: Primitive, variable: Any, inputs: tuple, attrs: dict = _EMPTY) -> Any:
    """Runs a state-changing primitive (assign, assign_add, ...) on `variable`.

    The kernel is pure, `(xp, current, *inputs) -> new value`; storing the new value is the
    update. When tracing, the graph records the update to run in program order instead.
    Updates are not recorded on tapes: assignments have no gradient, as in TensorFlow.
    """
    s = state()
    if s.graph is not None:
        return s.graph.add_update(prim, variable, inputs, attrs)
    arrays = [variable._value] + [t._value for t in inputs]
    out = run_kernel(prim, arrays, attrs)
    variable._value = out
    return variable
