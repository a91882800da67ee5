"""Stochastic optimizers.

Each optimizer updates one flat parameter vector in place from one flat
gradient vector, so a step is a handful of vectorized operations whatever the
number of layers. State buffers are allocated on the first step and kept
between steps (and between ``partial_fit`` calls); a fresh optimizer is a fresh
state.
"""

import numpy as np


class Optimizer:
    """Base class: ``step(params, grad, learning_rate)`` updates ``params`` in place."""

    def step(self, params, grad, learning_rate):
        if not hasattr(self, "_scratch") or self._scratch.shape != params.shape:
            self._allocate(params)
        self._step(params, grad, learning_rate)

    def _allocate(self, params):
        self._scratch = np.zeros_like(params)

    def _step(self, params, grad, learning_rate):
        raise NotImplementedError


class SGD(Optimizer):
    """SGD with momentum: ``v <- mu v - lr g; W <- W + v``.

    With Nesterov momentum the step uses the look-ahead ``W <- W + mu v - lr g``
    (with the updated ``v``).
    """

    def __init__(self, momentum=0.9, nesterov=True):
        self.momentum = momentum
        self.nesterov = nesterov

    def _allocate(self, params):
        super()._allocate(params)
        self.velocity = np.zeros_like(params)

    def _step(self, params, grad, learning_rate):
        velocity, scaled_grad = self.velocity, self._scratch
        np.multiply(grad, learning_rate, out=scaled_grad)
        velocity *= self.momentum
        velocity -= scaled_grad
        if self.nesterov:
            params -= scaled_grad
            np.multiply(velocity, self.momentum, out=scaled_grad)
            params += scaled_grad
        else:
            params += velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g**2``,
    ``W <- W - lr * m_hat / (sqrt(v_hat) + eps)`` with
    ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)``.

    The state is kept as ``m / (1 - b1)`` and ``v / (1 - b2)``, whose updates
    (``a <- b a + g``) take fewer passes over the parameters; the constants are
    folded into the step. ``first_moment`` and ``second_moment`` give ``m`` and ``v``.
    """

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _allocate(self, params):
        super()._allocate(params)
        self.t = 0
        self._scaled_m = np.zeros_like(params)
        self._scaled_v = np.zeros_like(params)

    @property
    def first_moment(self):
        """The biased first-moment estimate ``m``."""
        return (1 - self.beta_1) * self._scaled_m

    @property
    def second_moment(self):
        """The biased second-moment estimate ``v``."""
        return (1 - self.beta_2) * self._scaled_v

    def _step(self, params, grad, learning_rate):
        # Every operation writes into preallocated buffers: a temporary the size
        # of the parameters would cost a fresh allocation (and page faults) per step.
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        m, v, scratch = self._scaled_m, self._scaled_v, self._scratch
        m *= b1
        m += grad
        v *= b2
        np.square(grad, out=scratch)
        v += scratch
        # sqrt(v_hat) = c sqrt(v / (1 - b2)) with c = sqrt((1 - b2) / (1 - b2**t)), so
        # lr m_hat / (sqrt(v_hat) + eps) = (lr (1 - b1) / ((1 - b1**t) c)) m' / (sqrt(v') + eps / c)
        c = np.sqrt((1 - b2) / (1 - b2**self.t))
        np.sqrt(v, out=scratch)
        scratch += self.epsilon / c
        np.divide(m, scratch, out=scratch)
        scratch *= learning_rate * (1 - b1) / ((1 - b1**self.t) * c)
        params -= scratch


class RMSprop(Optimizer):
    """RMSprop: ``s <- rho s + (1 - rho) g**2; W <- W - lr g / (sqrt(s) + eps)``."""

    def __init__(self, rho=0.9, epsilon=1e-8):
        self.rho = rho
        self.epsilon = epsilon

    def _allocate(self, params):
        super()._allocate(params)
        self.mean_square = np.zeros_like(params)

    def _step(self, params, grad, learning_rate):
        s, scratch = self.mean_square, self._scratch
        s *= self.rho
        np.square(grad, out=scratch)
        scratch *= 1 - self.rho
        s += scratch
        _apply_scaled_step(params, grad, s, learning_rate, self.epsilon, scratch)


class Adagrad(Optimizer):
    """Adagrad: ``s <- s + g**2; W <- W - lr g / (sqrt(s) + eps)``."""

    def __init__(self, epsilon=1e-8):
        self.epsilon = epsilon

    def _allocate(self, params):
        super()._allocate(params)
        self.sum_square = np.zeros_like(params)

    def _step(self, params, grad, learning_rate):
        s, scratch = self.sum_square, self._scratch
        np.square(grad, out=scratch)
        s += scratch
        _apply_scaled_step(params, grad, s, learning_rate, self.epsilon, scratch)


def _apply_scaled_step(params, grad, accumulated_square, learning_rate, epsilon, scratch):
    """``params -= learning_rate * grad / (sqrt(accumulated_square) + epsilon)``."""
    np.sqrt(accumulated_square, out=scratch)
    scratch += epsilon
    np.divide(grad, scratch, out=scratch)
    scratch *= learning_rate
    params -= scratch


def _sgd(estimator):
    return SGD(momentum=estimator.momentum, nesterov=estimator.nesterovs_momentum)


def _adam(estimator):
    return Adam(beta_1=estimator.beta_1, beta_2=estimator.beta_2, epsilon=estimator.epsilon)


def _rmsprop(estimator):
    return RMSprop(rho=estimator.rho, epsilon=estimator.epsilon)


def _adagrad(estimator):
    return Adagrad(epsilon=estimator.epsilon)


#: Stochastic solver name -> factory building the optimizer from estimator parameters.
OPTIMIZERS = {"sgd": _sgd, "adam": _adam, "rmsprop": _rmsprop, "adagrad": _adagrad}

#: Full-batch solvers, run through scipy.optimize rather than an Optimizer.
FULL_BATCH_SOLVERS = frozenset({"lbfgs"})

SOLVERS = set(OPTIMIZERS) | FULL_BATCH_SOLVERS
