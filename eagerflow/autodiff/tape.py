"""`tf.GradientTape`: records ops on watched tensors and plays them back for gradients."""

from __future__ import annotations

import contextlib
import enum
import warnings
import weakref
from collections.abc import Iterator
from typing import Any

from eagerflow.autodiff.backprop import backward
from eagerflow.core import context, nest
from eagerflow.core.dispatch import OpRecord
from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import Variable


class UnconnectedGradients(enum.Enum):
    """What `gradient()` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"
    RAISE = "raise"  # eagerflow extension: an error naming the source


_DEFAULT = object()
# Ids of variables already warned about; an id leaves the set when its variable dies, so
# the warning neither keeps variables alive nor skips a new variable that reuses the id.
_WARNED: set[int] = set()


def _warn_none_gradient(var: Variable) -> None:
    if id(var) in _WARNED:
        return
    _WARNED.add(id(var))
    weakref.finalize(var, _WARNED.discard, id(var))
    warnings.warn(
        f"GradientTape.gradient: the gradient for trainable variable {var.name!r} (shape "
        f"{var.shape}) is None. The target does not depend on it: the variable is not used, "
        "or it is used only through .numpy(), a Python value, an integer cast or "
        "tf.stop_gradient. Pass unconnected_gradients='zero' to get zeros, or 'raise' to make "
        "this an error.",
        UserWarning,
        stacklevel=3,
    )


class GradientTape:
    """Records operations for automatic differentiation, as `tf.GradientTape`.

    Example:
        >>> w = tf.Variable([[1.0]])
        >>> with tf.GradientTape() as tape:
        ...     loss = w * w
        >>> print(tape.gradient(loss, w))
        tf.Tensor([[2.]], shape=(1, 1), dtype=float32)
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._recording = False
        self._used = False
        self._reset_state()

    def _reset_state(self) -> None:
        self._records: list[OpRecord] = []
        self._watched_ids: set[int] = set()
        # Keeps manually watched tensors alive so their ids stay unique while recorded.
        self._watched: dict[int, Any] = {}
        self._variables: dict[int, Variable] = {}

    # -- context ------------------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        self._push()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        context.push_tape(self)
        self._recording = True

    def _pop(self) -> None:
        context.pop_tape(self)
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Temporarily stops recording operations on this tape."""
        if not self._recording:
            raise ValueError("Tape must be recording when stop_recording() is entered.")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self) -> None:
        """Clears everything recorded so far; the tape keeps recording if it was."""
        self._reset_state()

    # -- watching -----------------------------------------------------------------------
    def watch(self, tensor: Any) -> None:
        """Ensures that `tensor` (a Tensor, Variable or nested structure of them) is traced."""
        for t in nest.flatten(tensor):
            if not isinstance(t, (Tensor, Variable)):
                raise ValueError(f"GradientTape.watch: expected a Tensor or Variable, got {t!r}.")
            if not t.dtype.is_differentiable:
                warnings.warn(
                    f"GradientTape.watch: the dtype of the watched tensor must be floating "
                    f"(e.g. tf.float32), got {t.dtype!r}; it will get no gradient.",
                    UserWarning,
                    stacklevel=2,
                )
            self._watched_ids.add(id(t))
            self._watched[id(t)] = t
            if isinstance(t, Variable):
                self._variables[id(t)] = t

    def variable_accessed(self, variable: Variable) -> None:
        """Called when a variable is read while this tape records."""
        if (
            self._watch_accessed_variables
            and variable.trainable
            and id(variable) not in self._watched_ids
        ):
            self.watch(variable)

    def watched_variables(self) -> tuple:
        return tuple(self._variables.values())

    def record_operation(self, prim: Any, inputs: tuple, outputs: tuple, attrs: dict) -> None:
        """Appends an executed primitive if any of its inputs is watched (called by dispatch)."""
        watched = self._watched_ids
        for t in inputs:
            if id(t) in watched:
                break
        else:
            return
        self._records.append(OpRecord(prim, inputs, outputs, attrs))
        if len(outputs) == 1:
            watched.add(id(outputs[0]))
        else:
            watched.update(map(id, outputs))

    # -- gradients ----------------------------------------------------------------------
    def _check_usable(self) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians)"
            )

    def _finish_call(self) -> None:
        if not self._persistent:
            self._used = True
            variables = self._variables
            self._reset_state()  # release the records and watched tensors...
            self._variables = variables  # ...but keep answering watched_variables(), as TF

    def _stop_if_recording(self) -> None:
        # TF: a non-persistent tape stops recording when gradient() is called in its scope;
        # a persistent one keeps recording, so its own gradient ops can be differentiated.
        if self._recording and not self._persistent:
            self._pop()

    def _seeds(self, targets: list, output_gradients: Any) -> dict:
        from eagerflow.core.convert import convert_to_tensor  # noqa: PLC0415
        from eagerflow.ops.array_ops import ones_like  # noqa: PLC0415

        if output_gradients is None:
            grads = [None] * len(targets)
        else:
            grads = nest.flatten(output_gradients)
            if len(grads) != len(targets):
                raise ValueError(
                    f"GradientTape.gradient: got {len(grads)} output_gradients for "
                    f"{len(targets)} targets."
                )
        seeds: dict[int, Any] = {}
        # Seeds must be constants: recorded on an outer tape they would connect the gradient
        # to the target and make e.g. the guide's third derivative of x*x non-None.
        s = context.state()
        saved, s.tapes = s.tapes, ()
        try:
            for t, g in zip(targets, grads):
                g = ones_like(t) if g is None else convert_to_tensor(g, dtype=t.dtype)
                previous = seeds.get(id(t))
                seeds[id(t)] = g if previous is None else previous + g
        finally:
            s.tapes = saved
        return seeds

    def gradient(
        self,
        target: Any,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: Any = _DEFAULT,
    ) -> Any:
        """Gradients of `target` (a tensor or nested structure) with respect to `sources`.

        Returns the same structure as `sources`; integer sources get None, as do sources the
        target does not depend on (unless `unconnected_gradients='zero'` or `'raise'`).
        """
        self._check_usable()
        self._stop_if_recording()
        mode = UnconnectedGradients(
            "none"
            if unconnected_gradients is _DEFAULT
            else getattr(unconnected_gradients, "value", unconnected_gradients)
        )
        flat_targets = nest.flatten(target)
        flat_sources = nest.flatten(sources)
        for s in flat_sources:
            if not isinstance(s, (Tensor, Variable)):
                raise ValueError(
                    f"GradientTape.gradient: sources must be Tensors or Variables, got {s!r}."
                )
        seeds = self._seeds(flat_targets, output_gradients)
        grads = backward(self._records, seeds, {id(s) for s in flat_sources})
        result = [
            self._source_gradient(s, grads.get(id(s)), mode, unconnected_gradients is _DEFAULT)
            for s in flat_sources
        ]
        self._finish_call()
        return nest.pack_sequence_as(sources, result)

    def _source_gradient(
        self, source: Any, grad: Any, mode: UnconnectedGradients, default: bool
    ) -> Any:
        if not source.dtype.is_differentiable:
            return None
        if grad is not None:
            return grad
        if mode is UnconnectedGradients.ZERO:
            from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

            return zeros_like(source)
        label = source.name if isinstance(source, Variable) else f"tensor of shape {source.shape}"
        if mode is UnconnectedGradients.RAISE:
            raise ValueError(
                f"GradientTape.gradient: the target is not connected to source {label!r} "
                "(unconnected_gradients='raise')."
            )
        if default and isinstance(source, Variable) and source.trainable:
            _warn_none_gradient(source)
        return None

    def jacobian(
        self,
        target: Any,
        sources: Any,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
        parallel_iterations: Any = None,
        experimental_use_pfor: bool = True,
    ) -> Any:
        """The Jacobian of `target` w.r.t. each source: shape target.shape + source.shape."""
        from eagerflow.autodiff.jacobian import jacobian  # noqa: PLC0415

        return jacobian(self, target, sources, unconnected_gradients)

    def batch_jacobian(
        self,
        target: Any,
        source: Any,
        unconnected_gradients: Any = UnconnectedGradients.NONE,
        parallel_iterations: Any = None,
        experimental_use_pfor: bool = True,
    ) -> Any:
        """Per-example Jacobians: shape [batch] + target.shape[1:] + source.shape[1:]."""
        from eagerflow.autodiff.jacobian import batch_jacobian  # noqa: PLC0415

        return batch_jacobian(self, target, source, unconnected_gradients)
