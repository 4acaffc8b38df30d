# The guide's "Variables are objects" section, with only the import line changed.
import gc
import weakref

import eagerflow as tf

if tf.test.is_gpu_available():
    with tf.device("gpu:0"):
        v = tf.Variable(tf.random_normal([1000, 1000]))
        v = None  # v no longer takes up GPU memory

# On any machine: the variable goes with its last reference.
v = tf.Variable(tf.zeros([1000, 1000]))
alive = weakref.ref(v)
v = None
gc.collect()
print("freed:", alive() is None)
