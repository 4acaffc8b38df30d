"""TensorFlow's checkpoint edge names for Keras models and optimizers, by inspection.

The Keras classes live above `train/` and are not imported here: the rules recognise them by
what they expose. Keras layers name their own edges through `Layer._trackable_children`
(weights by their `add_weight` name, then sub-layers by attribute); these rules add:

- models holding a layer list (`Sequential`, functional models): `layer_with_weights-<i>`
  for the i-th layer that has weights and `layer-<j>` for the j-th layer, as TensorFlow
  names them, then the model's other attributes, and its compiled `optimizer`;
- optimizers (objects with `_slot_variables()`): their `_checkpoint_children()` (`iter`,
  `learning_rate`, ...), else `iter` plus their own variable attributes. Slot variables are
  attached per variable by the graph builder, never as plain children.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.variable import Variable
from eagerflow.train.trackable import (
    attribute_children,
    register_children_provider,
    slot_variables_of,
)

LAYER_WITH_WEIGHTS = "layer_with_weights-"


def is_optimizer(obj: Any) -> bool:
    return not isinstance(obj, type) and callable(getattr(obj, "_slot_variables", None))


def optimizer_children(optimizer: Any) -> dict[str, Any]:
    named = getattr(optimizer, "_checkpoint_children", None)
    if callable(named):
        return dict(named())
    slots = {id(slot) for _, _, slot in slot_variables_of(optimizer) or ()}
    children: dict[str, Any] = {}
    iterations = getattr(optimizer, "iterations", None)
    if isinstance(iterations, Variable):
        children["iter"] = iterations
    for name, value in attribute_children(optimizer).items():
        if (
            isinstance(value, Variable)
            and id(value) not in slots
            and value not in children.values()
        ):
            children[name.lstrip("_")] = value
    return children


def _layer_list(model: Any) -> list | None:
    layers = getattr(model, "_layers", None)
    return layers if isinstance(layers, list) else None


def _compiled_optimizer(model: Any) -> Any:
    optimizer = getattr(model, "optimizer", None)
    return optimizer if is_optimizer(optimizer) else None


def is_keras_model(obj: Any) -> bool:
    """A Keras layer with a layer list (Sequential, functional) or a compiled optimizer."""
    if isinstance(obj, type) or not callable(getattr(obj, "add_weight", None)):
        return False
    if not callable(getattr(type(obj), "_trackable_children", None)):
        return False
    return _layer_list(obj) is not None or _compiled_optimizer(obj) is not None


def keras_model_children(model: Any) -> dict[str, Any]:
    layers = _layer_list(model)
    children: dict[str, Any] = {}
    if layers is not None:
        layers = list(getattr(model, "layers", None) or layers)
        with_weights = 0
        for index, layer in enumerate(layers):
            if getattr(layer, "weights", None):
                children[f"{LAYER_WITH_WEIGHTS}{with_weights}"] = layer
                with_weights += 1
            children[f"layer-{index}"] = layer
    in_list = {id(layer) for layer in layers or ()}
    for name, value in type(model)._trackable_children(model).items():
        if id(value) not in in_list and name not in children:
            children[name] = value
    optimizer = _compiled_optimizer(model)
    if optimizer is not None and "optimizer" not in children:
        children["optimizer"] = optimizer
    return children


register_children_provider(is_optimizer, optimizer_children)
register_children_provider(is_keras_model, keras_model_children)
