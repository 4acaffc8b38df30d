"""`tf.compat.v1`: TensorFlow 1 names, mapped onto eagerflow's implementations (no logic)."""
# ruff: noqa: F401

from eagerflow import losses, random, train
from eagerflow.autodiff.tape import GradientTape
from eagerflow.compat import nn_v1 as nn
from eagerflow.compat import v1_data as data
from eagerflow.core.context import executing_eagerly
from eagerflow.core.convert import constant, convert_to_tensor
from eagerflow.core.variable import Variable
from eagerflow.device_scope import device
from eagerflow.graph.tf1.default_graph import (
    disable_eager_execution,
    disable_v2_behavior,
    enable_eager_execution,
    enable_v2_behavior,
    get_default_graph,
    reset_default_graph,
)
from eagerflow.graph.tf1.gradients import gradients
from eagerflow.graph.tf1.graph import Graph
from eagerflow.graph.tf1.graph_ops import (
    control_dependencies,
    group,
    no_op,
    placeholder,
    placeholder_with_default,
)
from eagerflow.graph.tf1.script_ops import numpy_function, py_func, py_function
from eagerflow.graph.tf1.session import InteractiveSession, Session, get_default_session
from eagerflow.graph.tf1.variable_scope import (
    AUTO_REUSE,
    VariableScope,
    constant_initializer,
    get_variable,
    get_variable_scope,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variable_scope,
    zeros_initializer,
)
from eagerflow.graph.tf1.variables import (
    GraphKeys,
    add_to_collection,
    add_to_collections,
    get_collection,
    get_collection_ref,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    report_uninitialized_variables,
    trainable_variables,
    variables_initializer,
)
from eagerflow.ops.array_ops import rank, reverse, shape, shape_n, size, tile, transpose
from eagerflow.ops.array_ops import reverse as reverse_v2
from eagerflow.ops.complex_ops import conj, imag, real
from eagerflow.ops.decomposition_ops import (
    cholesky,
    log_matrix_determinant,
    matrix_band_part,
    matrix_set_diag,
    matrix_solve,
    matrix_triangular_solve,
    self_adjoint_eig,
    self_adjoint_eigvals,
)
from eagerflow.ops.gather_ops import boolean_mask, gather_nd, one_hot, scatter_nd
from eagerflow.ops.gather_ops import gather_v1 as gather
from eagerflow.ops.gather_ops import where as where_v2
from eagerflow.ops.gather_ops import where_v1 as where
from eagerflow.ops.join_ops import concat, split
from eagerflow.ops.layout_ops import expand_dims_v1 as expand_dims
from eagerflow.ops.layout_ops import squeeze_v1 as squeeze
from eagerflow.ops.linalg_ops import matrix_determinant, matrix_inverse, matrix_transpose
from eagerflow.ops.logical_ops import logical_xor
from eagerflow.ops.math_ops import div, log, squared_difference
from eagerflow.ops.math_ops import divide_no_nan as div_no_nan
from eagerflow.ops.math_special_ops import digamma, erf, lgamma, polygamma
from eagerflow.ops.math_unary_ops import (
    ceil,
    expm1,
    is_finite,
    is_inf,
    is_nan,
    log1p,
    reciprocal,
    rsqrt,
)
from eagerflow.ops.matrix_ops import compat_v1_diag as diag
from eagerflow.ops.matrix_ops import compat_v1_diag_part as diag_part
from eagerflow.ops.matrix_ops import matrix_diag, matrix_diag_part, trace
from eagerflow.ops.pad_ops import pad
from eagerflow.ops.random_ops import multinomial, truncated_normal
from eagerflow.ops.random_ops import normal as random_normal
from eagerflow.ops.random_ops import set_seed as set_random_seed
from eagerflow.ops.random_ops import shuffle as random_shuffle
from eagerflow.ops.random_ops import uniform as random_uniform
from eagerflow.ops.reduction_ops import cumprod
from eagerflow.ops.segment_ops import (
    bincount,
    confusion_matrix,
    segment_max,
    segment_mean,
    segment_min,
    segment_sum,
    unsorted_segment_max,
    unsorted_segment_mean,
    unsorted_segment_min,
    unsorted_segment_sum,
)
from eagerflow.ops.sequence_ops import fill, linspace, range
from eagerflow.ops.sequence_ops import linspace as lin_space
from eagerflow.ops.slicing_ops import slice, strided_slice
from eagerflow.ops.sort_ops import argsort, sort, unique, unique_with_counts
from eagerflow.ops.tf1_reduction_ops import (
    argmax,
    argmin,
    count_nonzero,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from eagerflow.ops.tf1_reduction_ops import argmax as arg_max
from eagerflow.ops.tf1_reduction_ops import argmin as arg_min
