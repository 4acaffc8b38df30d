"""`tf.keras.optimizers.SGD`: gradient descent with optional (Nesterov) momentum."""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import Primitive, execute_update
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.keras.optimizers._update_primitives import scalar_as, update_spec
from eagerflow.keras.optimizers.base_optimizer import Optimizer


def _gradient_descent(xp: Any, var: Any, g: Any, lr: Any) -> Any:
    out = g * -scalar_as(lr, var)
    out += var
    return out


def _momentum_velocity(xp: Any, m: Any, g: Any, lr: Any, *, momentum: float) -> Any:
    # velocity = momentum * velocity - lr * g
    out = g * -scalar_as(lr, m)
    out += m * momentum
    return out


def _momentum_apply(
    xp: Any, var: Any, m: Any, g: Any, lr: Any, *, momentum: float, nesterov: bool
) -> Any:
    if not nesterov:
        return var + m
    # var + momentum * velocity - lr * g
    out = g * -scalar_as(lr, var)
    out += m * momentum
    out += var
    return out


GRADIENT_DESCENT = Primitive("ResourceApplyGradientDescent", _gradient_descent, update_spec)
MOMENTUM_VELOCITY = Primitive("KerasMomentumVelocity", _momentum_velocity, update_spec)
KERAS_MOMENTUM = Primitive("ResourceApplyKerasMomentum", _momentum_apply, update_spec)
for _prim in (GRADIENT_DESCENT, MOMENTUM_VELOCITY, KERAS_MOMENTUM):
    no_gradient(_prim.name)


class SGD(Optimizer):
    """Gradient descent, with momentum and Nesterov momentum.

    Without momentum: `w = w - learning_rate * g`. With momentum:
    `velocity = momentum * velocity - learning_rate * g`, then `w = w + velocity`, or with
    `nesterov=True`, `w = w + momentum * velocity - learning_rate * g`.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.01.
        momentum: A float >= 0 that accelerates descent in the relevant direction.
        nesterov: Whether to apply Nesterov momentum.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `name`.

    Example:
        >>> opt = tf.keras.optimizers.SGD(learning_rate=0.1)
        >>> var = tf.Variable(1.0)
        >>> _ = opt.minimize(lambda: (var**2) / 2.0, [var])
        >>> var.numpy()
        0.9
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        name: str = "SGD",
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError(f"SGD: momentum must be a float in [0, 1], got {momentum!r}.")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, var_list: list) -> None:
        super().build(var_list)
        if self.momentum != 0:
            for var in var_list:
                self.add_variable_from_reference(var, "momentum")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        if self.momentum == 0:
            execute_update(GRADIENT_DESCENT, variable, (gradient, learning_rate))
            return
        velocity = self._slots[id(variable)]["momentum"]
        execute_update(
            MOMENTUM_VELOCITY, velocity, (gradient, learning_rate), {"momentum": self.momentum}
        )
        execute_update(
            KERAS_MOMENTUM,
            variable,
            (velocity.read_value(), gradient, learning_rate),
            {"momentum": self.momentum, "nesterov": self.nesterov},
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
