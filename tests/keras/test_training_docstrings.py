"""The docstring examples of the optimizer, loss, metric, callback and training modules run
and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras.optimizers import global_step

MODULES = [
    "eagerflow.keras.optimizers",
    "eagerflow.keras.optimizers.base_optimizer",
    "eagerflow.keras.optimizers.sgd",
    "eagerflow.keras.optimizers.adam",
    "eagerflow.keras.optimizers.adamw",
    "eagerflow.keras.optimizers.rmsprop",
    "eagerflow.keras.optimizers.adagrad",
    "eagerflow.keras.optimizers.adadelta",
    "eagerflow.keras.optimizers.adamax",
    "eagerflow.keras.optimizers.nadam",
    "eagerflow.keras.optimizers.tf1_optimizers",
    "eagerflow.keras.optimizers.tf1_schedules",
    "eagerflow.keras.optimizers.global_step",
    "eagerflow.keras.optimizers.schedules.learning_rate_schedule",
    "eagerflow.keras.losses",
    "eagerflow.keras.losses_tf1",
    "eagerflow.keras.losses_extra",
    "eagerflow.keras.metrics",
    "eagerflow.keras.metrics.base_metric",
    "eagerflow.keras.metrics.accuracy_metrics",
    "eagerflow.keras.metrics.confusion_metrics",
    "eagerflow.keras.metrics.regression_metrics",
    "eagerflow.keras.metrics.tfe_metrics",
    "eagerflow.keras.callbacks",
    "eagerflow.keras.callbacks_training",
    "eagerflow.keras.engine.training",
    "eagerflow.keras.engine.training_progbar",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    global_step._reset_for_tests()
    module = importlib.import_module(name)
    with np.printoptions(legacy="1.25"):
        result = doctest.testmod(
            module,
            extraglobs={"tf": tf, "np": np, "tfe": tf.contrib.eager},
            optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
            verbose=False,
        )
    global_step._reset_for_tests()
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
