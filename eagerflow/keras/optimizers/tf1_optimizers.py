"""TensorFlow 1 optimizer names (`tf.train.AdamOptimizer`, ...), on the Keras optimizers.

They keep TF1's constructor arguments, defaults and slot semantics (Momentum's accumulator,
RMSProp's ones-initialized `rms`, Adagrad without epsilon), and TF1's methods:
`apply_gradients(grads_and_vars, global_step=None)` increments `global_step`, and
`minimize(loss, global_step=None, var_list=None)` takes a zero-argument loss function in eager
mode (var_list defaults to the variables the loss reads).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eagerflow.core.dispatch import Primitive, execute_update
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.graph.tf1 import optimizer_ops as tf1_optimizer_ops
from eagerflow.keras.optimizers._update_primitives import scalar_as, update_spec
from eagerflow.keras.optimizers.adagrad import Adagrad
from eagerflow.keras.optimizers.adam import Adam
from eagerflow.keras.optimizers.base_optimizer import Optimizer as _KerasOptimizer
from eagerflow.keras.optimizers.rmsprop import RMSprop
from eagerflow.keras.optimizers.sgd import SGD


class _TF1Methods:
    """TF1's `apply_gradients`, `compute_gradients` and `minimize` signatures."""

    def apply_gradients(
        self, grads_and_vars: Iterable, global_step: Any = None, name: Any = None
    ) -> Any:
        """Applies the gradients, then increments `global_step` if given (returns it).

        In a TF1 graph it returns the train op that does both when run."""
        if tf1_optimizer_ops.in_tf1_graph():
            pairs = list(grads_and_vars)
            return tf1_optimizer_ops.updates_as_op(lambda: self._apply_tf1(pairs, global_step))
        return self._apply_tf1(grads_and_vars, global_step)

    def _apply_tf1(self, grads_and_vars: Iterable, global_step: Any) -> Any:
        _KerasOptimizer.apply_gradients(self, grads_and_vars)
        if global_step is not None:
            return global_step.assign_add(1)
        return None

    def compute_gradients(self, loss: Any, var_list: Any = None, **kwargs: Any) -> list:
        """`[(gradient, variable), ...]` of the zero-argument function `loss`."""
        from eagerflow.autodiff.tape import GradientTape  # noqa: PLC0415  (autodiff imports late)

        if not callable(loss) and tf1_optimizer_ops.in_tf1_graph():
            return tf1_optimizer_ops.compute_gradients(loss, var_list)
        if not callable(loss):
            raise RuntimeError(
                f"{type(self).__name__}.compute_gradients: `loss` should be a function when "
                f"eager execution is enabled; got {loss!r}."
            )
        with GradientTape() as tape:
            if var_list is not None:
                for variable in var_list:
                    tape.watch(variable)
            loss_value = loss()
        if var_list is None:
            var_list = [v for v in tape.watched_variables() if getattr(v, "trainable", True)]
        var_list = list(var_list)
        grads = tape.gradient(loss_value, var_list)
        return list(zip(grads, var_list))

    def minimize(
        self, loss: Any, global_step: Any = None, var_list: Any = None, **kwargs: Any
    ) -> Any:
        """Computes the gradients of `loss` and applies them (TF1 signature)."""
        grads_and_vars = self.compute_gradients(loss, var_list=var_list)
        return self.apply_gradients(grads_and_vars, global_step=global_step)

    def get_name(self) -> str:
        return self.name


class GradientDescentOptimizer(_TF1Methods, SGD):
    """`tf.train.GradientDescentOptimizer`: `var -= learning_rate * grad`.

    Example:
        >>> opt = tf.train.GradientDescentOptimizer(learning_rate=0.01)
        >>> w = tf.Variable(1.0)
        >>> _ = opt.apply_gradients([(tf.constant(10.0), w)])
        >>> w.numpy()
        0.9
    """

    def __init__(
        self, learning_rate: Any, use_locking: bool = False, name: str = "GradientDescent"
    ) -> None:
        SGD.__init__(self, learning_rate=learning_rate, name=name)


def _momentum_accumulate(xp: Any, accum: Any, g: Any, *, momentum: float) -> Any:
    out = accum * momentum
    out += g
    return out


def _momentum_apply(
    xp: Any, var: Any, accum: Any, g: Any, lr: Any, *, momentum: float, use_nesterov: bool
) -> Any:
    if use_nesterov:  # var - lr * (g + momentum * accum)
        step = accum * momentum
        step += g
    else:
        step = accum.copy()
    step *= -scalar_as(lr, var)
    step += var
    return step


