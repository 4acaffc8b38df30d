"""The guide's "Build a model" section, verbatim (`import eagerflow as tf`)."""

from __future__ import annotations

import eagerflow as tf


# fmt: off
def test_build_a_model_section_runs_verbatim() -> None:
    class MySimpleLayer(tf.keras.layers.Layer):
        def __init__(self, output_units):
            super(MySimpleLayer, self).__init__()  # noqa: UP008  (verbatim)
            self.output_units = output_units

        def build(self, input_shape):
            # The build method gets called the first time your layer is used.
            # Creating variables on build() allows you to make their shape depend
            # on the input shape and hence removes the need for the user to specify
            # full shapes. It is possible to create variables during __init__() if
            # you already know their full shapes.
            self.kernel = self.add_variable(
                "kernel", [input_shape[-1], self.output_units])

        def call(self, input):
            # Override call() instead of __call__ so we can perform some bookkeeping.
            return tf.matmul(input, self.kernel)

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(10, input_shape=(784,)),  # must declare input shape
        tf.keras.layers.Dense(10)
    ])

    class MNISTModel(tf.keras.Model):
        def __init__(self):
            super(MNISTModel, self).__init__()  # noqa: UP008  (verbatim)
            self.dense1 = tf.keras.layers.Dense(units=10)
            self.dense2 = tf.keras.layers.Dense(units=10)

        def call(self, input):
            """Run the model."""
            result = self.dense1(input)
            result = self.dense2(result)
            result = self.dense2(result)  # reuse variables from dense2 layer
            return result

    model = MNISTModel()

    # What the guide says about them: variables are created on first use.
    assert model(tf.zeros([1, 784])).shape == (1, 10)
    assert len(model.trainable_variables) == 4
    layer = MySimpleLayer(10)
    assert layer(tf.zeros([1, 784])).shape == (1, 10)
    assert layer.kernel.shape == (784, 10)


def test_train_a_model_section_model_logits() -> None:
    mnist_model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(16, [3, 3], activation='relu'),
        tf.keras.layers.Conv2D(16, [3, 3], activation='relu'),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(10)
    ])
    images = tf.zeros([2, 28, 28, 1])
    logits = mnist_model(images[0:1]).numpy()
    assert logits.shape == (1, 10)
    assert len(mnist_model.trainable_variables) == 6
# fmt: on
