"""Plain float64 NumPy statements of each optimizer's update, for multi-step comparisons.

Written from the published formulas (Keras's), one step per call, independently of the fused
kernels under test.
"""

import numpy as np


def adam(var, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=0.0):
    m = np.zeros_like(var)
    v = np.zeros_like(var)
    vhat = np.zeros_like(var)
    for t, g in enumerate(grads, start=1):
        var = var - var * lr * wd
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if amsgrad:
            vhat = np.maximum(vhat, v)
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        var = var - alpha * m / (np.sqrt(vhat if amsgrad else v) + eps)
    return var


def adamax(var, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    m = np.zeros_like(var)
    u = np.zeros_like(var)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        var = var - lr / (1 - b1**t) * m / (u + eps)
    return var


def nadam(var, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    m = np.zeros_like(var)
    v = np.zeros_like(var)
    prod = 1.0
    for t, g in enumerate(grads, start=1):
        u_t = b1 * (1 - 0.5 * 0.96**t)
        u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        prod *= u_t
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = u_next * m / (1 - prod * u_next) + (1 - u_t) * g / (1 - prod)
        v_hat = v / (1 - b2**t)
        var = var - lr * m_hat / (np.sqrt(v_hat) + eps)
    return var


def rmsprop(var, grads, lr=0.001, rho=0.9, momentum=0.0, eps=1e-7, centered=False, rms0=0.0):
    rms = np.full_like(var, rms0)
    mg = np.zeros_like(var)
    mom = np.zeros_like(var)
    for g in grads:
        rms = rho * rms + (1 - rho) * g * g
        denom = rms
        if centered:
            mg = rho * mg + (1 - rho) * g
            denom = rms - mg * mg
        step = lr * g / np.sqrt(denom + eps)
        mom = momentum * mom + step
        var = var - mom
    return var


def adagrad(var, grads, lr=0.001, init=0.1, eps=1e-7):
    acc = np.full_like(var, init)
    for g in grads:
        acc = acc + g * g
        var = var - lr * g / np.sqrt(acc + eps)
    return var


def adadelta(var, grads, lr=0.001, rho=0.95, eps=1e-7):
    ag = np.zeros_like(var)
    av = np.zeros_like(var)
    for g in grads:
        ag = rho * ag + (1 - rho) * g * g
        delta = -np.sqrt(av + eps) / np.sqrt(ag + eps) * g
        av = rho * av + (1 - rho) * delta * delta
        var = var + lr * delta
    return var


def momentum_sgd(var, grads, lr=0.01, momentum=0.0, nesterov=False):
    vel = np.zeros_like(var)
    for g in grads:
        vel = momentum * vel - lr * g
        var = var + (momentum * vel - lr * g if nesterov else vel)
    return var
