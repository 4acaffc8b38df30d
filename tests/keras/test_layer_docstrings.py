"""The docstring examples of the layer, model, initializer and dataset modules run and print
what they claim."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import eagerflow as tf

MODULES = [
    "eagerflow.keras.activations",
    "eagerflow.keras.initializers",
    "eagerflow.keras.regularizers",
    "eagerflow.keras.constraints",
    "eagerflow.keras.engine.base_layer",
    "eagerflow.keras.engine.input_spec",
    "eagerflow.keras.engine.input_layer",
    "eagerflow.keras.engine.keras_tensor",
    "eagerflow.keras.engine.model",
    "eagerflow.keras.engine.functional",
    "eagerflow.keras.engine.sequential",
    "eagerflow.keras.layers.core",
    "eagerflow.keras.layers.convolutional",
    "eagerflow.keras.layers.pooling",
    "eagerflow.keras.layers.normalization",
    "eagerflow.keras.layers.merge",
    "eagerflow.keras.layers.embedding",
    "eagerflow.keras.layers.recurrent",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    tf.keras.backend.clear_session()
    tf.random.set_seed(0)
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={"tf": tf, "np": np}):
        tf.keras.backend.clear_session()
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} docstring example(s) failed in {name}"
