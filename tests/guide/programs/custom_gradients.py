# The guide's "Custom gradients" section, with only the import line changed (plus prints).
import eagerflow as tf

tfe = tf.contrib.eager


@tf.custom_gradient
def clip_gradient_by_norm(x, norm):
    y = tf.identity(x)

    def grad_fn(dresult):
        return [tf.clip_by_norm(dresult, norm), None]

    return y, grad_fn


x = tf.constant([3.0, 4.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = clip_gradient_by_norm(x, 1.0) * 10.0
print("clipped:", tape.gradient(y, x).numpy())


def log1pexp(x):
    return tf.log(1 + tf.exp(x))


grad_log1pexp = tfe.gradients_function(log1pexp)

# The gradient computation works fine at x = 0.
print(grad_log1pexp(0.0).numpy())

# However, x = 100 fails because of numerical instability.
print(grad_log1pexp(100.0).numpy())


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(dy):
        return dy * (1 - 1 / (1 + e))

    return tf.log(1 + e), grad


grad_log1pexp = tfe.gradients_function(log1pexp)

# As before, the gradient computation works fine at x = 0.
print(grad_log1pexp(0.0)[0].numpy())

# And the gradient computation also works at x = 100.
print(grad_log1pexp(100.0)[0].numpy())
