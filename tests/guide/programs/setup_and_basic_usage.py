# The guide's "Setup and basic usage" section, with only the import line changed.
from __future__ import absolute_import, division, print_function, unicode_literals

import eagerflow as tf

tf.enable_eager_execution()

print(tf.executing_eagerly())

x = [[2.0]]
m = tf.matmul(x, x)
print("hello, {}".format(m))

a = tf.constant([[1, 2], [3, 4]])
print(a)

# Broadcasting support
b = tf.add(a, 1)
print(b)

# Operator overloading is supported
print(a * b)

# Use NumPy values
import numpy as np

c = np.multiply(a, b)
print(c)

# Obtain numpy value from a tensor:
print(a.numpy())
# => [[1 2]
#      [3 4]]

tfe = tf.contrib.eager
