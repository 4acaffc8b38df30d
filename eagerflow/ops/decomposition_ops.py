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
def _log_matrix_determinant_grad(op: Any, sign_grad: Tensor, grad: Tensor) -> Tensor:
    # d log det(A) = tr(A^-1 dA). Real inputs: the sign is piecewise constant and the gradient
    # is grad * A^-T. Complex inputs: log|det| = re(log det) and sign = exp(i im(log det)), so
    # the gradient is (re(grad) + i im(sign_grad * conj(sign))) A^-H (TF ignores the sign and
    # the imaginary part of grad, which finite differences contradict).
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

    a = op.inputs[0]
    if a.dtype.is_complex:
        from eagerflow.ops.complex_ops import complex, conj, imag, real  # noqa: PLC0415

        grad = complex(real(grad), imag(multiply(sign_grad, conj(op.outputs[0]))))
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
    """log(det(A)) of Hermitian positive definite matrices, through their Cholesky factor
    (real: float32/float64 for complex64/complex128 inputs, as TF).

    Example:
        >>> tf.linalg.logdet([[4.0, 2.0], [2.0, 2.0]]).numpy()  # log 4
        1.3862944
    """
    from eagerflow.ops.complex_ops import real  # noqa: PLC0415
    from eagerflow.ops.math_ops import log, multiply  # noqa: PLC0415
    from eagerflow.ops.matrix_ops import diag_part  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    lower = cholesky(matrix)
    # The diagonal of L is real and positive; real() is no op for real inputs.
    return multiply(reduce_sum(log(real(diag_part(lower))), -1), 2.0)


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


# -- triangular solve and the symmetric eigendecomposition ---------------------------------------
def _triangular_solve_kernel(xp: Any, a: Any, b: Any, lower: bool, adjoint: bool) -> Any:
    # Only the named triangle is read, as TF.
    a = xp.tril(a) if lower else xp.triu(a)
    return _solve_kernel(xp, a, b, adjoint)


def _triangular_solve_rule(a: TensorSpec, b: TensorSpec, lower: bool, adjoint: bool) -> TensorSpec:
    return TensorSpec(b.shape, b.dtype)


def _eigh_kernel(xp: Any, a: Any) -> tuple:
    values, vectors = xp.linalg.eigh(a)  # reads the lower triangle, as TF
    # Real values, in the input's dtype (complex inputs: complex eigenvalues), as TF.
    return values.astype(a.dtype, copy=False), vectors


def _eigh_rule(a: TensorSpec) -> tuple:
    return TensorSpec(a.shape[:-1], a.dtype), TensorSpec(a.shape, a.dtype)


MATRIX_TRIANGULAR_SOLVE = Primitive(
    "MatrixTriangularSolve", _triangular_solve_kernel, _triangular_solve_rule
)
SELF_ADJOINT_EIG = Primitive("SelfAdjointEigV2", _eigh_kernel, _eigh_rule, num_outputs=2)


@RegisterGradient("MatrixTriangularSolve")
def _triangular_solve_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.math_ops import negative  # noqa: PLC0415

    a = op.inputs[0]
    lower, adjoint = op.get_attr("lower"), op.get_attr("adjoint")
    c = op.outputs[0]
    grad_b = triangular_solve(a, grad, lower=lower, adjoint=not adjoint)
    if adjoint:
        grad_a = negative(matmul(c, grad_b, adjoint_b=True))
    else:
        grad_a = negative(matmul(grad_b, c, adjoint_b=True))
    grad_a = band_part(grad_a, -1, 0) if lower else band_part(grad_a, 0, -1)
    return [grad_a, grad_b]


