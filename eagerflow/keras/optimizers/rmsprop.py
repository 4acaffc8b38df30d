"""`tf.keras.optimizers.RMSprop`: steps scaled by a running average of squared gradients."""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import Primitive, execute_update
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.keras.optimizers import _update_primitives as prims
from eagerflow.keras.optimizers._update_primitives import scalar_as, update_spec
from eagerflow.keras.optimizers.base_optimizer import Optimizer


def _scaled_step(xp: Any, g: Any, lr: Any, rms: Any, mg: Any, epsilon: float) -> Any:
    # lr * g / sqrt(rms - mg^2 + epsilon)  (mg is None unless centered)
    denom = xp.asarray(rms - mg * mg) if mg is not None else rms.copy()
    denom += epsilon
    xp.sqrt(denom, out=denom)
    xp.divide(g, denom, out=denom)
    denom *= scalar_as(lr, g)
    return denom


def _rmsprop(xp: Any, var: Any, g: Any, lr: Any, rms: Any, *mg: Any, epsilon: float) -> Any:
    return var - _scaled_step(xp, g, lr, rms, mg[0] if mg else None, epsilon)


def _rmsprop_momentum(
    xp: Any, mom: Any, g: Any, lr: Any, rms: Any, *mg: Any, momentum: float, epsilon: float
) -> Any:
    out = _scaled_step(xp, g, lr, rms, mg[0] if mg else None, epsilon)
    out += mom * momentum
    return out


def _subtract(xp: Any, var: Any, delta: Any) -> Any:
    return var - delta


RMSPROP = Primitive("ResourceApplyRMSProp", _rmsprop, update_spec)
RMSPROP_MOMENTUM = Primitive("RMSPropMomentum", _rmsprop_momentum, update_spec)
SUBTRACT_SLOT = Primitive("ApplySubtractSlot", _subtract, update_spec)
for _prim in (RMSPROP, RMSPROP_MOMENTUM, SUBTRACT_SLOT):
    no_gradient(_prim.name)


class RMSprop(Optimizer):
    """RMSprop: divide the step by the root of a running mean of squared gradients.

    `rms = rho * rms + (1 - rho) * g^2`; `step = lr * g / sqrt(rms + epsilon)` (with
    `centered=True`, `rms - mg^2` where `mg` is the running mean gradient). With momentum,
    `mom = momentum * mom + step` and `w = w - mom`; otherwise `w = w - step`.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.001.
        rho: Discounting factor of the running average. Defaults to 0.9.
        momentum: Momentum factor. Defaults to 0.0.
        epsilon: Small constant inside the square root. Defaults to 1e-7.
        centered: Normalize by the estimated variance instead of the second moment.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `name`.

    Example:
        >>> opt = tf.keras.optimizers.RMSprop(learning_rate=0.1)
        >>> var = tf.Variable(1.0)
        >>> _ = opt.minimize(lambda: (var**2) / 2.0, [var])
        >>> round(float(var.numpy()), 4)
        0.6838
    """

    _initial_rms: Any = "zeros"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        name: str = "rmsprop",
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)

    def build(self, var_list: list) -> None:
        super().build(var_list)
        for var in var_list:
            self.add_variable_from_reference(var, "rms", initializer=self._initial_rms)
            if self.momentum > 0:
                self.add_variable_from_reference(var, "momentum")
            if self.centered:
                self.add_variable_from_reference(var, "mg")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        slots = self._slots[id(variable)]
        rms = slots["rms"]
        execute_update(prims.MOVING_AVERAGE_OF_SQUARE, rms, (gradient,), {"decay": self.rho})
        inputs: tuple = (gradient, learning_rate, rms.read_value())
        if self.centered:
            execute_update(prims.MOVING_AVERAGE, slots["mg"], (gradient,), {"decay": self.rho})
            inputs += (slots["mg"].read_value(),)
        if self.momentum > 0:
            mom = slots["momentum"]
            execute_update(
                RMSPROP_MOMENTUM,
                mom,
                inputs,
                {"momentum": self.momentum, "epsilon": self.epsilon},
            )
            execute_update(SUBTRACT_SLOT, variable, (mom.read_value(),))
        else:
            execute_update(RMSPROP, variable, inputs, {"epsilon": self.epsilon})

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
