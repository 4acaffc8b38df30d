"""`tf.custom_gradient`: a function whose backward pass the user supplies."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from eagerflow.core import context, nest
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import GRADIENTS, Primitive, execute
from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import Variable

# One primitive for every custom-gradient call: inputs are (args..., variables...), outputs
# are identities of the forward results; the attr `grad_fn` carries the user's backward.
CUSTOM_GRADIENT = Primitive(
    "CustomGradient",
    lambda xp, *arrays, num_inputs, num_outputs, grad_fn: tuple(arrays[num_inputs:]),
    lambda *specs, num_inputs, num_outputs, grad_fn: tuple(specs[num_inputs:]),
    num_outputs=-1,  # variable: set per call by the attrs
)


def _custom_grad(op: Any, *grads: Any) -> list:
    num_inputs = op.get_attr("num_inputs")
    result = op.get_attr("grad_fn")(*grads)
    if len(result) != num_inputs:
        raise ValueError(
            f"custom_gradient: grad_fn returned {len(result)} gradients for {num_inputs} "
            "inputs (arguments plus variables read)."
        )
    # The forward results ride along as inputs (see CUSTOM_GRADIENT); they get no gradient.
    return result + [None] * (len(op.inputs) - num_inputs)


GRADIENTS["CustomGradient"] = _custom_grad


def _accessed_variables(f: Callable, args: tuple, kwargs: dict) -> tuple[Any, list]:
    """Runs f with no outer tape recording, noting the variables it reads."""
    from eagerflow.autodiff.tape import GradientTape  # noqa: PLC0415

    s = context.state()
    saved, s.tapes = s.tapes, ()
    try:
        with GradientTape() as probe:
            result = f(*args, **kwargs)
    finally:
        s.tapes = saved
    return result, list(probe.watched_variables())


def custom_gradient(f: Callable | None = None) -> Callable:
    """Decorator: `f(*x)` returns `(y, grad_fn)`; `grad_fn(*dy)` returns the input gradients.

    If `f` reads variables, `grad_fn(*dy, variables=...)` must return
    `(input_grads, variable_grads)`, as in TensorFlow.

    Example:
        >>> @tf.custom_gradient
        ... def log1pexp(x):
        ...     e = tf.exp(x)
        ...     return tf.math.log(1 + e), lambda dy: dy * (1 - 1 / (1 + e))
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        inputs = [
            convert_to_tensor(a) if not isinstance(a, (Tensor, Variable)) else a for a in args
        ]
        inputs = [convert_to_tensor(a) if isinstance(a, Variable) else a for a in inputs]
        (result, grad_fn), variables = _accessed_variables(f, tuple(inputs), kwargs)
        flat_result = [convert_to_tensor(r) for r in nest.flatten(result)]
        takes_variables = "variables" in inspect.signature(grad_fn).parameters
        if variables and not takes_variables:
            raise TypeError(
                "custom_gradient: the function reads variables "
                f"{[v.name for v in variables]} but its grad_fn has no `variables` argument."
            )

        def backward(*dys: Any) -> list:
            if takes_variables:
                input_grads, var_grads = grad_fn(*dys, variables=variables)
                return _listify(input_grads) + list(var_grads)
            return _listify(grad_fn(*dys))

        outputs = execute(
            CUSTOM_GRADIENT,
            tuple(inputs) + tuple(variables) + tuple(flat_result),
            {
                "num_inputs": len(inputs) + len(variables),
                "num_outputs": len(flat_result),
                "grad_fn": backward,
            },
        )
        return nest.pack_sequence_as(result, list(outputs))

    return wrapper


def _listify(grads: Any) -> list:
    return list(grads) if isinstance(grads, (list, tuple)) else [grads]
