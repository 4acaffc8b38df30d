"""`tf.keras.optimizers.Adamax`: Adam with the infinity norm for the second moment."""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import Primitive, execute_update
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.keras.optimizers import _update_primitives as prims
from eagerflow.keras.optimizers._update_primitives import scalar_as, update_spec
from eagerflow.keras.optimizers.base_optimizer import Optimizer


def _norm_update(xp: Any, u: Any, g: Any, *, beta_2: float) -> Any:
    return xp.maximum(u * beta_2, xp.abs(g))


def _adamax(
    xp: Any, var: Any, m: Any, u: Any, lr: Any, step: Any, *, beta_1: float, epsilon: float
) -> Any:
    # var - lr / (1 - b1^t) * m / (u + epsilon)
    scale = lr / (1.0 - beta_1 ** (step + 1))
    out = xp.asarray(u + epsilon)
    xp.divide(m, out, out=out)
    out *= -scalar_as(scale, var)
    out += var
    return out


ADAMAX_NORM = Primitive("AdamaxNormUpdate", _norm_update, update_spec)
ADAMAX = Primitive("ResourceApplyAdaMax", _adamax, update_spec)
for _prim in (ADAMAX_NORM, ADAMAX):
    no_gradient(_prim.name)


class Adamax(Optimizer):
    """Adamax: `m = b1 * m + (1 - b1) * g`, `u = max(b2 * u, |g|)`,
    `w = w - lr / (1 - b1^t) * m / (u + epsilon)`.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.001.
        beta_1: Decay rate of the first moment. Defaults to 0.9.
        beta_2: Decay rate of the infinity norm. Defaults to 0.999.
        epsilon: Small constant for numerical stability. Defaults to 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `name`.

    Example:
        >>> opt = tf.keras.optimizers.Adamax(learning_rate=0.1)
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
        name: str = "adamax",
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def build(self, var_list: list) -> None:
        super().build(var_list)
        for var in var_list:
            self.add_variable_from_reference(var, "m")
            self.add_variable_from_reference(var, "v")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        slots = self._slots[id(variable)]
        m, u = slots["m"], slots["v"]
        execute_update(prims.MOVING_AVERAGE, m, (gradient,), {"decay": self.beta_1})
        execute_update(ADAMAX_NORM, u, (gradient,), {"beta_2": self.beta_2})
        execute_update(
            ADAMAX,
            variable,
            (m.read_value(), u.read_value(), learning_rate, self._current_step),
            {"beta_1": self.beta_1, "epsilon": self.epsilon},
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
