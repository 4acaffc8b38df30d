"""`tf.keras.losses`: loss functions (per-sample values) and `Loss` classes (reduced).

A function maps `(y_true, y_pred)` to one loss per sample (the last axis reduced). A class
wraps it with a reduction, `"sum_over_batch_size"` (the default: sum divided by the number of
per-sample values), `"sum"`, `"none"` or `"mean_with_sample_weight"`, and an optional
`sample_weight` broadcast against the per-sample values. Built only from public ops, so losses
differentiate and trace like any other composite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.keras import _serialization
from eagerflow.ops import (
    array_ops,
    cast_ops,
    clip_ops,
    gather_ops,
    math_ops,
    math_unary_ops,
    nn_loss_ops,
    reduction_ops,
)

EPSILON = 1e-7  # keras.backend.epsilon()


class Reduction:
    """Names of the reductions (`tf.keras.losses.Reduction`)."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
    MEAN_WITH_SAMPLE_WEIGHT = "mean_with_sample_weight"

    @classmethod
    def all(cls) -> tuple:
        return (
            cls.AUTO,
            cls.NONE,
            cls.SUM,
            cls.SUM_OVER_BATCH_SIZE,
            cls.MEAN_WITH_SAMPLE_WEIGHT,
            "mean",
            None,
        )

    @classmethod
    def validate(cls, key: Any) -> None:
        if key not in cls.all():
            raise ValueError(
                f"Invalid Reduction key: {key!r}. Expected one of "
                f"{[k for k in cls.all() if k is not None]}."
            )


# -- shape helpers ---------------------------------------------------------------------------
def _rank(x: Tensor) -> int:
    return len(x.shape)


def squeeze_or_expand_to_same_rank(x1: Tensor, x2: Tensor, expand_rank_1: bool = True) -> tuple:
    """Makes ranks equal when they differ by one and the extra axis has size 1."""
    r1, r2 = _rank(x1), _rank(x2)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1:
        if x1.shape[-1] == 1:
            if r2 == 1 and expand_rank_1:
                x2 = array_ops.expand_dims(x2, -1)
            else:
                x1 = array_ops.squeeze(x1, -1)
    if r2 == r1 + 1:
        if x2.shape[-1] == 1:
            if r1 == 1 and expand_rank_1:
                x1 = array_ops.expand_dims(x1, -1)
            else:
                x2 = array_ops.squeeze(x2, -1)
    return x1, x2


