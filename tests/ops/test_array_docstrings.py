"""The docstring examples of the array-op modules run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import eagerflow as tf

MODULES = [
    "array_ops",
    "layout_ops",
    "slicing_ops",
    "pad_ops",
    "gather_ops",
    "select_ops",
    "join_ops",
    "sequence_ops",
    "sort_ops",
    "clip_ops",
    "rearrange_ops",
    "search_ops",
    "shape_ops",
    "variable_slice_ops",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"eagerflow.ops.{name}")
    result = doctest.testmod(
        module,
        extraglobs={"tf": tf, "np": np},
        optionflags=doctest.NORMALIZE_WHITESPACE,
        report=False,
    )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
