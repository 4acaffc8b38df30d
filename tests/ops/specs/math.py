"""Op specs: elementwise math (math_ops.py) and casts."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

M = Arg((3, 4))
ROW = Arg((4,))
POS = Arg((3, 4), low=0.2, high=3.0)

SPECS = [
    OpSpec("add", lambda x, y: tf.add(x, y), np.add, (M, M)),
    OpSpec("add_broadcast", lambda x, y: x + y, np.add, (M, ROW)),
    OpSpec("add_scalar", lambda x: x + 2.0, lambda x: x + 2.0, (M,)),
    OpSpec("subtract_broadcast", lambda x, y: tf.subtract(x, y), np.subtract, (ROW, M)),
    OpSpec("multiply_broadcast", lambda x, y: x * y, np.multiply, (M, Arg((3, 1)))),
    OpSpec("truediv", lambda x, y: x / y, np.divide, (M, POS)),
    OpSpec("negative", lambda x: -x, np.negative, (M,)),
    OpSpec("exp", tf.exp, np.exp, (M,)),
    OpSpec("log", tf.math.log, np.log, (POS,)),
    OpSpec("tanh", tf.tanh, np.tanh, (M,)),
    OpSpec("square", tf.square, np.square, (M,)),
    OpSpec(
        "cast_f32_f64",
        lambda x: tf.cast(x, tf.float64),
        lambda x: x.astype(np.float64),
        (M,),
        out_dtype="float64",
        grad=False,
    ),
    # Round trip through float32: a real Cast pair even for float64 inputs; a wide FD step
    # keeps float32 rounding out of the finite differences.
    OpSpec(
        "cast_round_trip",
        lambda x: tf.cast(tf.cast(x, tf.float32), x.dtype),
        lambda x: x.astype(np.float32).astype(x.dtype),
        (M,),
        eps=1e-3,
        grad_rtol=1e-3,
        grad_atol=1e-4,
        rtol=1e-6,
        atol=1e-6,
    ),
]

SPECS += [
    OpSpec("floormod", lambda x, y: x % y, np.mod, (M, POS), eps=1e-7),
    OpSpec("add_n", lambda x, y, z: tf.add_n([x, y, z]), lambda x, y, z: x + y + z, (M, M, M)),
]
