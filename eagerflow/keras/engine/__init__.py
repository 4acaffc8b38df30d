"""The Keras engine: the `Layer` contract, symbolic inputs, and the three ways to build a model."""
