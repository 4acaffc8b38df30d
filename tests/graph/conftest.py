"""Graph tests start with default optimizer options and leave them so."""

from __future__ import annotations

import pytest

from eagerflow.graph import options


@pytest.fixture(autouse=True)
def _default_optimizer_options():
    options.reset()
    yield
    options.reset()
