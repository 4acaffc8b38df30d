"""`tf.keras.layers.Layer`: the layer contract (`__init__` / `build` / `call`) and its bookkeeping.

A layer stores its configuration in `__init__`, creates weights in `build(input_shape)` with
`add_weight`, and computes in `call(inputs, training=None, mask=None)`. `__call__` builds on
first use, converts inputs, passes `training` down to nested layers, and, when the inputs are
symbolic `KerasTensor`s, records the call for a functional model instead of computing.

Weights and sub-layers are found by walking attributes (also inside lists, tuples and dicts)
in assignment order, as `tf.Module` does; nothing is registered on assignment.
"""

from __future__ import annotations

import inspect
import threading
from typing import Any

import numpy as np

import eagerflow as tf
from eagerflow.core.context import state
from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import Variable
from eagerflow.keras import backend, constraints, initializers, regularizers
from eagerflow.keras.engine import input_spec as input_spec_lib
from eagerflow.keras.engine import weight_tracking
from eagerflow.keras.engine.keras_tensor import (
    PROBE_STATE,
    KerasTensor,
    Node,
    infer_output_spec,
    is_symbolic,
)
from eagerflow.keras.engine.weight_tracking import IGNORED_ATTRIBUTES, WeightTracking
from eagerflow.module import Module
from eagerflow.train.creation_hooks import variable_created

_LAYER_KWARGS = frozenset(
    ("input_shape", "batch_input_shape", "batch_size", "input_dim", "weights", "autocast")
)


class _CallContext(threading.local):
    """The `training` value of the enclosing layer call, inherited by nested calls."""

    def __init__(self) -> None:
        self.training: Any = None
        self.depth = 0


_CONTEXT = _CallContext()
# Layers holding losses from `add_loss` in the current outermost call (cleared at its start).
_LAYERS_WITH_EAGER_LOSSES: list = []
# Per class: (call accepts `training`, call accepts `mask`).
_CALL_SIGNATURES: dict[type, tuple[bool, bool]] = {}


def _call_signature(cls: type) -> tuple[bool, bool]:
    found = _CALL_SIGNATURES.get(cls)
    if found is None:
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        found = ("training" in params or var_kw, "mask" in params or var_kw)
        _CALL_SIGNATURES[cls] = found
    return found


def _shape_of(value: Any) -> tf.TensorShape:
    return (
        value.shape
        if isinstance(value, (Tensor, Variable, KerasTensor))
        else tf.TensorShape(np.shape(value))
    )


