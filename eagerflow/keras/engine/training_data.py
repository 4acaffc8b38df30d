"""Batches for `fit`/`evaluate`/`predict`: from NumPy arrays, tensors or any iterable.

Arrays (possibly nested in lists, tuples or dicts) are sliced into batches, shuffled per epoch
when asked. Anything else iterable (a `tf.data.Dataset`, a generator, a list of batches) is
taken to yield ready batches: `x`, `(x, y)` or `(x, y, sample_weight)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.core import nest
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import Variable


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """`(x, y, sample_weight)` from a batch given as `x`, `(x,)`, `(x, y)` or `(x, y, w)`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        "Data is expected to be x, (x,), (x, y) or (x, y, sample_weight); found a tuple of "
        f"{len(data)} elements."
    )


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> tuple:
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_array_like(value: Any) -> bool:
    return isinstance(value, (np.ndarray, Tensor, Variable, int, float)) or (
        type(value).__module__.startswith("cupy")
    )


def is_array_data(x: Any) -> bool:
    """True for arrays/tensors or lists/tuples/dicts of them (as opposed to datasets)."""
    if isinstance(x, dict):
        return all(is_array_data(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return len(x) > 0 and all(is_array_data(v) for v in x)
    return _is_array_like(x)


def _to_numpy(value: Any) -> np.ndarray:
    return np.asarray(value)


def _num_samples(arrays: list) -> int:
    sizes = {int(a.shape[0]) for a in arrays if a.ndim > 0}
    if len(sizes) != 1:
        raise ValueError(
            "Data cardinality is ambiguous: all arrays must have the same number of samples; "
            f"got sizes {sorted(sizes)}."
        )
    return sizes.pop()


def class_weight_to_sample_weight(y: np.ndarray, class_weight: dict) -> np.ndarray:
    """Per-sample weights `class_weight[label]` for sparse or one-hot labels."""
    labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y))
    labels = labels.astype(np.int64)
    table = np.ones(max(int(labels.max(initial=0)), max(class_weight)) + 1, np.float32)
    for cls, weight in class_weight.items():
        table[int(cls)] = weight
    return table[labels]


class ArrayData:
    """Batches of in-memory arrays, reshuffled each epoch."""

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        shuffle: Any = False,
        class_weight: dict | None = None,
    ) -> None:
        x = nest.map_structure(_to_numpy, x)
        y = None if y is None else nest.map_structure(_to_numpy, y)
        if class_weight is not None:
            if y is None or isinstance(y, (list, tuple, dict)):
                raise ValueError("class_weight needs a single array of targets `y`.")
            weights = class_weight_to_sample_weight(y, class_weight)
            sample_weight = weights if sample_weight is None else weights * sample_weight
        sample_weight = None if sample_weight is None else _to_numpy(sample_weight)
        self._structure = pack_x_y_sample_weight(x, y, sample_weight)
        self._flat = [a for a in nest.flatten(self._structure)]
        self.num_samples = _num_samples(self._flat)
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self.steps = -(-self.num_samples // self.batch_size)

    def split(self, validation_split: float) -> tuple[ArrayData, ArrayData]:
        """The first `1 - validation_split` of the samples and the rest (before shuffling)."""
        if not 0.0 < validation_split < 1.0:
            raise ValueError(f"validation_split must be in (0, 1), got {validation_split!r}.")
        cut = int(self.num_samples * (1.0 - validation_split))
        if cut == 0 or cut == self.num_samples:
            raise ValueError(
                f"validation_split={validation_split} leaves an empty training or validation "
                f"set with {self.num_samples} samples."
            )
        head = nest.map_structure(lambda a: a[:cut], self._structure)
        tail = nest.map_structure(lambda a: a[cut:], self._structure)
        return self._like(head), self._like(tail)

    def _like(self, structure: tuple) -> ArrayData:
        return ArrayData(*structure, batch_size=self.batch_size, shuffle=self.shuffle)

    def __iter__(self) -> Iterator[tuple]:
        n, size = self.num_samples, self.batch_size
        order = None
        if self.shuffle == "batch":
            starts = np.random.permutation(self.steps) * size
        else:
            starts = np.arange(self.steps) * size
            if self.shuffle:
                order = np.random.permutation(n)
        for start in starts:
            stop = min(start + size, n)
            if order is None:
                index: Any = slice(start, stop)
            else:
                index = np.sort(order[start:stop])
            flat = [convert_to_tensor(a[index]) for a in self._flat]
            yield nest.pack_sequence_as(self._structure, flat)


def _cardinality(data: Any) -> int | None:
    cardinality = getattr(data, "cardinality", None)
    if callable(cardinality):
        try:
            value = int(cardinality())
        except (TypeError, ValueError):
            return None
        return value if value >= 0 else None
    if hasattr(data, "__len__") and not isinstance(data, Iterator):
        return len(data)
    return None


class IterableData:
    """Batches from a dataset or any iterable of batches.

    A re-iterable source (a `Dataset`, a list) starts over each epoch; a one-shot iterator
    (a generator) is drawn from across epochs, `steps_per_epoch` batches at a time.
    """

    def __init__(self, data: Any, steps: int | None = None) -> None:
        self._data = data
        self._one_shot = isinstance(data, Iterator)
        self._iterator = data if self._one_shot else None
        self.steps = steps if steps is not None else _cardinality(data)
        self.exhausted = False

    def __iter__(self) -> Iterator:
        source = self._iterator if self._one_shot else iter(self._data)
        for count, batch in enumerate(source):
            yield batch
            if self.steps is not None and count + 1 >= self.steps:
                return
        if self._one_shot:
            self.exhausted = True


def adapt(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    batch_size: int | None = None,
    shuffle: Any = False,
    steps: int | None = None,
    class_weight: dict | None = None,
) -> ArrayData | IterableData:
    """The batch source for `x` (and `y`, `sample_weight`)."""
    if x is None:
        raise ValueError("No input data: `x` is None.")
    if is_array_data(x):
        data = ArrayData(x, y, sample_weight, batch_size, shuffle, class_weight)
        if steps is not None:
            data.steps = min(data.steps, steps)
        return data
    if y is not None:
        raise ValueError(
            f"`y` must not be given when `x` is a dataset, generator or iterable (got x of type "
            f"{type(x).__name__}); its batches must yield (x, y) pairs."
        )
    if sample_weight is not None or class_weight is not None:
        raise ValueError(
            "sample_weight/class_weight cannot be given with a dataset input; yield "
            "(x, y, sample_weight) batches instead."
        )
    if not hasattr(x, "__iter__"):
        raise TypeError(f"Unrecognized data type: x={x!r} (of type {type(x).__name__}).")
    return IterableData(x, steps)
