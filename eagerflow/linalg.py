"""`tf.linalg`: matrix products and linear algebra."""
# ruff: noqa: F401

from eagerflow.ops.clip_ops import global_norm
from eagerflow.ops.decomposition_ops import (
    band_part,
    cholesky,
    eigh,
    eigvalsh,
    logdet,
    set_diag,
    slogdet,
    solve,
    triangular_solve,
)
from eagerflow.ops.einsum_ops import einsum, tensordot
from eagerflow.ops.linalg_ops import adjoint, det, inv, matmul, matrix_transpose
from eagerflow.ops.math_unary_ops import l2_normalize
from eagerflow.ops.matrix_ops import diag, diag_part, eye, norm, trace
