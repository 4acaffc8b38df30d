# The guide's "Advanced automatic differentiation topics" section, with only the import line
# changed (plus prints of the values the guide shows).
import eagerflow as tf

tfe = tf.contrib.eager


def line_search_step(fn, init_x, rate=1.0):
    with tf.GradientTape() as tape:
        # Variables are automatically recorded, but manually watch a tensor
        tape.watch(init_x)
        value = fn(init_x)
    grad = tape.gradient(value, init_x)
    grad_norm = tf.reduce_sum(grad * grad)
    init_value = value
    while value > init_value - rate * grad_norm:
        x = init_x - rate * grad
        value = fn(x)
        rate /= 2.0
    return x, value


x, value = line_search_step(lambda x: tf.reduce_sum(tf.square(x - 1.0)), tf.constant([3.0, -1.0]))
print("line search:", x.numpy(), value.numpy())


def square(x):
    return tf.multiply(x, x)


grad = tfe.gradients_function(square)

print(square(3.0).numpy())
print(grad(3.0)[0].numpy())

# The second-order derivative of square:
gradgrad = tfe.gradients_function(lambda x: grad(x)[0])
print(gradgrad(3.0)[0].numpy())

# The third-order derivative is None:
gradgradgrad = tfe.gradients_function(lambda x: gradgrad(x)[0])
print(gradgradgrad(3.0))


# With flow control:
def abs(x):
    return x if x > 0.0 else -x


grad = tfe.gradients_function(abs)

print(grad(3.0)[0].numpy())
print(grad(-3.0)[0].numpy())
