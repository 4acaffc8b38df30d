"""`tf.keras.optimizers.Adagrad`: per-coordinate steps from accumulated squared gradients."""

from __future__ import annotations

from typing import Any

from eagerflow.core.dispatch import Primitive, execute_update
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.keras.optimizers import _update_primitives as prims
from eagerflow.keras.optimizers._update_primitives import scalar_as, update_spec
from eagerflow.keras.optimizers.base_optimizer import Optimizer


def _adagrad(xp: Any, var: Any, accum: Any, g: Any, lr: Any, *, epsilon: float) -> Any:
    # var - lr * g / sqrt(accum + epsilon)
    out = xp.asarray(accum + epsilon)
    xp.sqrt(out, out=out)
    xp.divide(g, out, out=out)
    out *= -scalar_as(lr, var)
    out += var
    return out


ADAGRAD = Primitive("ResourceApplyAdagradV2", _adagrad, update_spec)
no_gradient(ADAGRAD.name)


class Adagrad(Optimizer):
    """Adagrad: `accumulator += g^2`, `w = w - lr * g / sqrt(accumulator + epsilon)`.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.001.
        initial_accumulator_value: Starting value of the accumulators. Defaults to 0.1.
        epsilon: Small constant inside the square root. Defaults to 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, `name`.

    Example:
        >>> opt = tf.keras.optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0)
        >>> var = tf.Variable(1.0)
        >>> _ = opt.minimize(lambda: (var**2) / 2.0, [var])
        >>> round(float(var.numpy()), 4)
        0.9
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        name: str = "adagrad",
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError(
                "Adagrad: initial_accumulator_value must be non-negative, got "
                f"{initial_accumulator_value!r}."
            )
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def build(self, var_list: list) -> None:
        super().build(var_list)
        for var in var_list:
            self.add_variable_from_reference(
                var, "accumulator", initializer=self.initial_accumulator_value
            )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        accum = self._slots[id(variable)]["accumulator"]
        execute_update(prims.ACCUMULATE_SQUARE, accum, (gradient,))
        execute_update(
            ADAGRAD,
            variable,
            (accum.read_value(), gradient, learning_rate),
            {"epsilon": self.epsilon},
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon,
            }
        )
        return config
