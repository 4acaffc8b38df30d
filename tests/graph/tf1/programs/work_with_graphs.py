# The guide's "Work with graphs": build a graph first, then Session.run it; static autodiff.
import numpy as np

import eagerflow as tf

tf.compat.v1.disable_eager_execution()
print("executing eagerly:", tf.executing_eagerly())

x = tf.placeholder(tf.float32, shape=[None, 2], name="x")
w = tf.Variable([[1.0], [2.0]], name="w")
b = tf.Variable(0.5, name="b")
y = tf.matmul(x, w) + b
loss = tf.reduce_mean(tf.square(y))
print(y)  # a symbolic tensor: nothing has run yet

# Automatic differentiation using static autodiff.
dw, db = tf.gradients(loss, [w, b])
print(dw.shape, db.shape)

init = tf.global_variables_initializer()
with tf.Session() as sess:
    sess.run(init)
    feed = {x: np.array([[1.0, 1.0], [0.0, 1.0]], np.float32)}
    print(sess.run(y, feed_dict=feed))
    grads = sess.run({"dw": dw, "db": db}, feed_dict=feed)
    print(grads["dw"].ravel(), grads["db"])
print(tf.get_default_graph() is sess.graph)
