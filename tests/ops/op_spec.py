"""The op-spec table format: one `OpSpec` per op drives every generic op test.

A spec names an eagerflow call, its NumPy/SciPy reference and how to sample its inputs.
`test_op_table.py` turns each spec into forward (contiguous and not), dtype, shape-rule,
gradient and second-order gradient checks, and, for every op that accepts complex128 inputs,
the same forward and gradient checks on complex inputs (TensorFlow's gradient convention:
for a real loss L, the gradient with respect to z is dL/dRe(z) + i dL/dIm(z)). Specs live in
`specs/<family>.py`, one list `SPECS` per file.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np


@dataclasses.dataclass(frozen=True)
class Arg:
    """How to sample one input: shape, value range, dtype kind; `fixed` pins a value.

    For a complex dtype a "float" input gets its real part from [low, high] and its imaginary
    part from [-imag, imag] (default: min(1, (high - low) / 2), which keeps the ops' complex
    branch cuts and poles away from inputs sampled inside their real domain).
    """

    shape: tuple = ()
    low: float = -2.0
    high: float = 2.0
    kind: str = "float"  # "float", "int" (values in [low, high)), "bool"
    fixed: Any = None  # a constant value (indices, shapes, ...): not sampled, not differentiated
    imag: float | None = None

    def sample(self, rng: np.random.Generator, float_dtype: Any) -> np.ndarray:
        if self.fixed is not None:
            return np.asarray(self.fixed)
        if self.kind == "int":
            return rng.integers(int(self.low), int(self.high), size=self.shape).astype(np.int32)
        if self.kind == "bool":
            return rng.random(self.shape) < 0.5
        real = rng.uniform(self.low, self.high, size=self.shape)
        if np.dtype(float_dtype).kind != "c":
            return real.astype(float_dtype)
        half = min(1.0, (self.high - self.low) / 2) if self.imag is None else self.imag
        return (real + 1j * rng.uniform(-half, half, size=self.shape)).astype(float_dtype)

    @property
    def differentiable(self) -> bool:
        return self.fixed is None and self.kind == "float"


@dataclasses.dataclass(frozen=True)
class OpSpec:
    """One op under test.

    Attributes:
        name: test id, e.g. "add_broadcast".
        fn: calls eagerflow with the sampled inputs as Tensors, e.g. `lambda x, y: tf.add(x, y)`.
        ref: the same computation over NumPy arrays.
        args: one `Arg` per input.
        grad: check first-order gradients against float64 central differences.
        grad2: also check second-order gradients (ops that are twice differentiable).
        dtypes: float dtypes to run the forward check in.
        rtol, atol: float32 forward tolerances (float64 uses 1e-10 scaled).
        out_dtype: expected result dtype name; default: the dtype of the first float input.
        eps: finite-difference step (keep it below the distance to any kink of the op).
        complex: also run the complex128 checks when the op accepts complex inputs (it is
            detected: an op that raises TypeError / InvalidArgumentError on complex inputs is
            real-only). Set False only with the reason, e.g. a spec whose construction is
            piecewise constant for real inputs but not for complex ones.
    """

    name: str
    fn: Callable[..., Any]
    ref: Callable[..., Any]
    args: tuple
    grad: bool = True
    grad2: bool = True
    dtypes: tuple = ("float32", "float64")
    rtol: float = 1e-5
    atol: float = 1e-5
    out_dtype: str | None = None
    eps: float = 1e-6
    grad_rtol: float = 1e-4
    grad_atol: float = 1e-6
    complex: bool = True

    def sample(self, seed: int, float_dtype: Any) -> list:
        rng = np.random.default_rng(seed)
        return [a.sample(rng, float_dtype) for a in self.args]