@RegisterGradient("SelfAdjointEigV2")
def _eigh_grad(op: Any, grad_e: Tensor, grad_v: Tensor) -> Tensor:
    # As TF: dA = V (diag(de) + F o (V^H dV)) V^H, F_ij = 1 / (e_j - e_i) off the diagonal;
    # then symmetrized onto the lower triangle, which is all the forward op reads.
    from eagerflow.ops.array_ops import expand_dims  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import add, divide_no_nan, multiply, subtract  # noqa: PLC0415
    from eagerflow.ops.matrix_ops import diag, diag_part  # noqa: PLC0415

    e, v = op.outputs
    gaps = subtract(expand_dims(e, -2), expand_dims(e, -1))
    f = cast(divide_no_nan(1.0, gaps), v.dtype)  # 0 on the diagonal (and at ties)
    inner = add(diag(cast(grad_e, v.dtype)), multiply(f, matmul(v, grad_v, adjoint_a=True)))
    grad_a = matmul(v, matmul(inner, v, adjoint_b=True))
    grad_a = band_part(add(grad_a, matrix_transpose(grad_a, conjugate=True)), -1, 0)
    return subtract(grad_a, multiply(diag(diag_part(grad_a)), 0.5))


def triangular_solve(
    matrix: Any, rhs: Any, lower: bool = True, adjoint: bool = False, name: Any = None
) -> Tensor:
    """Solves `matrix @ x = rhs` for a triangular `matrix` (only that triangle is read).

    Example:
        >>> tf.linalg.triangular_solve([[2.0, 0.0], [1.0, 1.0]], [[2.0], [3.0]]).numpy()
        array([[1.],
               [2.]], dtype=float32)
    """
    a, b = binary_operands("MatrixTriangularSolve", matrix, rhs)
    _check_square("MatrixTriangularSolve", a)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"MatrixTriangularSolve: rhs must be [..., M, K] with M = {a.shape[-1]} (matrix "
            f"is {a.shape}), got {b.shape}",
        )
    attrs = {"lower": bool(lower), "adjoint": bool(adjoint)}
    return execute(MATRIX_TRIANGULAR_SOLVE, (a, b), attrs)


def eigh(tensor: Any, name: Any = None) -> tuple:
    """Eigenvalues (ascending) and eigenvectors of self-adjoint matrices, `(e, v)`; only the
    lower triangle is read.

    Example:
        >>> e, v = tf.linalg.eigh([[2.0, 1.0], [1.0, 2.0]])
        >>> e.numpy()
        array([1., 3.], dtype=float32)
    """
    a = convert_to_tensor(tensor)
    _check_square("SelfAdjointEigV2", a)
    return execute(SELF_ADJOINT_EIG, (a,))


def eigvalsh(tensor: Any, name: Any = None) -> Tensor:
    """Eigenvalues (ascending) of self-adjoint matrices.

    Example:
        >>> tf.linalg.eigvalsh([[2.0, 1.0], [1.0, 2.0]]).numpy()
        array([1., 3.], dtype=float32)
    """
    return eigh(tensor)[0]


def set_diag(
    input: Any,  # noqa: A002 (TF's name)
    diagonal: Any,
    name: str = "set_diag",
    k: Any = 0,
    align: str = "RIGHT_LEFT",
) -> Tensor:
    """Replaces diagonal `k` of each matrix in `input` with `diagonal`.

    Example:
        >>> tf.linalg.set_diag(tf.zeros([2, 2]), [1.0, 2.0]).numpy()
        array([[1., 0.],
               [0., 2.]], dtype=float32)
    """
    from eagerflow.ops.math_ops import add, subtract  # noqa: PLC0415
    from eagerflow.ops.matrix_ops import diag, diag_part  # noqa: PLC0415

    x = convert_to_tensor(input)
    d = convert_to_tensor(diagonal, dtype=x.dtype)
    rows, cols = x.shape.as_list()[-2:]
    old = diag(diag_part(x, k=k), k=k, num_rows=rows, num_cols=cols)
    return add(subtract(x, old), diag(d, k=k, num_rows=rows, num_cols=cols))


self_adjoint_eig = eigh
self_adjoint_eigvals = eigvalsh
matrix_triangular_solve = triangular_solve
matrix_set_diag = set_diag
