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
from eagerflow import nn, random
from eagerflow.ops.math_ops import log


def enable_eager_execution(
    config: object = None, device_policy: object = None, execution_mode: object = None
) -> None:
    """Eager execution is eagerflow's default; kept so TF1 programs run unchanged."""
    from eagerflow.core.context import CONFIG  # noqa: PLC0415

    CONFIG.eager = True
