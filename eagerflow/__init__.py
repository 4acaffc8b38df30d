"""eagerflow: eager-execution deep learning with TensorFlow's API.

    import eagerflow as tf

Ops run immediately on NumPy (CPU) or CuPy (GPU) arrays; `GradientTape` records them for
gradients. The public names below are TensorFlow 2's, plus the TF1-era names the Eager
Execution guide uses (`tf.contrib.eager`, `tf.random_normal`, `tf.train.AdamOptimizer`, ...).
Each block below belongs to one module; the golden list in tests/golden/ keeps them honest.
"""
# ruff: noqa: E402, F401, I001

import numpy as _np

# IEEE results (inf/nan) without NumPy warnings, as TensorFlow's kernels behave.
_np.seterr(all="ignore")

# -- core -----------------------------------------------------------------------------------
from eagerflow.core.dtypes import (
    DType,
    as_dtype,
    bool_ as bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.core.variable import Variable
from eagerflow.core.convert import constant, convert_to_tensor
from eagerflow.core.context import executing_eagerly
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient, NotDifferentiable
from eagerflow.core import errors, nest
from eagerflow.device_scope import device
from eagerflow.name_scope import name_scope
from eagerflow.module import Module

newaxis = None

# -- autodiff -------------------------------------------------------------------------------
from eagerflow.autodiff.tape import GradientTape, UnconnectedGradients
from eagerflow.autodiff.custom_gradient import custom_gradient

# -- ops: math --------------------------------------------------------------------------------
from eagerflow.ops.math_ops import (
    add,
    subtract,
    multiply,
    truediv,
    divide,
    negative,
    exp,
    floordiv,
    floormod,
    add_n,
    log,
    tanh,
    square,
    equal,
    not_equal,
    less,
    less_equal,
    greater,
    greater_equal,
    pow,
    maximum,
    minimum,
    realdiv,
    scalar_mul,
    squared_difference,
    div,
    div_no_nan,
    mod,
)
from eagerflow.ops.math_unary_ops import (
    abs,
    sign,
    sqrt,
    rsqrt,
    reciprocal,
    expm1,
    log1p,
    sin,
    cos,
    tan,
    asin,
    acos,
    atan,
    atan2,
    sinh,
    cosh,
    asinh,
    acosh,
    atanh,
    sigmoid,
    floor,
    ceil,
    round,
    is_nan,
    is_inf,
    is_finite,
)
from eagerflow.ops.math_special_ops import erf, lgamma, digamma, polygamma
from eagerflow.ops.math_binary_ops import truncatediv, truncatemod
from eagerflow.ops.logical_ops import logical_and, logical_or, logical_not, logical_xor
from eagerflow.ops.complex_ops import complex, conj, real, imag
from eagerflow.ops.cast_ops import cast
from eagerflow.ops.reduction_ops import (
    reduce_sum,
    reduce_mean,
    reduce_max,
    reduce_min,
    reduce_prod,
    reduce_any,
    reduce_all,
    reduce_logsumexp,
    count_nonzero,
    argmax,
    argmin,
    cumsum,
    cumprod,
)

# -- ops: linalg ----------------------------------------------------------------------------
from eagerflow.ops.linalg_ops import matmul, matrix_transpose, matrix_inverse, matrix_determinant
from eagerflow.ops.decomposition_ops import cholesky, matrix_solve, matrix_band_part
from eagerflow.ops.decomposition_ops import self_adjoint_eig, self_adjoint_eigvals
from eagerflow.ops.decomposition_ops import matrix_triangular_solve, matrix_set_diag
from eagerflow.ops.segment_ops import segment_sum, segment_mean, segment_max, segment_min
from eagerflow.ops.segment_ops import unsorted_segment_sum, unsorted_segment_mean
from eagerflow.ops.segment_ops import unsorted_segment_max, unsorted_segment_min
from eagerflow.ops.segment_ops import bincount, confusion_matrix
from eagerflow.ops.einsum_ops import einsum, tensordot
from eagerflow.ops.matrix_ops import (
    eye,
    norm,
    trace,
    matrix_diag,
    matrix_diag_part,
    compat_v1_diag as diag,
    compat_v1_diag_part as diag_part,
)

# -- ops: array -----------------------------------------------------------------------------
from eagerflow.ops.array_ops import (
    identity,
    stop_gradient,
    zeros_like,
    ones_like,
    zeros,
    ones,
    reshape,
    broadcast_to,
    stack,
    unstack,
    transpose,
    expand_dims,
    squeeze,
    tile,
    reverse,
    shape,
    shape_n,
    size,
    rank,
)
from eagerflow.ops.slicing_ops import slice, strided_slice
from eagerflow.ops.pad_ops import pad
from eagerflow.ops.join_ops import concat, split
from eagerflow.ops.gather_ops import (
    gather,
    gather_nd,
    scatter_nd,
    tensor_scatter_nd_update,
    tensor_scatter_nd_add,
    tensor_scatter_nd_sub,
    boolean_mask,
    where,
    one_hot,
)
from eagerflow.ops.sequence_ops import fill, range, linspace
from eagerflow.ops.sort_ops import sort, argsort, unique, unique_with_counts
from eagerflow.ops.clip_ops import clip_by_value, clip_by_norm, clip_by_global_norm
from eagerflow.ops.rearrange_ops import repeat, roll, meshgrid, reverse_sequence
from eagerflow.ops.search_ops import searchsorted, sequence_mask, unravel_index
from eagerflow.ops.shape_ops import (
    broadcast_static_shape,
    broadcast_dynamic_shape,
    ensure_shape,
    identity_n,
)

# -- graph: tf.function ----------------------------------------------------------------------
from eagerflow.graph.function import function
from eagerflow.graph.control_flow import cond, while_loop, switch_case
from eagerflow.graph.print_ops import print
from eagerflow.graph.tracing import init_scope

# -- graph: TF1 graphs and sessions, Python in graphs (eagerflow/graph/tf1) ------------------
from eagerflow.graph.tf1.graph import Graph
from eagerflow.graph.tf1.default_graph import get_default_graph, reset_default_graph
from eagerflow.graph.tf1.graph_ops import control_dependencies, group, no_op
from eagerflow.graph.tf1.graph_ops import placeholder, placeholder_with_default
from eagerflow.graph.tf1.session import Session, InteractiveSession, get_default_session
from eagerflow.graph.tf1.variables import global_variables, trainable_variables
from eagerflow.graph.tf1.variables import global_variables_initializer, variables_initializer
from eagerflow.graph.tf1.variables import initialize_all_variables
from eagerflow.graph.tf1.variables import GraphKeys, get_collection, add_to_collection
from eagerflow.graph.tf1.gradients import gradients
from eagerflow.graph.tf1.script_ops import py_func, py_function, numpy_function
from eagerflow.graph.tf1.variable_scope import AUTO_REUSE, get_variable, variable_scope

# -- namespaces -----------------------------------------------------------------------------
from eagerflow import math, linalg, config, test, compat, contrib
from eagerflow import bitwise
from eagerflow import nn, random
from eagerflow import data

# -- TF1-era names the guide uses -------------------------------------------------------------
from eagerflow.ops.random_ops import (
    multinomial,
    normal as random_normal,
    uniform as random_uniform,
    truncated_normal,
    set_seed as set_random_seed,
    shuffle as random_shuffle,
)
from eagerflow.compat.v1 import enable_eager_execution

# -- keras ------------------------------------------------------------------------------------
from eagerflow import keras

# -- train, summary (checkpoints, TensorBoard) ------------------------------------------------
from eagerflow import train, summary

# -- losses, metrics, optimizers (eagerflow/keras/{losses,metrics,optimizers}) ----------------
from eagerflow import losses, metrics
from eagerflow.keras import optimizers
