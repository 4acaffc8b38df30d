"""`tf.keras.optimizers.Adadelta`: steps scaled by running averages of updates and grads."""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import Primitive, execute_update
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.keras.optimizers import _update_primitives as prims
from eagerflow.keras.optimizers._update_primitives import scalar_as, update_spec
from eagerflow.keras.optimizers.base_optimizer import Optimizer


def _delta(xp: Any, accum_grad: Any, accum_var: Any, g: Any, epsilon: float) -> Any:
    # -sqrt(accum_var + eps) * g / sqrt(accum_grad + eps)
    out = xp.asarray(accum_var + epsilon)
    xp.sqrt(out, out=out)
    out *= g
    denom = xp.asarray(accum_grad + epsilon)
    xp.sqrt(denom, out=denom)
    xp.divide(out, denom, out=out)
    xp.negative(out, out=out)
    return out


def _adadelta(
    xp: Any, var: Any, accum_grad: Any, accum_var: Any, g: Any, lr: Any, *, epsilon: float
) -> Any:
    out = _delta(xp, accum_grad, accum_var, g, epsilon)
    out *= scalar_as(lr, var)
    out += var
    return out


def _accum_var(xp: Any, accum_var: Any, accum_grad: Any, g: Any, *, rho: float, epsilon: float):
    delta = _delta(xp, accum_grad, accum_var, g, epsilon)
    delta *= delta
    delta *= 1.0 - rho
    delta += accum_var * rho
    return delta


ADADELTA = Primitive("ResourceApplyAdadelta", _adadelta, update_spec)
ADADELTA_ACCUM_VAR = Primitive("AdadeltaAccumulateUpdate", _accum_var, update_spec)
for _prim in (ADADELTA, ADADELTA_ACCUM_VAR):
    no_gradient(_prim.name)


class Adadelta(Optimizer):
    """Adadelta: a per-dimension learning rate from running averages of steps and gradients.

    `accum_grad = rho * accum_grad + (1 - rho) * g^2`;
    `delta = -sqrt(accum_var + eps) / sqrt(accum_grad + eps) * g`;
    `accum_var = rho * accum_var + (1 - rho) * delta^2`; `w = w + lr * delta`.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.001.
        rho: Decay rate. Defaults to 0.95.
        epsilon: Small constant for numerical stability. Defaults to 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `name`.

    Example:
        >>> opt = tf.keras.optimizers.Adadelta(learning_rate=1.0)
        >>> var = tf.Variable(1.0)
        >>> _ = opt.minimize(lambda: (var**2) / 2.0, [var])
        >>> var.numpy() < 1.0
        True
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        name: str = "adadelta",
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def build(self, var_list: list) -> None:
        super().build(var_list)
        for var in var_list:
            self.add_variable_from_reference(var, "accum_grad")
            self.add_variable_from_reference(var, "accum_var")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        slots = self._slots[id(variable)]
        accum_grad, accum_var = slots["accum_grad"], slots["accum_var"]
        execute_update(prims.MOVING_AVERAGE_OF_SQUARE, accum_grad, (gradient,), {"decay": self.rho})
        # The variable's step uses the previous accum_var, so it goes first.
        execute_update(
            ADADELTA,
            variable,
            (accum_grad.read_value(), accum_var.read_value(), gradient, learning_rate),
            {"epsilon": self.epsilon},
        )
        execute_update(
            ADADELTA_ACCUM_VAR,
            accum_var,
            (accum_grad.read_value(), gradient),
            {"rho": self.rho, "epsilon": self.epsilon},
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
