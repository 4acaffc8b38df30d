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


def check_ordered(op: str, x: Any, arg: str = "x") -> None:
    """Ops that need an order (sorting, arg-extrema, clipping) take real types only, as TF's
    kernels: NumPy's lexicographic order on complex numbers would otherwise run silently."""
    check_kind(op, x, "fiub", "a real (complex numbers have no order, as in TF)", arg)


def reject_complex(op: str, x: Any, arg: str = "input", why: str = "as in TensorFlow") -> None:
    """Raises InvalidArgumentError for a complex `x`; other kinds pass (checked elsewhere)."""
    if kind_of(x) == "c":
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: complex inputs are not supported ({why}), got a {x.dtype.name} `{arg}` "
            f"of shape {x.shape}",
        )