MOMENTUM_ACCUMULATE = Primitive("MomentumAccumulate", _momentum_accumulate, update_spec)
MOMENTUM = Primitive("ResourceApplyMomentum", _momentum_apply, update_spec)
for _prim in (MOMENTUM_ACCUMULATE, MOMENTUM):
    no_gradient(_prim.name)


class MomentumOptimizer(_TF1Methods, SGD):
    """`tf.train.MomentumOptimizer`: `accum = momentum * accum + grad`,
    `var -= learning_rate * accum` (Nesterov: `var -= lr * (grad + momentum * accum)`).

    Example:
        >>> opt = tf.train.MomentumOptimizer(learning_rate=0.1, momentum=0.9)
    """

    def __init__(
        self,
        learning_rate: Any,
        momentum: float,
        use_locking: bool = False,
        name: str = "Momentum",
        use_nesterov: bool = False,
    ) -> None:
        SGD.__init__(self, learning_rate=learning_rate, momentum=momentum, name=name)
        self.nesterov = bool(use_nesterov)

    def build(self, var_list: list) -> None:
        _KerasOptimizer.build(self, var_list)
        for var in var_list:
            self.add_variable_from_reference(var, "momentum")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        accum = self._slots[id(variable)]["momentum"]
        execute_update(MOMENTUM_ACCUMULATE, accum, (gradient,), {"momentum": self.momentum})
        execute_update(
            MOMENTUM,
            variable,
            (accum.read_value(), gradient, learning_rate),
            {"momentum": self.momentum, "use_nesterov": self.nesterov},
        )


class AdamOptimizer(_TF1Methods, Adam):
    """`tf.train.AdamOptimizer` (epsilon 1e-8, slots "m" and "v").

    Example:
        >>> opt = tf.train.AdamOptimizer()
        >>> w = tf.Variable(1.0)
        >>> _ = opt.apply_gradients([(tf.constant(1.0), w)],
        ...                     global_step=tf.train.get_or_create_global_step())
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        use_locking: bool = False,
        name: str = "Adam",
    ) -> None:
        Adam.__init__(
            self,
            learning_rate=learning_rate,
            beta_1=beta1,
            beta_2=beta2,
            epsilon=epsilon,
            name=name,
        )


class RMSPropOptimizer(_TF1Methods, RMSprop):
    """`tf.train.RMSPropOptimizer`: TF1's RMSProp (`rms` starts at ones, epsilon 1e-10).

    Example:
        >>> opt = tf.train.RMSPropOptimizer(learning_rate=0.01)
    """

    _initial_rms = "ones"

    def __init__(
        self,
        learning_rate: Any,
        decay: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-10,
        use_locking: bool = False,
        centered: bool = False,
        name: str = "RMSProp",
    ) -> None:
        RMSprop.__init__(
            self,
            learning_rate=learning_rate,
            rho=decay,
            momentum=momentum,
            epsilon=epsilon,
            centered=centered,
            name=name,
        )


class AdagradOptimizer(_TF1Methods, Adagrad):
    """`tf.train.AdagradOptimizer`: `accum += grad^2`, `var -= lr * grad / sqrt(accum)`.

    Example:
        >>> opt = tf.train.AdagradOptimizer(learning_rate=0.1)
    """

    def __init__(
        self,
        learning_rate: Any,
        initial_accumulator_value: float = 0.1,
        use_locking: bool = False,
        name: str = "Adagrad",
    ) -> None:
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                "AdagradOptimizer: initial_accumulator_value must be positive, got "
                f"{initial_accumulator_value!r}."
            )
        Adagrad.__init__(
            self,
            learning_rate=learning_rate,
            initial_accumulator_value=initial_accumulator_value,
            epsilon=0.0,
            name=name,
        )


# `tf.train.Optimizer`: the TF1 base, for isinstance checks and custom subclasses.
class Optimizer(_TF1Methods, _KerasOptimizer):
    """`tf.compat.v1.train.Optimizer`: subclass and implement `update_step`."""

    def __init__(self, use_locking: bool = False, name: str = "Optimizer", **kwargs: Any):
        _KerasOptimizer.__init__(self, learning_rate=kwargs.pop("learning_rate", 0.001), name=name)
