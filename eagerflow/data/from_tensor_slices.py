"""`Dataset.from_tensor_slices`: one element per row of the given arrays."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.core import dtypes
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data import _structure
from eagerflow.data._stage import CHUNK, IndexPlan, Stage


class TensorSliceStage(Stage):
    name = "TensorSliceDataset"

    def __init__(self, element: Any) -> None:
        super().__init__()
        arrays = _structure.flatten(element)
        if not arrays:
            raise ValueError("from_tensor_slices: the input structure has no components.")
        sizes = set()
        for a in arrays:
            if getattr(a, "ndim", 0) == 0:
                raise ValueError(
                    "from_tensor_slices: every component must have rank >= 1 to be sliced; "
                    f"got a scalar {a!r}."
                )
            sizes.add(a.shape[0])
        if len(sizes) > 1:
            shapes = [a.shape for a in arrays]
            raise ValueError(
                "from_tensor_slices: all components must have the same size in their first "
                f"dimension; got shapes {shapes}."
            )
        self.template = element
        self.arrays = arrays
        self.size = sizes.pop()

    def _indices(self) -> Iterator:
        n = self.size
        for start in range(0, n, CHUNK):
            yield np.arange(start, min(start + CHUNK, n), dtype=np.int64)

    def index_plan(self) -> IndexPlan:
        return IndexPlan(self.template, self.arrays, self._indices)

    def cardinality(self) -> int:
        return self.size

    def compute_spec(self) -> Any:
        def leaf(a: Any) -> Any:
            return TensorSpec(a.shape[1:], dtypes.from_numpy(a.dtype))

        return _structure.map_leaves(leaf, self.template)
