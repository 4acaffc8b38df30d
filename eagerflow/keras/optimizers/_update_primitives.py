"""Fused optimizer update primitives shared by several optimizers.

Each update is one primitive run with `execute_update`, so eager training touches each slot
once per step with a single NumPy/CuPy kernel, and tracing records one update node. Kernels
are pure: they return a fresh array (variables never share storage with earlier reads).
Per-step scalars (learning rate, iteration count) are inputs, not attributes, so a traced
step reads their current values.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.dispatch import Primitive
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor_spec import TensorSpec


def update_spec(var: Any, *inputs: Any, **attrs: Any) -> Any:
    """Shape rule of every update: the variable keeps its spec."""
    return var


def scalar_as(value: Any, array: Any) -> Any:
    """A 0-d per-step coefficient in `array`'s dtype (NumPy would promote to float64)."""
    return value.astype(array.dtype, copy=False)


def step_coefficients(name: str, kernel: Any, num_outputs: int = 1) -> Primitive:
    """A primitive computing per-step float64 scalars (bias corrections, step sizes) once per
    step from 0-d inputs, so the per-variable kernels do no scalar arithmetic."""

    def rule(*specs: Any, **attrs: Any) -> Any:
        spec = TensorSpec((), dtypes.float64)
        return spec if num_outputs == 1 else (spec,) * num_outputs

    prim = Primitive(name, kernel, rule, num_outputs=num_outputs)
    no_gradient(name)
    return prim


def _moving_average(xp: Any, acc: Any, g: Any, *, decay: float) -> Any:
    # acc * decay + g * (1 - decay), with a single temporary.
    out = acc - g
    out *= decay
    out += g
    return out


def _moving_average_of_square(xp: Any, acc: Any, g: Any, *, decay: float) -> Any:
    # acc + (g^2 - acc) * (1 - decay): Keras's form for Adam's second moment.
    out = g * g
    out -= acc
    out *= 1.0 - decay
    out += acc
    return out


def _accumulate_square(xp: Any, acc: Any, g: Any) -> Any:
    out = g * g
    out += acc
    return out


def _maximum(xp: Any, acc: Any, x: Any) -> Any:
    return xp.maximum(acc, x)


def _decay_weights(xp: Any, var: Any, lr: Any, *, weight_decay: float) -> Any:
    return var * (1.0 - scalar_as(lr, var) * weight_decay)


def _increment(xp: Any, var: Any) -> Any:
    return var + 1


MOVING_AVERAGE = Primitive("ApplyMovingAverage", _moving_average, update_spec)
MOVING_AVERAGE_OF_SQUARE = Primitive(
    "ApplyMovingAverageOfSquare", _moving_average_of_square, update_spec
)
ACCUMULATE_SQUARE = Primitive("ApplyAccumulateSquare", _accumulate_square, update_spec)
MAXIMUM = Primitive("ApplyMaximum", _maximum, update_spec)
DECOUPLED_WEIGHT_DECAY = Primitive("ApplyDecoupledWeightDecay", _decay_weights, update_spec)
INCREMENT = Primitive("ApplyIncrement", _increment, update_spec)

for _prim in (
    MOVING_AVERAGE,
    MOVING_AVERAGE_OF_SQUARE,
    ACCUMULATE_SQUARE,
    MAXIMUM,
    DECOUPLED_WEIGHT_DECAY,
    INCREMENT,
):
    no_gradient(_prim.name)
