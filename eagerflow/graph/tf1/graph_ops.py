"""Graph-building ops of the TF1 API: `tf.control_dependencies`, `tf.group`, `tf.no_op`,
`tf.compat.v1.placeholder`, `placeholder_with_default`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from eagerflow.core import nest
from eagerflow.core.context import state
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.graph.ir import SymbolicTensor
from eagerflow.graph.tf1.graph import Graph


@contextlib.contextmanager
def control_dependencies(control_inputs: Any) -> Iterator[None]:
    """`tf.control_dependencies`: in a TF1 graph, nodes created inside run after
    `control_inputs`. Eagerly and in `tf.function` (program order) it does nothing."""
    graph = state().graph
    if not isinstance(graph, Graph):
        yield
        return
    with graph.control_dependencies(control_inputs):
        yield


def group(*inputs: Any, name: Any = None) -> Any:
    """`tf.group`: one op that runs all `inputs` (tensors or ops). Eagerly: None."""
    graph = state().graph
    if not isinstance(graph, Graph):
        return None
    return graph.group([x for x in nest.flatten(list(inputs)) if x is not None])


def no_op(name: Any = None) -> Any:
    """`tf.no_op`: an op that does nothing. Eagerly: None."""
    return group()


def placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> SymbolicTensor:
    """`tf.compat.v1.placeholder`: a graph input, fed through `Session.run(feed_dict=...)`.

    Example:
        >>> x = tf.compat.v1.placeholder(tf.float32, shape=[None, 3])
    """
    from eagerflow.core import dtypes  # noqa: PLC0415

    graph = state().graph
    if graph is None:
        raise RuntimeError(
            "tf.placeholder() is not compatible with eager execution. Call "
            "tf.compat.v1.disable_eager_execution() first, or use it inside "
            "`with tf.Graph().as_default():`."
        )
    return graph.add_placeholder(TensorSpec(shape, dtypes.as_dtype(dtype)), name or "Placeholder")


def placeholder_with_default(input: Any, shape: Any, name: Any = None) -> Tensor:
    """`tf.compat.v1.placeholder_with_default`: `input` unless a value is fed for it.

    In a graph it is an identity node whose static shape is `shape` (a session may feed any
    tensor, so feeding it replaces the default). Eagerly it is `input`.
    """
    from eagerflow.core.convert import convert_to_tensor  # noqa: PLC0415
    from eagerflow.core.tensor_shape import TensorShape  # noqa: PLC0415
    from eagerflow.ops.array_ops import identity  # noqa: PLC0415  (ops import graph)

    value = convert_to_tensor(input)
    shape = TensorShape(shape)
    if not shape.is_compatible_with(value.shape):
        raise ValueError(
            f"placeholder_with_default: shape {shape} is not compatible with the default "
            f"value's shape {value.shape}."
        )
    out = identity(value)
    if isinstance(out, SymbolicTensor):
        out._shape = shape
    return out
