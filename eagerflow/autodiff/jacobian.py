"""Jacobians on a GradientTape: one backward sweep per target element."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.autodiff.backprop import backward
from eagerflow.core import nest
from eagerflow.core.tensor import wrap


def _one_hot_seed(target: Any, index: int) -> Any:
    seed = np.zeros(target.shape.as_list(), dtype=target.dtype.as_numpy_dtype)
    seed.reshape(-1)[index] = 1
    return wrap(seed)


def _assemble(rows: list, target_shape: list, source: Any, zero: bool) -> Any:
    from eagerflow.ops.array_ops import reshape, stack, zeros_like  # noqa: PLC0415

    if all(r is None for r in rows):
        if not zero:
            return None
    rows = [zeros_like(source) if r is None else r for r in rows]
    return reshape(stack(rows), target_shape + source.shape.as_list())


def jacobian(tape: Any, target: Any, sources: Any, unconnected: Any) -> Any:
    tape._check_usable()
    tape._stop_if_recording()
    flat_sources = nest.flatten(sources)
    ids = {id(s) for s in flat_sources}
    n = int(np.prod(target.shape.as_list()))
    rows: list[list] = [[] for _ in flat_sources]
    for i in range(n):
        grads = backward(tape._records, {id(target): _one_hot_seed(target, i)}, ids)
        for k, s in enumerate(flat_sources):
            rows[k].append(grads.get(id(s)))
    zero = getattr(unconnected, "value", unconnected) == "zero"
    result = [_assemble(r, target.shape.as_list(), s, zero) for r, s in zip(rows, flat_sources)]
    tape._finish_call()
    return nest.pack_sequence_as(sources, result)


def batch_jacobian(tape: Any, target: Any, source: Any, unconnected: Any) -> Any:
    from eagerflow.ops.array_ops import reshape, stack, zeros_like  # noqa: PLC0415

    tape._check_usable()
    tape._stop_if_recording()
    shape = target.shape.as_list()
    batch, inner = shape[0], int(np.prod(shape[1:]))
    if source.shape[0] != batch:
        raise ValueError(
            f"batch_jacobian: target batch size {batch} does not match source batch size "
            f"{source.shape[0]}."
        )
    columns = []
    for j in range(inner):
        seed = np.zeros((batch, inner), dtype=target.dtype.as_numpy_dtype)
        seed[:, j] = 1
        grads = backward(tape._records, {id(target): wrap(seed.reshape(shape))}, {id(source)})
        columns.append(grads.get(id(source)))
    tape._finish_call()
    if all(c is None for c in columns):
        if getattr(unconnected, "value", unconnected) != "zero":
            return None
    columns = [zeros_like(source) if c is None else c for c in columns]
    return reshape(stack(columns, axis=1), [batch] + shape[1:] + source.shape.as_list()[1:])
