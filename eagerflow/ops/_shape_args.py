"""Shape arguments as Python lists: a list, tuple, TensorShape, int or concrete int tensor."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_shape import TensorShape


def shape_list(shape: Any) -> list:
    if isinstance(shape, Tensor):
        return [int(d) for d in shape.numpy().reshape(-1)]
    if isinstance(shape, TensorShape):
        return shape.as_list()
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    return [int(d) for d in shape]
