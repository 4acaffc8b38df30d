"""`tf.RegisterGradient` and `tf.no_gradient`: gradient functions by op-type name."""

from __future__ import annotations

from collections.abc import Callable

from eagerflow.core.dispatch import GRADIENTS, NO_GRADIENT


class RegisterGradient:
    """Decorator registering `fn(op, *output_grads) -> input grads` for op type `op_type`.

    Example:
        >>> @RegisterGradient("Exp")
        ... def _exp_grad(op, grad):
        ...     return grad * op.outputs[0]
    """

    def __init__(self, op_type: str) -> None:
        if not isinstance(op_type, str):
            raise TypeError(f"RegisterGradient: op_type must be a string, got {op_type!r}.")
        self._op_type = op_type

    def __call__(self, fn: Callable) -> Callable:
        GRADIENTS[self._op_type] = fn
        NO_GRADIENT.discard(self._op_type)
        return fn


def no_gradient(op_type: str) -> None:
    """Declares that op type `op_type` has no gradient: its inputs get None, silently."""
    if not isinstance(op_type, str):
        raise TypeError(f"no_gradient: op_type must be a string, got {op_type!r}.")
    NO_GRADIENT.add(op_type)
    GRADIENTS.pop(op_type, None)


NotDifferentiable = no_gradient
