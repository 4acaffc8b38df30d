"""`tf.keras.optimizers.legacy`: TF 2.11+'s name for the pre-Keras-3 optimizers (name map only).

eagerflow has one implementation of each optimizer; these names point at it.
"""
# ruff: noqa: F401

from eagerflow.keras.optimizers.adadelta import Adadelta
from eagerflow.keras.optimizers.adagrad import Adagrad
from eagerflow.keras.optimizers.adam import Adam
from eagerflow.keras.optimizers.adamax import Adamax
from eagerflow.keras.optimizers.base_optimizer import Optimizer
from eagerflow.keras.optimizers.nadam import Nadam
from eagerflow.keras.optimizers.rmsprop import RMSprop
from eagerflow.keras.optimizers.sgd import SGD
