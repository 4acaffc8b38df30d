"""`tf.keras.optimizers.schedules`: learning rates as functions of the step.

Each schedule's formula is one primitive over the step (a 0-d array), so evaluating it per
training step costs one kernel call, and a traced step reads the optimizer's `iterations`
when it runs. The formulas are Keras's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor_spec import TensorSpec


def _scalar_rule(step: Any, **attrs: Any) -> TensorSpec:
    return TensorSpec((), dtypes.float32)


def _schedule_primitive(name: str, formula: Callable[..., Any]) -> Primitive:
    def kernel(xp: Any, step: Any, **config: Any) -> Any:
        value = formula(xp, xp.asarray(step, dtype="float64"), **config)
        return xp.asarray(value, dtype="float32")

    prim = Primitive(name, kernel, _scalar_rule)
    no_gradient(name)
    return prim


class LearningRateSchedule:
    """Base class: a callable `step -> learning rate` with a serializable config.

    Example:
        >>> class Halving(tf.keras.optimizers.schedules.LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** (tf.cast(step, tf.float32) // 10)
    """

    _primitive: Primitive | None = None
    # The constructor arguments, in signature order, that `get_config` reports (built-ins).
    _config_keys: tuple[str, ...] = ()

    def __call__(self, step: Any) -> Any:
        if self._primitive is None:
            raise NotImplementedError(f"{type(self).__name__} must implement __call__(step).")
        return execute(self._primitive, (convert_to_tensor(step),), self._attrs())

    def _attrs(self) -> dict:
        return {k: (tuple(v) if isinstance(v, list) else v) for k, v in self._params().items()}

    def _params(self) -> dict:
        config = self.get_config()
        config.pop("name", None)
        return config

    def get_config(self) -> dict:
        if not self._config_keys:
            raise NotImplementedError(f"{type(self).__name__} must implement get_config().")
        return {key: getattr(self, key) for key in self._config_keys}

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        return cls(**config)


def _check_positive(schedule: str, arg: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"{schedule}: {arg} must be > 0, got {value!r}.")


def _exponential(xp, step, initial_learning_rate, decay_steps, decay_rate, staircase):
    p = step / decay_steps
    if staircase:
        p = xp.floor(p)
    return initial_learning_rate * decay_rate**p


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (floored if `staircase`).

    Example:
        >>> s = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
        >>> round(float(s(10)), 6)
        0.05
    """

    _primitive = _schedule_primitive("ExponentialDecaySchedule", _exponential)
    _config_keys = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        _check_positive("ExponentialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name


def _piecewise(xp, step, boundaries, values):
    # values[i] on (boundaries[i-1], boundaries[i]]: the count of boundaries strictly below.
    index = xp.searchsorted(xp.asarray(boundaries, dtype="float64"), step, side="left")
    return xp.asarray(values, dtype="float64")[index]


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` up to `boundaries[0]`, `values[1]` up to `boundaries[1]`, ...

    Example:
        >>> s = tf.keras.optimizers.schedules.PiecewiseConstantDecay([10], [1.0, 0.5])
        >>> float(s(10)), float(s(11))
        (1.0, 0.5)
    """

    _primitive = _schedule_primitive("PiecewiseConstantSchedule", _piecewise)
    _config_keys = ("boundaries", "values", "name")

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: the length of boundaries should be 1 less than the "
                f"length of values; got {len(boundaries)} boundaries and {len(values)} values."
            )
        self.boundaries = list(boundaries)
        self.values = [float(v) for v in values]
        self.name = name


def _polynomial(xp, step, initial_learning_rate, decay_steps, end_learning_rate, power, cycle):
    if cycle:
        multiplier = xp.where(step == 0, 1.0, xp.ceil(step / decay_steps))
        decay_steps = decay_steps * multiplier
    else:
        step = xp.minimum(step, decay_steps)
    fraction = step / decay_steps
    return (initial_learning_rate - end_learning_rate) * (1 - fraction) ** power + (
        end_learning_rate
    )


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from `initial_learning_rate` to `end_learning_rate` over `decay_steps`.

    Example:
        >>> s = tf.keras.optimizers.schedules.PolynomialDecay(1.0, 10, 0.0)
        >>> float(s(5))
        0.5
    """

    _primitive = _schedule_primitive("PolynomialDecaySchedule", _polynomial)
    _config_keys = (
        "initial_learning_rate",
        "decay_steps",
        "end_learning_rate",
        "power",
        "cycle",
        "name",
    )

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        _check_positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.end_learning_rate = float(end_learning_rate)
        self.power = float(power)
        self.cycle = bool(cycle)
        self.name = name


def _inverse_time(xp, step, initial_learning_rate, decay_steps, decay_rate, staircase):
    p = step / decay_steps
    if staircase:
        p = xp.floor(p)
    return initial_learning_rate / (1 + decay_rate * p)


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Example:
        >>> s = tf.keras.optimizers.schedules.InverseTimeDecay(1.0, 1, 1.0)
        >>> float(s(1))
        0.5
    """

    _primitive = _schedule_primitive("InverseTimeDecaySchedule", _inverse_time)
    _config_keys = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        _check_positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name


def _cosine_from(xp, step, decay_steps, from_lr, alpha):
    cosine = 0.5 * (1.0 + xp.cos(math.pi * step / decay_steps))
    return from_lr * ((1.0 - alpha) * cosine + alpha)


def _cosine(xp, step, initial_learning_rate, decay_steps, alpha, warmup_target, warmup_steps):
    if warmup_target is None:
        return _cosine_from(
            xp, xp.minimum(step, decay_steps), decay_steps, initial_learning_rate, alpha
        )
    capped = xp.minimum(step, decay_steps + warmup_steps)
    warmup = initial_learning_rate + (warmup_target - initial_learning_rate) * (
        step / max(warmup_steps, 1)
    )
    decayed = _cosine_from(xp, capped - warmup_steps, decay_steps, warmup_target, alpha)
    return xp.where(step < warmup_steps, warmup, decayed)


class CosineDecay(LearningRateSchedule):
    """Cosine decay (optionally after a linear warmup to `warmup_target`), as in SGDR.

    Example:
        >>> s = tf.keras.optimizers.schedules.CosineDecay(1.0, 10)
        >>> float(s(5))
        0.5
    """

    _primitive = _schedule_primitive("CosineDecaySchedule", _cosine)
    _config_keys = (
        "initial_learning_rate",
        "decay_steps",
        "alpha",
        "name",
        "warmup_target",
        "warmup_steps",
    )

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        _check_positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.alpha = float(alpha)
        self.name = name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = warmup_steps


def _cosine_restarts(xp, step, initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha):
    fraction = step / first_decay_steps
    if t_mul == 1.0:
        restart = xp.floor(fraction)
        fraction = fraction - restart
    else:
        restart = xp.floor(xp.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
        done = (1.0 - t_mul**restart) / (1.0 - t_mul)
        fraction = (fraction - done) / t_mul**restart
    cosine = 0.5 * m_mul**restart * (1.0 + xp.cos(math.pi * fraction))
    return initial_learning_rate * ((1.0 - alpha) * cosine + alpha)


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts; periods grow by `t_mul`, peaks shrink by `m_mul`.

    Example:
        >>> s = tf.keras.optimizers.schedules.CosineDecayRestarts(1.0, 10)
        >>> float(s(10))
        1.0
    """

    _primitive = _schedule_primitive("CosineDecayRestartsSchedule", _cosine_restarts)
    _config_keys = ("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name")

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        _check_positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.first_decay_steps = first_decay_steps
        self.t_mul = float(t_mul)
        self.m_mul = float(m_mul)
        self.alpha = float(alpha)
        self.name = name


_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(schedule: LearningRateSchedule) -> dict:
    """`{"class_name": ..., "config": ...}` for a schedule."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule described by `serialize`'s output."""
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or _SCHEDULES.get(name)
    if cls is None:
        raise ValueError(
            f"schedules.deserialize: unknown schedule {name!r}; known are {sorted(_SCHEDULES)}."
        )
    return cls.from_config(config["config"])
