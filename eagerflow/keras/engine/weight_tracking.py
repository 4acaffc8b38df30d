"""Weight tracking of Keras layers: found by walking attributes, listed in Keras order.

Weights, sub-layers and `tf.Variable`s assigned as attributes (also inside lists, tuples and
dicts) are found when asked, in assignment order; nothing is registered on assignment.
`weights` lists trainable weights first, own weights before sub-layers' (Keras order).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from eagerflow.core.variable import Variable
from eagerflow.graph.tf1.keras_scope import eager_in_tf1_graph
from eagerflow.module import Module

# Bookkeeping attributes that hold no state of their own: the weight walk skips them.
IGNORED_ATTRIBUTES = frozenset(
    (
        "_self_unconditional_dependency_names",
        "_inbound_nodes",
        "_outbound_nodes",
        "_losses",
        "_callable_losses",
        "_own_weights",
        "_own_weight_names",
        "_build_input_shape",
        "_output_shape_seen",
        "_name_scope",
        "input_spec",
        "_activity_regularizer",
        "_nodes_in_order",
        "_nested_inputs",
        "_nested_outputs",
        "inputs",
        "outputs",
        "_children_cache",
    )
)

# Attribute values that can hold no weights: the walk skips them without further checks.
_LEAF_TYPES = frozenset((int, float, bool, str, type(None), type(len), type(lambda: 0)))


# Bumped whenever a layer attribute that can hold weights is set or deleted: cached walks
# (`_children_cache`) older than this are stale.
_structure_version = 0


def attribute_changed(layer: Any, key: str, value: Any) -> None:
    """Called by `Layer.__setattr__` before it sets `key`: invalidates cached weight walks."""
    global _structure_version
    old = layer.__dict__.get(key)
    if key not in IGNORED_ATTRIBUTES and not (
        type(value) in _LEAF_TYPES and type(old) in _LEAF_TYPES
    ):
        _structure_version += 1


def _same_items(container: Any, items: tuple) -> bool:
    """Whether a walked container still holds exactly `items` (the cache keeps them alive,
    so identity cannot be faked by a reused id)."""
    current = container.values() if isinstance(container, dict) else container
    return len(current) == len(items) and all(map(operator.is_, current, items))


class WeightTracking:
    """The weight-listing half of `Layer` (the layer keeps `_own_weights` from `add_weight`)."""

    def __delattr__(self, key: str) -> None:
        global _structure_version
        _structure_version += 1
        super().__delattr__(key)

    def _direct_children(self) -> tuple[list, list]:
        """(own variables, direct sub-layers), in creation / assignment order.

        The walk is cached (training asks for `trainable_variables` twice a step). The cache
        holds while no weight-holding attribute was set or deleted on any layer and every
        list, tuple and dict it walked (and `_own_weights`) still holds the same items, which
        covers `add_weight` and in-place changes such as `Sequential.add`.
        """
        cache = self.__dict__.get("_children_cache")
        if (
            cache is not None
            and cache[0] == _structure_version
            and all(_same_items(c, items) for c, items in cache[1])
        ):
            return list(cache[2]), list(cache[3])
        version = _structure_version
        variables = list(self._own_weights)
        layers: list = []
        seen = {id(v) for v in variables}
        seen.add(id(self))
        containers = [(self._own_weights, tuple(self._own_weights))]
        cacheable = True

        def visit(value: Any) -> None:
            nonlocal cacheable
            if isinstance(value, (Variable, Module)):
                if id(value) in seen:
                    return
                seen.add(id(value))
                if isinstance(value, Variable):
                    variables.append(value)
                elif isinstance(value, WeightTracking):
                    layers.append(value)
                else:
                    cacheable = False  # a plain tf.Module may create variables later
                    for v in value.variables:
                        if id(v) not in seen:
                            seen.add(id(v))
                            variables.append(v)
            elif type(value) in (list, tuple) or isinstance(value, (list, tuple)):
                containers.append((value, tuple(value)))
                for item in value:
                    visit(item)
            elif isinstance(value, dict):
                containers.append((value, tuple(value.values())))
                for item in value.values():
                    visit(item)

        for key, value in vars(self).items():
            if type(value) not in _LEAF_TYPES and key not in IGNORED_ATTRIBUTES:
                visit(value)
        if cacheable:
            cache = (version, tuple(containers), tuple(variables), tuple(layers))
            object.__setattr__(self, "_children_cache", cache)
        return variables, layers

    def _gather(self, trainable: bool | None, seen: set) -> list:
        own, children = self._direct_children()
        out = []
        for v in own:
            if id(v) in seen:
                continue
            if trainable is None or (self._trainable and v.trainable) == trainable:
                seen.add(id(v))
                out.append(v)
        for child in children:
            if not self._trainable and trainable:
                continue
            if not self._trainable and trainable is False:
                out.extend(child._gather(None, seen))
            else:
                out.extend(child._gather(trainable, seen))
        return out

    @property
    def trainable_weights(self) -> list:
        """Weights that optimizers update: own first, then sub-layers', in creation order."""
        return self._gather(True, set())

    @property
    def non_trainable_weights(self) -> list:
        return self._gather(False, set())

    @property
    def weights(self) -> list:
        """All weights: trainable first, then non-trainable (Keras order)."""
        seen: set = set()
        return self._gather(True, seen) + self._gather(False, seen)

    @property
    def trainable_variables(self) -> list:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        return self.non_trainable_weights

    @property
    def variables(self) -> list:
        return self.weights

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list:
        out = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._direct_children()[1]))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                stack.extend(reversed(layer._direct_children()[1]))
        return out

    def _trackable_children(self) -> dict:
        """Named edges for object-graph checkpoints: own weights by name, then attributes."""
        children = dict(zip(self._own_weight_names, self._own_weights))
        known = {id(v) for v in self._own_weights}
        for key, value in vars(self).items():
            if key in IGNORED_ATTRIBUTES or key.startswith("__"):
                continue
            if isinstance(value, (Variable, Module)) and id(value) not in known:
                children[key] = value
            elif isinstance(value, (list, tuple, dict)):
                items = value.items() if isinstance(value, dict) else enumerate(value)
                for index, item in items:
                    if isinstance(item, (Variable, Module)) and id(item) not in known:
                        children[f"{key}/{index}".lstrip("_")] = item
        return children

    @eager_in_tf1_graph  # TF1 graph: initialize, then act at once
    def get_weights(self) -> list:
        """The weights' values as NumPy arrays, in `weights` order."""
        return [np.array(v.numpy()) for v in self.weights]

    @eager_in_tf1_graph  # TF1 graph: initialize, then act at once
    def set_weights(self, weights: Any) -> None:
        """Assigns NumPy arrays to the weights, in `weights` order; shapes must match."""
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(
                f"Layer {self.name!r}: set_weights expected a list of {len(params)} weights, "
                f"but received {len(weights)}."
            )
        for variable, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(variable.shape.as_list()) != value.shape:
                raise ValueError(
                    f"Layer {self.name!r}: weight {variable.name} has shape "
                    f"{tuple(variable.shape.as_list())}, but the provided value has shape "
                    f"{value.shape}."
                )
            variable.assign(value.astype(variable.dtype.as_numpy_dtype))

    def count_params(self) -> int:
        """The number of scalars in the layer's weights (the layer must be built)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name!r}, but the layer isn't "
                "built. You can build it manually via: `layer.build(batch_input_shape)`."
            )
        return int(sum(np.prod(v.shape.as_list(), dtype=np.int64) for v in self.weights))
