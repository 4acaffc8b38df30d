"""The backward sweep: walk recorded ops in reverse, summing gradients per tensor.

Execution order is a topological order, so reversing the record list is enough. Gradient
functions are written with public eagerflow ops, so an outer tape records this sweep (higher
order gradients) and tracing turns it into a graph.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import GRADIENTS, NO_GRADIENT


def _reachable_from(records: list, source_ids: set) -> set:
    """Ids of the differentiable tensors that depend on a source: the only ones that get a
    gradient (integer and boolean tensors never do, as in TensorFlow)."""
    live = set(source_ids)
    add = live.add
    for rec in records:
        for t in rec.inputs:
            if id(t) in live:
                for o in rec.outputs:
                    if _differentiable(o):
                        add(id(o))
                break
    return live


def _differentiable(t: Any) -> bool:
    value = t._value  # the raw array's kind is cheaper than building the DType
    return value.dtype.kind in "fc" if value is not None else t.dtype.is_differentiable


def _output_grads(rec: Any, grads: dict) -> list | None:
    """The output gradients of `rec`, or None when no output has one."""
    outputs = rec.outputs
    if len(outputs) == 1:
        g = grads.get(id(outputs[0]))
        return None if g is None else [g]
    found = [grads.get(id(o)) for o in outputs]
    if all(g is None for g in found):
        return None
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415  (ops import core only)

    return [zeros_like(o) if g is None else g for o, g in zip(outputs, found)]


def _call_gradient(rec: Any, out_grads: list) -> list | None:
    name = rec.prim.name
    grad_fn = GRADIENTS.get(name)
    if grad_fn is None:
        if name in NO_GRADIENT:
            return None
        raise LookupError(f"No gradient defined for operation '{name}' (op type: {name}).")
    in_grads = grad_fn(rec, *out_grads)
    n = len(rec.inputs)
    if n == 1 and not isinstance(in_grads, (list, tuple)):
        return [in_grads]
    if len(in_grads) != n:
        raise ValueError(
            f"Gradient function for '{name}' returned {len(in_grads)} gradients but the op "
            f"has {n} inputs."
        )
    return in_grads


def backward(records: list, seeds: dict, source_ids: set) -> dict:
    """Gradients of the seeded tensors with respect to every tensor leading to a source.

    Args:
        records: OpRecords in execution order.
        seeds: id(tensor) -> its output gradient (the targets' upstream gradients).
        source_ids: ids of the tensors/variables whose gradients are wanted.
    Returns:
        id(tensor) -> accumulated gradient Tensor.
    """
    from eagerflow.ops.math_ops import add  # noqa: PLC0415  (ops import core only)

    live = _reachable_from(records, source_ids)
    grads = dict(seeds)
    grads_get = grads.get
    for rec in reversed(records):
        outputs = rec.outputs
        if len(outputs) == 1:  # the common case, without a helper call
            g = grads_get(id(outputs[0]))
            if g is None:
                continue
            out_grads = [g]
        else:
            out_grads = _output_grads(rec, grads)
            if out_grads is None:
                continue
        inputs = rec.inputs
        needed = [id(t) in live for t in inputs]
        if True not in needed:
            continue
        rec.skip_input_indices = (
            () if False not in needed else tuple(i for i, n in enumerate(needed) if not n)
        )
        in_grads = _call_gradient(rec, out_grads)
        if in_grads is None:
            continue
        for t, g, n in zip(inputs, in_grads, needed):
            if g is None or not n:
                continue
            key = id(t)
            previous = grads_get(key)
            grads[key] = g if previous is None else add(previous, g)
    return grads
