"""Elementwise fusion: trees of elementwise ops become one node evaluated in a single pass.

A fused group is a tree of elementwise float ops whose inner values have exactly one consumer
(and are not graph outputs). On the CPU it runs through `numexpr` when that is installed and
the arrays are large enough to amortize its call overhead (one pass over memory, no
temporaries, several threads); otherwise, and on GPUs, it runs the members' own kernels one
after another inside one generated function, so results match eager execution.
"""

from __future__ import annotations

import functools
import itertools
import time
from typing import Any

import numpy as np

from eagerflow.core.dispatch import Primitive
from eagerflow.core.tensor import Tensor
from eagerflow.graph.ir import OP, Graph, Rewriter, SymbolicTensor

try:  # optional: `pip install numexpr`
    import numexpr
except ImportError:  # pragma: no cover - depends on the environment
    numexpr = None

# Size classes for choosing between numexpr and chained kernels (tuned separately).
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
    """A fused group: its kernel evaluates the whole tree. Not registered by name.

    With numexpr installed, the first CPU calls of each size class (small, large) time the
    compiled numexpr program against the chained kernels and keep the faster: numexpr wins
    on long chains of small arrays (one call instead of one per op) and on cheap arithmetic
    over large ones, but its transcendental functions can be slower than NumPy's SIMD loops.
    """

    def __init__(self, members: list, num_inputs: int, dtype: Any) -> None:
        # Bypasses Primitive.__init__'s registry: fused ops exist only inside one graph.
        self.name = "FusedElementwise"
        self.num_outputs = 1
        self.overrides = {}
        self.members = members  # (kernel, attrs, argument slots) in evaluation order
        self.num_inputs = num_inputs
        self.dtype = np.dtype(dtype)
        self.expression: str | None = None
        self._program: Any = None
        self._choice: list = [None, None]  # per size class: True = numexpr
        self._fast: Any = None  # the chosen callable once shapes are known to be static
        self.static_size: int | None = None
        self.shape_rule = None
        self.kernel = self._run
        self.python = self._compile_python()

    def _compile_python(self) -> Any:
        ns: dict[str, Any] = {}
        params = [f"a{i}" for i in range(self.num_inputs)]
        lines = []
        last_use = {}
        for j, (_, _, slots) in enumerate(self.members):
            for kind, index in slots:
                if kind == "t":
                    last_use[index] = j
        for j, (kernel, attrs, slots) in enumerate(self.members):
            ns[f"k{j}"] = kernel
            ns[f"attrs{j}"] = attrs
            args = ", ".join(_slot(s) for s in slots)
            kw = f", **attrs{j}" if attrs else ""
            lines.append(f"    t{j} = k{j}(xp, {args}{kw})")
            # Free temporaries at their last use: large arrays then reuse memory, as in eager.
            dead = sorted(i for i, last in last_use.items() if last == j)
            if dead:
                lines.append("    del " + ", ".join(f"t{i}" for i in dead))
        lines.append(f"    return t{len(self.members) - 1}")
        source = f"def fused(xp, {', '.join(params)}):\n" + "\n".join(lines)
        exec(compile(source, "<eagerflow fused>", "exec"), ns)  # noqa: S102
        return ns["fused"]

    def _numexpr_program(self) -> Any:
        if self._program is None:
            kind = float if self.dtype == np.float32 else np.float64  # numexpr's type names
            signature = [(f"a{i}", kind) for i in range(self.num_inputs)]
            self._program = numexpr.NumExpr(self.expression, signature=signature)
        return self._program

    def _run(self, xp: Any, *arrays: Any) -> Any:
        fast = self._fast
        if fast is not None and xp is np:
            return fast(*arrays)
        if self.expression is None or xp is not np:
            return self.python(xp, *arrays)
        size = max(a.size for a in arrays)
        size_class = int(size >= NUMEXPR_MIN_SIZE)
        choice = self._choice[size_class]
        if choice is None:
            choice = self._choice[size_class] = self._tune(arrays)
            if self.static_size is not None and self.static_size == size:
                # Static shapes: the choice is final, skip the size check from now on.
                self._fast = self._program if choice else functools.partial(self.python, np)
        if choice:
            return self._program(*arrays)
        return self.python(np, *arrays)

    def _tune(self, arrays: tuple) -> bool:
        if any(a.dtype != self.dtype for a in arrays):
            return False
        program = self._numexpr_program()
        ours, theirs = [], []
        for _ in range(5):  # interleaved, best of 5: robust to a busy machine
            ours.append(_timed(self.python, np, *arrays))
            theirs.append(_timed(program, *arrays))
        return min(theirs) < min(ours)

    def __repr__(self) -> str:
        return f"<FusedElementwise of {len(self.members)}>"


def _timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


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
    root = members[-1]
    op = FusedElementwise(specs, len(inputs), root.outputs[0].dtype._np)
    if all(x.shape.is_fully_defined() for x in inputs):
        op.static_size = max(x.shape.num_elements() for x in inputs)
    if numexpr is not None and len(exprs[-1]) <= MAX_EXPRESSION_LENGTH:
        op.expression = exprs[-1]
    node = rw.new._new_node(op, OP, tuple(inputs), {}, [root.outputs[0].spec])
    node.attrs = {"ops": [m.op.name for m in members]}
    op.kernel = _bind(op)
    rw.bind(root.outputs, node.outputs)


def _bind(op: FusedElementwise) -> Any:
    def kernel(xp: Any, *arrays: Any, ops: Any = None) -> Any:
        return op._run(xp, *arrays)

    kernel.__name__ = "fused_" + str(next(_ids))
    return kernel
