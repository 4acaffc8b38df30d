"""Special functions: erf, lgamma, digamma, polygamma.

NumPy has none of them and SciPy is not a dependency, so the kernels are written over `xp`
(they run unchanged on CuPy). Each computes in float64 and casts back; accuracy is about
1e-14 relative (absolute near the zeros of lgamma), checked against SciPy in the op table.
Gradients chain into each other: lgamma' = digamma, digamma' = polygamma(1, .),
polygamma(n, .)' = polygamma(n + 1, .), so every order is differentiable.
"""

from __future__ import annotations

import math
from typing import Any

from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._dtype_kinds import check_kind

_SQRT_PI = math.sqrt(math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
# Lanczos approximation, g = 7, n = 9.
_LANCZOS = (
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
)
# Bernoulli numbers B_2, B_4, ..., B_16.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _float64(x: Any) -> Any:
    return x.astype("float64", copy=False)


def _erf_kernel(xp: Any, x: Any) -> Any:
    a = xp.abs(_float64(x))
    # |x| < 2.5: erf = 2/sqrt(pi) exp(-x^2) sum (2x^2)^n x / (1*3*...*(2n+1)); positive terms.
    small = xp.minimum(a, 2.5)
    term = small.copy()
    total = small.copy()
    two_x2 = 2.0 * small * small
    for n in range(1, 60):
        term = term * two_x2 / (2 * n + 1)
        total = total + term
    erf_small = (2.0 / _SQRT_PI) * xp.exp(-small * small) * total
    # |x| >= 2.5: erfc by its continued fraction, evaluated from the tail.
    large = xp.maximum(a, 2.5)
    frac = large.copy()
    for k in range(80, 0, -1):
        frac = large + (0.5 * k) / frac
    erf_large = 1.0 - xp.exp(-large * large) / (_SQRT_PI * frac)
    out = xp.where(a < 2.5, erf_small, erf_large)
    return (xp.sign(x) * out).astype(x.dtype, copy=False)


def _lgamma_positive(xp: Any, z: Any) -> Any:
    # Lanczos for z >= 0.5.
    z = z - 1.0
    series = xp.full(z.shape, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], 1):
        series = series + c / (z + i)
    t = z + 7.5
    return _HALF_LOG_2PI + (z + 0.5) * xp.log(t) - t + xp.log(series)


def _lgamma_kernel(xp: Any, x: Any) -> Any:
    z = _float64(x)
    upper = _lgamma_positive(xp, xp.maximum(z, 0.5))
    # Reflection: lgamma(z) = log(pi / |sin(pi z)|) - lgamma(1 - z) for z < 0.5.
    low = xp.minimum(z, 0.5)
    reflected = math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * low)))
    reflected = reflected - _lgamma_positive(xp, 1.0 - low)
    out = xp.where(z >= 0.5, upper, reflected)
    out = xp.where((z <= 0) & (z == xp.floor(z)), math.inf, out)
    return out.astype(x.dtype, copy=False)


def _digamma_positive(xp: Any, z: Any) -> Any:
    # Shift to y >= 10.5 with psi(z) = psi(z + 10) - sum 1/(z + k), then the asymptotic series.
    shift = xp.zeros(z.shape)
    for k in range(10):
        shift = shift + 1.0 / (z + k)
    y = z + 10.0
    inv2 = 1.0 / (y * y)
    tail = xp.zeros(z.shape)
    power = inv2
    for j, b in enumerate(_BERNOULLI, 1):
        tail = tail + b / (2 * j) * power
        power = power * inv2
    return xp.log(y) - 0.5 / y - tail - shift


def _digamma_kernel(xp: Any, x: Any) -> Any:
    z = _float64(x)
    upper = _digamma_positive(xp, xp.maximum(z, 0.5))
    low = xp.minimum(z, 0.5)
    # Reflection: psi(z) = psi(1 - z) - pi / tan(pi z).
    reflected = _digamma_positive(xp, 1.0 - low) - math.pi / xp.tan(math.pi * low)
    out = xp.where(z >= 0.5, upper, reflected)
    out = xp.where((z <= 0) & (z == xp.floor(z)), math.nan, out)
    return out.astype(x.dtype, copy=False)


