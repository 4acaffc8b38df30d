"""`tf.function`: trace once per input signature, optimize, compile, call.

A `Function` keeps one `ConcreteFunction` per trace key: tensors by (shape, dtype), Python
values by value, variables by identity, plus the nesting of the arguments. When a tensor's
shape changes, the retrace relaxes the changing dimensions to `None` (TensorFlow's automatic
shape relaxation, `reduce_retracing`) and later calls of any shape reuse that relaxed trace.
Every retrace is logged with its reason (`x: shape (32, 10) -> (17, 10)`), and the 5th retrace
of one function warns with that history.
"""

from __future__ import annotations

import functools
import inspect
import logging
import operator
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import nest
from eagerflow.core.context import _STATE, state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import GRADIENTS, Primitive
from eagerflow.core.tensor import Tensor, wrap
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.graph import options
from eagerflow.graph.executor import Executable
from eagerflow.graph.ir import CONST, Graph, SymbolicTensor
from eagerflow.graph.tracing import pack_outputs, replay, trace_into

logger = logging.getLogger("eagerflow.function")

RETRACE_WARNING_AT = 5
_VARIABLE_CREATION_ERROR = (
    "tf.function only supports singleton tf.Variables created on the first call. Make sure the "
    "tf.Variable is only created once or created outside tf.function. See "
    "https://www.tensorflow.org/guide/function#creating_tfvariables for more information."
)


def _is_variable(x: Any) -> bool:
    return hasattr(x, "_as_tensor") and hasattr(x, "assign")


def _is_tensor_leaf(x: Any) -> bool:
    return isinstance(x, (Tensor, np.ndarray))


# -- trace keys ----------------------------------------------------------------------------
def _leaf_key(x: Any) -> Any:
    if isinstance(x, Tensor):
        return ("T", tuple(x.shape.as_list()), x.dtype)
    if isinstance(x, np.ndarray):
        return ("T", x.shape, x.dtype)
    if _is_variable(x):
        return ("V", id(x))
    try:
        hash(x)
    except TypeError:
        return ("P", type(x), id(x))
    return ("P", type(x), x)


def _structure_key(x: Any) -> Any:
    if isinstance(x, dict):
        return ("dict", tuple((k, _structure_key(x[k])) for k in nest._sorted_keys(x)))
    if isinstance(x, (list, tuple)):
        return (type(x), tuple(_structure_key(c) for c in x))
    return None


def _paths(name: str, x: Any, out: list) -> None:
    """Human-readable paths of the flat leaves of one argument (`x`, `x[0]`, `x['a']`)."""
    if isinstance(x, dict):
        for k in nest._sorted_keys(x):
            _paths(f"{name}[{k!r}]", x[k], out)
    elif isinstance(x, (list, tuple)):
        for i, c in enumerate(x):
            _paths(f"{name}[{i}]", c, out)
    else:
        out.append(name)


def _describe(key: Any) -> str:
    kind = key[0]
    if kind == "T":
        return f"shape {tuple(key[1])} dtype {key[2].name}"
    if kind == "V":
        return "a tf.Variable"
    return f"{key[1].__name__} {key[2]!r}" if len(key) == 3 else repr(key)


def _leaf_change(path: str, old: Any, new: Any) -> str:
    if old[0] == "T" and new[0] == "T":
        parts = []
        if tuple(old[1]) != tuple(new[1]):
            parts.append(f"shape {_shape_text(old[1])} -> {_shape_text(new[1])}")
        if old[2] != new[2]:
            parts.append(f"dtype {old[2].name} -> {new[2].name}")
        return f"{path}: {', '.join(parts)}"
    if old[0] == "V" and new[0] == "V":
        return f"{path}: a different tf.Variable"
    if old[0] == "P" and new[0] == "P":
        return f"{path}: Python value {old[2]!r} -> {new[2]!r}"
    return f"{path}: {_describe(old)} -> {_describe(new)}"


def _shape_text(dims: Any) -> str:
    dims = tuple(dims)
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


