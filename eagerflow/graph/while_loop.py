"""`tf.while_loop`: a Python `while` eagerly, one `While` node with cond and body sub-graphs
when traced.

Loop-variable shapes that the body changes are relaxed to `None` (unless shape invariants
say otherwise). The gradient of a `While` node is a `WhileGrad` node that re-runs the loop
eagerly under a tape inside its kernel (first order only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors, nest
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import GRADIENTS, execute
from eagerflow.core.tensor import wrap
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.graph.control_flow import (
    ControlFlowPrimitive,
    _bind_captures,
    _flags,
    _trace_branch,
    _truth,
    compiled,
)
from eagerflow.graph.ir import Graph, SymbolicTensor
from eagerflow.graph.tracing import building, replay


def _run_loop(cond_exec: Any, body_exec: Any, vars_: list, consts: list, limit: Any) -> list:
    i = 0
    while limit is None or i < limit:
        if not bool(cond_exec(vars_ + consts)[0]):
            break
        vars_ = list(body_exec(vars_ + consts))
        i += 1
    return vars_


def _while_kernel(
    xp: Any,
    *arrays: Any,
    cond_graph: Graph,
    body_graph: Graph,
    num_vars: int,
    maximum_iterations: Any,
    out_specs: tuple,
    **flags: Any,
) -> tuple:
    vars_, consts = list(arrays[:num_vars]), list(arrays[num_vars:])
    out = _run_loop(compiled(cond_graph), compiled(body_graph), vars_, consts, maximum_iterations)
    return tuple(out)


def _while_rule(*specs: Any, out_specs: tuple, **attrs: Any) -> tuple:
    return out_specs


WHILE = ControlFlowPrimitive("While", _while_kernel, _while_rule, num_outputs=-1)


def _while_grad_kernel(xp: Any, *arrays: Any, num_inputs: int, **attrs: Any) -> tuple:
    """Re-runs the loop eagerly under a tape and returns the inputs' gradients."""
    from eagerflow.autodiff.tape import GradientTape  # noqa: PLC0415

    n = attrs["num_vars"]
    inputs = [wrap(a) for a in arrays[:num_inputs]]
    upstream = [wrap(a) for a in arrays[num_inputs:]]
    with building(None):
        with GradientTape(watch_accessed_variables=False) as tape:
            for t in inputs:
                if t.dtype.is_differentiable:
                    tape.watch(t)
            vars_, consts = inputs[:n], inputs[n:]
            i, limit = 0, attrs["maximum_iterations"]
            while limit is None or i < limit:
                if not bool(replay(attrs["cond_graph"], vars_ + consts, updates=False)[0]):
                    break
                vars_ = replay(attrs["body_graph"], vars_ + consts, updates=False)
                i += 1
        pairs = [(v, g) for v, g in zip(vars_, upstream) if v.dtype.is_differentiable]
        grads = tape.gradient(
            [v for v, _ in pairs],
            inputs,
            output_gradients=[g for _, g in pairs],
            unconnected_gradients="zero",
        )
    return tuple(
        np.zeros(a.shape, a.dtype) if g is None else g._value for a, g in zip(arrays, grads)
    )


def _while_grad_rule(*specs: Any, num_inputs: int, **attrs: Any) -> tuple:
    return tuple(specs[:num_inputs])


WHILE_GRAD = ControlFlowPrimitive("WhileGrad", _while_grad_kernel, _while_grad_rule, num_outputs=-1)


def _while_grad(op: Any, *grads: Any) -> list:
    attrs = dict(op.attrs)
    attrs["num_inputs"] = len(op.inputs)
    result = execute(WHILE_GRAD, tuple(op.inputs) + tuple(grads), attrs)
    return [g if x.dtype.is_differentiable else None for x, g in zip(op.inputs, result)]


GRADIENTS["While"] = _while_grad


