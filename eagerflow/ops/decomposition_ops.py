"""Linear solves and factorizations: solve, cholesky, slogdet, logdet, band_part.

Each primitive's gradient is written with public ops (matmul, inv, band_part, ...), so it
differentiates again. Matrix products, inverse and determinant are in `linalg_ops.py`.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops.linalg_ops import _check_square, _linalg_call, inv, matmul, matrix_transpose


def _solve_kernel(xp: Any, a: Any, b: Any, adjoint: bool) -> Any:
    if adjoint:
        a = xp.conj(xp.swapaxes(a, -1, -2))
    out = _linalg_call("MatrixSolve", lambda m: xp.linalg.solve(m, b), a)
    if not bool(xp.isfinite(out).all()) and bool(xp.isfinite(a).all()):
        raise errors.InvalidArgumentError(None, None, "MatrixSolve: input matrix is not invertible")
    return out


def _solve_rule(a: TensorSpec, b: TensorSpec, adjoint: bool) -> TensorSpec:
    return TensorSpec(b.shape, b.dtype)


def _cholesky_kernel(xp: Any, a: Any) -> Any:
    out = _linalg_call("Cholesky", xp.linalg.cholesky, a)
    if not bool(xp.isfinite(out).all()):
        raise errors.InvalidArgumentError(
            None, None, "Cholesky: input is not positive definite (or not finite)"
        )
    return out


def _slogdet_kernel(xp: Any, a: Any) -> tuple:
    sign, log_abs = xp.linalg.slogdet(a)
    return sign.astype(a.dtype, copy=False), log_abs.astype(a.dtype, copy=False)


def _slogdet_rule(a: TensorSpec) -> tuple:
    spec = TensorSpec(a.shape[:-2], a.dtype)
    return spec, spec


def _band_part_kernel(xp: Any, x: Any, num_lower: int, num_upper: int) -> Any:
    rows, cols = x.shape[-2:]
    offset = xp.arange(cols)[None, :] - xp.arange(rows)[:, None]  # j - i
    keep = xp.ones((rows, cols), dtype=bool)
    if num_lower >= 0:
        keep &= -offset <= num_lower
    if num_upper >= 0:
        keep &= offset <= num_upper
    return xp.where(keep, x, xp.zeros((), dtype=x.dtype))


MATRIX_SOLVE = Primitive("MatrixSolve", _solve_kernel, _solve_rule)
CHOLESKY = Primitive("Cholesky", _cholesky_kernel, rules.unary)
LOG_MATRIX_DETERMINANT = Primitive(
    "LogMatrixDeterminant", _slogdet_kernel, _slogdet_rule, num_outputs=2
)
MATRIX_BAND_PART = Primitive("MatrixBandPart", _band_part_kernel, rules.unary)


@RegisterGradient("MatrixSolve")
def _matrix_solve_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.math_ops import negative  # noqa: PLC0415

    a = op.inputs[0]
    adjoint = op.get_attr("adjoint")
    c = op.outputs[0]
    grad_b = solve(a, grad, adjoint=not adjoint)
    if adjoint:
        grad_a = negative(matmul(c, grad_b, adjoint_b=True))
    else:
        grad_a = negative(matmul(grad_b, c, adjoint_b=True))
    return [grad_a, grad_b]


@RegisterGradient("Cholesky")
def _cholesky_grad(op: Any, grad: Tensor) -> Tensor:
    # Murray (2016): dA = 1/2 L^-H Phi(L^H dL) L^-1, symmetrized; Phi halves the diagonal.
    from eagerflow.ops.math_ops import add, multiply, subtract  # noqa: PLC0415
    from eagerflow.ops.matrix_ops import diag, diag_part  # noqa: PLC0415

    lower = op.outputs[0]
    lower_inv = inv(lower)
    middle = band_part(matmul(lower, grad, adjoint_a=True), -1, 0)
    middle = subtract(middle, multiply(diag(diag_part(middle)), 0.5))
    grad_a = matmul(matmul(lower_inv, middle, adjoint_a=True), lower_inv)
    return multiply(add(grad_a, matrix_transpose(grad_a, conjugate=True)), 0.5)


@RegisterGradient("LogMatrixDeterminant")
def _log_matrix_determinant_grad(op: Any, _sign_grad: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

    a = op.inputs[0]
    scale = reshape(grad, grad.shape.as_list() + [1, 1])
    return multiply(scale, matrix_transpose(inv(a), conjugate=True))


@RegisterGradient("MatrixBandPart")
def _matrix_band_part_grad(op: Any, grad: Tensor) -> Tensor:
    return band_part(grad, op.get_attr("num_lower"), op.get_attr("num_upper"))


def solve(matrix: Any, rhs: Any, adjoint: bool = False, name: Any = None) -> Tensor:
    """Solves `matrix @ x = rhs` for x (batched); `adjoint` solves with matrix^H instead.

    Example:
        >>> tf.linalg.solve([[2.0, 0.0], [0.0, 4.0]], [[2.0], [2.0]]).numpy()
        array([[1. ],
               [0.5]], dtype=float32)
    """
    a, b = binary_operands("MatrixSolve", matrix, rhs)
    _check_square("MatrixSolve", a)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"MatrixSolve: rhs must be [..., M, K] with M = {a.shape[-1]} (matrix is "
            f"{a.shape}), got {b.shape}",
        )
    return execute(MATRIX_SOLVE, (a, b), {"adjoint": bool(adjoint)})


def cholesky(input: Any, name: Any = None) -> Tensor:  # noqa: A002 (TF's name)
    """The lower-triangular Cholesky factor L of each Hermitian positive definite matrix
    (A = L L^H); only the lower triangle of the input is read.

    Example:
        >>> tf.linalg.cholesky([[4.0, 2.0], [2.0, 2.0]]).numpy()
        array([[2., 0.],
               [1., 1.]], dtype=float32)
    """
    a = convert_to_tensor(input)
    _check_square("Cholesky", a)
    return execute(CHOLESKY, (a,))


def slogdet(input: Any, name: Any = None) -> tuple:  # noqa: A002 (TF's name)
    """Sign and log of the absolute value of each determinant, `(sign, log_abs_det)`.

    Example:
        >>> sign, log_abs = tf.linalg.slogdet([[-2.0, 0.0], [0.0, 4.0]])
        >>> sign.numpy(), log_abs.numpy()  # det = -8
        (-1.0, 2.0794415)
    """
    a = convert_to_tensor(input)
    _check_square("LogMatrixDeterminant", a)
    return execute(LOG_MATRIX_DETERMINANT, (a,))


def logdet(matrix: Any, name: Any = None) -> Tensor:
    """log(det(A)) of Hermitian positive definite matrices, through their Cholesky factor.

    Example:
        >>> tf.linalg.logdet([[4.0, 2.0], [2.0, 2.0]]).numpy()  # log 4
        1.3862944
    """
    from eagerflow.ops.math_ops import log, multiply  # noqa: PLC0415
    from eagerflow.ops.matrix_ops import diag_part  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    lower = cholesky(matrix)
    return multiply(reduce_sum(log(diag_part(lower)), -1), 2.0)


def band_part(input: Any, num_lower: Any, num_upper: Any, name: Any = None) -> Tensor:  # noqa: A002
    """Keeps `num_lower` subdiagonals and `num_upper` superdiagonals (-1: all), zeroes the rest.

    Example:
        >>> tf.linalg.band_part(tf.ones([3, 3]), 0, -1).numpy()  # upper triangle
        array([[1., 1., 1.],
               [0., 1., 1.],
               [0., 0., 1.]], dtype=float32)
    """
    x = convert_to_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"band_part: `input` must be at least rank 2, got shape {x.shape}")
    attrs = {"num_lower": int(num_lower), "num_upper": int(num_upper)}
    return execute(MATRIX_BAND_PART, (x,), attrs)


matrix_solve = solve
matrix_band_part = band_part
log_matrix_determinant = slogdet
