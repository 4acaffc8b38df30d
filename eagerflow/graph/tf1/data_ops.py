"""tf.data in a TF1 graph: `make_one_shot_iterator` / `make_initializable_iterator`.

`iterator.get_next()` adds one stateful node; each time a session runs it, the node pulls the
next element from a Python iteration over the dataset (run eagerly, as `py_function`
callbacks are) and raises `tf.errors.OutOfRangeError` at the end. An initializable
iterator's `initializer` op starts a fresh pass. Eagerly both return the dataset's iterator.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors, nest
from eagerflow.core.context import state
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.graph.tf1.graph import Graph
from eagerflow.graph.tracing import building


def _get_next(xp: Any, *, iterator: GraphIterator, specs: tuple, stateful: bool) -> tuple:
    with building(None):
        element = iterator._next_element()
    return tuple(t._value for t in nest.flatten(element))


def _get_next_specs(*_: Any, iterator: Any, specs: tuple, stateful: bool) -> list:
    return list(specs)


def _make_iterator(xp: Any, *, iterator: GraphIterator, stateful: bool) -> tuple:
    with building(None):
        iterator._restart()
    return ()


ITERATOR_GET_NEXT = Primitive("IteratorGetNext", _get_next, _get_next_specs, num_outputs=-1)
MAKE_ITERATOR = Primitive("MakeIterator", _make_iterator, lambda **_: [], num_outputs=-1)
no_gradient("IteratorGetNext")


class GraphIterator:
    """A TF1 graph iterator over a dataset (`tf.compat.v1.data.Iterator`)."""

    def __init__(self, dataset: Any, graph: Graph, initializable: bool) -> None:
        self._dataset = dataset
        self._graph = graph
        self._initializable = initializable
        self._iterator: Any = None
        self._initializer: Any = None

    @property
    def element_spec(self) -> Any:
        with building(None):  # inferring it may run map functions on a sample: eagerly
            return self._dataset.element_spec

    @property
    def output_types(self) -> Any:
        return nest.map_structure(lambda s: s.dtype, self.element_spec)

    @property
    def output_shapes(self) -> Any:
        return nest.map_structure(lambda s: s.shape, self.element_spec)

    @property
    def initializer(self) -> Any:
        """The op that starts a fresh pass over the dataset (initializable iterators)."""
        if not self._initializable:
            raise ValueError(
                "Iterator does not have an initializer: one-shot iterators start by themselves."
            )
        if self._initializer is None:
            with building(self._graph):
                execute(MAKE_ITERATOR, (), {"iterator": self, "stateful": True})
            self._initializer = self._graph.nodes[-1]
        return self._initializer

    def get_next(self, name: str | None = None) -> Any:
        """Tensors that hold the next element each time a session runs them."""
        specs = tuple(nest.flatten(self.element_spec))
        with building(self._graph):
            outputs = execute(
                ITERATOR_GET_NEXT, (), {"iterator": self, "specs": specs, "stateful": True}
            )
        return nest.pack_sequence_as(self.element_spec, list(outputs))

    # -- run time (called by the kernels, eagerly) ------------------------------------------
    def _restart(self) -> None:
        self._iterator = iter(self._dataset)

    def _next_element(self) -> Any:
        if self._iterator is None:
            if self._initializable:
                raise errors.FailedPreconditionError(
                    None,
                    None,
                    "GetNext() failed because the iterator has not been initialized. Ensure "
                    "that you have run the initializer operation for this iterator before "
                    "getting the next element.",
                )
            self._restart()
        try:
            return next(self._iterator)
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None


def _iterator(dataset: Any, initializable: bool) -> Any:
    graph = state().graph
    if not isinstance(graph, Graph):
        if initializable:
            raise RuntimeError(
                "make_initializable_iterator is not supported when eager execution is enabled. "
                "Use `for element in dataset` instead."
            )
        return iter(dataset)
    return GraphIterator(dataset, graph, initializable)


def make_one_shot_iterator(dataset: Any) -> Any:
    """`tf.compat.v1.data.make_one_shot_iterator`: one pass, started on first use."""
    return _iterator(dataset, initializable=False)


def make_initializable_iterator(dataset: Any, shared_name: Any = None) -> Any:
    """`tf.compat.v1.data.make_initializable_iterator`: run `iterator.initializer` first."""
    return _iterator(dataset, initializable=True)


def get_output_types(dataset_or_iterator: Any) -> Any:
    return nest.map_structure(lambda s: s.dtype, dataset_or_iterator.element_spec)


def get_output_shapes(dataset_or_iterator: Any) -> Any:
    return nest.map_structure(lambda s: s.shape, dataset_or_iterator.element_spec)