class _Call:
    """One call, canonicalized: bound arguments, flat leaves, trace key."""

    __slots__ = ("args", "kwargs", "flat", "paths", "key", "leaf_keys")

    def __init__(self, fn: Function, args: tuple, kwargs: dict) -> None:
        sig = fn._signature
        if sig is not None:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
            named = list(bound.arguments.items())
        else:
            named = [(f"args[{i}]", a) for i, a in enumerate(args)] + list(kwargs.items())
        self.args, self.kwargs = args, kwargs
        self.flat = nest.flatten((args, kwargs))
        self.paths = []
        for name, value in named:
            if sig is not None and sig.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
                for k in nest._sorted_keys(value):
                    _paths(k, value[k], self.paths)
            elif sig is not None and sig.parameters[name].kind is inspect.Parameter.VAR_POSITIONAL:
                for i, v in enumerate(value):
                    _paths(f"{name}[{i}]", v, self.paths)
            else:
                _paths(name, value, self.paths)
        if len(self.paths) != len(self.flat):  # unusual binding: fall back to indices
            self.paths = [f"input {i}" for i in range(len(self.flat))]
        self.leaf_keys = tuple(_leaf_key(x) for x in self.flat)
        self.key = (_structure_key((args, kwargs)), self.leaf_keys)


# -- the call primitive (how a function call appears on an outer tape) ----------------------
def _call_kernel(xp: Any, *arrays: Any, concrete: Any, num_tensors: int) -> tuple:
    return tuple(concrete._executable_now()(list(arrays[:num_tensors])))


def _call_rule(*specs: Any, concrete: Any, num_tensors: int) -> tuple:
    return tuple(o.spec for o in concrete.graph.outputs)


CALL = Primitive("StatefulPartitionedCall", _call_kernel, _call_rule, num_outputs=-1)


