"""`tf.data.Iterator`: the object a `for` loop (or `iter()`) gets from a Dataset."""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.data import _structure

_to_tensors = _structure.to_tensors


class Iterator:
    """`tf.data.Iterator`: `next()` / `get_next()` over a dataset's elements."""

    @property
    def element_spec(self) -> Any:
        raise NotImplementedError

    def get_next(self) -> Any:
        raise NotImplementedError

    def __iter__(self) -> Iterator:
        return self


class OwnedIterator(Iterator):
    """One pass over a dataset. Its stages' threads stop when it is exhausted or dropped.

    Example:
        >>> it = iter(tf.data.Dataset.range(2))
        >>> it.get_next().numpy(), next(it).numpy()
        (0, 1)
    """

    def __init__(self, dataset: Any) -> None:
        self._dataset = dataset
        self._elements = dataset._stage.iterate()
        self._next = self._elements.__next__

    @property
    def element_spec(self) -> Any:
        return self._dataset.element_spec

    def __next__(self) -> Any:
        return _to_tensors(self._next())

    next = __next__  # Python 2 / TF1-era spelling

    def get_next(self, name: str | None = None) -> Any:
        """The next element; raises `tf.errors.OutOfRangeError` at the end."""
        try:
            return _structure.to_tensors(next(self._elements))
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def close(self) -> None:
        """Stops this pass now (background threads included)."""
        close = getattr(self._elements, "close", None)
        if close is not None:
            close()

    def __repr__(self) -> str:
        return f"<OwnedIterator element_spec={self.element_spec!r}>"


class NumpyIterator(OwnedIterator):
    """The iterator of `Dataset.as_numpy_iterator()`: NumPy values instead of Tensors."""

    def __next__(self) -> Any:
        return _structure.to_numpy(self._next())

    next = __next__

    def __repr__(self) -> str:
        return f"<NumpyIterator element_spec={self.element_spec!r}>"
