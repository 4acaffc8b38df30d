"""Runs a graph: compiled to straight-line Python over raw arrays, or interpreted.

`compile_graph` turns the (optimized) graph into the source of one Python function: one line
per node, each a direct kernel call on backend arrays. No Tensor objects are created and no
tape is consulted inside the graph. Graphs whose inputs or variables live on an accelerator
(or run under a `tf.device` scope) go through `interpret`, which places every kernel call
the way eager dispatch does.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core.context import _STATE
from eagerflow.core.dispatch import run_kernel
from eagerflow.core.tensor import Tensor
from eagerflow.graph.ir import CONST, INPUT, UPDATE, Graph

_ndarray = np.ndarray
_counter = itertools.count()


def _needs_asarray(value: Any) -> bool:
    # Kernels may return NumPy scalars for rank-0 results; eager dispatch wraps them.
    return value.shape.rank is None or value.shape.rank == 0


def compile_graph(graph: Graph) -> Callable[..., tuple]:
    """Python source for `graph`, compiled: `run(*input_arrays) -> tuple of output arrays`."""
    ns: dict[str, Any] = {"asarray": np.asarray}
    names: dict[int, str] = {}
    variables: dict[int, str] = {}
    lines: list[str] = []
    counter = itertools.count()

    def ref(x: Any) -> str:
        if isinstance(x, Tensor):
            return names[id(x)]
        name = variables.get(id(x))
        if name is None:
            name = variables[id(x)] = f"var{len(variables)}"
            ns[name] = x
        return name

    params = []
    for p in graph.inputs:
        names[id(p)] = f"a{len(params)}"
        params.append(names[id(p)])
    for node in graph.nodes:
        if node.kind == INPUT:
            continue
        if node.kind == CONST:
            name = f"c{next(counter)}"
            ns[name] = node.attrs["value"]
            names[id(node.outputs[0])] = name
            continue
        kname = f"k{next(counter)}"
        attrs = {k: v for k, v in node.attrs.items()}
        ns[kname] = functools.partial(node.op.kernel, np, **attrs)
        if node.kind == UPDATE:
            var = ref(node.inputs[0])
            args = ", ".join(ref(x) for x in node.inputs[1:])
            call = f"{kname}({var}._value, {args})"
            if node.inputs[0].shape.rank in (0, None):
                call = f"asarray({call})"
            lines.append(f"{var}._value = {call}")
            continue
        if node.op.name == "ReadVariableOp":
            names[id(node.outputs[0])] = out = f"t{next(counter)}"
            lines.append(f"{out} = {ref(node.inputs[0])}._value")
            continue
        args = ", ".join(ref(x) for x in node.inputs)
        outs = []
        for o in node.outputs:
            names[id(o)] = f"t{next(counter)}"
            outs.append(names[id(o)])
        call = f"{kname}({args})"
        if len(outs) == 0:
            lines.append(call)
        elif node.op.num_outputs == 1:
            if _needs_asarray(node.outputs[0]):
                call = f"asarray({call})"
            lines.append(f"{outs[0]} = {call}")
        else:
            lines.append(f"{', '.join(outs)}{',' if len(outs) == 1 else ''} = {call}")
            for o, name in zip(node.outputs, outs):
                if _needs_asarray(o):
                    lines.append(f"{name} = asarray({name})")
    results = [ref(o) for o in graph.outputs]
    lines = _free_dead_values(lines, set(results) | set(params))
    lines.append(f"return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    fname = f"graph_{_identifier(graph.name)}_{next(_counter)}"
    source = f"def {fname}({', '.join(params)}):\n" + "\n".join("    " + ln for ln in lines)
    code = compile(source, f"<eagerflow graph {graph.name}>", "exec")
    exec(code, ns)  # noqa: S102  (generated from the graph, no user strings)
    fn = ns[fname]
    fn.source = source
    return fn


def _free_dead_values(lines: list, keep: set) -> list:
    """Adds `del` after the last use of each temporary, so large intermediates are freed as
    soon as eager execution would free them (memory reuse keeps big arrays fast)."""
    last: dict[str, int] = {}
    for i, line in enumerate(lines):
        for token in re.findall(r"\bt\d+\b", line):
            last[token] = i
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        dead = sorted(t for t, j in last.items() if j == i and t not in keep)
        if dead:
            out.append("del " + ", ".join(dead))
    return out


def _identifier(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)[:40]


def interpret(graph: Graph, arrays: list) -> list:
    """Runs `graph` node by node with eager kernel placement (devices, CuPy arrays)."""
    env: dict[int, Any] = {id(p): a for p, a in zip(graph.inputs, arrays)}

    def get(x: Any) -> Any:
        return env[id(x)] if isinstance(x, Tensor) else x

    for node in graph.nodes:
        if node.kind == INPUT:
            continue
        if node.kind == CONST:
            env[id(node.outputs[0])] = node.attrs["value"]
            continue
        if node.kind == UPDATE:
            var = node.inputs[0]
            ins = [var._value] + [get(x) for x in node.inputs[1:]]
            var._value = run_kernel(node.op, ins, node.attrs)
            continue
        if node.op.name == "ReadVariableOp":
            env[id(node.outputs[0])] = node.inputs[0]._value
            continue
        out = run_kernel(node.op, [get(x) for x in node.inputs], node.attrs)
        if node.op.num_outputs == 1:
            out = (out,)
        for o, a in zip(node.outputs, out):
            env[id(o)] = a
    return [get(o) for o in graph.outputs]


class Executable:
    """A graph ready to run: the compiled function, and the placed interpreter as fallback."""

    __slots__ = ("graph", "run", "_variables")

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.run = compile_graph(graph)
        self._variables = graph.variables

    def __call__(self, arrays: list) -> Any:
        if _STATE.device is None:
            for a in arrays:
                if type(a) is not _ndarray:
                    return interpret(self.graph, arrays)
            for v in self._variables:
                if type(v._value) is not _ndarray:
                    return interpret(self.graph, arrays)
            return self.run(*arrays)
        return interpret(self.graph, arrays)
