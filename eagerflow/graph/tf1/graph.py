"""TF1 graphs: `tf.Graph`, the default graph, control dependencies and graph variables.

A TF1 `Graph` is the tracing IR's `ir.Graph` kept open: ops called while it is the thread's
graph add nodes to it (the same dispatch as `tf.function` tracing), and a `Session` later runs
the part of it a fetch needs. On top of the IR it keeps what TF1 programs expect of a graph:
control dependencies between nodes, the variables created in it with their initializer nodes,
and collections (`tf.global_variables()`, `tf.trainable_variables()`).

Variables created in a TF1 graph start uninitialized: their initial value is a node of the
graph (so `tf.random_normal` initializers draw anew each time the initializer runs), and
reading one in a session before its initializer ran raises `FailedPreconditionError`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from eagerflow.core import nest
from eagerflow.core.context import state
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import ASSIGN, READ_VARIABLE
from eagerflow.graph.ir import INPUT, OP, UPDATE, Node, SymbolicTensor
from eagerflow.graph.ir import Graph as _IRGraph


def _no_outputs(*specs: Any, **attrs: Any) -> list:
    return []


# `tf.no_op` / `tf.group`: a node with no outputs whose control inputs are the grouped work.
NO_OP = Primitive("NoOp", lambda xp, *args: (), _no_outputs, num_outputs=-1)


class Operation(Node):
    """A node of a TF1 graph, with TF's `Operation` names: `name`, `type`, `run()`."""

    __slots__ = ("_name",)

    @property
    def name(self) -> str:
        return self._name

    def run(self, feed_dict: dict | None = None, session: Any = None) -> None:
        """Runs this op in `session` (default: the default session)."""
        _default_session(session, "run()").run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self._name}' type={self.type}>"


def _default_session(session: Any, what: str) -> Any:
    from eagerflow.graph.tf1.session import get_default_session  # noqa: PLC0415 (cycle)

    session = session or get_default_session()
    if session is None:
        raise ValueError(
            f"Cannot evaluate tensor using `{what}`: No default session is registered. Use "
            "`with sess.as_default()` or pass an explicit session to `eval(session=sess)`"
        )
    return session


class GraphTensor(SymbolicTensor):
    """A tensor of a TF1 graph: hashable (a `feed_dict` key) and compared by identity, as in
    TensorFlow's graphs; evaluated by a session."""

    __slots__ = ()

    def __hash__(self) -> int:
        return id(self)

    # In TF1 graphs `==` is object identity (TF 2 keeps that outside functions); use
    # tf.equal for the elementwise comparison.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def _no_value(self, what: str, instead: str) -> Exception:
        from eagerflow.graph.ir import OperatorNotAllowedInGraphError  # noqa: PLC0415

        return OperatorNotAllowedInGraphError(
            f"{what} a tf.Tensor of a TF1 graph ({self.name}, shape {self._shape}, dtype "
            f"{self._dtype.name}) is not allowed: it has no value until a Session runs it. "
            "Fetch it with sess.run(tensor), or use graph ops (tf.cond, tf.while_loop)."
        )

    def eval(self, feed_dict: dict | None = None, session: Any = None) -> Any:
        """The tensor's value in `session` (default: the default session)."""
        return _default_session(session, "eval()").run(self, feed_dict)

    @property
    def name(self) -> str:
        return f"{self._node.name}:{self._index}"

    def __repr__(self) -> str:
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self._dtype.name})'

    __str__ = __repr__


