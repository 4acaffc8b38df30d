"""`tf.random`: random tensors with TensorFlow's seed semantics, and `tf.random.Generator`."""
# ruff: noqa: F401

from eagerflow.ops.random_ops import (
    categorical,
    gamma,
    normal,
    poisson,
    set_seed,
    shuffle,
    truncated_normal,
    uniform,
)
from eagerflow.ops.stateless_random_ops import (
    Generator,
    get_global_generator,
    set_global_generator,
    stateless_normal,
    stateless_truncated_normal,
    stateless_uniform,
)
