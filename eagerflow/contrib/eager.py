"""`tf.contrib.eager` (`tfe`): name map onto eagerflow (no logic)."""
# ruff: noqa: F401

from eagerflow.autodiff.custom_gradient import custom_gradient
from eagerflow.autodiff.functional import gradients_function, value_and_gradients_function
from eagerflow.autodiff.tape import GradientTape
from eagerflow.core.context import executing_eagerly
from eagerflow.core.variable import Variable
from eagerflow.device_scope import num_gpus
from eagerflow.graph.tf1.script_ops import eager_py_func as py_func
from eagerflow.keras.metrics import tfe_metrics as metrics