class Graph(_IRGraph):
    """`tf.Graph`: a TF1 dataflow graph that ops add nodes to while it is the default graph.

    Example:
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     c = tf.constant(2.0) * 3.0
        >>> with tf.compat.v1.Session(graph=g) as sess:
        ...     sess.run(c)
        6.0
    """

    def __init__(self) -> None:
        super().__init__("tf1_graph")
        # node.id -> nodes that must run before it (tf.control_dependencies, assign reads).
        self.control_inputs: dict[int, list[Node]] = {}
        self._control_stack: list[list[Node]] = []
        # Variables created in this graph, and their initializer (update) nodes by id.
        self.global_variables: list[Any] = []
        self.trainable_variables: list[Any] = []
        self.initializers: dict[int, Node] = {}
        # id(variable) -> the update node restoring its checkpoint value (checkpoint_ops.py).
        self.restore_ops: dict[int, Node] = {}
        # id(variable) -> the read-only placeholder array it holds until initialized.
        self._uninitialized: dict[int, np.ndarray] = {}
        self._pending_initial: SymbolicTensor | None = None
        self.collections: dict[str, list] = {}
        self._finalized = False
        self._names: dict[str, int] = {}

    # -- building ----------------------------------------------------------------------------
    def _new_node(self, op: Any, kind: str, inputs: tuple, attrs: dict, specs: list) -> Node:
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        base = attrs.get("name") if kind == INPUT else None
        node = Operation(op, kind, inputs, attrs)
        node._name = self.unique_name(base or node.type)
        node.outputs = tuple(GraphTensor(self, node, i, spec) for i, spec in enumerate(specs))
        self.nodes.append(node)
        if self._control_stack:
            deps = [d for level in self._control_stack for d in level]
            if deps:
                self.control_inputs[node.id] = deps
        return node

    def unique_name(self, name: str) -> str:
        """`name` under the current name scopes, suffixed `_1`, `_2`, ... if taken (TF's rule)."""
        scopes = state().name_scopes
        if scopes:
            name = "/".join([*scopes, name])
        count = self._names.get(name, 0)
        self._names[name] = count + 1
        if count == 0:
            return name
        unique = f"{name}_{count}"
        while unique in self._names:
            count += 1
            unique = f"{name}_{count}"
        self._names[name] = count + 1
        self._names[unique] = 1
        return unique

    def get_operation_by_name(self, name: str) -> Operation:
        for node in self.nodes:
            if getattr(node, "_name", None) == name:
                return node
        raise KeyError(f"The name '{name}' refers to an Operation not in the graph.")

    def get_tensor_by_name(self, name: str) -> GraphTensor:
        op_name, _, index = name.rpartition(":")
        if not op_name or not index.isdigit():
            raise ValueError(
                f"The name '{name}' looks like an (invalid) Operation name, not a Tensor name."
            )
        outputs = self.get_operation_by_name(op_name).outputs
        if int(index) >= len(outputs):
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist.")
        return outputs[int(index)]

    def add_update(self, prim: Primitive, variable: Any, inputs: tuple, attrs: dict) -> Any:
        """An update returns the variable's value after it (TF1's `assign` returns a tensor):
        fetching that tensor runs the update."""
        super().add_update(prim, variable, inputs, attrs)
        update = self.nodes[-1]
        with self.control_dependencies([update]):
            return execute(READ_VARIABLE, (variable,))

    def inlined_call(self, call: Callable[[], Any]) -> Any:
        """A `tf.function` called in a TF1 graph: its nodes are added here, and its output
        tensors depend on its stateful nodes (TF's automatic control dependencies), so
        fetching any output runs the whole call's updates and prints."""
        start = len(self.nodes)
        result = call()
        added = self.nodes[start:]
        effects = [n for n in added if n.kind == UPDATE or n.has_side_effect]
        if effects:
            own = {id(n) for n in added}
            for out in nest.flatten(result):
                node = getattr(out, "_node", None)
                if node is not None and id(node) in own:
                    deps = self.control_inputs.setdefault(node.id, [])
                    deps.extend(e for e in effects if e is not node)
        return result

    def lift_initial_value(self, value: Any) -> Any:
        """A variable's initial value stays a node of this graph (run by its initializer)."""
        self._pending_initial = None
        if callable(value):
            value = value()
        if not isinstance(value, Tensor) and hasattr(value, "_as_tensor"):
            value = value._as_tensor()  # another variable: its value when the initializer runs
        if isinstance(value, SymbolicTensor) and value._graph is self:
            if not value.shape.is_fully_defined():
                raise ValueError(
                    f"tf.Variable: initial_value must have a fully defined shape in a graph; "
                    f"got {value!r}. Pass a value of known shape (or set its shape first)."
                )
            self._pending_initial = value
            return _uninitialized_array(value.dtype.as_numpy_dtype, value.shape.as_list())
        return value

    def variable_created(self, variable: Any) -> None:
        """Gives a variable created in this graph an initializer node and leaves it
        uninitialized (called by `Variable.__init__`)."""
        super().variable_created(variable)
        initial = self._pending_initial
        self._pending_initial = None
        saved, self._control_stack = self._control_stack, []
        try:
            if initial is None:
                initial = self.add_constant(variable._value)
            elif initial.dtype is not variable.dtype:
                from eagerflow.ops.cast_ops import cast  # noqa: PLC0415  (ops import graph)

                with _building(self):
                    initial = cast(initial, variable.dtype)
            init = self._new_node(ASSIGN, UPDATE, (variable, initial), {}, [])
        finally:
            self._control_stack = saved
        sentinel = _uninitialized_array(variable.dtype.as_numpy_dtype, variable.shape.as_list())
        variable._value = sentinel
        self._uninitialized[id(variable)] = sentinel
        self.initializers[id(variable)] = init
        variable.initializer = init
        self.global_variables.append(variable)
        if variable.trainable:
            self.trainable_variables.append(variable)

    def is_initialized(self, variable: Any) -> bool:
        sentinel = self._uninitialized.get(id(variable))
        return sentinel is None or variable._value is not sentinel

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Any) -> Iterator[None]:
        """Nodes created inside run after `control_inputs` (None clears outer ones)."""
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        self._control_stack.append([as_node(self, c) for c in control_inputs])
        try:
            yield
        finally:
            self._control_stack.pop()

    def group(self, inputs: list) -> Node:
        with self.control_dependencies(inputs):
            return self._new_node(NO_OP, OP, (), {}, [])

    # -- TF1 graph API ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator[Graph]:
        """Makes this graph the thread's default graph: ops called inside add nodes to it."""
        s = state()
        saved = s.graph
        s.graph = self
        try:
            yield self
        finally:
            s.graph = saved

    def finalize(self) -> None:
        """Makes the graph read-only (adding a node raises `RuntimeError`)."""
        self._finalized = True

    @property
    def finalized(self) -> bool:
        return self._finalized

    def get_operations(self) -> list[Node]:
        return list(self.nodes)

    def add_to_collection(self, name: str, value: Any) -> None:
        if name == GLOBAL_VARIABLES:
            self.global_variables.append(value)
        elif name == TRAINABLE_VARIABLES:
            self.trainable_variables.append(value)
        else:
            self.collections.setdefault(name, []).append(value)

    def get_collection(self, name: str, scope: str | None = None) -> list:
        if name == GLOBAL_VARIABLES:
            items = list(self.global_variables)
        elif name == TRAINABLE_VARIABLES:
            items = list(self.trainable_variables)
        else:
            items = list(self.collections.get(name, ()))
        if scope is not None:
            items = [v for v in items if getattr(v, "name", "").startswith(scope)]
        return items

    def __repr__(self) -> str:
        return f"<tf.Graph with {len(self.nodes)} nodes>"


GLOBAL_VARIABLES = "variables"
TRAINABLE_VARIABLES = "trainable_variables"
UPDATE_OPS = "update_ops"


def _uninitialized_array(np_dtype: Any, shape: list) -> np.ndarray:
    # A zero-strided read-only array: the right shape and dtype for shape queries, no memory.
    return np.broadcast_to(np.zeros((), dtype=np_dtype), shape)


@contextlib.contextmanager
def _building(graph: _IRGraph) -> Iterator[None]:
    s = state()
    saved = s.graph
    s.graph = graph
    try:
        yield
    finally:
        s.graph = saved


def as_node(graph: Graph, value: Any) -> Node:
    """The node a control input or fetch names: an op, a tensor's producer, an initializer."""
    if isinstance(value, Node):
        return value
    if isinstance(value, SymbolicTensor):
        return value._node
    if hasattr(value, "_as_tensor") and id(value) in graph.initializers:
        return value._as_tensor()._node  # a variable: its current value
    raise TypeError(
        f"Can not convert a {type(value).__name__} into a Tensor or Operation: {value!r}."
    )
