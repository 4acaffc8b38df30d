"""`GraphStep`: a Keras step that runs eagerly once, then as a `tf.function`."""

from __future__ import annotations

import logging
from typing import Any

_LOG = logging.getLogger("eagerflow.keras")


class GraphStep:
    """A step that runs eagerly the first time, then as a `tf.function`.

    The eager first call creates every variable (layer weights, optimizer slots, metric
    state) so that tracing only reads and updates them. If `tf.function` is unavailable or a
    trace fails, the step stays eager and the reason is logged once.
    """

    def __init__(self, model: Any, kind: str, step: Any) -> None:
        self._model = model
        self._kind = kind
        self._step = step
        self._function: Any = None
        self._calls = 0
        self.eager_fallback_reason: str | None = None
        self.traced = False  # True once a step ran as a tf.function

    def __call__(self, batch: Any) -> Any:
        self._calls += 1
        if self._calls == 1 or self.eager_fallback_reason is not None:
            return self._step(batch)
        if self._function is None:
            self._function = self._make_function()
            if self._function is None:
                return self._step(batch)
        try:
            result = self._function(batch)
        except Exception as error:  # noqa: BLE001  (a failed trace: fall back, say why)
            self.eager_fallback_reason = f"{type(error).__name__}: {error}"
            _LOG.warning(
                "Keras %s step: tf.function failed (%s); running eagerly instead.",
                self._kind,
                self.eager_fallback_reason,
            )
            return self._step(batch)
        self.traced = True
        return result

    def _make_function(self) -> Any:
        try:
            import eagerflow as tf  # noqa: PLC0415  (tf.function lives above keras' imports)

            function = tf.function
        except (ImportError, AttributeError) as error:
            self.eager_fallback_reason = f"tf.function is not available ({error})"
            return None
        return function(self._step)
