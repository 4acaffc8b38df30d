"""The traced program: a `Graph` of `Node`s in SSA form, and the symbolic tensors they produce.

Every value is produced by exactly one node (`SymbolicTensor.node`, `.index`). A node's inputs
are symbolic tensors of the same graph, or, for variable reads and updates, the `Variable`
object itself: variables are captured by reference and never folded into constants. Node order
is program order; passes may move pure nodes but keep the relative order of stateful ones
(variable reads, updates, prints, random draws).
"""

from __future__ import annotations

import inspect
import itertools
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes
from eagerflow.core.context import state
from eagerflow.core.dispatch import Primitive
from eagerflow.core.tensor import Tensor, _numpy_text
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec

# Node kinds.
INPUT = "input"
CONST = "const"
OP = "op"
UPDATE = "update"

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class OperatorNotAllowedInGraphError(TypeError):
    """A Python operation (bool, iteration) that needs a value was applied to a graph tensor."""


def user_location() -> str:
    """`file:line` of the innermost stack frame outside the eagerflow package (for errors)."""
    frame = inspect.currentframe()
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE_DIR) or "/tests/" in filename:
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


def _stateful(op: Any) -> bool:
    name = op.name
    if name.startswith("Stateless"):
        return False
    return (
        name in STATEFUL_OPS
        or "Random" in name
        or name in ("TruncatedNormal", "Multinomial", "PyFunc", "EagerPyFunc")
        or getattr(op, "stateful", False)
    )


# Ops that must never be merged, folded or removed for being unused (besides updates).
STATEFUL_OPS = {"ReadVariableOp", "PrintV2"}
# Ops that have an effect beyond their outputs: kept even when their outputs are unused.
SIDE_EFFECT_OPS = {"PrintV2"}


class Node:
    """One operation: `op(inputs, **attrs) -> outputs`."""

    __slots__ = ("op", "kind", "inputs", "attrs", "outputs", "id")

    _ids = itertools.count()

    def __init__(self, op: Any, kind: str, inputs: tuple, attrs: dict) -> None:
        self.op = op
        self.kind = kind
        self.inputs = inputs
        self.attrs = attrs
        self.outputs: tuple = ()
        self.id = next(Node._ids)

    @property
    def type(self) -> str:
        if self.kind == INPUT:
            return "Placeholder"
        if self.kind == CONST:
            return "Const"
        return self.op.name

    @property
    def stateful(self) -> bool:
        # Control-flow nodes say in their attrs whether their sub-graphs hold stateful ops.
        if self.kind == UPDATE:
            return True
        return self.kind == OP and (_stateful(self.op) or bool(self.attrs.get("stateful")))

    @property
    def has_side_effect(self) -> bool:
        if self.kind == UPDATE:
            return True
        return self.kind == OP and (
            self.op.name in SIDE_EFFECT_OPS or bool(self.attrs.get("side_effect"))
        )

    def __repr__(self) -> str:
        return f"<Node {self.type} #{self.id}>"


