"""`tf.Module`: a named container that finds the variables and sub-modules in its attributes.

Tracking is by walking attributes (also inside lists, tuples and dicts) when asked, so no
bookkeeping happens on assignment. Keras layers and checkpoints build on the same walk.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterator

from eagerflow.core.creation_hooks import variable_created
from eagerflow.core.variable import Variable
from eagerflow.name_scope import name_scope as _name_scope


def camel_to_snake(name: str) -> str:
    """`MyDenseLayer` -> `my_dense_layer` (TF's default module and layer names)."""
    first = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", first).lower()


def _walk(value: Any, seen: set, path: tuple, predicate: Callable, descend: bool) -> Iterator:
    """Yields (path, leaf) for every leaf matching `predicate` below `value`, depth first."""
    if id(value) in seen:
        return
    if isinstance(value, Module):
        seen.add(id(value))
        if predicate(value):
            yield path, value
        if descend:
            yield from _walk_attributes(value, seen, path, predicate, descend)
        return
    if isinstance(value, dict):
        seen.add(id(value))
        for key in sorted(value, key=str):
            yield from _walk(value[key], seen, path + (key,), predicate, descend)
    elif isinstance(value, (list, tuple)):
        seen.add(id(value))
        for i, item in enumerate(value):
            yield from _walk(item, seen, path + (i,), predicate, descend)
    elif predicate(value):
        seen.add(id(value))
        yield path, value


def _walk_attributes(
    module: Module, seen: set, path: tuple, predicate: Callable, descend: bool
) -> Iterator:
    attrs = vars(module)
    for key in sorted(attrs):
        if key in module._TF_MODULE_IGNORED_PROPERTIES:
            continue
        yield from _walk(attrs[key], seen, path + (key,), predicate, descend)


class Module:
    """Base class for containers of variables and other modules (`tf.Module`).

    Example:
        >>> class Dense(tf.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         with self.name_scope:
        ...             self.w = tf.Variable(tf.ones([2, 2]), name="w")
        >>> [v.name for v in Dense().trainable_variables]
        ['dense/w:0']
    """

    # Attributes that are bookkeeping, not state: the walk skips them.
    _TF_MODULE_IGNORED_PROPERTIES: frozenset = frozenset(("_self_unconditional_dependency_names",))

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = camel_to_snake(type(self).__name__)
        elif not re.match(r"^[A-Za-z_][\w.\-]*$", name):
            raise ValueError(
                f"Module: {name!r} is not a valid module name; it must be a valid Python "
                "identifier (letters, digits, underscores, dots, dashes)."
            )
        self._name = name
        self._name_scope = _name_scope(name)

    def __setattr__(self, key: str, value: Any) -> None:
        object.__setattr__(self, key, value)
        if isinstance(value, Variable):
            # A variable created lazily (e.g. in __call__) may be awaited by a checkpoint
            # restore that ran before it existed (deferred restoration).
            variable_created(self, key, value)

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> _name_scope:
        """A name scope for this module: variables created inside get the module's prefix."""
        return self._name_scope

    def _flatten(
        self, predicate: Callable[[Any], bool], recursive: bool = True, with_path: bool = False
    ) -> tuple:
        seen = {id(self)}
        found = _walk_attributes(self, seen, (), predicate, recursive)
        return tuple(found) if with_path else tuple(leaf for _, leaf in found)

    @property
    def variables(self) -> tuple:
        """All variables of this module and its sub-modules, each once."""
        return self._flatten(lambda v: isinstance(v, Variable))

    @property
    def trainable_variables(self) -> tuple:
        return self._flatten(lambda v: isinstance(v, Variable) and v.trainable)

    @property
    def non_trainable_variables(self) -> tuple:
        return self._flatten(lambda v: isinstance(v, Variable) and not v.trainable)

    @property
    def submodules(self) -> tuple:
        """All modules reachable from this one's attributes (not including itself)."""
        return self._flatten(lambda v: isinstance(v, Module))

    @classmethod
    def with_name_scope(cls, method: Callable) -> Callable:
        """Decorator: runs `method` inside the module's name scope."""

        @functools.wraps(method)
        def wrapped(self: Module, *args: Any, **kwargs: Any) -> Any:
            with self.name_scope:
                return method(self, *args, **kwargs)

        return wrapped

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object named {self._name!r}>"