def _call_grad(op: Any, *grads: Any) -> list:
    concrete = op.get_attr("concrete")
    n = op.get_attr("num_tensors")
    first_capture = n + len(concrete._grad_variables)
    skip = set(op.skip_input_indices)
    wanted = tuple(i for i in range(first_capture, len(op.inputs)) if i not in skip)
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
        self._backward_fns: dict[tuple, Function] = {}
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
        flat = nest.flatten((args, kwargs))
        tensors = [flat[i] for i in self._tensor_positions] if flat else []
        if len(flat) != len(self._flat_template):
            raise TypeError(
                f"ConcreteFunction {self.name}: expected {len(self._flat_template)} flat inputs "
                f"({', '.join(self._paths)}), got {len(flat)}."
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
            return self._pack(replay(self.graph, tensors))
        if self._version != options.version:
            self._executable_now()
        outputs = [wrap(a) for a in self._executable([t._value for t in tensors])]
        if s.tapes:
            self._record(s.tapes, tensors, outputs)
        return self._pack(outputs)

    def _make_packer(self) -> Callable[[list], Any]:
        structure, template = self.structured_outputs, self._template
        if template == [0] and not nest.is_nested(structure):
            return operator.itemgetter(0)
        plain = type(structure) in (tuple, list) and template == list(range(len(structure)))
        if plain and all(not nest.is_nested(x) for x in structure):
            return tuple if type(structure) is tuple else list
        return functools.partial(pack_outputs, structure, template)

    def _record(self, tapes: tuple, tensors: list, outputs: list) -> None:
        for tape in tapes:
            for v in self._variables:
                tape.variable_accessed(v)
        inputs = tuple(tensors) + tuple(self._grad_variables) + tuple(self._captured)
        attrs = {"concrete": self, "num_tensors": len(tensors)}
        for tape in tapes:
            tape.record_operation(CALL, inputs, tuple(outputs), attrs)

    # -- gradient -------------------------------------------------------------------------------
    def _backward(self, wanted: tuple = ()) -> Function:
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

            backward_fn = Function(backward, name=f"{self.name}_backward")
            self._backward_fns[wanted] = backward_fn
        return backward_fn

    def __repr__(self) -> str:
        specs = ", ".join(repr(s) for s in self.input_specs)
        return f"<ConcreteFunction {self.name}({specs})>"


class Function:
    """A Python function compiled to graphs on demand (`tf.function`). See `function`."""

    def __init__(
        self,
        python_function: Callable,
        input_signature: Any = None,
        autograph: bool = True,
        reduce_retracing: bool = False,
        jit_compile: Any = None,
        name: str | None = None,
    ) -> None:
        self._python_function = python_function
        self._autograph = autograph
        self._reduce_retracing = reduce_retracing
        self._jit_compile = jit_compile
        self._name = name or getattr(python_function, "__name__", "function")
        try:
            self._signature: inspect.Signature | None = inspect.signature(python_function)
        except (TypeError, ValueError):
            self._signature = None
        self._input_signature = None if input_signature is None else list(input_signature)
        self._cache: dict = {}
        self._fast_cache: dict = {}
        self._concrete: list[tuple[Any, ConcreteFunction]] = []
        self._last_call: _Call | None = None
        self.retrace_history: list[str] = []
        self._trace_count = 0
        self._converted: Callable | None = None
        self._bound: Any = weakref.WeakKeyDictionary()
        functools.update_wrapper(self, python_function)

    @property
    def python_function(self) -> Callable:
        return self._python_function

    @property
    def input_signature(self) -> Any:
        return self._input_signature

    def experimental_get_tracing_count(self) -> int:
        return self._trace_count

    # -- methods: one cache per instance ----------------------------------------------------
    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        try:
            bound = self._bound.get(instance)
        except TypeError:
            bound = None
        if bound is None:
            bound = Function(
                functools.partial(self._python_function, instance),
                input_signature=self._input_signature,
                autograph=self._autograph,
                reduce_retracing=self._reduce_retracing,
                name=self._name,
            )
            try:
                self._bound[instance] = bound
            except TypeError:
                pass
        return bound

    # -- calling ---------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if state().graph is not None:  # inside another trace: inline, as TF's inlining does
            return self._callable()(*args, **kwargs)
        if _RUN_EAGERLY[0]:
            return self._python_function(*args, **kwargs)
        fast = not kwargs and all(type(a) is Tensor for a in args)
        if fast:
            # Fast path: positional plain tensors only, keyed by (shape, dtype) of each.
            key = tuple([(a._value.shape, a._value.dtype) for a in args])
            concrete = self._fast_cache.get(key)
            if concrete is not None:
                return concrete._call_flat(args)
        call = _Call(self, args, kwargs)
        concrete, tensors = self._lookup(call)
        if fast:
            self._fast_cache[key] = concrete
        return concrete._call_flat(tensors)

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """The concrete function for these arguments (TensorSpecs allowed), tracing if needed."""
        if not args and not kwargs and self._input_signature is not None:
            args = tuple(self._input_signature)
        specs_given = any(isinstance(x, TensorSpec) for x in nest.flatten((args, kwargs)))
        if specs_given:
            call = _Call(self, args, kwargs)
            specs = {i: leaf for i, leaf in enumerate(call.flat) if isinstance(leaf, TensorSpec)}
            for i, leaf in enumerate(call.flat):
                if _is_tensor_leaf(leaf):
                    specs[i] = TensorSpec(leaf.shape, _dtype_of(leaf))
            key = ("spec", call.key[0], tuple((i, _spec_key(s)) for i, s in sorted(specs.items())))
            concrete = self._cache.get(key)
            if concrete is None:
                concrete = self._trace(call, specs, "a new input signature")
                self._cache[key] = concrete
            return concrete
        return self._lookup(_Call(self, args, kwargs))[0]

    def _callable(self) -> Callable:
        if self._converted is None:
            self._converted = self._python_function
            if self._autograph:
                from eagerflow.graph import autograph  # noqa: PLC0415

                self._converted = autograph.convert(self._python_function)
        return self._converted

    def _lookup(self, call: _Call) -> tuple[ConcreteFunction, list]:
        if self._input_signature is not None:
            return self._lookup_signature(call)
        concrete = self._cache.get(call.key)
        if concrete is None:
            concrete = self._relaxed_match(call)
            if concrete is None:
                concrete = self._retrace(call)
            self._cache[call.key] = concrete
        self._last_call = call
        tensors = [convert_to_tensor(call.flat[i]) for i in concrete._tensor_positions]
        return concrete, tensors

    def _lookup_signature(self, call: _Call) -> tuple[ConcreteFunction, list]:
        sig = nest.flatten(self._input_signature)
        positional = _flatten_to(self._input_signature, list(call.args))
        if positional is None or len(positional) != len(sig) or call.kwargs:
            raise TypeError(
                f"{self._name}: the call's arguments ({', '.join(call.paths)}) do not match "
                f"the structure of input_signature {self._input_signature}."
            )
        tensors = []
        for i, (spec, value) in enumerate(zip(sig, positional)):
            t = convert_to_tensor(value, dtype_hint=spec.dtype)
            if t.dtype != spec.dtype or not spec.shape.is_compatible_with(t.shape):
                raise TypeError(
                    f"{self._name}: argument {call.paths[i]} has shape {t.shape} dtype "
                    f"{t.dtype.name}, which does not match input_signature {spec}."
                )
            tensors.append(t)
        key = "signature"
        concrete = self._cache.get(key)
        if concrete is None:
            args = nest.pack_sequence_as(list(self._input_signature), tensors)
            call = _Call(self, tuple(args), {})
            concrete = self._trace(call, dict(enumerate(sig)), None)
            self._cache[key] = concrete
        return concrete, tensors

    def _relaxed_match(self, call: _Call) -> ConcreteFunction | None:
        """A trace whose (relaxed) specs accept this call's tensors, other leaves equal."""
        for key, concrete in reversed(self._concrete):
            if key[0] != call.key[0] or len(key[1]) != len(call.leaf_keys):
                continue
            if concrete._accepts(call):
                return concrete
        return None

    def _retrace(self, call: _Call) -> ConcreteFunction:
        specs: dict[int, TensorSpec] = {}
        for i, leaf in enumerate(call.flat):
            if _is_tensor_leaf(leaf):
                specs[i] = TensorSpec(leaf.shape, _dtype_of(leaf))
        reason = None
        previous = self._similar_trace(call)
        if self._last_call is not None or previous is not None:
            reason = self._reason(call, previous)
        if previous is not None:
            relaxed = self._relax(previous, call, specs)
            if relaxed is not None:
                try:
                    return self._trace(call, relaxed, reason, relaxed=True)
                except (ValueError, TypeError) as exc:
                    logger.info(
                        "tf.function %s: tracing with relaxed shapes failed (%s); tracing with "
                        "the exact shapes instead.",
                        self._name,
                        exc,
                    )
        return self._trace(call, specs, reason)

    def _similar_trace(self, call: _Call) -> tuple | None:
        """The latest trace with the same structure and non-tensor leaves (shapes may differ)."""
        for key, concrete in reversed(self._concrete):
            if key[0] != call.key[0] or len(key[1]) != len(call.leaf_keys):
                continue
            if all(
                (a[0] == "T" and b[0] == "T" and a[2] == b[2] and len(a[1]) == len(b[1])) or a == b
                for a, b in zip(key[1], call.leaf_keys)
            ):
                return key, concrete
        return None

    def _relax(self, previous: tuple, call: _Call, specs: dict) -> dict | None:
        key, concrete = previous
        relaxed = dict(specs)
        changed = False
        for pos, spec in zip(concrete._tensor_positions, concrete.input_specs):
            new = specs[pos]
            if self._reduce_retracing:
                shape = TensorShape([None] * (new.shape.rank or 0))
                if new.shape.rank is not None and new.shape != spec.shape:
                    relaxed[pos] = TensorSpec(shape, new.dtype)
                    changed = True
                continue
            shape = spec.shape.most_specific_compatible_shape(new.shape)
            if shape != new.shape:
                relaxed[pos] = TensorSpec(shape, new.dtype)
                changed = True
        return relaxed if changed else None

    def _reason(self, call: _Call, previous: tuple | None) -> str:
        old_key = previous[0] if previous is not None else None
        if old_key is None and self._concrete:
            old_key = self._concrete[-1][0]
        if old_key is None:
            return "first call"
        if old_key[0] != call.key[0] or len(old_key[1]) != len(call.leaf_keys):
            return "the nesting or number of arguments changed"
        changes = [
            _leaf_change(path, a, b)
            for path, a, b in zip(call.paths, old_key[1], call.leaf_keys)
            if a != b
        ]
        return "; ".join(changes) if changes else "a new input signature"

    def _trace(
        self, call: _Call, specs: dict, reason: str | None, relaxed: bool = False
    ) -> ConcreteFunction:
        first = not self._concrete
        concrete = self._trace_once(call, specs)
        if concrete.graph.created_variables:
            if not first:
                raise ValueError(_VARIABLE_CREATION_ERROR)
            # TF traces again after the first trace created variables: a function that creates
            # variables on every call is an error; one that creates them once is fine.
            concrete = self._trace_once(call, specs)
            if concrete.graph.created_variables:
                raise ValueError(_VARIABLE_CREATION_ERROR)
        self._trace_count += 1
        if reason is not None:
            self._log_retrace(reason + (" (dimensions relaxed to None)" if relaxed else ""))
        self._concrete.append((call.key, concrete))
        return concrete

    def _trace_once(self, call: _Call, specs: dict) -> ConcreteFunction:
        graph = Graph(self._name)
        names = {i: call.paths[i] for i in specs}
        result, template = trace_into(graph, self._callable(), call.args, call.kwargs, specs, names)
        positions = sorted(specs)
        return ConcreteFunction(
            graph,
            result,
            template,
            [specs[i] for i in positions],
            positions,
            call.flat,
            call.paths,
            self._name,
        )

    def _log_retrace(self, reason: str) -> None:
        message = f"tf.function {self._name} retraced: {reason}"
        self.retrace_history.append(reason)
        logger.info(message)
        if len(self.retrace_history) == RETRACE_WARNING_AT:
            history = "\n".join(f"  {i + 1}. {r}" for i, r in enumerate(self.retrace_history))
            warnings.warn(
                f"{RETRACE_WARNING_AT} retraces of tf.function {self._name}. Tracing is "
                "expensive; pass tensors rather than Python values, give an input_signature, "
                f"or use reduce_retracing=True. Retraces so far:\n{history}",
                UserWarning,
                stacklevel=3,
            )

    def __repr__(self) -> str:
        return f"<eagerflow.function {self._name}>"


def _flatten_to(signature: Any, value: Any) -> list | None:
    """The values at the signature's TensorSpec leaves (a list where a spec is, is one value)."""
    if isinstance(signature, TensorSpec):
        return [value]
    if isinstance(signature, dict):
        if not isinstance(value, dict) or set(value) != set(signature):
            return None
        keys = nest._sorted_keys(signature)
        signature, value = [signature[k] for k in keys], [value[k] for k in keys]
    if not isinstance(value, (list, tuple)) or len(value) != len(signature):
        return None
    out: list = []
    for s, v in zip(signature, value):
        part = _flatten_to(s, v)
        if part is None:
            return None
        out.extend(part)
    return out


def _dtype_of(leaf: Any) -> Any:
    if isinstance(leaf, Tensor):
        return leaf.dtype
    from eagerflow.core import dtypes  # noqa: PLC0415

    return dtypes.from_numpy(leaf.dtype)


def _spec_key(spec: TensorSpec) -> tuple:
    dims = spec.shape.dims
    return (None if dims is None else tuple(dims), spec.dtype)


def _accepts(self: ConcreteFunction, call: _Call) -> bool:
    positions = set(self._tensor_positions)
    for i, (leaf, template) in enumerate(zip(call.flat, self._flat_template)):
        if i in positions:
            continue
        if _leaf_key(leaf) != _leaf_key(template):
            return False
    for pos, spec in zip(self._tensor_positions, self.input_specs):
        leaf = call.flat[pos]
        if not _is_tensor_leaf(leaf) or _dtype_of(leaf) != spec.dtype:
            return False
        if not spec.shape.is_compatible_with(tuple(leaf.shape)):
            return False
    return True


ConcreteFunction._accepts = _accepts


def function(
    func: Callable | None = None,
    input_signature: Any = None,
    autograph: bool = True,
    jit_compile: Any = None,
    reduce_retracing: bool = False,
    experimental_implements: Any = None,
    experimental_autograph_options: Any = None,
    experimental_attributes: Any = None,
    experimental_relax_shapes: Any = None,
    experimental_compile: Any = None,
    experimental_follow_type_hints: Any = None,
) -> Any:
    """Compiles a Python function into graphs (`tf.function`), as decorator or call.

    The function is traced once per input signature: tensor arguments by shape and dtype,
    Python values by value, variables by identity. Python side effects run while tracing;
    `tf.print` and variable updates run on every call, in program order.

    Example:
        >>> @tf.function
        ... def f(x):
        ...     return tf.tanh(x) * 2.0 + 1.0
        >>> f(tf.constant([0.0])).numpy()
        array([1.], dtype=float32)
    """
    relax = bool(reduce_retracing or experimental_relax_shapes)

    def decorate(fn: Callable) -> Function:
        return Function(
            fn,
            input_signature=input_signature,
            autograph=autograph,
            reduce_retracing=relax,
            jit_compile=jit_compile if jit_compile is not None else experimental_compile,
        )

    if func is not None:
        return decorate(func)
    return decorate


def _is_symbolic(x: Any) -> bool:
    return isinstance(x, SymbolicTensor)


_RUN_EAGERLY = [False]


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Makes every `tf.function` call run its Python function eagerly (for debugging)."""
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether `run_functions_eagerly(True)` is in effect."""
    return _RUN_EAGERLY[0]
