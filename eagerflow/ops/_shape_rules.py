"""Shared shape rules: `(*input TensorSpecs, **attrs) -> output TensorSpec(s)`.

Tracing uses them to give symbolic tensors static shapes. Dimensions may be None (unknown).
`by_evaluation` covers ops whose rule is not worth writing by hand: it runs the kernel on
small dummy arrays and marks the dimensions that follow an unknown input dimension as None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec


def unary(x: TensorSpec, **attrs: Any) -> TensorSpec:
    return TensorSpec(x.shape, x.dtype)


def broadcast_shapes(op: str, a: TensorShape, b: TensorShape) -> TensorShape:
    """Static NumPy broadcasting with unknown dims; raises naming both shapes."""
    if a.rank is None or b.rank is None:
        return TensorShape(None)
    da, db = a.as_list(), b.as_list()
    n = max(len(da), len(db))
    da = [1] * (n - len(da)) + da
    db = [1] * (n - len(db)) + db
    out = []
    for x, y in zip(da, db):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        elif x == y:
            out.append(x)
        else:
            raise errors.InvalidArgumentError(
                None, None, f"{op}: incompatible shapes for broadcasting: {a} and {b}"
            )
    return TensorShape(out)


def broadcasting(op: str) -> Callable[..., TensorSpec]:
    def rule(x: TensorSpec, y: TensorSpec, **attrs: Any) -> TensorSpec:
        return TensorSpec(broadcast_shapes(op, x.shape, y.shape), x.dtype)

    return rule


def comparison(op: str) -> Callable[..., TensorSpec]:
    def rule(x: TensorSpec, y: TensorSpec, **attrs: Any) -> TensorSpec:
        return TensorSpec(broadcast_shapes(op, x.shape, y.shape), dtypes.bool_)

    return rule


def _dummy(spec: TensorSpec, unknown: int) -> np.ndarray:
    dims = [unknown if d is None else d for d in spec.shape.as_list()]
    dtype = spec.dtype.as_numpy_dtype
    # Ones rather than zeros: kernels that divide or take logs stay quiet.
    return np.ones(dims, dtype=dtype)


def by_evaluation(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """A shape rule that runs `kernel` on dummy inputs (exact for fully known shapes)."""

    def rule(*specs: TensorSpec, **attrs: Any) -> Any:
        if any(s.shape.rank is None for s in specs):
            raise ValueError("by_evaluation needs inputs of known rank")
        with np.errstate(all="ignore"):
            first = kernel(np, *[_dummy(s, 2) for s in specs], **attrs)
            partial = any(not s.shape.is_fully_defined() for s in specs)
            second = kernel(np, *[_dummy(s, 3) for s in specs], **attrs) if partial else first
        if isinstance(first, tuple):
            return tuple(_spec_of(a, b) for a, b in zip(first, second))
        return _spec_of(first, second)

    return rule


def _spec_of(a: Any, b: Any) -> TensorSpec:
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != b.ndim:
        return TensorSpec(TensorShape(None), dtypes.from_numpy(a.dtype))
    dims = [x if x == y else None for x, y in zip(a.shape, b.shape)]
    return TensorSpec(dims, dtypes.from_numpy(a.dtype))