class Layer(WeightTracking, Module):
    """Base class of all Keras layers.

    Subclasses create weights in `build(input_shape)` and compute in `call(inputs)`.

    Example:
        >>> class MySimpleLayer(tf.keras.layers.Layer):
        ...     def __init__(self, output_units):
        ...         super().__init__()
        ...         self.output_units = output_units
        ...     def build(self, input_shape):
        ...         self.kernel = self.add_weight("kernel", [input_shape[-1], self.output_units])
        ...     def call(self, inputs):
        ...         return tf.matmul(inputs, self.kernel)
        >>> MySimpleLayer(3)(tf.ones([2, 5])).shape
        TensorShape([2, 3])
    """

    _TF_MODULE_IGNORED_PROPERTIES = IGNORED_ATTRIBUTES

    def __init__(
        self,
        trainable: bool = True,
        name: str | None = None,
        dtype: Any = None,
        dynamic: bool = False,
        activity_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - _LAYER_KWARGS
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(unknown)}."
            )
        if name is None:
            name = backend.unique_object_name(type(self).__name__)
        else:
            backend.reserve_name(name)
        super().__init__(name=name)
        self._trainable = bool(trainable)
        self._dtype_obj = tf.as_dtype(dtype) if dtype is not None else None
        self._autocast = kwargs.get("autocast", True)
        self.built = False
        self.input_spec: Any = None
        self.supports_masking = False
        self._own_weights: list = []
        self._own_weight_names: list = []
        self._losses: list = []
        self._callable_losses: list = []
        self._inbound_nodes: list = []
        self._outbound_nodes: list = []
        self._output_shape_seen: Any = None
        self._build_input_shape: Any = None
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._initial_weights = kwargs.get("weights")
        batch_input_shape = kwargs.get("batch_input_shape")
        if batch_input_shape is None:
            if "input_shape" in kwargs:
                batch_input_shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
            elif "input_dim" in kwargs:
                batch_input_shape = (kwargs.get("batch_size"), kwargs["input_dim"])
        self._batch_input_shape = (
            tuple(batch_input_shape) if batch_input_shape is not None else None
        )

    # -- configuration ----------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights, as a string ("float32")."""
        return (self._dtype_obj or tf.as_dtype(backend.floatx())).name

    @property
    def compute_dtype(self) -> str:
        return self.dtype

    variable_dtype = compute_dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._direct_children()[1]:
            layer.trainable = value

    @property
    def activity_regularizer(self) -> Any:
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, value: Any) -> None:
        self._activity_regularizer = regularizers.get(value)

    # -- the contract -------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates the layer's weights for `input_shape`; called once, by `__call__`."""
        self._build_input_shape = input_shape
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The layer's computation. The base layer returns its inputs unchanged."""
        return inputs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args:
            inputs, args = args[0], args[1:]
        elif "inputs" in kwargs:
            inputs = kwargs.pop("inputs")
        else:
            raise TypeError(f"Layer {self.name!r}: __call__ needs an `inputs` argument.")
        if is_symbolic(inputs):
            return self._symbolic_call(inputs, args, kwargs)
        ctx = _CONTEXT
        training = kwargs.get("training")
        if training is None:
            training = ctx.training
        expects_training, expects_mask = _call_signature(type(self))
        if expects_training:
            if training is not None:
                kwargs["training"] = training
        elif "training" in kwargs:
            del kwargs["training"]
        input_mask = _mask_of(inputs)
        if expects_mask:
            if input_mask is not None and kwargs.get("mask") is None:
                kwargs["mask"] = input_mask
        elif "mask" in kwargs:
            input_mask = kwargs.pop("mask")
        inputs = self._convert_inputs(inputs)
        if not self.built:
            self._maybe_build(inputs)
        if self.input_spec is not None:
            input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
        if ctx.depth == 0 and _LAYERS_WITH_EAGER_LOSSES:
            for layer in _LAYERS_WITH_EAGER_LOSSES:
                layer._losses.clear()
            _LAYERS_WITH_EAGER_LOSSES.clear()
        previous = ctx.training
        ctx.training = training
        ctx.depth += 1
        try:
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            ctx.training = previous
            ctx.depth -= 1
        if self._activity_regularizer is not None:
            self._add_activity_loss(outputs)
        if input_mask is not None or type(self).compute_mask is not Layer.compute_mask:
            _set_mask(outputs, self.compute_mask(inputs, kwargs.get("mask", input_mask)))
        if self._output_shape_seen is None and not PROBE_STATE.depth:
            self._output_shape_seen = tf.nest.map_structure(_shape_of, outputs)
        return outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The mask of the outputs: the input mask for layers that `supports_masking`."""
        return mask if self.supports_masking else None

    def _convert_inputs(self, inputs: Any) -> Any:
        if type(inputs) is Tensor:
            return self._autocast_tensor(inputs)
        if isinstance(inputs, (list, tuple, dict)):
            return tf.nest.map_structure(self._convert_leaf, inputs)
        return self._convert_leaf(inputs)

    def _convert_leaf(self, x: Any) -> Any:
        if isinstance(x, Variable) or x is None:
            return x
        if not isinstance(x, Tensor):
            if isinstance(x, (np.ndarray, np.generic, list, float, int)):
                x = tf.convert_to_tensor(x)
            else:
                return x
        return self._autocast_tensor(x)

    def _autocast_tensor(self, x: Tensor) -> Tensor:
        # Keras casts floating inputs to the layer's dtype (float64 NumPy data -> float32).
        if self._autocast:
            dtype = x.dtype
            if dtype.is_floating:
                target = self._dtype_obj or tf.as_dtype(backend.floatx())
                if dtype is not target:
                    return tf.cast(x, target)
        return x

    def _maybe_build(self, inputs: Any) -> None:
        if self.input_spec is not None:
            input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
        input_shape = tf.nest.map_structure(_shape_of, inputs)
        if isinstance(input_shape, list):
            input_shape = list(input_shape)
        if self._dtype_obj is None:
            flat = tf.nest.flatten(inputs)
            first = flat[0] if flat else None
            if first is not None and getattr(first, "dtype", None) is not None:
                dtype = tf.as_dtype(first.dtype)
                if dtype.is_floating:
                    self._dtype_obj = dtype
        if not self._skip_build():
            with tf.name_scope(self.name):
                self.build(input_shape)
        self.built = True
        if self._build_input_shape is None:
            self._build_input_shape = input_shape
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)

    def _skip_build(self) -> bool:
        return False

    def _symbolic_call(self, inputs: Any, args: tuple, kwargs: dict) -> Any:
        if not self.built:
            shapes = tf.nest.map_structure(_shape_of, inputs)
            if self._dtype_obj is None:
                first = tf.nest.flatten(inputs)[0]
                if isinstance(first, KerasTensor) and first.dtype.is_floating:
                    self._dtype_obj = first.dtype
            if self.input_spec is not None:
                input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
            if not self._skip_build():
                with tf.name_scope(self.name):
                    self.build(shapes)
            self.built = True
            if self._build_input_shape is None:
                self._build_input_shape = shapes
        elif self.input_spec is not None:
            input_spec_lib.assert_input_compatibility(self.input_spec, inputs, self.name)
        structure, specs = infer_output_spec(self, self.variables, (inputs, *args), kwargs)
        node_index = len(self._inbound_nodes)
        outputs = [
            KerasTensor(shape, dtype, history=(self, node_index, i))
            for i, (shape, dtype) in enumerate(specs)
        ]
        outputs = tf.nest.pack_sequence_as(structure, outputs)
        node = Node(self, (inputs, *args), dict(kwargs), outputs)
        self._inbound_nodes.append(node)
        for tensor in node.input_tensors:
            if tensor._keras_history is not None:
                tensor._keras_history[0]._outbound_nodes.append(node)
        if self._output_shape_seen is None and not PROBE_STATE.depth:
            self._output_shape_seen = tf.nest.map_structure(lambda t: t.shape, outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape(s) for `input_shape`, found by running the layer on zero-filled probes."""
        if _is_shape_nest(input_shape):
            symbols = tf.nest.map_structure(
                lambda s: KerasTensor(s, self.dtype), _shape_leaves(input_shape)
            )
        else:
            symbols = KerasTensor(input_shape, self.dtype)
        if not self.built:
            with tf.name_scope(self.name):
                self.build(tf.nest.map_structure(lambda t: t.shape, symbols))
            self.built = True
        structure, specs = infer_output_spec(self, self.variables, (symbols,), {})
        return tf.nest.pack_sequence_as(structure, [shape for shape, _ in specs])

    def compute_output_signature(self, input_signature: Any) -> Any:
        shapes = self.compute_output_shape(
            tf.nest.map_structure(lambda s: s.shape, input_signature)
        )
        return tf.nest.map_structure(lambda s: tf.TensorSpec(s, self.dtype), shapes)

    # -- weights ------------------------------------------------------------------------
    def add_weight(
        self,
        name: str | None = None,
        shape: Any = None,
        dtype: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        trainable: bool | None = None,
        constraint: Any = None,
        use_resource: Any = None,
        synchronization: Any = None,
        aggregation: Any = None,
        **kwargs: Any,
    ) -> Variable:
        """Creates a weight variable `<layer>/<name>:0` and tracks it.

        Args:
            name: the weight's name inside the layer ("kernel").
            shape: its shape (default scalar).
            dtype: its dtype (default the layer's dtype, else floatx).
            initializer: initializer or its name (default glorot_uniform for floats, zeros
                otherwise).
            regularizer: a penalty on the weight, collected in `layer.losses`.
            trainable: whether optimizers update it (default True).
            constraint: a projection applied after optimizer updates.
        """
        shape = () if shape is None else tuple(tf.TensorShape(shape).as_list())
        if None in shape:
            raise ValueError(
                f"Layer {self.name!r}: add_weight({name!r}) needs a fully known shape, got "
                f"{shape}. Create weights in build(), which receives the input shape."
            )
        dtype = tf.as_dtype(dtype or self._dtype_obj or backend.floatx())
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        if trainable is None:
            trainable = True
        if synchronization is not None and "ON_READ" in str(synchronization):
            trainable = False
        name = name or f"weight_{len(self._own_weights)}"
        with self._weight_scope():
            variable = tf.Variable(
                lambda: init(shape, dtype=dtype),
                name=name,
                trainable=trainable,
                dtype=dtype,
                constraint=constraints.get(constraint),
            )
        self._own_weights.append(variable)
        self._own_weight_names.append(name)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._callable_losses.append(lambda: regularizer(variable))
        variable_created(self, name, variable)
        return variable

    def add_variable(self, *args: Any, **kwargs: Any) -> Variable:
        """TF1 name of `add_weight` (the guide's `self.add_variable("kernel", shape)`)."""
        return self.add_weight(*args, **kwargs)

    def _weight_scope(self) -> Any:
        scopes = state().name_scopes
        if scopes and scopes[-1] == self.name:
            return _NullScope()
        return tf.name_scope(self.name)

    # -- losses -------------------------------------------------------------------------
    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Adds a loss tensor (or a zero-argument callable) to `layer.losses`."""
        for loss in tf.nest.flatten(losses):
            if loss is None:
                continue
            if callable(loss):
                self._callable_losses.append(loss)
            else:
                if not self._losses:
                    _LAYERS_WITH_EAGER_LOSSES.append(self)
                self._losses.append(tf.convert_to_tensor(loss))

    def _add_activity_loss(self, outputs: Any) -> None:
        for output in tf.nest.flatten(outputs):
            if isinstance(output, Tensor):
                batch = output.shape[0] if output.shape.rank else 1
                penalty = self._activity_regularizer(output)
                self.add_loss(penalty / tf.cast(batch or 1, penalty.dtype))

    @property
    def losses(self) -> list:
        """Losses added with `add_loss` in the last call, and weight regularization penalties."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            out.extend(fn() for fn in layer._callable_losses)
        return out

    # -- serialization ------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that recreate this layer (without its weights)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        return cls(**config)

    # -- symbolic graph -----------------------------------------------------------------
    def _node_output(self, attribute: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name!r} has no inbound nodes: it was never called on a "
                f"symbolic input, so `{attribute}` is undefined."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer {self.name!r} has multiple inbound nodes; `{attribute}` is ambiguous."
            )
        return self._inbound_nodes[0]

    @property
    def input(self) -> Any:
        node = self._node_output("input")
        return node.call_args[0]

    @property
    def output(self) -> Any:
        return self._node_output("output").outputs

    @property
    def input_shape(self) -> Any:
        if self._inbound_nodes:
            return tf.nest.map_structure(lambda t: _as_tuple(t.shape), self.input)
        if self._build_input_shape is not None:
            return tf.nest.map_structure(_as_tuple, self._build_input_shape)
        raise AttributeError(f"The layer {self.name!r} has never been called.")

    @property
    def output_shape(self) -> Any:
        if self._output_shape_seen is None:
            raise AttributeError(f"The layer {self.name!r} has never been called.")
        return tf.nest.map_structure(_as_tuple, self._output_shape_seen)

    def __setattr__(self, key: str, value: Any) -> None:
        # A plain assignment of a callable loss etc. needs no hook; this only guards the
        # common mistake of assigning weights before `super().__init__()` ran.
        if (
            key != "_name"
            and "_name" not in self.__dict__
            and isinstance(value, (Variable, Module))
        ):
            raise RuntimeError(
                f"{type(self).__name__}: call super().__init__() before assigning layers or "
                "variables as attributes."
            )
        weight_tracking.attribute_changed(self, key, value)
        super().__setattr__(key, value)


