"""`tf.name_scope`: prefixes the names of variables created inside it."""

from __future__ import annotations

from typing import Any

from eagerflow.core.context import state


class name_scope:  # noqa: N801  (TensorFlow's name)
    """A context manager that pushes `name` on the name-scope stack.

    Example:
        >>> with tf.name_scope("layer"):
        ...     v = tf.Variable(1.0, name="w")
        >>> v.name
        'layer/w:0'
    """

    def __init__(self, name: str, default_name: Any = None, values: Any = None) -> None:
        if name is None:
            name = default_name
        if not isinstance(name, str) or name == "":
            raise ValueError(f"name_scope: name must be a non-empty string, got {name!r}.")
        self._name = name.rstrip("/")

    @property
    def name(self) -> str:
        return self._name

    def __enter__(self) -> str:
        scopes = state().name_scopes
        scopes.append(self._name)
        return "/".join(scopes) + "/"

    def __exit__(self, *exc: Any) -> None:
        state().name_scopes.pop()
