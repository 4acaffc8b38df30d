"""Op specs: graph-mode calls (`tf.function`, recorded as one StatefulPartitionedCall op)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

M = Arg((3, 4))


@tf.function
def _tanh_chain(x, y):
    return tf.tanh(x * y + 1.0) * x - y


@tf.function
def _two_outputs(x):
    return tf.exp(x) * 0.5, tf.reduce_sum(x * x, axis=1)


SPECS = [
    OpSpec(
        "function_tanh_chain",
        _tanh_chain,
        lambda x, y: np.tanh(x * y + 1.0) * x - y,
        (M, M),
    ),
    OpSpec(
        "function_two_outputs",
        _two_outputs,
        lambda x: (np.exp(x) * 0.5, np.sum(x * x, axis=1)),
        (M,),
    ),
]
