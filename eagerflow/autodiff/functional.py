"""Autograd-style gradient functions (`tfe.gradients_function`, `value_and_gradients_function`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from eagerflow.autodiff.tape import GradientTape
from eagerflow.core.convert import convert_to_tensor


class GradientList(list):
    """The list of gradients `gradients_function` returns.

    The guide calls `.numpy()` on it directly (`grad_log1pexp(0.0).numpy()`); for a function of
    one argument that gives the single gradient's value, so that example runs as printed.
    """

    def numpy(self) -> Any:
        if len(self) != 1:
            raise ValueError(
                f"GradientList.numpy() needs exactly one gradient, got {len(self)}; index the "
                "list first."
            )
        return None if self[0] is None else self[0].numpy()


def _grads_and_value(f: Callable, params: Sequence[int] | None, args: tuple, kwargs: dict) -> tuple:
    tensors = [convert_to_tensor(a) for a in args]
    chosen = range(len(tensors)) if params is None else params
    with GradientTape() as tape:
        for i in chosen:
            tape.watch(tensors[i])
        value = f(*tensors, **kwargs)
    sources = [tensors[i] for i in chosen]
    grads = tape.gradient(value, sources, unconnected_gradients="none")
    return value, GradientList(grads)


def gradients_function(f: Callable, params: Sequence[int] | None = None) -> Callable:
    """Returns a function computing the gradients of `f` w.r.t. its arguments (or `params`).

    Example:
        >>> grad = tfe.gradients_function(lambda x: x * x)
        >>> grad(3.0)[0].numpy()
        6.0
    """

    @functools.wraps(f)
    def grad_fn(*args: Any, **kwargs: Any) -> GradientList:
        return _grads_and_value(f, params, args, kwargs)[1]

    return grad_fn


def value_and_gradients_function(f: Callable, params: Sequence[int] | None = None) -> Callable:
    """Like `gradients_function`, but the returned function gives `(value, gradients)`."""

    @functools.wraps(f)
    def value_and_grad_fn(*args: Any, **kwargs: Any) -> tuple:
        return _grads_and_value(f, params, args, kwargs)

    return value_and_grad_fn
