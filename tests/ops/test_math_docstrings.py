"""The docstring examples of the math, reduction and linalg modules run and print what they
claim (NumPy scalars printed as TF prints them: `2.0`, not `np.float32(2.0)`)."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import eagerflow as tf

MODULES = [
    "math_ops",
    "math_binary_ops",
    "math_unary_ops",
    "math_special_ops",
    "logical_ops",
    "complex_ops",
    "reduction_ops",
    "tf1_reduction_ops",
    "ranking_ops",
    "cumulative_ops",
    "linalg_ops",
    "einsum_ops",
    "matrix_ops",
    "decomposition_ops",
    "segment_ops",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"eagerflow.ops.{name}")
    with np.printoptions(legacy="1.25"):
        result = doctest.testmod(
            module,
            extraglobs={"tf": tf, "np": np},
            optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
            report=False,
        )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