class SymbolicTensor(Tensor):
    """A tensor of a graph being traced: static shape and dtype, no value.

    It goes through the same public ops as an eager `Tensor`; dispatch adds nodes instead of
    computing. Asking for its value (`numpy()`, `bool()`, iteration over an unknown length)
    raises an error that names the line and says which graph construct to use instead.
    """

    __slots__ = ("_graph", "_node", "_index", "_shape", "_dtype")

    def __init__(self, graph: Graph, node: Node, index: int, spec: TensorSpec) -> None:
        self._value = None
        self._graph = graph
        self._node = node
        self._index = index
        self._shape = spec.shape
        self._dtype = spec.dtype

    # -- static properties ------------------------------------------------------------------
    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def ndim(self) -> int | None:
        return self._shape.rank

    @property
    def spec(self) -> TensorSpec:
        return TensorSpec(self._shape, self._dtype)

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def node(self) -> Node:
        return self._node

    @property
    def op(self) -> Node:
        return self._node

    @property
    def index(self) -> int:
        return self._index

    @property
    def name(self) -> str:
        return f"{self._node.type}_{self._node.id}:{self._index}"

    @property
    def device(self) -> str:
        return ""

    def set_shape(self, shape: Any) -> None:
        self._shape = self._shape.merge_with(shape)

    # -- values are not available while tracing ----------------------------------------------
    def _no_value(self, what: str, instead: str) -> OperatorNotAllowedInGraphError:
        return OperatorNotAllowedInGraphError(
            f"{what} a symbolic tf.Tensor ({self.name}, shape {self._shape}, dtype "
            f"{self._dtype.name}) is not allowed while tracing a tf.function, at "
            f"{user_location()}. {instead}"
        )

    def numpy(self) -> Any:
        raise self._no_value(
            "Calling .numpy() on",
            "The value exists only when the function runs; return the tensor from the "
            "function, or use tf.print to print it at run time.",
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise self._no_value(
            "Converting to a NumPy array",
            "Use eagerflow ops on the tensor instead of NumPy functions.",
        )

    def __bool__(self) -> bool:
        raise self._no_value(
            "Using as a Python bool",
            "Use tf.cond (for if) or tf.while_loop (for while) so the branch is decided at "
            "run time. (tf.function's autograph converts if/while/for statements by itself, "
            "but not blocks with a return inside a loop, yield, global or nonlocal.)",
        )

    def __int__(self) -> int:
        raise self._no_value("Converting to a Python int", "Use the tensor directly.")

    def __float__(self) -> float:
        raise self._no_value("Converting to a Python float", "Use the tensor directly.")

    def __index__(self) -> int:
        raise self._no_value("Using as a Python index", "Use tf.gather or slicing ops.")

    def __len__(self) -> int:
        if self._shape.rank is None or self._shape[0] is None:
            raise self._no_value(
                "Taking len() of", "The first dimension is unknown; use tf.shape(x)[0]."
            )
        if self._shape.rank == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self._shape[0]

    def __iter__(self) -> Any:
        if self._shape.rank is None or self._shape.rank == 0 or self._shape[0] is None:
            raise self._no_value(
                "Iterating over",
                "Iterate over tf.range(n) (converted to a tf.while_loop), or use "
                "tf.while_loop directly.",
            )
        for i in range(self._shape[0]):
            yield self[i]

    def __format__(self, format_spec: str) -> str:
        return repr(self)

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    __str__ = __repr__

    def __reduce__(self) -> tuple:
        raise self._no_value("Pickling", "Return the tensor from the function first.")


def spec_of(value: Any) -> TensorSpec:
    """The TensorSpec of a tensor, symbolic tensor or variable."""
    return TensorSpec(value.shape, value.dtype)


class Graph:
    """A traced function body: placeholders, nodes in program order, outputs.

    Tracing installs the graph as `state().graph`; dispatch then calls `add_op` and
    `add_update` instead of running kernels.
    """

    def __init__(self, name: str = "graph") -> None:
        self.name = name
        self.nodes: list[Node] = []
        self.inputs: list[SymbolicTensor] = []
        self.outputs: list[SymbolicTensor] = []
        # (outer symbolic tensor, placeholder here): values of an enclosing graph used here.
        self.captures: list[tuple[Any, SymbolicTensor]] = []
        self._capture_ids: dict[int, SymbolicTensor] = {}
        # Eager tensors turned into constants, by id; the tensor is kept alive with the node.
        self._constants: dict[int, SymbolicTensor] = {}
        # Variables created while tracing (the first-trace-only rule).
        self.created_variables: list[Any] = []

    # -- building ------------------------------------------------------------------------------
    def _new_node(self, op: Any, kind: str, inputs: tuple, attrs: dict, specs: list) -> Node:
        node = Node(op, kind, inputs, attrs)
        node.outputs = tuple(SymbolicTensor(self, node, i, s) for i, s in enumerate(specs))
        self.nodes.append(node)
        return node

    def add_placeholder(self, spec: TensorSpec, name: str | None = None) -> SymbolicTensor:
        node = self._new_node(None, INPUT, (), {"name": name}, [spec])
        self.inputs.append(node.outputs[0])
        return node.outputs[0]

    def add_constant(self, array: Any) -> SymbolicTensor:
        spec = TensorSpec(array.shape, dtypes.from_numpy(array.dtype))
        return self._new_node(None, CONST, (), {"value": array}, [spec]).outputs[0]

    def capture(self, value: Any) -> Any:
        """The in-graph value for an op input: symbolic of this graph, variable, or constant."""
        if isinstance(value, SymbolicTensor):
            if value._graph is self:
                return value
            found = self._capture_ids.get(id(value))
            if found is None:
                found = self.add_placeholder(value.spec, "capture")
                self.captures.append((value, found))
                self._capture_ids[id(value)] = found
            return found
        if isinstance(value, Tensor):
            found = self._constants.get(id(value))
            if found is None:
                found = self.add_constant(value._value)
                found._node.attrs["source"] = value  # keeps the id unique while cached
                self._constants[id(value)] = found
            return found
        return value  # a Variable, captured by reference

    def add_op(self, prim: Primitive, inputs: tuple, attrs: dict) -> Any:
        """Adds `prim(inputs, **attrs)`; returns its symbolic output(s). Called by dispatch."""
        captured = tuple(self.capture(t) for t in inputs)
        specs = [spec_of(t) for t in captured]
        out = prim.shape_rule(*specs, **attrs)
        single = prim.num_outputs == 1
        out_specs = [out] if single else list(out)
        node = self._new_node(prim, OP, captured, dict(attrs), out_specs)
        outputs = node.outputs
        tapes = state().tapes
        if tapes:
            for tape in tapes:
                tape.record_operation(prim, inputs, outputs, attrs)
        return outputs[0] if single else outputs

    def add_update(self, prim: Primitive, variable: Any, inputs: tuple, attrs: dict) -> Any:
        """Records a variable update to run in program order. Called by dispatch."""
        captured = tuple(self.capture(t) for t in inputs)
        self._new_node(prim, UPDATE, (variable,) + captured, dict(attrs), [])
        return variable

    def lift_initial_value(self, value: Any) -> Any:
        """The eager initial value of a variable created while tracing (see tracing.py)."""
        from eagerflow.graph.tracing import lift_initial_value  # noqa: PLC0415  (cycle)

        return lift_initial_value(self, value)

    def inlined_call(self, call: Callable[[], Any]) -> Any:
        """Runs `call`, which adds the body of a `tf.function` called while this graph is
        built; returns its result. TF1 graphs also tie the call's effects to its outputs
        (graph/tf1)."""
        return call()

    def variable_created(self, variable: Any) -> None:
        """Called by `Variable.__init__` for a variable created while this graph is built
        (TF1 graphs, graph/tf1, also give it an initializer node here)."""
        self.created_variables.append(variable)

    # -- queries ---------------------------------------------------------------------------------
    @property
    def variables(self) -> list:
        """Variables read or updated by the graph, in first-use order."""
        seen: dict[int, Any] = {}
        for node in self.nodes:
            for x in node.inputs:
                if not isinstance(x, Tensor) and id(x) not in seen:
                    seen[id(x)] = x
        return list(seen.values())

    def op_counts(self) -> dict:
        """How many nodes of each type (`{"MatMul": 2, ...}`), for tests and debugging."""
        counts: dict[str, int] = {}
        for node in self.nodes:
            counts[node.type] = counts.get(node.type, 0) + 1
        return counts

    def __str__(self) -> str:
        names: dict[int, str] = {}

        def name(x: Any) -> str:
            if isinstance(x, Tensor):
                return names.get(id(x), "?")
            return f"&{getattr(x, 'name', type(x).__name__)}"

        lines = []
        counter = itertools.count()
        params = []
        for p in self.inputs:
            names[id(p)] = f"%{next(counter)}"
            params.append(f"{names[id(p)]}: {_spec_text(p)}")
        lines.append(f"graph {self.name}({', '.join(params)}) {{")
        for node in self.nodes:
            if node.kind == INPUT:
                continue
            outs = []
            for o in node.outputs:
                names[id(o)] = f"%{next(counter)}"
                outs.append(names[id(o)])
            if node.kind == CONST:
                value = _numpy_text(np.asarray(node.attrs["value"]), False).replace("\n", " ")
                text = f"Const {value}"
            else:
                attrs = ", ".join(
                    f"{k}={_attr_text(v)}" for k, v in node.attrs.items() if k not in _HIDDEN
                )
                args = ", ".join(name(x) for x in node.inputs)
                text = f"{node.type}({args})" + (f" {{{attrs}}}" if attrs else "")
            if outs:
                specs = ", ".join(_spec_text(o) for o in node.outputs)
                lines.append(f"  {', '.join(outs)} = {text} : {specs}")
            else:
                lines.append(f"  {text}")
            for sub in _subgraphs(node.attrs):
                lines.extend("    " + ln for ln in str(sub).splitlines())
        lines.append(f"  return {', '.join(name(o) for o in self.outputs)}")
        lines.append("}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Graph {self.name}: {len(self.nodes)} nodes>"


def _spec_text(t: Any) -> str:
    dims = t.shape.dims
    shape = "?" if dims is None else "(" + ", ".join("?" if d is None else str(d) for d in dims)
    shape += "" if dims is None else ("," if len(dims) == 1 else "") + ")"
    return f"{t.dtype.name}{shape}"


_HIDDEN = {"source", "out_specs", "stateful", "side_effect"}


def _subgraphs(attrs: dict) -> list:
    found = []
    for value in attrs.values():
        if isinstance(value, Graph):
            found.append(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], Graph):
            found.extend(value)
    return found


def _attr_text(value: Any) -> str:
    if isinstance(value, Graph):
        return value.name
    if isinstance(value, tuple) and value and isinstance(value[0], Graph):
        return "(" + ", ".join(g.name for g in value) + ")"
    if isinstance(value, dtypes.DType):
        return value.name
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Rewriter:
    """Builds a new graph from an old one node by node (the skeleton of every pass).

    `env` maps id(old value) to its new value; `copy(node)` copies a node with remapped inputs.
    """

    def __init__(self, old: Graph) -> None:
        self.old = old
        self.new = Graph(old.name)
        self.new.created_variables = old.created_variables
        self.env: dict[int, Any] = {}
        for p in old.inputs:
            self.env[id(p)] = self.new.add_placeholder(p.spec, p._node.attrs.get("name"))
        self.new.captures = [(outer, self.env[id(inner)]) for outer, inner in old.captures]

    def get(self, value: Any) -> Any:
        if isinstance(value, Tensor):
            return self.env[id(value)]
        return value

    def bind(self, old_outputs: tuple, new_outputs: Any) -> None:
        for o, n in zip(old_outputs, new_outputs):
            self.env[id(o)] = n

    def copy(self, node: Node, inputs: tuple | None = None) -> Node:
        ins = tuple(self.get(x) for x in node.inputs) if inputs is None else inputs
        specs = [o.spec for o in node.outputs]
        new = self.new._new_node(node.op, node.kind, ins, node.attrs, specs)
        self.bind(node.outputs, new.outputs)
        return new

    def constant(self, array: Any) -> SymbolicTensor:
        return self.new.add_constant(array)

    def finish(self) -> Graph:
        self.new.outputs = [self.get(o) for o in self.old.outputs]
        return self.new

    def input_nodes(self) -> list:
        return [n for n in self.old.nodes if n.kind != INPUT]
