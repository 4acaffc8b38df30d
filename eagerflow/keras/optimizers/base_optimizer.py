"""`tf.keras.optimizers.Optimizer`: the base class every optimizer builds on.

A subclass implements `build(var_list)` (create its slots with `add_variable_from_reference`)
and a per-variable `update_step(gradient, variable, learning_rate)`. The base class owns the
rest: the learning rate (float, `Variable` or `LearningRateSchedule`), `iterations`, gradient
clipping (`clipnorm`, `clipvalue`, `global_clipnorm`), decoupled weight decay, constraints,
`apply_gradients`, `minimize`, configs, and the slot bookkeeping checkpoints rely on.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from eagerflow.core import backend
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import execute_update
from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import Variable
from eagerflow.keras.optimizers import _update_primitives as prims
from eagerflow.keras.optimizers.schedules import learning_rate_schedule as lrs
from eagerflow.module import camel_to_snake
from eagerflow.train.creation_hooks import variable_created


class _VariableList(list):
    """A list of variables that can also be called: `opt.variables` and `opt.variables()`.

    Keras 3 made `variables` a property; TF 2's OptimizerV2 had a method. Both spellings work.
    """

    def __call__(self) -> list:
        return list(self)


def _base_name(variable: Any) -> str:
    return variable.name.split(":")[0].replace("/", "_")


class Optimizer:
    """Base class for Keras optimizers.

    Args:
        learning_rate: A float, a `tf.Variable`, a `LearningRateSchedule` or a callable taking
            no arguments.
        weight_decay: If set, decoupled weight decay: each step multiplies every variable by
            `1 - learning_rate * weight_decay` before the update.
        clipnorm: If set, each gradient is clipped so that its L2 norm is at most this value.
        clipvalue: If set, each gradient is clipped elementwise to `[-clipvalue, clipvalue]`.
        global_clipnorm: If set, all gradients are scaled so that their global norm is at most
            this value.
        name: The name of the optimizer; its variables are prefixed with it.

    Example:
        >>> v = tf.Variable([1.0, 2.0])
        >>> opt = tf.keras.optimizers.SGD(learning_rate=0.1)
        >>> _ = opt.apply_gradients([(tf.constant([1.0, 1.0]), v)])
        >>> v.numpy()
        array([0.9, 1.9], dtype=float32)
    """

    def __init__(
        self,
        learning_rate: Any,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", 0):
            raise ValueError(
                f"{type(self).__name__}: `decay` is not an argument of Keras optimizers; pass a "
                "tf.keras.optimizers.schedules.InverseTimeDecay as learning_rate instead."
            )
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}; "
                "allowed are learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm "
                "and name."
            )
        set_clips = [n for n, v in _clip_args(clipnorm, clipvalue, global_clipnorm) if v]
        if len(set_clips) > 1:
            raise ValueError(
                f"{type(self).__name__}: only one of clipnorm, clipvalue and global_clipnorm "
                f"can be set; received {set_clips}."
            )
        for arg, value in _clip_args(clipnorm, clipvalue, global_clipnorm):
            if value is not None and not value > 0:
                raise ValueError(f"{type(self).__name__}: {arg} must be positive, got {value!r}.")
        if weight_decay is not None and weight_decay < 0:
            raise ValueError(
                f"{type(self).__name__}: weight_decay must be non-negative, got {weight_decay!r}."
            )
        self.name = name if name is not None else camel_to_snake(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.built = False
        self._exclude_from_weight_decay: set[int] = set()
        self._exclude_names: tuple = ()
        self._slots: dict[int, dict[str, Variable]] = {}
        self._slot_list: list[tuple[Any, str, Variable]] = []
        self._trainable_variables: list[Any] = []
        self._variable_index: dict[int, int] = {}
        self._warned_none: set[str] = set()
        self._current_step: Any = None  # iterations, read once per step in apply()
        self._extra_variables: list[Variable] = []
        self.iterations = Variable(
            np.int64(0), trainable=False, name=f"{self.name}/iteration", dtype="int64"
        )
        variable_created(self, "iter", self.iterations)
        self._learning_rate = self._build_learning_rate(learning_rate)

    # -- learning rate ---------------------------------------------------------------------
    def _build_learning_rate(self, learning_rate: Any) -> Any:
        if isinstance(learning_rate, (lrs.LearningRateSchedule, Variable)):
            return learning_rate
        if isinstance(learning_rate, Tensor) and learning_rate.shape.rank == 0:
            return learning_rate  # e.g. a TF1 decay tensor in a graph
        if callable(learning_rate):
            return learning_rate
        try:
            value = float(learning_rate)
        except (TypeError, ValueError):
            raise TypeError(
                f"{type(self).__name__}: learning_rate must be a float, a tf.Variable, a "
                f"LearningRateSchedule or a callable; received {learning_rate!r}."
            ) from None
        variable = Variable(np.float32(value), trainable=False, name=f"{self.name}/learning_rate")
        variable_created(self, "learning_rate", variable)
        return variable

    @property
    def learning_rate(self) -> Any:
        """The current learning rate: the variable, or the schedule's value at `iterations`."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if isinstance(value, (lrs.LearningRateSchedule, Variable)) or callable(value):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, lrs.LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__}: this optimizer was created with a "
                "LearningRateSchedule; its learning rate cannot be set to a value. Pass a new "
                "schedule, or create the optimizer with a float learning rate."
            )
        if isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(np.asarray(float(value), dtype=np.float32))
        else:
            self._learning_rate = self._build_learning_rate(value)

    lr = learning_rate

    def _get_current_learning_rate(self) -> Any:
        lr = self._learning_rate
        if isinstance(lr, lrs.LearningRateSchedule):
            return lr(self.iterations)
        if isinstance(lr, (Variable, Tensor)):
            return lr
        return convert_to_tensor(lr(), dtype_hint="float32")

    # -- building and slots ----------------------------------------------------------------
    def build(self, var_list: list) -> None:
        """Creates the optimizer's state for `var_list`; subclasses add their slots here."""
        for variable in var_list:
            if id(variable) not in self._slots:
                self._slots[id(variable)] = {}
                self._variable_index[id(variable)] = len(self._trainable_variables)
                self._trainable_variables.append(variable)
        self.built = True

    def _get_variable_index(self, variable: Any) -> int:
        """Position of `variable` in build order (Keras 3 subclasses index slot lists by it)."""
        try:
            return self._variable_index[id(variable)]
        except KeyError:
            raise KeyError(
                f"{type(self).__name__}: variable {variable.name} was not built by this "
                "optimizer; call build() with it first."
            ) from None

    # Keras 3's update helpers, for subclasses written against its API.
    def assign(self, variable: Variable, value: Any) -> None:
        variable.assign(value)

    def assign_add(self, variable: Variable, value: Any) -> None:
        variable.assign_add(value)

    def assign_sub(self, variable: Variable, value: Any) -> None:
        variable.assign_sub(value)

    def add_variable_from_reference(
        self, reference_variable: Any, name: str, initializer: Any = "zeros"
    ) -> Variable:
        """Creates a slot like `reference_variable` (shape, dtype, device) named `name`."""
        ref = reference_variable._value
        xp = backend.device_of(ref).xp
        if initializer == "zeros":
            value = xp.zeros(ref.shape, dtype=ref.dtype)
        elif initializer == "ones":
            value = xp.ones(ref.shape, dtype=ref.dtype)
        elif isinstance(initializer, (int, float)):
            value = xp.full(ref.shape, initializer, dtype=ref.dtype)
        else:
            raise ValueError(
                f"add_variable_from_reference: initializer must be 'zeros', 'ones' or a number, "
                f"got {initializer!r}."
            )
        slot = Variable(
            value, trainable=False, name=f"{self.name}/{_base_name(reference_variable)}_{name}"
        )
        self._slots.setdefault(id(reference_variable), {})[name] = slot
        self._slot_list.append((reference_variable, name, slot))
        variable_created(self, name, slot)
        return slot

    def add_variable(
        self, shape: Any = (), initializer: Any = "zeros", dtype: Any = "float32", name: str = ""
    ) -> Variable:
        """Creates a non-slot optimizer variable (e.g. Nadam's momentum-cache product)."""
        np_dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
        fill = {"zeros": 0.0, "ones": 1.0}.get(initializer, initializer)
        variable = Variable(
            np.full(shape, fill, dtype=np_dtype), trainable=False, name=f"{self.name}/{name}"
        )
        self._extra_variables.append(variable)
        variable_created(self, name, variable)
        return variable

    def get_slot(self, var: Any, slot_name: str) -> Variable:
        """The slot `slot_name` of `var` (TF 2's OptimizerV2 name)."""
        try:
            return self._slots[id(var)][slot_name]
        except KeyError:
            raise KeyError(
                f"{type(self).__name__}: no slot {slot_name!r} for variable {var.name}; slots "
                f"are {self.get_slot_names()}."
            ) from None

    def get_slot_names(self) -> list[str]:
        names: list[str] = []
        for _, name, _ in self._slot_list:
            if name not in names:
                names.append(name)
        return names

    def _slot_variables(self) -> list[tuple[Any, str, Variable]]:
        """(primary variable, slot name, slot variable) for every slot, for checkpoints."""
        return list(self._slot_list)

    def _checkpoint_children(self) -> dict[str, Any]:
        """Named non-slot dependencies a checkpoint saves (`iter`, `learning_rate`, ...)."""
        children: dict[str, Any] = {"iter": self.iterations}
        if isinstance(self._learning_rate, Variable):
            children["learning_rate"] = self._learning_rate
        for variable in self._extra_variables:
            children[variable.name.split(":")[0].rsplit("/", 1)[-1]] = variable
        return children

    @property
    def variables(self) -> _VariableList:
        """All optimizer variables: iterations, the learning rate, extra state, slots."""
        out = _VariableList([self.iterations])
        if isinstance(self._learning_rate, Variable):
            out.append(self._learning_rate)
        out.extend(self._extra_variables)
        out.extend(slot for _, _, slot in self._slot_list)
        return out

    def get_weights(self) -> list:
        return [np.asarray(v) for v in self.variables]

    def set_weights(self, weights: list) -> None:
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(
                f"{type(self).__name__}.set_weights: expected {len(variables)} arrays, got "
                f"{len(weights)}."
            )
        for variable, value in zip(variables, weights):
            variable.assign(np.asarray(value, dtype=variable.dtype.as_numpy_dtype))

    # -- applying gradients ----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Iterable, name: Any = None, **kwargs: Any) -> Any:
        """Applies `(gradient, variable)` pairs; skips pairs whose gradient is None.

        Returns `iterations`. Raises `ValueError` if no gradient at all is given.
        """
        grads, variables = self._filter_gradients(grads_and_vars)
        self.apply(grads, variables)
        return self.iterations

    def _filter_gradients(self, grads_and_vars: Iterable) -> tuple[list, list]:
        pairs = list(grads_and_vars)
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(
                    f"{type(self).__name__}.apply_gradients: expected (gradient, variable) "
                    f"pairs, got {pair!r}."
                )
        kept = [(g, v) for g, v in pairs if g is not None]
        if not kept:
            names = [getattr(v, "name", repr(v)) for _, v in pairs]
            raise ValueError(
                f"{type(self).__name__}.apply_gradients: no gradients provided for any "
                f"variable: {names}. Check that the loss depends on the variables and was "
                "computed inside the GradientTape."
            )
        missing = [v.name for g, v in pairs if g is None and v.name not in self._warned_none]
        if missing:
            self._warned_none.update(missing)
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss; "
                "they are not updated.",
                UserWarning,
                stacklevel=3,
            )
        return [g for g, _ in kept], [v for _, v in kept]

    def apply(self, grads: list, trainable_variables: list | None = None) -> Any:
        """Updates `trainable_variables` with `grads` (lists of the same length)."""
        if trainable_variables is None:
            raise ValueError(f"{type(self).__name__}.apply: trainable_variables is required.")
        grads = list(grads)
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"{type(self).__name__}.apply: got {len(grads)} gradients for "
                f"{len(trainable_variables)} variables."
            )
        new = [v for v in trainable_variables if id(v) not in self._slots]
        if new:
            self.build(new)
        grads = [self._dense_gradient(g, v) for g, v in zip(grads, trainable_variables)]
        grads = self._clip_gradients(grads)
        # Per-step scalars are read once, as tensors: a traced step reads their values when it
        # runs (kernels get arrays, never Variable objects).
        learning_rate = _read(self._get_current_learning_rate())
        self._current_step = self.iterations.read_value()
        self._before_update_step(learning_rate)
        if self.weight_decay:
            self._apply_weight_decay(trainable_variables, learning_rate)
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.assign(constraint(variable))
        execute_update(prims.INCREMENT, self.iterations, ())
        return self.iterations

    def _before_update_step(self, learning_rate: Any) -> None:
        """Hook for state updated once per step before the variables (Nadam)."""

    def _dense_gradient(self, grad: Any, variable: Any) -> Tensor:
        if not isinstance(grad, Tensor):
            grad = convert_to_tensor(grad, dtype=variable.dtype)
        if grad.dtype is not variable.dtype:
            raise TypeError(
                f"{type(self).__name__}: gradient for variable {variable.name} has dtype "
                f"{grad.dtype.name} but the variable has dtype {variable.dtype.name}."
            )
        return grad

    def update_step(self, gradient: Tensor, variable: Variable, learning_rate: Any) -> None:
        """Updates one variable; implemented by each optimizer."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step.")

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> Any:
        """Computes gradients of `loss` with respect to `var_list` and applies them.

        `loss` is a zero-argument callable (its tape is made here) or a tensor computed under
        `tape`. `var_list` may be a list or a zero-argument callable returning one.
        """
        from eagerflow.autodiff.tape import GradientTape  # noqa: PLC0415  (autodiff imports late)

        if callable(loss):
            with GradientTape() as tape:
                if not callable(var_list):
                    for variable in var_list:
                        tape.watch(variable)
                loss_value = loss()
        elif tape is None:
            raise ValueError(
                f"{type(self).__name__}.minimize: `tape` is required when `loss` is a tensor "
                f"(got loss={loss!r}); pass a callable or the GradientTape that computed it."
            )
        else:
            loss_value = loss
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss_value, var_list)
        return self.apply_gradients(zip(grads, var_list))

    # -- clipping and weight decay ---------------------------------------------------------
    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm is None and self.clipvalue is None and self.global_clipnorm is None:
            return grads
        import eagerflow as tf  # noqa: PLC0415  (public clip ops, looked up at call time)

        if self.clipnorm is not None:
            return [tf.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            return list(tf.clip_by_global_norm(grads, self.global_clipnorm)[0])
        return [tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]

    def exclude_from_weight_decay(self, var_list: list | None = None, var_names: Any = None):
        """Excludes variables (or variables whose name contains one of `var_names`)."""
        for variable in var_list or ():
            self._exclude_from_weight_decay.add(id(variable))
        self._exclude_names = tuple(var_names or ())

    def _use_weight_decay(self, variable: Any) -> bool:
        if id(variable) in self._exclude_from_weight_decay:
            return False
        return not any(name in variable.name for name in self._exclude_names)

    def _apply_weight_decay(self, variables: list, learning_rate: Any) -> None:
        for variable in variables:
            if self._use_weight_decay(variable):
                execute_update(
                    prims.DECOUPLED_WEIGHT_DECAY,
                    variable,
                    (learning_rate,),
                    {"weight_decay": float(self.weight_decay)},
                )

    # -- config ----------------------------------------------------------------------------
    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, lrs.LearningRateSchedule):
            learning_rate: Any = lrs.serialize(lr)
        elif isinstance(lr, Variable):
            learning_rate = float(lr.numpy())
        else:
            learning_rate = lr
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = lrs.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} iterations={int(self.iterations)}>"


def _read(value: Any) -> Any:
    return value.read_value() if isinstance(value, Variable) else value


def _clip_args(clipnorm: Any, clipvalue: Any, global_clipnorm: Any) -> list[tuple[str, Any]]:
    return [("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)]
