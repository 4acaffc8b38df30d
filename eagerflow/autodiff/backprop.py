"""The backward sweep: walk recorded ops in reverse, summing gradients per tensor.

Execution order is a topological order, so reversing the record list is enough. Gradient
functions are written with public eagerflow ops, so an outer tape records this sweep (higher
order gradients) and tracing turns it into a graph.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import GRADIENTS, NO_GRADIENT


def _differentiable(t: Any) -> bool:
    return t.dtype.is_differentiable


def _reachable_from(records: list, source_ids: set) -> set:
    """Ids of every tensor that depends on a source (the only ones worth a gradient)."""
    live = set(source_ids)
    for rec in records:
        for t in rec.inputs:
            if id(t) in live:
                live.update(id(o) for o in rec.outputs)
                break
    return live


def _as_list(grads: Any, n: int) -> list:
    if n == 1 and not isinstance(grads, (list, tuple)):
        return [grads]
    return list(grads)


def backward(records: list, seeds: dict, source_ids: set) -> dict:
    """Gradients of the seeded tensors with respect to every tensor leading to a source.

    Args:
        records: OpRecords in execution order.
        seeds: id(tensor) -> its output gradient (the targets' upstream gradients).
        source_ids: ids of the tensors/variables whose gradients are wanted.
    Returns:
        id(tensor) -> accumulated gradient Tensor.
    """
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415  (ops import core only)
    from eagerflow.ops.math_ops import add  # noqa: PLC0415

    live = _reachable_from(records, source_ids)
    grads = dict(seeds)
    for rec in reversed(records):
        out_grads = [grads.get(id(o)) for o in rec.outputs]
        if all(g is None for g in out_grads):
            continue
        needed = [id(t) in live for t in rec.inputs]
        if not any(needed):
            continue
        rec.skip_input_indices = tuple(i for i, n in enumerate(needed) if not n)
        name = rec.prim.name
        grad_fn = GRADIENTS.get(name)
        if grad_fn is None:
            if name in NO_GRADIENT:
                continue
            raise LookupError(f"No gradient defined for operation '{name}' (op type: {name}).")
        if len(out_grads) > 1:
            out_grads = [zeros_like(o) if g is None else g for o, g in zip(rec.outputs, out_grads)]
        in_grads = _as_list(grad_fn(rec, *out_grads), len(rec.inputs))
        if len(in_grads) != len(rec.inputs):
            raise ValueError(
                f"Gradient function for '{name}' returned {len(in_grads)} gradients but the op "
                f"has {len(rec.inputs)} inputs."
            )
        for t, g in zip(rec.inputs, in_grads):
            if g is None or id(t) not in live or not _differentiable(t):
                continue
            key = id(t)
            previous = grads.get(key)
            grads[key] = g if previous is None else add(previous, g)
    return grads
