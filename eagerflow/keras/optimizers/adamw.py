"""`tf.keras.optimizers.AdamW`: Adam with decoupled weight decay."""

from __future__ import annotations

from typing import Any

from eagerflow.keras.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter).

    Each step first shrinks every variable, `w = w * (1 - learning_rate * weight_decay)`, then
    applies the Adam update. Exclude variables with `exclude_from_weight_decay`.

    Args:
        learning_rate: A float, `Variable` or `LearningRateSchedule`. Defaults to 0.001.
        weight_decay: The decoupled weight decay. Defaults to 0.004.
        beta_1, beta_2, epsilon, amsgrad: As in `Adam`.

    Example:
        >>> opt = tf.keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
        >>> var = tf.Variable(1.0)
        >>> _ = opt.apply_gradients([(tf.constant(0.0), var)])
        >>> round(float(var.numpy()), 4)
        0.95
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str = "adamw",
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a float, got None.")
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            name=name,
            weight_decay=weight_decay,
            **kwargs,
        )
