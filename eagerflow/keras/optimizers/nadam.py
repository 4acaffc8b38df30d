"""`tf.keras.optimizers.Nadam`: Adam with Nesterov momentum."""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import Primitive, execute, execute_update
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.keras.optimizers import _update_primitives as prims
from eagerflow.keras.optimizers._update_primitives import (
    scalar_as,
    step_coefficients,
    update_spec,
)
from eagerflow.keras.optimizers.base_optimizer import Optimizer

_DECAY = 0.96  # Keras's momentum-schedule decay


def _u_product(xp: Any, u_product: Any, step: Any, *, beta_1: float) -> Any:
    u_t = beta_1 * (1.0 - 0.5 * _DECAY ** (step + 1))
    return u_product * scalar_as(u_t, u_product)


def _coefficients(xp: Any, u_product: Any, step: Any, *, beta_1: float, beta_2: float):
    # m_hat = c_m * m + c_g * g and v_hat = c_v * v, from the updated product of u_1..u_t.
    t = step + 1
    u_t = beta_1 * (1.0 - 0.5 * _DECAY**t)
    u_t_1 = beta_1 * (1.0 - 0.5 * _DECAY ** (t + 1))
    c_m = u_t_1 / (1.0 - u_product * u_t_1)
    c_g = (1.0 - u_t) / (1.0 - u_product)
    c_v = 1.0 / (1.0 - beta_2**t)
    return xp.asarray(c_m), xp.asarray(c_g), xp.asarray(c_v)


def _nadam(
    xp: Any,
    var: Any,
    m: Any,
    v: Any,
    g: Any,
    lr: Any,
    c_m: Any,
    c_g: Any,
    c_v: Any,
    *,
    epsilon: float,
) -> Any:
    # var - lr * m_hat / (sqrt(v_hat) + epsilon)
    m_hat = xp.asarray(m * scalar_as(c_m, var))
    m_hat += g * scalar_as(c_g, var)
    denom = xp.asarray(v * scalar_as(c_v, var))
    xp.sqrt(denom, out=denom)
    denom += epsilon
    xp.divide(m_hat, denom, out=m_hat)
    m_hat *= -scalar_as(lr, var)
    m_hat += var
    return m_hat


NADAM_COEFFICIENTS = step_coefficients("NadamCoefficients", _coefficients, num_outputs=3)
NADAM_MOMENTUM_CACHE = Primitive("NadamMomentumCache", _u_product, update_spec)
NADAM = Primitive("ResourceApplyNadam", _nadam, update_spec)
for _prim in (NADAM_MOMENTUM_CACHE, NADAM):
    no_gradient(_prim.name)


class Nadam(Optimizer):
    """Nadam: Adam whose first-moment step looks ahead as Nesterov momentum does.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.001.
        beta_1: Decay rate of the first moment. Defaults to 0.9.
        beta_2: Decay rate of the second moment. Defaults to 0.999.
        epsilon: Small constant for numerical stability. Defaults to 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `name`.

    Example:
        >>> opt = tf.keras.optimizers.Nadam(learning_rate=0.2)
        >>> var = tf.Variable(10.0)
        >>> _ = opt.minimize(lambda: (var**2) / 2.0, [var])
        >>> "{:.1f}".format(var.numpy())
        '9.8'
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        name: str = "nadam",
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self._u_product = self.add_variable(
            (), initializer="ones", dtype="float64", name="u_product"
        )

    def build(self, var_list: list) -> None:
        super().build(var_list)
        for var in var_list:
            self.add_variable_from_reference(var, "m")
            self.add_variable_from_reference(var, "v")

    def _before_update_step(self, learning_rate: Any) -> None:
        execute_update(
            NADAM_MOMENTUM_CACHE, self._u_product, (self._current_step,), {"beta_1": self.beta_1}
        )
        self._coefficients = execute(
            NADAM_COEFFICIENTS,
            (self._u_product.read_value(), self._current_step),
            {"beta_1": self.beta_1, "beta_2": self.beta_2},
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        slots = self._slots[id(variable)]
        m, v = slots["m"], slots["v"]
        execute_update(prims.MOVING_AVERAGE, m, (gradient,), {"decay": self.beta_1})
        execute_update(prims.MOVING_AVERAGE_OF_SQUARE, v, (gradient,), {"decay": self.beta_2})
        execute_update(
            NADAM,
            variable,
            (m.read_value(), v.read_value(), gradient, learning_rate) + self._coefficients,
            {"epsilon": self.epsilon},
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
