"""Serialization rules shared by the Keras object modules.

`serialize_builtin` / `get_object`: initializers, regularizers and constraints (a name makes a
default instance). `serialize_named` / `deserialize_named`: losses and metrics (a name may be
a function; `custom_objects` are searched first). Each module keeps its own tables of classes
and names and its own wording; the resolution rules live here.
"""

from __future__ import annotations

from typing import Any


def serialize_builtin(obj: Any, base: type, classes: dict[str, type]) -> Any:
    """`{"class_name": ..., "config": ...}` for a built-in `base` instance, else `obj` itself."""
    if isinstance(obj, base) and type(obj).__name__ in classes:
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    return obj


def get_object(
    identifier: Any,
    kind: str,
    by_name: dict[str, type],
    by_class: dict[str, type],
    expected: Any,
) -> Any:
    """Resolves `identifier` to an object of `kind` ("initializer", "regularizer", ...).

    `by_name` answers plain strings, `by_class` the `class_name` of a serialized dict;
    `expected` is what the unknown-name error lists.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        cls = by_name.get(identifier)
        if cls is None:
            raise ValueError(f"Unknown {kind}: {identifier!r}. Expected one of {expected}.")
        return cls()
    if isinstance(identifier, dict):
        cls = by_class.get(identifier.get("class_name"))
        if cls is None:
            raise ValueError(f"Unknown {kind} class in config: {identifier!r}.")
        return cls.from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret {kind} identifier: {identifier!r}.")


def serialize_named(obj: Any, base: type) -> Any:
    """A `base` instance as `{"class_name", "config"}`; a function as its name."""
    if isinstance(obj, base):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    return getattr(obj, "__name__", obj)


def deserialize_named(
    config: Any,
    custom_objects: dict | None,
    module: str,
    kind: str,
    functions: dict[str, Any],
    classes: dict[str, type],
) -> Any:
    """The function or instance `config` (a name or a serialized dict) describes.

    `module` and `kind` ("losses", "loss") word the errors.
    """
    custom_objects = custom_objects or {}
    if isinstance(config, str):
        found = custom_objects.get(config) or functions.get(config) or classes.get(config)
        if found is None:
            raise ValueError(
                f"{module}.deserialize: unknown {kind} {config!r}; known are "
                f"{sorted(set(functions) | set(classes))}."
            )
        return found() if isinstance(found, type) else found
    name = config.get("class_name")
    cls = custom_objects.get(name) or classes.get(name)
    if cls is None:
        raise ValueError(f"{module}.deserialize: unknown {kind} class {name!r}.")
    return cls.from_config(config.get("config", {}))
