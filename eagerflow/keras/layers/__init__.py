"""`tf.keras.layers`: the built-in layers and the `Layer` base class."""
# ruff: noqa: F401

from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.input_layer import Input, InputLayer
from eagerflow.keras.engine.input_spec import InputSpec
from eagerflow.keras.layers.convolutional import (
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    DepthwiseConv2D,
)
from eagerflow.keras.layers.convolutional import Conv1D as Convolution1D
from eagerflow.keras.layers.convolutional import Conv2D as Convolution2D
from eagerflow.keras.layers.convolutional import Conv2DTranspose as Convolution2DTranspose
from eagerflow.keras.layers.core import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from eagerflow.keras.layers.embedding import Embedding
from eagerflow.keras.layers.merge import (
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    maximum,
    minimum,
    multiply,
    subtract,
)
from eagerflow.keras.layers.normalization import BatchNormalization, LayerNormalization
from eagerflow.keras.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from eagerflow.keras.layers.recurrent import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
)


def serialize(layer: Layer) -> dict:
    """`{"class_name": ..., "config": ...}` for a layer."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> Layer:
    """The layer described by `serialize`'s output."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or globals().get(name)
    if cls is None or not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ValueError(f"Unknown layer: {name!r}. Pass it in `custom_objects`.")
    return cls.from_config(config["config"])
