# The guide's "Use eager execution in a graph environment", with only the imports changed and
# eager execution disabled first (eagerflow starts eager; the guide's TF1 started in graphs).
import eagerflow as tf
import eagerflow.contrib.eager as tfe

tf.compat.v1.disable_eager_execution()


def my_py_func(x):
    x = tf.matmul(x, x)  # You can use tf ops
    print(x)  # but it's eager!
    return x


with tf.Session() as sess:
    x = tf.placeholder(dtype=tf.float32)
    # Call eager function in graph!
    pf = tfe.py_func(my_py_func, [x], tf.float32)

    print(sess.run(pf, feed_dict={x: [[2.0]]}))  # [[4.0]]
