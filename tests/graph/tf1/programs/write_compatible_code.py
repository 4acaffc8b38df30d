# The guide's "Write compatible code": the same model code builds a graph in a process where
# eager execution is disabled; tf.train.Checkpoint moves the variables between the two.
#   python write_compatible_code.py eager CKPT_DIR   trains eagerly, saves the initial weights
#   python write_compatible_code.py graph CKPT_DIR   restores them in a graph, trains there
import os
import sys

import numpy as np

import eagerflow as tf

mode, ckpt_dir = sys.argv[1], sys.argv[2]
if mode == "graph":
    tf.compat.v1.disable_eager_execution()
print("executing eagerly:", tf.executing_eagerly())

rng = np.random.RandomState(0)
X = rng.randn(32, 3).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)


# -- the model code, shared by both modes ------------------------------------------------------
def make_model():
    return tf.keras.Sequential(
        [tf.keras.layers.Dense(8, activation="tanh"), tf.keras.layers.Dense(1)]
    )


def loss_fn(model, x, y):
    return tf.reduce_mean(tf.square(model(x) - y))


model = make_model()
optimizer = tf.train.AdamOptimizer(learning_rate=0.05)
checkpoint = tf.train.Checkpoint(model=model)
prefix = os.path.join(ckpt_dir, "ckpt")

if mode == "eager":
    model(X)  # builds the variables
    checkpoint.save(prefix)
    for _ in range(25):
        optimizer.minimize(lambda: loss_fn(model, X, Y), var_list=model.trainable_variables)
    final_loss = loss_fn(model, X, Y).numpy()
    predictions = model(X[:3]).numpy()
else:
    x = tf.placeholder(tf.float32, shape=[None, 3])
    y = tf.placeholder(tf.float32, shape=[None, 1])
    loss = loss_fn(model, x, y)
    train_op = optimizer.minimize(loss)
    status = checkpoint.restore(tf.train.latest_checkpoint(ckpt_dir))
    with tf.Session() as sess:
        status.initialize_or_restore(sess)
        for _ in range(25):
            sess.run(train_op, feed_dict={x: X, y: Y})
        final_loss = sess.run(loss, feed_dict={x: X, y: Y})
        predictions = sess.run(model(x), feed_dict={x: X[:3]})

print(f"final loss: {final_loss:.5f}")
print(np.round(predictions, 4))
