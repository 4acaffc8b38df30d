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
import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from eagerflow.core import errors, nest
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.graph.concrete_function import ConcreteFunction
from eagerflow.graph.function_keys import (
    Call,
    dtype_of,
    flatten_to,
    is_tensor_leaf,
    leaf_change,
    spec_key,
)
from eagerflow.graph.ir import Graph
from eagerflow.graph.tracing import trace_into

logger = logging.getLogger("eagerflow.function")

RETRACE_WARNING_AT = 5
_VARIABLE_CREATION_ERROR = (
    "tf.function only supports singleton tf.Variables created on the first call. Make sure the "
    "tf.Variable is only created once or created outside tf.function. See "
    "https://www.tensorflow.org/guide/function#creating_tfvariables for more information."
)


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
        # Calls that bind positionally one-to-one skip inspect's binding (see function_keys).
        params = list(self._signature.parameters.values()) if self._signature else []
        self._param_names = [p.name for p in params]
        self._num_params = len(params)
        self._needs_binding = any(
            p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params
        )
        self._lock = threading.RLock()
        self._cache: dict = {}
        self._fast_cache: dict = {}
        self._concrete: list[tuple[Any, ConcreteFunction]] = []
        self._last_call: Call | None = None
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
        graph = state().graph
        if graph is not None:  # inside another trace: inline, as TF's inlining does
            return graph.inlined_call(lambda: self._callable()(*args, **kwargs))
        if _RUN_EAGERLY[0]:
            return self._python_function(*args, **kwargs)
        fast = not kwargs and all(type(a) is Tensor for a in args)
        if fast:
            # Fast path: positional plain tensors only, keyed by (shape, dtype) of each.
            key = tuple([(a._value.shape, a._value.dtype) for a in args])
            concrete = self._fast_cache.get(key)
            if concrete is not None:
                return concrete._call_flat(args)
        call = Call(self, args, kwargs)
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
            call = Call(self, args, kwargs)
            specs = {i: leaf for i, leaf in enumerate(call.flat) if isinstance(leaf, TensorSpec)}
            for i, leaf in enumerate(call.flat):
                if is_tensor_leaf(leaf):
                    specs[i] = TensorSpec(leaf.shape, dtype_of(leaf))
            key = ("spec", call.key[0], tuple((i, spec_key(s)) for i, s in sorted(specs.items())))
            concrete = self._cache.get(key)
            if concrete is None:
                concrete = self._trace(call, specs, "a new input signature")
                self._cache[key] = concrete
            return concrete
        return self._lookup(Call(self, args, kwargs))[0]

    def _callable(self) -> Callable:
        if self._converted is None:
            self._converted = self._python_function
            if self._autograph:
                from eagerflow.graph import autograph  # noqa: PLC0415

                self._converted = autograph.convert(self._python_function)
        return self._converted

    def _lookup(self, call: Call) -> tuple[ConcreteFunction, list]:
        if self._input_signature is not None:
            return self._lookup_signature(call)
        concrete = self._cache.get(call.key)
        if concrete is None:
            with self._lock:  # one thread traces; the others then find its trace
                concrete = self._cache.get(call.key)
                if concrete is None:
                    concrete = self._relaxed_match(call)
                    if concrete is None:
                        concrete = self._retrace(call)
                    self._cache[call.key] = concrete
        self._last_call = call
        tensors = [convert_to_tensor(call.flat[i]) for i in concrete._tensor_positions]
        return concrete, tensors

    def _lookup_signature(self, call: Call) -> tuple[ConcreteFunction, list]:
        sig = nest.flatten(self._input_signature)
        positional = flatten_to(self._input_signature, list(call.args))
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
            call = Call(self, tuple(args), {})
            concrete = self._trace(call, dict(enumerate(sig)), None)
            self._cache[key] = concrete
        return concrete, tensors

    def _relaxed_match(self, call: Call) -> ConcreteFunction | None:
        """A trace whose (relaxed) specs accept this call's tensors, other leaves equal."""
        for key, concrete in reversed(self._concrete):
            if key[0] != call.key[0] or len(key[1]) != len(call.leaf_keys):
                continue
            if concrete._accepts(call):
                return concrete
        return None

    def _retrace(self, call: Call) -> ConcreteFunction:
        specs: dict[int, TensorSpec] = {}
        for i, leaf in enumerate(call.flat):
            if is_tensor_leaf(leaf):
                specs[i] = TensorSpec(leaf.shape, dtype_of(leaf))
        reason = None
        previous = self._similar_trace(call)
        if self._last_call is not None or previous is not None:
            reason = self._reason(call, previous)
        if previous is not None:
            relaxed = self._relax(previous, call, specs)
            if relaxed is not None:
                try:
                    return self._trace(call, relaxed, reason, relaxed=True)
                except (ValueError, TypeError, errors.OpError) as exc:
                    logger.info(
                        "tf.function %s: tracing with relaxed shapes failed (%s); tracing with "
                        "the exact shapes instead.",
                        self._name,
                        exc,
                    )
        return self._trace(call, specs, reason)

    def _similar_trace(self, call: Call) -> tuple | None:
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

    def _relax(self, previous: tuple, call: Call, specs: dict) -> dict | None:
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

    def _reason(self, call: Call, previous: tuple | None) -> str:
        old_key = previous[0] if previous is not None else None
        if old_key is None and self._concrete:
            old_key = self._concrete[-1][0]
        if old_key is None:
            return "first call"
        if old_key[0] != call.key[0] or len(old_key[1]) != len(call.leaf_keys):
            return "the nesting or number of arguments changed"
        changes = [
            leaf_change(path, a, b)
            for path, a, b in zip(call.paths, old_key[1], call.leaf_keys)
            if a != b
        ]
        return "; ".join(changes) if changes else "a new input signature"

    def _trace(
        self, call: Call, specs: dict, reason: str | None, relaxed: bool = False
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

    def _trace_once(self, call: Call, specs: dict) -> ConcreteFunction:
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


_RUN_EAGERLY = [False]


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Makes every `tf.function` call run its Python function eagerly (for debugging)."""
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether `run_functions_eagerly(True)` is in effect."""
    return _RUN_EAGERLY[0]