def _hurwitz_zeta(xp: Any, s: Any, z: Any) -> Any:
    """zeta(s, z) = sum_k (z + k)^-s for s >= 2, by a shift and Euler-Maclaurin."""
    lowest = float(xp.min(z)) if z.size else 0.0
    steps = 12 + max(0, math.ceil(-lowest))
    total = xp.zeros(xp.broadcast(s, z).shape)
    for k in range(steps):
        total = total + (z + k) ** (-s)
    y = z + steps
    total = total + y ** (1.0 - s) / (s - 1.0) + 0.5 * y ** (-s)
    rising = s.copy()  # s (s+1) ... (s + 2j - 2)
    factorial = 2.0
    power = y ** (-s - 1.0)
    for j, b in enumerate(_BERNOULLI, 1):
        total = total + b / factorial * rising * power
        rising = rising * (s + 2 * j - 1) * (s + 2 * j)
        factorial = factorial * (2 * j + 1) * (2 * j + 2)
        power = power / (y * y)
    return total


def _polygamma_kernel(xp: Any, a: Any, x: Any) -> Any:
    n = _float64(a)
    z = _float64(x)
    s = xp.maximum(n, 1.0) + 1.0
    factorial = xp.exp(_lgamma_positive(xp, s))
    sign = xp.where(xp.fmod(n, 2.0) == 0, -1.0, 1.0)
    out = sign * factorial * _hurwitz_zeta(xp, s, z)
    out = xp.where(n == 0, _digamma_kernel(xp, z), out)
    bad = (n < 0) | (n != xp.floor(n)) | ((z <= 0) & (z == xp.floor(z)))
    return xp.where(bad, math.nan, out).astype(x.dtype, copy=False)


ERF = Primitive("Erf", _erf_kernel, rules.unary)
LGAMMA = Primitive("Lgamma", _lgamma_kernel, rules.unary)
DIGAMMA = Primitive("Digamma", _digamma_kernel, rules.unary)
POLYGAMMA = Primitive("Polygamma", _polygamma_kernel, rules.broadcasting("Polygamma"))


@RegisterGradient("Erf")
def _erf_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import exp, multiply, negative, square  # noqa: PLC0415

    x = op.inputs[0]
    return multiply(grad, multiply(exp(negative(square(x))), 2.0 / _SQRT_PI))


@RegisterGradient("Lgamma")
def _lgamma_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

    return multiply(grad, digamma(op.inputs[0]))


@RegisterGradient("Digamma")
def _digamma_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

    x = op.inputs[0]
    return multiply(grad, polygamma(1.0, x))


@RegisterGradient("Polygamma")
def _polygamma_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops._broadcasting import unbroadcast  # noqa: PLC0415
    from eagerflow.ops.math_ops import add, multiply  # noqa: PLC0415

    a, x = op.inputs
    gx = multiply(grad, polygamma(add(a, 1.0), x))
    return [None, unbroadcast(gx, x)]


def _check_float(op: str, x: Tensor) -> Tensor:
    check_kind(op, x, "f", "a floating-point")
    return x


def erf(x: Any, name: Any = None) -> Tensor:
    """Computes the Gauss error function elementwise.

    Example:
        >>> round(float(tf.math.erf(1.0)), 4)
        0.8427
    """
    return execute(ERF, (_check_float("Erf", convert_to_tensor(x)),))


def lgamma(x: Any, name: Any = None) -> Tensor:
    """Computes log(|Gamma(x)|) elementwise.

    Example:
        >>> float(tf.math.lgamma(3.0))  # log(2!)
        0.6931471...
    """
    return execute(LGAMMA, (_check_float("Lgamma", convert_to_tensor(x)),))


def digamma(x: Any, name: Any = None) -> Tensor:
    """Computes psi, the derivative of lgamma, elementwise.

    Example:
        >>> round(float(tf.math.digamma(1.0)), 6)  # minus the Euler-Mascheroni constant
        -0.577216
    """
    return execute(DIGAMMA, (_check_float("Digamma", convert_to_tensor(x)),))


def polygamma(a: Any, x: Any, name: Any = None) -> Tensor:
    """Computes the polygamma function psi^(a)(x), the a-th derivative of digamma.

    `a` must hold non-negative integers (as floats); other values give NaN, as in TF.

    Example:
        >>> round(float(tf.math.polygamma(1.0, 1.0)), 6)  # pi^2 / 6
        1.644934
    """
    if isinstance(x, Tensor) and not isinstance(a, Tensor):
        a = convert_to_tensor(a, dtype=x.dtype)
    a, x = binary_operands("Polygamma", a, x)
    return execute(POLYGAMMA, (a, _check_float("Polygamma", x)))
