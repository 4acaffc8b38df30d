"""TF1 learning-rate decay functions (`tf.train.exponential_decay`, ...).

As in TensorFlow 1 under eager execution, each returns a zero-argument callable that evaluates
the schedule at the current value of `global_step`; TF1 optimizers accept it as their
learning rate. In a TF1 graph (or a `tf.function`) the callable is evaluated at once and the
tensor is returned instead, so it reads `global_step` when the graph runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eagerflow.core.context import executing_eagerly
from eagerflow.keras.optimizers.schedules import learning_rate_schedule as lrs


def _require_step(global_step: Any, fn: str) -> None:
    if global_step is None:
        raise ValueError(f"{fn}: global_step is required.")


def _deferred(schedule: lrs.LearningRateSchedule, global_step: Any) -> Any:
    def learning_rate() -> Any:
        return schedule(global_step)

    return learning_rate if executing_eagerly() else learning_rate()


def exponential_decay(
    learning_rate: float,
    global_step: Any,
    decay_steps: int,
    decay_rate: float,
    staircase: bool = False,
    name: Any = None,
) -> Callable | Any:
    """`learning_rate * decay_rate ** (global_step / decay_steps)`.

    Example:
        >>> step = tf.train.get_or_create_global_step()
        >>> lr = tf.train.exponential_decay(0.1, step, 100, 0.96, staircase=True)
        >>> opt = tf.train.GradientDescentOptimizer(lr)
    """
    _require_step(global_step, "exponential_decay")
    schedule = lrs.ExponentialDecay(learning_rate, decay_steps, decay_rate, staircase)
    return _deferred(schedule, global_step)


def inverse_time_decay(
    learning_rate: float,
    global_step: Any,
    decay_steps: int,
    decay_rate: float,
    staircase: bool = False,
    name: Any = None,
) -> Callable | Any:
    """`learning_rate / (1 + decay_rate * global_step / decay_steps)`."""
    _require_step(global_step, "inverse_time_decay")
    schedule = lrs.InverseTimeDecay(learning_rate, decay_steps, decay_rate, staircase)
    return _deferred(schedule, global_step)


def polynomial_decay(
    learning_rate: float,
    global_step: Any,
    decay_steps: int,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
    name: Any = None,
) -> Callable | Any:
    """Polynomial decay from `learning_rate` to `end_learning_rate` over `decay_steps`."""
    _require_step(global_step, "polynomial_decay")
    schedule = lrs.PolynomialDecay(learning_rate, decay_steps, end_learning_rate, power, cycle)
    return _deferred(schedule, global_step)


def piecewise_constant(x: Any, boundaries: list, values: list, name: Any = None) -> Any:
    """`values[i]` while `x` is in `(boundaries[i-1], boundaries[i]]`."""
    _require_step(x, "piecewise_constant")
    return _deferred(lrs.PiecewiseConstantDecay(boundaries, values), x)


def cosine_decay(
    learning_rate: float, global_step: Any, decay_steps: int, alpha: float = 0.0, name: Any = None
) -> Callable | Any:
    """Cosine decay from `learning_rate` to `alpha * learning_rate` over `decay_steps`."""
    _require_step(global_step, "cosine_decay")
    return _deferred(lrs.CosineDecay(learning_rate, decay_steps, alpha), global_step)
