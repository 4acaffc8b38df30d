"""`tf.train`: checkpoints, the global step and the TF1 optimizer names.

One import block per owner module; add names with small edits.
"""
# ruff: noqa: F401, I001

# -- checkpoints (eagerflow/train/checkpoint*.py) ---------------------------------------------
from eagerflow.train.checkpoint import Checkpoint
from eagerflow.train.checkpoint_options import CheckpointOptions
from eagerflow.train.checkpoint_format import CheckpointReader
from eagerflow.train.checkpoint_management import (
    CheckpointManager,
    checkpoint_exists,
    list_variables,
    load_checkpoint,
    get_checkpoint_state,
    latest_checkpoint,
    update_checkpoint_state,
)
from eagerflow.train.restore import CheckpointLoadStatus
from eagerflow.train.trackable import register_children_provider

# -- TF1 name-based saver (eagerflow/graph/tf1/saver.py) ---------------------------------------
from eagerflow.graph.tf1.saver import Saver


# -- TF1 optimizers and the global step (eagerflow/keras/optimizers/) -------------------------
from eagerflow.keras.optimizers.tf1_optimizers import (
    AdagradOptimizer,
    AdamOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    Optimizer,
    RMSPropOptimizer,
)
from eagerflow.keras.optimizers.global_step import (
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
from eagerflow.keras.optimizers.tf1_schedules import (
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    piecewise_constant,
    polynomial_decay,
)
