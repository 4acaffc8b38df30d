"""`Dataset.from_generator`: elements produced by a Python generator, checked against a
signature."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data import _structure
from eagerflow.data._stage import UNKNOWN, Stage, close_iterator


def signature_from(output_types: Any, output_shapes: Any, output_signature: Any) -> Any:
    """The element spec from either `output_signature` or `output_types` + `output_shapes`."""
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError(
                "from_generator: `output_types` and `output_shapes` cannot be used together "
                "with `output_signature`."
            )

        def check(spec: Any) -> Any:
            if not isinstance(spec, TensorSpec):
                raise TypeError(
                    "from_generator: `output_signature` must contain TensorSpec objects; "
                    f"got {spec!r}."
                )
            return spec

        return _structure.map_leaves(check, _as_structure(output_signature))
    if output_types is None:
        raise TypeError("from_generator: `output_signature` (or `output_types`) is required.")
    output_types = _as_structure(output_types)
    if output_shapes is None:
        return _structure.map_leaves(lambda t: TensorSpec(None, dtypes.as_dtype(t)), output_types)
    output_shapes = _as_structure(output_shapes, shapes=True)
    flat_types = _structure.flatten(output_types)
    flat_shapes = _structure.flatten(output_shapes)
    if len(flat_types) != len(flat_shapes):
        raise ValueError(
            "from_generator: `output_shapes` must match the structure of `output_types`; got "
            f"{output_shapes!r} for {output_types!r}."
        )
    specs = [TensorSpec(s, dtypes.as_dtype(t)) for t, s in zip(flat_types, flat_shapes)]
    return _structure.pack_as(output_types, specs)


def _as_structure(value: Any, shapes: bool = False) -> Any:
    # A list of dims is one shape (a leaf); elsewhere lists mean tuples, as TF accepts.
    if shapes and (isinstance(value, (list, TensorShape)) or value == ()):
        if all(d is None or isinstance(d, int) for d in value):
            return TensorShape(value)
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, dict):
        return type(value)((k, _as_structure(v, shapes)) for k, v in value.items())
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_as_structure(v, shapes) for v in value)
    if isinstance(value, tuple):
        return type(value)(*[_as_structure(v, shapes) for v in value])
    return TensorShape(value) if shapes and value is not None else value


class GeneratorStage(Stage):
    name = "FlatMapDataset"  # TF builds from_generator from range + flat_map

    def __init__(self, generator: Callable, args: tuple, signature: Any) -> None:
        super().__init__()
        if not callable(generator):
            raise TypeError(f"from_generator: `generator` must be callable; got {generator!r}.")
        self.generator = generator
        self.args = args
        self.signature = signature

    def iterate(self) -> Iterator:
        gen = iter(self.generator(*self.args))
        signature = self.signature
        try:
            for value in gen:
                yield self._convert(value, signature)
        finally:
            close_iterator(gen)

    def _convert(self, value: Any, signature: Any) -> Any:
        if isinstance(signature, tuple) and isinstance(value, list):
            value = tuple(value)
        try:
            _structure.assert_same_structure(signature, value, "from_generator")
        except TypeError:
            raise TypeError(
                f"`generator` yielded an element {value!r} that did not match the expected "
                f"structure {signature!r}."
            ) from None
        leaves = _structure.flatten(value)
        specs = _structure.flatten(signature)
        out = []
        for leaf, spec in zip(leaves, specs):
            try:
                arr = _structure.to_array(leaf, spec.dtype)
            except (TypeError, ValueError):
                raise TypeError(
                    f"`generator` yielded an element that could not be converted to the "
                    f"expected type. The expected type was {spec.dtype.name}, but the yielded "
                    f"element was {leaf!r}."
                ) from None
            if not spec.shape.is_compatible_with(arr.shape):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"`generator` yielded an element of shape {TensorShape(arr.shape)} where "
                    f"an element of shape {spec.shape} was expected.",
                )
            out.append(arr)
        return _structure.pack_as(signature, out)

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        return self.signature
