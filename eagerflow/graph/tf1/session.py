"""`tf.compat.v1.Session`: runs the part of a TF1 graph that the fetches need.

`run(fetches, feed_dict)` prunes the graph to the nodes the fetches depend on (data inputs
and control inputs, stopping at fed tensors), in program order, and compiles that sub-graph
with the same executor as `tf.function` (straight-line code over raw arrays). Compiled plans
are cached per (fetches, fed tensors), so a training loop's `sess.run(train_op, feed)`
compiles once.

Variable values live in the `Variable` objects (shared by every session of the graph), not
per session as in TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import errors, nest
from eagerflow.core.tensor import Tensor
from eagerflow.graph.executor import Executable
from eagerflow.graph.ir import INPUT, UPDATE, Node, SymbolicTensor
from eagerflow.graph.ir import Graph as _IRGraph
from eagerflow.graph.tf1.default_graph import get_default_graph
from eagerflow.graph.tf1.graph import Graph, GraphTensor


class _Default:
    sessions: list = []


def get_default_session() -> Session | None:
    """`tf.compat.v1.get_default_session()`: the innermost session entered with `with`."""
    return _Default.sessions[-1] if _Default.sessions else None


class _Plan:
    """One compiled run: which values to feed, what to fetch, what must be initialized."""

    __slots__ = ("executable", "fed", "outputs", "reads", "keep")

    def __init__(
        self, executable: Executable, fed: list, outputs: list, reads: list, keep: Any
    ) -> None:
        self.executable = executable
        self.fed = fed
        self.outputs = outputs
        self.reads = reads  # variables read before any update of them in this run
        self.keep = keep  # the fetch and feed objects, so the cache key's ids stay unique


class Session:
    """`tf.compat.v1.Session`: runs TF1 graph fetches, feeding placeholders.

    Example:
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     x = tf.compat.v1.placeholder(tf.float32, shape=[None])
        ...     y = x * 2.0
        >>> with tf.compat.v1.Session(graph=g) as sess:
        ...     sess.run(y, feed_dict={x: [1.0, 2.0]})
        array([2., 4.], dtype=float32)
    """

    def __init__(self, target: str = "", graph: Any = None, config: Any = None) -> None:
        if graph is None:
            graph = get_default_graph()
        if not isinstance(graph, _IRGraph):
            raise TypeError(f"Session: graph must be a tf.Graph; got {graph!r}.")
        self.graph = graph
        self.target = target
        self._closed = False
        self._plans: dict[tuple, _Plan] = {}
        self._context: Any = None

    # -- context manager -------------------------------------------------------------------------
    def __enter__(self) -> Session:
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        _Default.sessions.append(self)
        if isinstance(self.graph, Graph):
            self._context = self.graph.as_default()
            self._context.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._context is not None:
            self._context.__exit__(*exc)
            self._context = None
        if _Default.sessions and _Default.sessions[-1] is self:
            _Default.sessions.pop()
        self.close()

    def as_default(self) -> Any:
        return _SessionScope(self)

    def close(self) -> None:
        """Releases the session's compiled plans; running it afterwards is an error."""
        self._closed = True
        self._plans.clear()

    @property
    def sess_str(self) -> str:
        return self.target

    # -- running ---------------------------------------------------------------------------------
    def run(
        self,
        fetches: Any,
        feed_dict: dict | None = None,
        options: Any = None,
        run_metadata: Any = None,
    ) -> Any:
        """Runs the graph to compute `fetches` (a tensor, an op, a variable, or a list, tuple,
        dict or nested structure of them), with `feed_dict` values for placeholders (or any
        tensor). Tensors come back as NumPy arrays (scalars as NumPy scalars), ops as None."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        flat = nest.flatten(fetches)
        targets = [self._fetch_target(f, fetches) for f in flat]
        feeds = self._feeds(feed_dict or {})
        key = (tuple(id(t) for t in targets), tuple(id(t) for t in feeds))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(targets, list(feeds))
        for variable in plan.reads:
            if not _is_initialized(self.graph, variable):
                raise errors.FailedPreconditionError(
                    None,
                    None,
                    f"Attempting to use uninitialized value {variable.name.rsplit(':', 1)[0]}: "
                    "run tf.compat.v1.global_variables_initializer() (or the variable's "
                    "initializer) in this session first.",
                )
        arrays = plan.executable([feeds[t] for t in plan.fed])
        by_id = dict(zip((id(t) for t in plan.outputs), arrays))
        results = []
        for target in targets:
            if isinstance(target, Node):
                results.append(None)
            elif isinstance(target, SymbolicTensor):
                results.append(_as_result(by_id[id(target)]))
            elif isinstance(target, Tensor):
                results.append(_as_result(np.array(target._value)))
            else:  # a variable: its value after the run
                if not _is_initialized(self.graph, target):
                    raise errors.FailedPreconditionError(
                        None, None, f"Attempting to use uninitialized value {target.name}."
                    )
                results.append(_as_result(np.array(target._value)))
        if not nest.is_nested(fetches):
            return results[0]
        return nest.pack_sequence_as(fetches, results)

    def _fetch_target(self, fetch: Any, fetches: Any) -> Any:
        if isinstance(fetch, str) and isinstance(self.graph, Graph):
            if ":" in fetch:
                return self.graph.get_tensor_by_name(fetch)
            return self.graph.get_operation_by_name(fetch)
        if isinstance(fetch, SymbolicTensor):
            if fetch._graph is not self.graph:
                raise ValueError(f"Tensor {fetch!r} is not an element of this graph.")
            return fetch
        if isinstance(fetch, (Node, Tensor)):
            return fetch  # an op, or an eager tensor (tf.constant in a graph): its value
        if hasattr(fetch, "_as_tensor") and not isinstance(fetch, Tensor):
            return fetch  # a variable
        if fetch is None:
            raise TypeError(f"Fetch argument None has invalid type {type(None)}.")
        raise TypeError(
            f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a string or "
            f"Tensor. (Can not convert a {type(fetch).__name__} into a Tensor or Operation.)"
        )

    def _feeds(self, feed_dict: dict) -> dict:
        feeds: dict = {}
        for key, value in feed_dict.items():
            for tensor, subvalue in _feed_pairs(key, value):
                if isinstance(tensor, str) and isinstance(self.graph, Graph):
                    tensor = self.graph.get_tensor_by_name(tensor)
                if not isinstance(tensor, SymbolicTensor) or tensor._graph is not self.graph:
                    raise ValueError(
                        f"Cannot interpret feed_dict key as Tensor: Tensor {tensor!r} is not an "
                        "element of this graph."
                    )
                feeds[tensor] = _feed_array(tensor, subvalue, key)
        return feeds

    def _compile(self, targets: list, fed: list) -> _Plan:
        fed_ids = {id(t) for t in fed}
        control = getattr(self.graph, "control_inputs", {})
        needed: set[int] = set()
        stack: list[Node] = [
            t if isinstance(t, Node) else t._node
            for t in targets
            if isinstance(t, (Node, SymbolicTensor))
        ]
        while stack:
            node = stack.pop()
            if node.id in needed:
                continue
            needed.add(node.id)
            for x in node.inputs:
                if isinstance(x, SymbolicTensor) and id(x) not in fed_ids:
                    stack.append(x._node)
            stack.extend(control.get(node.id, ()))
        sub = _IRGraph("session_run")
        sub.nodes = [n for n in self.graph.nodes if n.id in needed]
        for node in sub.nodes:
            if node.kind == INPUT and id(node.outputs[0]) not in fed_ids:
                p = node.outputs[0]
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"You must feed a value for placeholder tensor '{_tensor_name(p)}' with dtype "
                    f"{p.dtype.name} and shape {p.shape}",
                )
        sub.inputs = list(fed)
        outputs: list = []
        for t in targets:
            if isinstance(t, SymbolicTensor) and all(t is not o for o in outputs):
                outputs.append(t)
        sub.outputs = outputs
        reads, updated = [], set()
        for node in sub.nodes:
            if node.kind == UPDATE:
                updated.add(id(node.inputs[0]))
            elif node.op is not None and node.op.name == "ReadVariableOp":
                var = node.inputs[0]
                if id(var) not in updated and all(var is not r for r in reads):
                    reads.append(var)
        return _Plan(Executable(sub), list(fed), outputs, reads, (targets, fed))

    # -- TF1 extras ------------------------------------------------------------------------------
    def list_devices(self) -> list:
        from eagerflow.device_scope import list_logical_devices  # noqa: PLC0415

        return list_logical_devices()


class InteractiveSession(Session):
    """`tf.compat.v1.InteractiveSession`: a session that installs itself as the default."""

    def __init__(self, target: str = "", graph: Any = None, config: Any = None) -> None:
        super().__init__(target, graph, config)
        _Default.sessions.append(self)

    def close(self) -> None:
        if self in _Default.sessions:
            _Default.sessions.remove(self)
        super().close()


class _SessionScope:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._graph_scope: Any = None

    def __enter__(self) -> Session:
        _Default.sessions.append(self.session)
        if isinstance(self.session.graph, Graph):
            self._graph_scope = self.session.graph.as_default()
            self._graph_scope.__enter__()
        return self.session

    def __exit__(self, *exc: Any) -> None:
        if self._graph_scope is not None:
            self._graph_scope.__exit__(*exc)
        _Default.sessions.remove(self.session)


def _is_initialized(graph: Any, variable: Any) -> bool:
    return not isinstance(graph, Graph) or graph.is_initialized(variable)


def _tensor_name(t: SymbolicTensor) -> str:
    if isinstance(t, GraphTensor):
        return t.name
    name = t._node.attrs.get("name") if t._node.kind == INPUT else None
    return f"{name}:{t._index}" if name else t.name


def _feed_pairs(key: Any, value: Any) -> list:
    if isinstance(key, (list, tuple)):  # a structure of placeholders fed with a structure
        return list(zip(nest.flatten(key), nest.flatten(value)))
    return [(key, value)]


def _feed_array(tensor: SymbolicTensor, value: Any, key: Any) -> np.ndarray:
    if isinstance(value, SymbolicTensor):
        raise TypeError(
            "The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
            "Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For reference, "
            f"the tensor object was {value!r} which was passed to the feed with key {key!r}."
        )
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        value = value.numpy()
    np_dtype = tensor.dtype.as_numpy_dtype
    python_int = isinstance(value, int) and not isinstance(value, bool)
    try:
        array = np.asarray(value, dtype=np_dtype)
    except (TypeError, ValueError, OverflowError) as e:
        if python_int:
            array = None
        else:
            raise TypeError(
                f"Cannot convert feed value {value!r} to Tensor type {tensor.dtype.name} for "
                f"Tensor '{_tensor_name(tensor)}': {e}"
            ) from None
    if python_int and (array is None or array.item() != value):
        raise TypeError(
            f"Type of feed value {value} with type {type(value)} is not compatible with Tensor "
            f"type {tensor.dtype.name}. Try explicitly setting the type of the feed tensor to a "
            "larger type (e.g. int64)."
        )
    if not tensor.shape.is_compatible_with(array.shape):
        raise ValueError(
            f"Cannot feed value of shape {array.shape} for Tensor '{_tensor_name(tensor)}', "
            f"which has shape '{tensor.shape}'"
        )
    return array


def _as_result(array: Any) -> Any:
    if type(array) is not np.ndarray:
        array = np.asarray(array.get() if hasattr(array, "get") else array)
    if array.ndim == 0:
        return array[()]
    return array