def while_loop(
    cond: Callable,
    body: Callable,
    loop_vars: Any,
    shape_invariants: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    maximum_iterations: Any = None,
    name: str | None = None,
) -> Any:
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    Returns the final loop variables, in the structure of `loop_vars`. Eagerly this is a
    Python `while`; inside `tf.function` it is one `While` node.

    Example:
        >>> i = tf.constant(0)
        >>> tf.while_loop(lambda i: i < 10, lambda i: (i + 1,), (i,))[0].numpy()
        10
    """
    if not callable(cond) or not callable(body):
        raise TypeError("while_loop: cond and body must be callable.")
    structure = loop_vars
    flat = nest.flatten(loop_vars)
    limit = None if maximum_iterations is None else maximum_iterations
    if state().graph is None:
        return _eager_while(cond, body, structure, flat, limit)
    return _traced_while(cond, body, structure, flat, shape_invariants, limit)


def _call_body(body: Callable, structure: Any, flat: list) -> list:
    packed = nest.pack_sequence_as(structure, flat)
    args = (
        packed if isinstance(packed, (list, tuple)) and not hasattr(packed, "_fields") else [packed]
    )
    result = body(*args)
    if not isinstance(structure, (list, tuple)) or hasattr(structure, "_fields"):
        result = [result] if not isinstance(result, (list, tuple)) or len(flat) == 1 else result
    out = nest.flatten(result)
    if len(out) != len(flat):
        raise ValueError(
            f"while_loop: body returned {len(out)} values for {len(flat)} loop variables."
        )
    return out


def _call_cond(cond_fn: Callable, structure: Any, flat: list) -> Any:
    packed = nest.pack_sequence_as(structure, flat)
    args = (
        packed if isinstance(packed, (list, tuple)) and not hasattr(packed, "_fields") else [packed]
    )
    return cond_fn(*args)


def _eager_while(cond_fn: Callable, body: Callable, structure: Any, flat: list, limit: Any) -> Any:
    i = 0
    limit = None if limit is None else int(np.asarray(limit))
    while limit is None or i < limit:
        if not _truth(_call_cond(cond_fn, structure, flat), "while_loop"):
            break
        flat = _call_body(body, structure, flat)
        i += 1
    return nest.pack_sequence_as(structure, flat)


def _traced_while(
    cond_fn: Callable, body: Callable, structure: Any, flat: list, invariants: Any, limit: Any
) -> Any:
    if limit is not None and not isinstance(limit, int):
        if isinstance(limit, SymbolicTensor):
            raise TypeError(
                "while_loop: maximum_iterations must be a Python int or a constant tensor "
                "inside tf.function."
            )
        limit = int(np.asarray(limit))
    tensors = [convert_to_tensor(v) for v in flat]
    specs = [TensorSpec(t.shape, t.dtype) for t in tensors]
    if invariants is not None:
        specs = [TensorSpec(s, t.dtype) for s, t in zip(nest.flatten(invariants), tensors)]
    for _ in range(3):  # relax loop-variable shapes that the body changes
        cond_graph, _, _ = _trace_branch(
            lambda *vs: _call_cond(cond_fn, structure, list(vs)), "while_cond", specs
        )
        body_graph, _, _ = _trace_branch(
            lambda *vs: _call_body(body, structure, list(vs)), "while_body", specs
        )
        if len(cond_graph.outputs) != 1 or cond_graph.outputs[0].dtype != dtypes.bool_:
            raise TypeError("while_loop: cond must return a scalar bool tensor.")
        relaxed = []
        for i, (spec, out) in enumerate(zip(specs, body_graph.outputs)):
            if out.dtype != spec.dtype:
                raise TypeError(
                    f"while_loop: loop variable {i} enters the loop as {spec.dtype.name} but "
                    f"the body returns {out.dtype.name}."
                )
            relaxed.append(
                TensorSpec(spec.shape.most_specific_compatible_shape(out.shape), spec.dtype)
            )
        if all(r.shape == s.shape for r, s in zip(relaxed, specs)):
            break
        if invariants is not None:
            raise ValueError(
                "while_loop: a loop variable's shape changes in the body beyond its shape "
                f"invariant: {[str(s.shape) for s in specs]} -> "
                f"{[str(o.shape) for o in body_graph.outputs]}."
            )
        specs = relaxed
    else:
        raise errors.InternalError("while_loop: loop variable shapes did not settle")
    n = len(tensors)
    outer = _bind_captures([cond_graph, body_graph], n)
    attrs = {
        "cond_graph": cond_graph,
        "body_graph": body_graph,
        "num_vars": n,
        "maximum_iterations": limit,
        "out_specs": tuple(specs),
        **_flags([cond_graph, body_graph]),
    }
    outputs = execute(WHILE, (*tensors, *outer), attrs)
    return nest.pack_sequence_as(structure, list(outputs))