def _float(x: Any) -> Tensor:
    """`x` as a tensor, cast to float32 unless it is floating already."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating else cast_ops.cast(x, dtypes.float32)


def _prepare(y_true: Any, y_pred: Any) -> tuple[Tensor, Tensor]:
    y_pred = _float(y_pred)
    y_true = convert_to_tensor(y_true)
    if y_true.dtype is not y_pred.dtype:
        y_true = cast_ops.cast(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _align_sample_weight(values: Tensor, sample_weight: Tensor) -> Tensor:
    """tf.keras 2's rule (`losses_utils.squeeze_or_expand_dimensions`): weights one rank above
    the losses lose their trailing unit axis, weights one rank below gain one, so (batch,)
    weights apply per sample to (batch, time) losses (Keras 3 rejects these in losses). The
    metrics use the same rule."""
    rank_values, rank_weights = _rank(values), _rank(sample_weight)
    if rank_weights == rank_values + 1 and sample_weight.shape[-1] == 1:
        return array_ops.squeeze(sample_weight, -1)
    if rank_weights and rank_values == rank_weights + 1:
        return array_ops.expand_dims(sample_weight, -1)
    return sample_weight


def reduce_weighted_values(
    values: Tensor, sample_weight: Any = None, reduction: str | None = "sum_over_batch_size"
) -> Tensor:
    """Weights per-sample `values` by `sample_weight` (broadcast) and reduces them."""
    if sample_weight is not None:
        sample_weight = convert_to_tensor(sample_weight)
        if sample_weight.dtype is not values.dtype:
            sample_weight = cast_ops.cast(sample_weight, values.dtype)
        sample_weight = _align_sample_weight(values, sample_weight)
        values = values * sample_weight
    if reduction is None or reduction == "none":
        return values
    if reduction == "sum_over_batch_size" and values.shape.num_elements():
        return reduction_ops.reduce_mean(values)  # one op; the sum / size below otherwise
    loss = reduction_ops.reduce_sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = reduction_ops.reduce_sum(array_ops.broadcast_to(sample_weight, values.shape))
    else:
        divisor = cast_ops.cast(array_ops.size(values), loss.dtype)
    return math_ops.divide_no_nan(loss, divisor)


# -- loss functions (one value per sample) -------------------------------------------------
def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(square(y_true - y_pred), axis=-1)`.

    Example:
        >>> tf.keras.losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
        array([0.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return reduction_ops.reduce_mean(math_ops.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(abs(y_true - y_pred), axis=-1)`.

    Example:
        >>> tf.keras.losses.mean_absolute_error([[0.0, 1.0]], [[1.0, 3.0]]).numpy()
        array([1.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return reduction_ops.reduce_mean(math_unary_ops.abs(y_pred - y_true), axis=-1)


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Binary cross-entropy, averaged over `axis`.

    Example:
        >>> tf.keras.losses.binary_crossentropy([[1.0]], [[0.5]]).numpy()
        array([0.6931472], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        values = nn_loss_ops.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        p = clip_ops.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
        values = -(y_true * math_ops.log(p) + (1.0 - y_true) * math_ops.log(1.0 - p))
    return reduction_ops.reduce_mean(values, axis=axis)


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Cross-entropy between one-hot (or soft) labels and predicted distributions.

    Example:
        >>> tf.keras.losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).numpy()
        array([0.6931472], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        num_classes = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        return nn_loss_ops.softmax_cross_entropy_with_logits(
            labels=y_true, logits=y_pred, axis=axis
        )
    p = y_pred / reduction_ops.reduce_sum(y_pred, axis=axis, keepdims=True)
    p = clip_ops.clip_by_value(p, EPSILON, 1.0 - EPSILON)
    return -reduction_ops.reduce_sum(y_true * math_ops.log(p), axis=axis)


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Tensor:
    """Cross-entropy between integer labels and predicted distributions over the last axis.

    Entries labelled `ignore_class` (e.g. padding in segmentation) get a loss of 0.

    Example:
        >>> tf.keras.losses.sparse_categorical_crossentropy([1], [[0.5, 0.5]]).numpy()
        array([0.6931472], dtype=float32)
    """
    if axis != -1:
        raise ValueError(
            f"sparse_categorical_crossentropy: only axis=-1 is supported, got axis={axis}."
        )
    y_pred = _float(y_pred)
    labels = convert_to_tensor(y_true)
    if _rank(labels) == _rank(y_pred) and labels.shape[-1] == 1:
        labels = array_ops.squeeze(labels, -1)
    if _rank(labels) != _rank(y_pred) - 1:
        raise ValueError(
            "sparse_categorical_crossentropy: y_true must have one dimension less than y_pred "
            f"(or a last dimension of 1); got y_true shape {labels.shape} and y_pred shape "
            f"{y_pred.shape}."
        )
    if labels.dtype not in (dtypes.int32, dtypes.int64):
        labels = cast_ops.cast(labels, dtypes.int64)
    if not from_logits:
        p = y_pred / reduction_ops.reduce_sum(y_pred, axis=-1, keepdims=True)
        y_pred = math_ops.log(clip_ops.clip_by_value(p, EPSILON, 1.0 - EPSILON))
    if ignore_class is None:
        return nn_loss_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y_pred)
    keep = math_ops.not_equal(labels, ignore_class)
    labels = gather_ops.where(keep, labels, array_ops.zeros_like(labels))
    values = nn_loss_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y_pred)
    return values * cast_ops.cast(keep, values.dtype)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """Huber loss: quadratic for errors up to `delta`, linear beyond; mean over the last axis.

    Example:
        >>> tf.keras.losses.huber([[0.0]], [[3.0]]).numpy()
        array([2.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    abs_error = math_unary_ops.abs(y_pred - y_true)
    quadratic = math_ops.minimum(abs_error, delta)
    linear = abs_error - quadratic
    return reduction_ops.reduce_mean(0.5 * math_ops.square(quadratic) + delta * linear, axis=-1)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to `[1e-7, 1]`.

    Example:
        >>> tf.keras.losses.kl_divergence([[0.5, 0.5]], [[0.5, 0.5]]).numpy()
        array([0.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = clip_ops.clip_by_value(y_true, EPSILON, 1.0)
    y_pred = clip_ops.clip_by_value(y_pred, EPSILON, 1.0)
    return reduction_ops.reduce_sum(y_true * math_ops.log(y_true / y_pred), axis=-1)


# -- classes ---------------------------------------------------------------------------------
class Loss:
    """Base class: `call(y_true, y_pred)` gives per-sample losses, `__call__` reduces them.

    Example:
        >>> class Squared(tf.keras.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)
        >>> float(Squared()([[0.0]], [[2.0]]))
        4.0
    """

    def __init__(
        self, name: str | None = None, reduction: str = "sum_over_batch_size", dtype: Any = None
    ) -> None:
        Reduction.validate(reduction)
        self.name = name if name is not None else type(self).__name__
        self.reduction = "sum_over_batch_size" if reduction in ("auto", "mean") else reduction
        self.dtype = dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        y_true, y_pred = convert_to_tensor(y_true), convert_to_tensor(y_pred)
        if self.dtype is not None:
            y_pred = cast_ops.cast(y_pred, self.dtype)
        values = self.call(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, self.reduction)

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A `Loss` around a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(
        self,
        fn: Callable,
        reduction: str = "sum_over_batch_size",
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name or fn.__name__, reduction=reduction)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors.

    Example:
        >>> float(tf.keras.losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
        0.5
    """

    def __init__(self, reduction: str = "sum_over_batch_size", name: str = "mean_squared_error"):
        super().__init__(mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors.

    Example:
        >>> float(tf.keras.losses.MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 3.0]]))
        1.5
    """

    def __init__(
        self, reduction: str = "sum_over_batch_size", name: str = "mean_absolute_error"
    ) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (`from_logits=True` for unscaled scores).

    Example:
        >>> round(float(tf.keras.losses.BinaryCrossentropy()([[1.0]], [[0.5]])), 4)
        0.6931
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = "sum_over_batch_size",
        name: str = "binary_crossentropy",
    ) -> None:
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with one-hot labels (`from_logits=True` for unscaled scores).

    Example:
        >>> round(float(tf.keras.losses.CategoricalCrossentropy()([[0, 1]], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy with integer labels (`from_logits=True` for unscaled scores).

    Example:
        >>> loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        >>> round(float(loss([0], [[0.0, 0.0]])), 4)
        0.6931
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str = "sum_over_batch_size",
        name: str = "sparse_categorical_crossentropy",
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if self.ignore_class is None:
            return super().__call__(y_true, y_pred, sample_weight)
        # As Keras: ignored entries weigh 0 and the mean runs over the kept ones.
        labels = convert_to_tensor(y_true)
        values = self.call(labels, y_pred)
        keep = math_ops.not_equal(labels, self.ignore_class)
        if len(keep.shape) == len(values.shape) + 1:
            keep = array_ops.squeeze(keep, -1)
        weights = cast_ops.cast(keep, values.dtype)
        if self.reduction in ("sum_over_batch_size", "auto", "mean"):
            total = cast_ops.cast(array_ops.size(weights), values.dtype)
            weights = weights * (total / (reduction_ops.reduce_sum(weights) + EPSILON))
        if sample_weight is not None:
            sw = cast_ops.cast(convert_to_tensor(sample_weight), values.dtype)
            weights, sw = squeeze_or_expand_to_same_rank(weights, sw, False)
            weights = weights * sw
        return reduce_weighted_values(values, weights, self.reduction)


class Huber(LossFunctionWrapper):
    """Huber loss with threshold `delta`.

    Example:
        >>> float(tf.keras.losses.Huber()([[0.0]], [[3.0]]))
        2.5
    """

    def __init__(
        self, delta: float = 1.0, reduction: str = "sum_over_batch_size", name: str = "huber_loss"
    ) -> None:
        super().__init__(huber, reduction=reduction, name=name, delta=delta)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence between distributions on the last axis.

    Example:
        >>> float(tf.keras.losses.KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]))
        0.0
    """

    def __init__(self, reduction: str = "sum_over_batch_size", name: str = "kl_divergence") -> None:
        super().__init__(kl_divergence, reduction=reduction, name=name)


# Aliases Keras accepts as strings and module attributes.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
kld = KLD = kullback_leibler_divergence = kl_divergence
huber_loss = huber

_CLASSES = {
    cls.__name__: cls
    for cls in (
        MeanSquaredError,
        MeanAbsoluteError,
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        Huber,
        KLDivergence,
    )
}
_FUNCTIONS = {
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "huber": huber,
    "huber_loss": huber,
    "kl_divergence": kl_divergence,
    "kld": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
}


def serialize(loss: Any) -> Any:
    """A loss class instance as `{"class_name", "config"}`; a function as its name."""
    return _serialization.serialize_named(loss, Loss)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """The loss described by `serialize`'s output."""
    return _serialization.deserialize_named(
        config, custom_objects, "losses", "loss", _FUNCTIONS, _CLASSES
    )


def get(identifier: Any) -> Any:
    """A loss from a name (`"mse"`, `"sparse_categorical_crossentropy"`), dict or callable.

    Example:
        >>> tf.keras.losses.get("mse") is tf.keras.losses.mean_squared_error
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"losses.get: could not interpret loss identifier {identifier!r}.")


# The less common losses live in losses_extra.py (built on the helpers above).
from eagerflow.keras.losses_extra import (  # noqa: E402
    MAPE,  # noqa: F401  (alias exported for tf.keras.losses.MAPE)
    MSLE,  # noqa: F401  (alias exported for tf.keras.losses.MSLE)
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    LogCosh,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    Poisson,
    SquaredHinge,
    categorical_hinge,
    cosine_similarity,
    hinge,
    log_cosh,
    logcosh,  # noqa: F401  (alias exported for tf.keras.losses.logcosh)
    mape,  # noqa: F401  (alias exported for tf.keras.losses.mape)
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    msle,  # noqa: F401  (alias exported for tf.keras.losses.msle)
    poisson,
    squared_hinge,
)

_CLASSES.update(
    {
        cls.__name__: cls
        for cls in (
            CategoricalHinge,
            CosineSimilarity,
            Hinge,
            LogCosh,
            MeanAbsolutePercentageError,
            MeanSquaredLogarithmicError,
            Poisson,
            SquaredHinge,
        )
    }
)
_FUNCTIONS.update(
    {
        "mean_absolute_percentage_error": mean_absolute_percentage_error,
        "mape": mean_absolute_percentage_error,
        "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
        "msle": mean_squared_logarithmic_error,
        "log_cosh": log_cosh,
        "logcosh": log_cosh,
        "poisson": poisson,
        "cosine_similarity": cosine_similarity,
        "hinge": hinge,
        "squared_hinge": squared_hinge,
        "categorical_hinge": categorical_hinge,
    }
)
