"""Tells pending checkpoint restores when a trackable object gains a variable.

Keras `Layer.add_weight` and optimizer slot creation call `variable_created`; a restore that
is still waiting for that variable (deferred restoration, as TensorFlow does it) assigns the
saved value at once. Listeners are registered by `eagerflow.train` checkpoint code.
"""

from __future__ import annotations

from typing import Any, Callable

_LISTENERS: list[Callable[[Any, str, Any], None]] = []


def add_listener(listener: Callable[[Any, str, Any], None]) -> None:
    _LISTENERS.append(listener)


def remove_listener(listener: Callable[[Any, str, Any], None]) -> None:
    if listener in _LISTENERS:
        _LISTENERS.remove(listener)


def variable_created(owner: Any, name: str, variable: Any) -> None:
    """Called after `owner` created `variable` reachable by edge `name` (e.g. "kernel")."""
    for listener in list(_LISTENERS):
        listener(owner, name, variable)
