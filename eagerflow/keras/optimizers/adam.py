"""`tf.keras.optimizers.Adam`: adaptive moment estimation (with the AMSGrad variant)."""

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


def _step_size(xp: Any, lr: Any, step: Any, *, beta_1: float, beta_2: float) -> Any:
    # alpha = lr * sqrt(1 - b2^t) / (1 - b1^t), t = iterations + 1
    t = step + 1
    return lr.astype("float64") * xp.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)


def _adam(xp: Any, var: Any, m: Any, v: Any, alpha: Any, *, epsilon: float) -> Any:
    # var - alpha * m / (sqrt(v) + epsilon)
    out = xp.asarray(xp.sqrt(v))
    out += epsilon
    xp.divide(m, out, out=out)
    out *= -scalar_as(alpha, var)
    out += var
    return out


ADAM_STEP_SIZE = step_coefficients("AdamStepSize", _step_size)
ADAM = Primitive("ResourceApplyAdam", _adam, update_spec)
no_gradient(ADAM.name)


class Adam(Optimizer):
    """Adam: per-coordinate steps from running first and second moments of the gradient.

    `m = b1 * m + (1 - b1) * g`, `v = b2 * v + (1 - b2) * g^2`, then
    `w = w - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)`. With
    `amsgrad=True` the running maximum of `v` is used instead of `v`.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.001.
        beta_1: Decay rate of the first moment. Defaults to 0.9.
        beta_2: Decay rate of the second moment. Defaults to 0.999.
        epsilon: Small constant for numerical stability. Defaults to 1e-7.
        amsgrad: Whether to apply the AMSGrad variant.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `name`.

    Example:
        >>> opt = tf.keras.optimizers.Adam(learning_rate=0.1)
        >>> var = tf.Variable(1.0)
        >>> _ = opt.minimize(lambda: (var**2) / 2.0, [var])
        >>> round(float(var.numpy()), 4)
        0.9
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str = "adam",
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    def build(self, var_list: list) -> None:
        super().build(var_list)
        for var in var_list:
            self.add_variable_from_reference(var, "m")
            self.add_variable_from_reference(var, "v")
            if self.amsgrad:
                self.add_variable_from_reference(var, "vhat")

    def _before_update_step(self, learning_rate: Any) -> None:
        self._step_size = execute(
            ADAM_STEP_SIZE,
            (learning_rate, self._current_step),
            {"beta_1": self.beta_1, "beta_2": self.beta_2},
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        slots = self._slots[id(variable)]
        m, v = slots["m"], slots["v"]
        execute_update(prims.MOVING_AVERAGE, m, (gradient,), {"decay": self.beta_1})
        execute_update(prims.MOVING_AVERAGE_OF_SQUARE, v, (gradient,), {"decay": self.beta_2})
        if self.amsgrad:
            execute_update(prims.MAXIMUM, slots["vhat"], (v.read_value(),))
            v = slots["vhat"]
        execute_update(
            ADAM,
            variable,
            (m.read_value(), v.read_value(), self._step_size),
            {"epsilon": self.epsilon},
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
