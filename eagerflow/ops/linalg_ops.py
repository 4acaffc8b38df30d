"""Matrix products and linear algebra."""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import binary_operands
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor, override_operator
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules


def _matmul_kernel(xp: Any, a: Any, b: Any, transpose_a: bool, transpose_b: bool) -> Any:
    if transpose_a:
        a = xp.swapaxes(a, -1, -2)
    if transpose_b:
        b = xp.swapaxes(b, -1, -2)
    return xp.matmul(a, b)


def _matmul_dims(a: list, b: list, transpose_a: bool, transpose_b: bool) -> tuple:
    m, k = (a[-1], a[-2]) if transpose_a else (a[-2], a[-1])
    k2, n = (b[-1], b[-2]) if transpose_b else (b[-2], b[-1])
    return m, k, k2, n


def _matmul_rule(a: TensorSpec, b: TensorSpec, transpose_a: bool, transpose_b: bool) -> TensorSpec:
    if a.shape.rank is None or b.shape.rank is None:
        return TensorSpec(TensorShape(None), a.dtype)
    da, db = a.shape.as_list(), b.shape.as_list()
    m, k, k2, n = _matmul_dims(da, db, transpose_a, transpose_b)
    if k is not None and k2 is not None and k != k2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"MatMul: inner dimensions do not match: a is {a.shape}, b is {b.shape}"
            f" (transpose_a={transpose_a}, transpose_b={transpose_b})",
        )
    batch = rules.broadcast_shapes("MatMul", TensorShape(da[:-2]), TensorShape(db[:-2]))
    return TensorSpec(batch.concatenate([m, n]), a.dtype)


MATMUL = Primitive("MatMul", _matmul_kernel, _matmul_rule)


@RegisterGradient("MatMul")
def _matmul_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops._broadcasting import unbroadcast  # noqa: PLC0415

    a, b = op.inputs
    ta, tb = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    if not ta and not tb:
        ga, gb = matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)
    elif not ta and tb:
        ga, gb = matmul(grad, b), matmul(grad, a, transpose_a=True)
    elif ta and not tb:
        ga, gb = matmul(b, grad, transpose_b=True), matmul(a, grad)
    else:
        ga, gb = (
            matmul(b, grad, transpose_a=True, transpose_b=True),
            matmul(grad, a, transpose_a=True, transpose_b=True),
        )
    return [unbroadcast(ga, a.shape), unbroadcast(gb, b.shape)]


def matmul(
    a: Any,
    b: Any,
    transpose_a: bool = False,
    transpose_b: bool = False,
    adjoint_a: bool = False,
    adjoint_b: bool = False,
    a_is_sparse: bool = False,
    b_is_sparse: bool = False,
    output_type: Any = None,
    grad_a: bool = False,
    grad_b: bool = False,
    name: Any = None,
) -> Tensor:
    """Multiplies matrices `a @ b` (batched over leading dims, which broadcast).

    Example:
        >>> tf.matmul([[2.0]], [[2.0]]).numpy()
        array([[4.]], dtype=float32)
    """
    a, b = binary_operands("MatMul", a, b)
    if a.ndim < 2 or b.ndim < 2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"MatMul: both inputs must be at least rank 2: a is {a.shape}, b is {b.shape}",
        )
    if adjoint_a or adjoint_b:
        from eagerflow.ops.math_ops import conj  # noqa: PLC0415

        a = conj(a) if adjoint_a and a.dtype.is_complex else a
        b = conj(b) if adjoint_b and b.dtype.is_complex else b
    attrs = {
        "transpose_a": bool(transpose_a or adjoint_a),
        "transpose_b": bool(transpose_b or adjoint_b),
    }
    _matmul_rule(a, b, **attrs)  # raises the op-named error before the kernel would
    return execute(MATMUL, (a, b), attrs)


override_operator("__matmul__", matmul)
override_operator("__rmatmul__", lambda self, other: matmul(other, self))
