"""Op specs: elementwise math (math_ops.py) and casts."""

import numpy as np
from scipy import special

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
        lambda x: np.real(x).astype(np.float64),  # complex: the real part, as TF
        (M,),
        out_dtype="float64",
        grad=False,
    ),
    # Round trip through float32: a real Cast pair even for float64 inputs; a wide FD step
    # keeps float32 rounding out of the finite differences.
    OpSpec(
        "cast_round_trip",
        lambda x: tf.cast(tf.cast(x, tf.float32), x.dtype),
        lambda x: np.real(x).astype(np.float32).astype(x.dtype),
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

# -- binary: pow, maximum, minimum, squared difference, division without NaN ------------------
SPECS += [
    OpSpec("pow", tf.pow, np.power, (POS, M)),
    OpSpec("pow_operator_scalar", lambda x: x**3.0, lambda x: x**3.0, (M,)),
    OpSpec("rpow_operator", lambda x: 2.0**x, lambda x: 2.0**x, (M,)),
    OpSpec("maximum", tf.maximum, np.maximum, (M, M)),
    OpSpec("minimum_broadcast", tf.minimum, np.minimum, (M, ROW)),
    # Complex: |x - y|^2 (a zero imaginary part), as TF.
    OpSpec(
        "squared_difference",
        tf.math.squared_difference,
        lambda x, y: (x - y) * np.conj(x - y),
        (M, ROW),
    ),
    OpSpec("divide_no_nan", tf.math.divide_no_nan, np.divide, (M, POS)),
    OpSpec(
        "divide_no_nan_zero",
        lambda x, y: tf.math.divide_no_nan(x, y * 0.0),
        lambda x, y: np.zeros_like(x),
        (M, M),
    ),
    OpSpec("realdiv", tf.realdiv, np.divide, (M, POS)),
]

# -- unary ---------------------------------------------------------------------------------------
UNIT = Arg((3, 4), low=-0.9, high=0.9)
AWAY = Arg((3, 4), low=0.3, high=2.0)  # away from the kinks of abs and friends at 0
SPECS += [
    OpSpec("abs", tf.abs, np.abs, (AWAY,)),
    OpSpec("abs_operator", lambda x: abs(-x), np.abs, (AWAY,)),
    OpSpec("sqrt", tf.sqrt, np.sqrt, (POS,)),
    OpSpec("rsqrt", tf.math.rsqrt, lambda x: 1 / np.sqrt(x), (POS,)),
    OpSpec("reciprocal", tf.math.reciprocal, np.reciprocal, (POS,)),
    OpSpec("expm1", tf.math.expm1, np.expm1, (M,)),
    OpSpec("log1p", tf.math.log1p, np.log1p, (POS,)),
    OpSpec("sin", tf.sin, np.sin, (M,)),
    OpSpec("cos", tf.cos, np.cos, (M,)),
    OpSpec("tan", tf.tan, np.tan, (UNIT,)),
    OpSpec("asin", tf.asin, np.arcsin, (UNIT,)),
    OpSpec("acos", tf.acos, np.arccos, (UNIT,)),
    OpSpec("atan", tf.atan, np.arctan, (M,)),
    OpSpec("atan2", tf.atan2, np.arctan2, (M, AWAY)),
    OpSpec("sinh", tf.sinh, np.sinh, (M,)),
    OpSpec("cosh", tf.cosh, np.cosh, (M,)),
    OpSpec("asinh", tf.asinh, np.arcsinh, (M,)),
    OpSpec("acosh", tf.acosh, np.arccosh, (Arg((3, 4), low=1.2, high=3.0),)),
    OpSpec("atanh", tf.atanh, np.arctanh, (UNIT,)),
    OpSpec(
        "sigmoid", tf.sigmoid, lambda x: 1 / (1 + np.exp(-x)), (Arg((3, 4), low=-6.0, high=6.0),)
    ),
    OpSpec(
        "sigmoid_extreme",
        tf.sigmoid,
        lambda x: 1 / (1 + np.exp(-x)),
        (Arg((3, 4), low=-200.0, high=200.0),),
        grad=False,
    ),
    OpSpec("sign", tf.sign, np.sign, (AWAY,), grad=False),
    OpSpec("floor", tf.floor, np.floor, (M,), grad=False),
    OpSpec("ceil", tf.math.ceil, np.ceil, (M,), grad=False),
    OpSpec(
        "round_half_even",
        lambda x: tf.round(x * 0 + tf.constant([0.5, 1.5, 2.5, -2.5], x.dtype)),
        lambda x: np.round(x * 0 + np.array([0.5, 1.5, 2.5, -2.5], x.dtype)),
        (ROW,),
        grad=False,
    ),
    OpSpec("round", tf.round, np.round, (M,), grad=False),
    OpSpec(
        "is_finite",
        lambda x: tf.math.is_finite(tf.math.log(x)),
        lambda x: np.isfinite(np.log(x)),
        (Arg((3, 4), low=-1.0, high=1.0),),
        grad=False,
        out_dtype="bool",
    ),
    OpSpec(
        "is_nan",
        lambda x: tf.math.is_nan(tf.math.log(x)),
        lambda x: np.isnan(np.log(x)),
        (M,),
        grad=False,
        out_dtype="bool",
    ),
    OpSpec(
        "is_inf",
        lambda x: tf.math.is_inf(1 / tf.floor(x)),
        lambda x: np.isinf(1 / np.floor(x)),
        (Arg((3, 4), low=-1.0, high=1.0),),
        grad=False,
        out_dtype="bool",
    ),
    OpSpec(
        "l2_normalize",
        lambda x: tf.math.l2_normalize(x, axis=1),
        lambda x: x / np.sqrt(np.sum(np.abs(x) ** 2, axis=1, keepdims=True)),
        (M,),
    ),
]

# -- special functions (SciPy is the reference) ------------------------------------------------
SPECS += [
    OpSpec("erf", tf.math.erf, special.erf, (Arg((3, 4), low=-3.0, high=3.0),)),
    OpSpec("lgamma", tf.math.lgamma, special.gammaln, (Arg((3, 4), low=0.3, high=6.0),)),
    OpSpec(
        "lgamma_negative",
        tf.math.lgamma,
        special.gammaln,
        (Arg((3, 4), low=-2.9, high=-2.1),),
        grad_rtol=1e-3,
    ),
    OpSpec("digamma", tf.math.digamma, special.digamma, (Arg((3, 4), low=0.3, high=6.0),)),
    OpSpec(
        "polygamma",
        lambda x: tf.math.polygamma(tf.constant(2.0, x.dtype), x),
        lambda x: special.polygamma(2, x),
        (Arg((3, 4), low=0.5, high=6.0),),
        rtol=1e-4,
    ),
]

# -- complex parts -------------------------------------------------------------------------------
SPECS += [
    OpSpec(
        "complex_parts",
        lambda x, y: (
            tf.math.real(tf.math.conj(tf.complex(x, y)))
            + 2 * tf.math.imag(tf.math.conj(tf.complex(x, y)))
        ),
        lambda x, y: x - 2 * y,
        (M, M),
    ),
]

SPECS += [
    OpSpec(
        "complex_abs_squared",
        lambda x, y: tf.math.real(tf.complex(x, y) * tf.math.conj(tf.complex(x, y))),
        lambda x, y: x * x + y * y,
        (M, ROW),
    ),
]

# -- zero-safe products and truncating division (math_binary_ops.py) ----------------------------
SPECS += [
    OpSpec("xlogy", tf.math.xlogy, special.xlogy, (M, POS)),
    OpSpec(
        "xlogy_zero_x",
        lambda x, y: tf.math.xlogy(x * 0.0, y - 5.0),
        lambda x, y: np.zeros_like(x),
        (M, M),
    ),
    OpSpec("xlog1py", tf.math.xlog1py, special.xlog1py, (M, POS)),
    OpSpec("xdivy", tf.math.xdivy, np.divide, (M, POS)),
    OpSpec("multiply_no_nan", tf.math.multiply_no_nan, np.multiply, (M, ROW)),
    OpSpec(
        "multiply_no_nan_zero_y",
        lambda x, y: tf.math.multiply_no_nan(x / 0.0, y * 0.0),
        lambda x, y: np.zeros_like(x),
        (M, M),
        grad=False,  # the inf operand's gradient is inf * 0 = NaN, in TF as well
    ),
    OpSpec(
        "truncatediv_truncatemod",
        lambda x, y: tf.stack([tf.truncatediv(x, y), tf.truncatemod(x, y)]),
        lambda x, y: np.stack([np.trunc(x / y), np.fmod(x, y)]),
        (M, POS),
        grad=False,
    ),
    OpSpec("rint", tf.math.rint, np.rint, (M,), grad=False),
]

SPECS += [
    # Real inputs: 0 or pi; complex inputs (the complex checks): the phase, real part kept
    # positive so no input crosses the branch cut on the negative real axis.
    OpSpec("angle", tf.math.angle, np.angle, (AWAY,)),
    OpSpec("angle_real_signs", tf.math.angle, np.angle, (M,), complex=False),
    OpSpec(
        "angle_of_complex",
        lambda x, y: tf.math.angle(tf.complex(x, y)),
        lambda x, y: np.arctan2(y, x),
        (M, AWAY),
    ),
]

SPECS += [
    OpSpec(
        "complex_abs",
        lambda x, y: tf.abs(tf.complex(x, y)),
        lambda x, y: np.hypot(x, y),
        (M, M),
    ),
]

SPECS += [
    OpSpec(
        "complex_division",
        lambda x, y: tf.math.real(tf.complex(x, y) / tf.complex(y + 3.0, x)),
        lambda x, y: np.real((x + 1j * y) / ((y + 3.0) + 1j * x)),
        (M, M),
    ),
]
