"""Elementwise fusion: trees of elementwise ops become one node evaluated in a single pass.

A fused group is a tree of elementwise float ops whose inner values have exactly one consumer
(and are not graph outputs). On the CPU it runs through `numexpr` when that is installed and
the arrays are large enough to amortize its call overhead (one pass over memory, no
temporaries, several threads); otherwise, and on GPUs, it runs the members' own kernels one
after another inside one generated function, so results match eager execution.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from eagerflow.core.dispatch import Primitive
from eagerflow.core.tensor import Tensor
from eagerflow.graph.ir import OP, Graph, Rewriter, SymbolicTensor

try:  # optional: `pip install numexpr`
    import numexpr
except ImportError:  # pragma: no cover - depends on the environment
    numexpr = None

# Below this many elements numexpr's per-call overhead outweighs its single pass.
NUMEXPR_MIN_SIZE = 1 << 15
# Templates that repeat an operand (Square) could blow up deep trees; such groups skip numexpr.
MAX_EXPRESSION_LENGTH = 4000
_FLOAT = ("float32", "float64")

# op type -> numexpr expression template over its inputs.
EXPRESSIONS = {
    "AddV2": "({0} + {1})",
    "Sub": "({0} - {1})",
    "Mul": "({0} * {1})",
    "RealDiv": "({0} / {1})",
    "Neg": "(-{0})",
    "Exp": "exp({0})",
    "Log": "log({0})",
    "Tanh": "tanh({0})",
    "Square": "({0} * {0})",
    "Sqrt": "sqrt({0})",
    "Abs": "abs({0})",
    "TanhGrad": "({1} * (1 - {0} * {0}))",
    "SquaredDifference": "(({0} - {1}) * ({0} - {1}))",
    "Maximum": "where({0} >= {1}, {0}, {1})",
    "Minimum": "where({0} <= {1}, {0}, {1})",
}
_ids = itertools.count()


class FusedElementwise(Primitive):
    """A fused group: its kernel evaluates the whole tree. Not registered by name."""

    def __init__(self, members: list, num_inputs: int) -> None:
        # Bypasses Primitive.__init__'s registry: fused ops exist only inside one graph.
        self.name = "FusedElementwise"
        self.num_outputs = 1
        self.overrides = {}
        self.members = members  # (kernel, attrs, argument slots) in evaluation order
        self.num_inputs = num_inputs
        self.expression: str | None = None
        self.shape_rule = None
        self.kernel = self._run
        self.python = self._compile_python()

    def _compile_python(self) -> Any:
        ns: dict[str, Any] = {}
        params = [f"a{i}" for i in range(self.num_inputs)]
        lines = []
        for j, (kernel, attrs, slots) in enumerate(self.members):
            ns[f"k{j}"] = kernel
            ns[f"attrs{j}"] = attrs
            args = ", ".join(_slot(s) for s in slots)
            kw = f", **attrs{j}" if attrs else ""
            lines.append(f"    t{j} = k{j}(xp, {args}{kw})")
        lines.append(f"    return t{len(self.members) - 1}")
        source = f"def fused(xp, {', '.join(params)}):\n" + "\n".join(lines)
        exec(compile(source, "<eagerflow fused>", "exec"), ns)  # noqa: S102
        return ns["fused"]

    def _run(self, xp: Any, *arrays: Any) -> Any:
        if self.expression is not None and xp is np:
            size = max(a.size for a in arrays)
            if size >= NUMEXPR_MIN_SIZE:
                names = {f"a{i}": a for i, a in enumerate(arrays)}
                return numexpr.evaluate(self.expression, local_dict=names)
        return self.python(xp, *arrays)

    def __repr__(self) -> str:
        return f"<FusedElementwise of {len(self.members)}>"


def _slot(s: Any) -> str:
    kind, index = s
    return f"a{index}" if kind == "in" else f"t{index}"


def _fusible(node: Any) -> bool:
    return (
        node.kind == OP
        and node.op.name in EXPRESSIONS
        and node.op.num_outputs == 1
        and node.outputs[0].dtype.name in _FLOAT
        and all(isinstance(x, Tensor) and x.dtype == node.outputs[0].dtype for x in node.inputs)
    )


def fuse_elementwise(graph: Graph) -> Graph:
    uses: dict[int, int] = {}
    for node in graph.nodes:
        for x in node.inputs:
            uses[id(x)] = uses.get(id(x), 0) + 1
    for o in graph.outputs:
        uses[id(o)] = uses.get(id(o), 0) + 2
    # group[id(root node)] = member nodes in evaluation order; absorbed nodes map to None.
    group: dict[int, list] = {}
    absorbed: set[int] = set()
    for node in graph.nodes:
        if not _fusible(node):
            continue
        members: list = []
        for x in node.inputs:
            producer = x._node if isinstance(x, SymbolicTensor) else None
            if (
                producer is not None
                and id(producer) in group
                and uses.get(id(x), 0) == 1
                and id(producer) not in absorbed
            ):
                members.extend(group.pop(id(producer)))
                absorbed.add(id(producer))
        members.append(node)
        group[id(node)] = members
    rw = Rewriter(graph)
    for node in rw.input_nodes():
        members = group.get(id(node))
        if members is not None and len(members) > 1:
            _emit_fused(rw, members)
        elif members is not None or id(node) not in absorbed:
            rw.copy(node)
    return rw.finish()


def _emit_fused(rw: Rewriter, members: list) -> None:
    inner = {id(o): j for j, m in enumerate(members) for o in m.outputs}
    inputs: list = []
    input_index: dict[int, int] = {}
    specs = []
    exprs: list[str] = []
    for m in members:
        slots = []
        parts = []
        for x in m.inputs:
            if id(x) in inner:
                slots.append(("t", inner[id(x)]))
                parts.append(exprs[inner[id(x)]])
                continue
            new = rw.get(x)
            if id(new) not in input_index:
                input_index[id(new)] = len(inputs)
                inputs.append(new)
            slots.append(("in", input_index[id(new)]))
            parts.append(f"a{input_index[id(new)]}")
        exprs.append(EXPRESSIONS[m.op.name].format(*parts))
        specs.append((m.op.kernel, dict(m.attrs), slots))
    op = FusedElementwise(specs, len(inputs))
    if numexpr is not None and len(exprs[-1]) <= MAX_EXPRESSION_LENGTH:
        op.expression = exprs[-1]
    root = members[-1]
    node = rw.new._new_node(op, OP, tuple(inputs), {}, [root.outputs[0].spec])
    node.attrs = {"ops": [m.op.name for m in members]}
    op.kernel = _bind(op)
    rw.bind(root.outputs, node.outputs)


def _bind(op: FusedElementwise) -> Any:
    def kernel(xp: Any, *arrays: Any, ops: Any = None) -> Any:
        return op._run(xp, *arrays)

    kernel.__name__ = "fused_" + str(next(_ids))
    return kernel
