"""`ConcreteFunction`: one traced graph, its optimized and compiled form, and its gradient.

Called eagerly under a `GradientTape`, a concrete function is recorded as one
`StatefulPartitionedCall` op whose inputs are the tensor arguments, the trainable variables it
reads and the eager tensors it captured; its gradient is another traced function.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

from eagerflow.core import nest
from eagerflow.core.context import _STATE
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import GRADIENTS, Primitive
from eagerflow.core.tensor import wrap
from eagerflow.graph import options
from eagerflow.graph.executor import Executable
from eagerflow.graph.function_keys import Call, dtype_of, is_tensor_leaf, leaf_key
from eagerflow.graph.ir import CONST, Graph
from eagerflow.graph.tracing import pack_outputs, replay


# -- the call primitive (how a function call appears on an outer tape) ----------------------
def _call_kernel(xp: Any, *arrays: Any, concrete: Any, num_tensors: int, **saved: Any) -> tuple:
    return tuple(concrete._executable_now()(list(arrays[:num_tensors])))


def _call_rule(*specs: Any, concrete: Any, num_tensors: int, **saved: Any) -> tuple:
    return tuple(o.spec for o in concrete.graph.outputs)


CALL = Primitive("StatefulPartitionedCall", _call_kernel, _call_rule, num_outputs=-1)


def _call_grad(op: Any, *grads: Any) -> list:
    concrete = op.get_attr("concrete")
    n = op.get_attr("num_tensors")
    first_capture = n + len(concrete._grad_variables)
    skip = set(op.skip_input_indices)
    wanted = tuple(i for i in range(first_capture, len(op.inputs)) if i not in skip)
    saved = op.attrs.get("saved")
    s = _STATE
    if saved is not None and not wanted and not s.tapes and s.graph is None:
        # First order, eagerly: run only the backward part on the saved intermediates.
        result = concrete._split.gradients(list(grads), saved)
        return result + [None] * (len(op.inputs) - len(result))
    result = list(concrete._backward(wanted)(*op.inputs[:n], *grads))
    out = result[:first_capture] + [None] * (len(op.inputs) - first_capture)
    for i, g in zip(wanted, result[first_capture:]):
        out[i] = g
    return out


GRADIENTS["StatefulPartitionedCall"] = _call_grad


class ConcreteFunction:
    """One traced graph of a `Function`, callable with tensors of its input signature."""

    def __init__(
        self,
        graph: Graph,
        structured_outputs: Any,
        template: list,
        input_specs: list,
        tensor_positions: list,
        call_flat: list,
        paths: list,
        name: str,
    ) -> None:
        self.graph = graph
        self.structured_outputs = structured_outputs
        self._template = template
        self.input_specs = input_specs
        self._tensor_positions = tensor_positions  # flat leaf index of each placeholder
        self._flat_template = call_flat  # the flat leaves of the tracing call (non-tensors kept)
        self._paths = paths
        self.name = name
        self._executable: Executable | None = None
        self._version = -1
        self._optimized: Graph | None = None
        variables = graph.variables
        self._variables = variables
        self._grad_variables = [
            v for v in variables if v.dtype.is_differentiable and getattr(v, "trainable", True)
        ]
        # Eager tensors the function captured from its closure: a tape around the call can
        # differentiate with respect to them, as in TensorFlow.
        self._captured = [
            n.attrs["source"]
            for n in graph.nodes
            if n.kind == CONST and "source" in n.attrs and n.outputs[0].dtype.is_differentiable
        ]
        self._backward_fns: dict[tuple, Any] = {}
        self._split: Any = None  # SplitGradient, False (not applicable), None (not built)
        self._pack = self._make_packer()

    # -- optimization and compilation -------------------------------------------------------
    @property
    def optimized_graph(self) -> Graph:
        """The graph after the enabled passes (what runs)."""
        self._executable_now()
        return self._optimized

    def _executable_now(self) -> Executable:
        if self._version != options.version:
            from eagerflow.graph.passes import optimize  # noqa: PLC0415  (passes import us)

            self._optimized = optimize(self.graph)
            self._executable = Executable(self._optimized)
            self._version = options.version
        return self._executable

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Calls with the tensor arguments only (Python values were fixed when tracing), or
        with arguments shaped like the tracing call's."""
        flat = nest.flatten((args, kwargs))
        if len(flat) == len(self._flat_template):
            tensors = [flat[i] for i in self._tensor_positions]
        elif len(flat) == len(self._tensor_positions) and not kwargs:
            tensors = flat
        else:
            tensor_paths = [self._paths[i] for i in self._tensor_positions]
            raise TypeError(
                f"ConcreteFunction {self.name}: expected the tensor inputs "
                f"({', '.join(tensor_paths)}) or all {len(self._flat_template)} flat inputs "
                f"({', '.join(self._paths)}); got {len(flat)}."
            )
        checked = []
        for pos, spec, t in zip(self._tensor_positions, self.input_specs, tensors):
            t = convert_to_tensor(t, dtype_hint=spec.dtype)
            if t.dtype != spec.dtype or not spec.shape.is_compatible_with(t.shape):
                raise TypeError(
                    f"ConcreteFunction {self.name}: argument {self._paths[pos]} has shape "
                    f"{t.shape} dtype {t.dtype.name}, which is not compatible with {spec}."
                )
            checked.append(t)
        return self._call_flat(checked)

    def _call_flat(self, tensors: list) -> Any:
        s = _STATE
        if s.graph is not None:  # called while tracing another function: inline
            return self._pack(s.graph.inlined_call(lambda: replay(self.graph, tensors)))
        if self._version != options.version:
            self._executable_now()
        if s.tapes and self._watched(s.tapes, tensors):
            return self._pack(self._recorded_call(s.tapes, tensors))
        return self._pack([wrap(a) for a in self._executable([t._value for t in tensors])])

    def _watched(self, tapes: tuple, tensors: list) -> bool:
        for tape in tapes:
            for v in self._variables:
                tape.variable_accessed(v)
        for tape in tapes:
            watched = tape._watched_ids
            for t in tensors:
                if id(t) in watched:
                    return True
            for t in self._grad_variables:
                if id(t) in watched:
                    return True
            for t in self._captured:
                if id(t) in watched:
                    return True
        return False

    def _recorded_call(self, tapes: tuple, tensors: list) -> list:
        """Runs the call under tapes: the forward part of the split gradient when it applies
        (saving what the backward part needs), and records one op."""
        arrays = [t._value for t in tensors]
        split = self._split_gradient()
        attrs: dict = {"concrete": self, "num_tensors": len(tensors)}
        if split is not None:
            out, attrs["saved"] = split.run_forward(arrays)
        else:
            out = self._executable(arrays)
        outputs = [wrap(a) for a in out]
        inputs = tuple(tensors) + tuple(self._grad_variables) + tuple(self._captured)
        for tape in tapes:
            tape.record_operation(CALL, inputs, tuple(outputs), attrs)
        return outputs

    def _split_gradient(self) -> Any:
        if self._split is None:
            from eagerflow.graph import split_gradient  # noqa: PLC0415  (it imports passes)

            self._split = split_gradient.build(self) or False
        return self._split or None

    def _make_packer(self) -> Callable[[list], Any]:
        structure, template = self.structured_outputs, self._template
        if template == [0] and not nest.is_nested(structure):
            return operator.itemgetter(0)
        plain = type(structure) in (tuple, list) and template == list(range(len(structure)))
        if plain and all(not nest.is_nested(x) for x in structure):
            return tuple if type(structure) is tuple else list
        return functools.partial(pack_outputs, structure, template)

    # -- gradient -------------------------------------------------------------------------------
    def _backward(self, wanted: tuple = ()) -> Any:
        """A tf.function computing input and variable gradients from output gradients (and
        the gradients of the captured tensors at op-input positions `wanted`).

        It recomputes the forward pass by replaying the traced graph under a tape (variable
        updates are not replayed), then runs the gradient functions: the backward pass is
        itself traced, optimized and compiled, and differentiable again.
        """
        backward_fn = self._backward_fns.get(wanted)
        if backward_fn is None:
            graph, n = self.graph, len(self.graph.inputs)
            variables = self._grad_variables
            offset = n + len(variables)
            captured = [self._captured[i - offset] for i in wanted]

            def backward(*args: Any) -> list:
                from eagerflow.autodiff.tape import GradientTape  # noqa: PLC0415

                xs, upstream = list(args[:n]), list(args[n:])
                with GradientTape(watch_accessed_variables=False) as tape:
                    for x in xs:
                        if x.dtype.is_differentiable:
                            tape.watch(x)
                    tape.watch(variables)
                    tape.watch(captured)
                    outs = replay(graph, xs, updates=False, sources=bool(captured))
                pairs = [(o, g) for o, g in zip(outs, upstream) if o.dtype.is_differentiable]
                grads = tape.gradient(
                    [o for o, _ in pairs],
                    xs + list(variables) + captured,
                    output_gradients=[g for _, g in pairs],
                    unconnected_gradients="zero",
                )
                return grads

            from eagerflow.graph.function import Function  # noqa: PLC0415  (it imports us)

            backward_fn = Function(backward, name=f"{self.name}_backward")
            self._backward_fns[wanted] = backward_fn
        return backward_fn

    def __repr__(self) -> str:
        specs = ", ".join(repr(s) for s in self.input_specs)
        return f"<ConcreteFunction {self.name}({specs})>"


def _accepts(self: ConcreteFunction, call: Call) -> bool:
    positions = set(self._tensor_positions)
    for i, (leaf, template) in enumerate(zip(call.flat, self._flat_template)):
        if i in positions:
            continue
        if leaf_key(leaf) != leaf_key(template):
            return False
    for pos, spec in zip(self._tensor_positions, self.input_specs):
        leaf = call.flat[pos]
        if not is_tensor_leaf(leaf) or dtype_of(leaf) != spec.dtype:
            return False
        if not spec.shape.is_compatible_with(tuple(leaf.shape)):
            return False
    return True


ConcreteFunction._accepts = _accepts
