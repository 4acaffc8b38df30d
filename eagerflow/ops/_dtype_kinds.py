"""Dtype-kind checks shared by the math op families (NumPy kind letters: f, c, i, u, b)."""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors


def kind_of(x: Any) -> str:
    """The NumPy kind letter of a Tensor's dtype; also for symbolic tensors (no value)."""
    value = x._value
    return value.dtype.kind if value is not None else x.dtype._np.kind


def check_kind(op: str, x: Any, kinds: str, wanted: str, arg: str = "x") -> None:
    """Raises InvalidArgumentError naming the op, the argument and its dtype."""
    if kind_of(x) not in kinds:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: expected {wanted} `{arg}`, got a {x.dtype.name} tensor of shape {x.shape}",
        )
