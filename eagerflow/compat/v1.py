"""`tf.compat.v1`: TensorFlow 1 names, mapped onto eagerflow's implementations (no logic)."""
# ruff: noqa: F401

from eagerflow.autodiff.tape import GradientTape
from eagerflow.core.context import executing_eagerly
from eagerflow.core.convert import constant, convert_to_tensor
from eagerflow.core.variable import Variable
from eagerflow.device_scope import device
from eagerflow.ops.random_ops import multinomial, set_seed as set_random_seed, truncated_normal
from eagerflow.ops.random_ops import normal as random_normal, uniform as random_uniform
from eagerflow.ops.random_ops import shuffle as random_shuffle
from eagerflow import random
from eagerflow.compat import nn_v1 as nn
from eagerflow import losses, train
from eagerflow.ops.math_ops import log
from eagerflow.ops.math_ops import div, divide_no_nan as div_no_nan, squared_difference
from eagerflow.ops.math_unary_ops import rsqrt, reciprocal, expm1, log1p, ceil
from eagerflow.ops.math_unary_ops import is_nan, is_inf, is_finite
from eagerflow.ops.math_special_ops import erf, lgamma, digamma, polygamma
from eagerflow.ops.logical_ops import logical_xor
from eagerflow.ops.complex_ops import conj, real, imag
from eagerflow.ops.reduction_ops import cumprod
from eagerflow.ops.tf1_reduction_ops import argmax, argmin, argmax as arg_max, argmin as arg_min
from eagerflow.ops.tf1_reduction_ops import count_nonzero, reduce_logsumexp, reduce_sum
from eagerflow.ops.tf1_reduction_ops import reduce_mean, reduce_max, reduce_min, reduce_prod
from eagerflow.ops.tf1_reduction_ops import reduce_any, reduce_all
from eagerflow.ops.linalg_ops import matrix_inverse, matrix_determinant, matrix_transpose
from eagerflow.ops.matrix_ops import matrix_diag, matrix_diag_part, trace
from eagerflow.ops.decomposition_ops import cholesky, matrix_solve, matrix_band_part
from eagerflow.ops.decomposition_ops import log_matrix_determinant
from eagerflow.ops.decomposition_ops import self_adjoint_eig, self_adjoint_eigvals
from eagerflow.ops.decomposition_ops import matrix_triangular_solve, matrix_set_diag
from eagerflow.ops.segment_ops import segment_sum, segment_mean, segment_max, segment_min
from eagerflow.ops.segment_ops import unsorted_segment_sum, unsorted_segment_mean
from eagerflow.ops.segment_ops import unsorted_segment_max, unsorted_segment_min
from eagerflow.ops.segment_ops import bincount, confusion_matrix
from eagerflow.ops.matrix_ops import compat_v1_diag as diag, compat_v1_diag_part as diag_part
from eagerflow.ops.array_ops import rank, reverse, shape, shape_n, size, tile, transpose
from eagerflow.ops.array_ops import reverse as reverse_v2
from eagerflow.ops.gather_ops import boolean_mask, gather_nd, one_hot, scatter_nd
from eagerflow.ops.gather_ops import gather_v1 as gather
from eagerflow.ops.gather_ops import where as where_v2
from eagerflow.ops.gather_ops import where_v1 as where
from eagerflow.ops.layout_ops import expand_dims_v1 as expand_dims
from eagerflow.ops.layout_ops import squeeze_v1 as squeeze
from eagerflow.ops.join_ops import concat, split
from eagerflow.ops.sequence_ops import fill, linspace, range
from eagerflow.ops.sequence_ops import linspace as lin_space
from eagerflow.ops.pad_ops import pad
from eagerflow.ops.slicing_ops import slice, strided_slice
from eagerflow.ops.sort_ops import argsort, sort, unique, unique_with_counts
from eagerflow.graph.tf1.graph import Graph
from eagerflow.graph.tf1.default_graph import get_default_graph, reset_default_graph
from eagerflow.graph.tf1.default_graph import disable_eager_execution, enable_eager_execution
from eagerflow.graph.tf1.default_graph import disable_v2_behavior, enable_v2_behavior
from eagerflow.graph.tf1.graph_ops import control_dependencies, group, no_op
from eagerflow.graph.tf1.graph_ops import placeholder, placeholder_with_default
from eagerflow.graph.tf1.session import Session, InteractiveSession, get_default_session
from eagerflow.graph.tf1.variables import global_variables, trainable_variables, local_variables
from eagerflow.graph.tf1.variables import global_variables_initializer, variables_initializer
from eagerflow.graph.tf1.variables import initialize_all_variables, local_variables_initializer
from eagerflow.graph.tf1.variables import report_uninitialized_variables
from eagerflow.graph.tf1.variables import is_variable_initialized
from eagerflow.graph.tf1.variables import GraphKeys, get_collection, get_collection_ref
from eagerflow.graph.tf1.variables import add_to_collection, add_to_collections
from eagerflow.graph.tf1.gradients import gradients
from eagerflow.graph.tf1.script_ops import py_func, py_function, numpy_function
from eagerflow.graph.tf1.variable_scope import AUTO_REUSE, VariableScope, variable_scope
from eagerflow.graph.tf1.variable_scope import get_variable, get_variable_scope
from eagerflow.graph.tf1.variable_scope import zeros_initializer, ones_initializer
from eagerflow.graph.tf1.variable_scope import constant_initializer, random_normal_initializer
from eagerflow.graph.tf1.variable_scope import random_uniform_initializer
from eagerflow.graph.tf1.variable_scope import truncated_normal_initializer
from eagerflow.graph.tf1.variable_scope import glorot_uniform_initializer
from eagerflow.graph.tf1.variable_scope import glorot_normal_initializer
from eagerflow.compat import v1_data as data