def _mask_of(inputs: Any) -> Any:
    """The `_keras_mask` of a tensor (or the list of masks of a list), or None."""
    if isinstance(inputs, Tensor):
        return getattr(inputs, "_keras_mask", None)
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(x, "_keras_mask", None) if isinstance(x, Tensor) else None for x in inputs]
        return masks if any(m is not None for m in masks) else None
    return None


def _set_mask(outputs: Any, mask: Any) -> None:
    if mask is None:
        return
    if isinstance(outputs, Tensor):
        outputs._keras_mask = mask
    elif isinstance(outputs, (list, tuple)):
        masks = mask if isinstance(mask, (list, tuple)) else [mask] * len(outputs)
        for output, m in zip(outputs, masks):
            if isinstance(output, Tensor) and m is not None:
                output._keras_mask = m


class _NullScope:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def _as_tuple(shape: Any) -> Any:
    if isinstance(shape, tf.TensorShape):
        return tuple(shape.as_list()) if shape.rank is not None else None
    return shape


def _shape_leaves(value: Any) -> Any:
    """Turns each inner shape (list/tuple of ints) into a TensorShape leaf."""
    if isinstance(value, tf.TensorShape):
        return value
    if isinstance(value, dict):
        return {k: _shape_leaves(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value):
        return tf.TensorShape(value)
    return [_shape_leaves(v) for v in value]


def _is_shape_nest(value: Any) -> bool:
    """True for a list/dict of shapes (multiple inputs), False for one shape."""
    if isinstance(value, dict):
        return True
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, (tf.TensorShape, list, tuple)) for v in value)
    return False
