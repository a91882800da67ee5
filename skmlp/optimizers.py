"""Stochastic optimizers.

Each optimizer updates a flat parameter vector in place from a flat gradient
vector -- or a stack of them, ``(K, P)``, one row per model -- so a step is a
handful of vectorized operations whatever the number of layers and models. A
hyperparameter (and the learning rate) is a number, or a ``(K, 1)`` column when
the models of a stack differ in it. State buffers are allocated on the first step
and kept between steps (and between ``partial_fit`` calls); a fresh optimizer is a
fresh state.
"""

import numpy as np

from ._network import row_dots


class Optimizer:
    """Base class: ``step(params, grad, learning_rate)`` updates ``params`` in place."""

    #: constructor arguments, each a number or one value per model of a stack
    hyperparameters = ()
    #: state arrays shaped like the parameters (and ``t`` where kept)
    state = ()

    def step(self, params, grad, learning_rate, rows=None):
        """One step; ``rows`` (of a stack) limits it to those models, leaving the others."""
        if not hasattr(self, "_scratch") or self._scratch.shape != params.shape:
            self._allocate(params)
        if rows is None:
            self._step(params, grad, learning_rate)
            return
        part = self.select(rows)
        part_params = params[rows]
        rate = learning_rate[rows] if np.ndim(learning_rate) else learning_rate
        part._step(part_params, grad[rows], rate)
        params[rows] = part_params
        for name in self.state:
            if name == "t" and np.ndim(self.t) == 0:  # the models' clocks part here
                self.t = np.full((params.shape[0], 1), self.t)
            getattr(self, name)[rows] = getattr(part, name)

    def select(self, rows):
        """The optimizer of the models ``rows`` of a stack, with their state copied."""
        part = type(self)(**{
            name: value[rows] if np.ndim(value) else value
            for name, value in ((n, getattr(self, n)) for n in self.hyperparameters)
        })
        if hasattr(self, "_scratch"):
            part._scratch = self._scratch[rows]
            for name in self.state:
                value = getattr(self, name)
                setattr(part, name, value[rows] if np.ndim(value) else value)
        return part

    def resume(self, params, previous):
        """Go on from the states models had in earlier stacks (training that resumes).

        ``previous[k]`` is model ``k``'s optimizer as it left its stack (a stack of one,
        as :meth:`select` makes it), or None where model ``k`` starts fresh; the
        hyperparameters stay this optimizer's.
        """
        self._allocate(params)
        for name in self.state:
            values = [None if p is None or not hasattr(p, "_scratch") else getattr(p, name)
                      for p in previous]
            if name == "t":  # each model's step count: one number while they agree
                t = [0 if v is None else int(np.ravel(v)[0]) for v in values]
                self.t = t[0] if len(set(t)) == 1 else np.array(t)[:, np.newaxis]
                continue
            buffer = getattr(self, name)
            for k, value in enumerate(values):
                if value is not None:
                    buffer[k] = value.reshape(-1)

    def _allocate(self, params):
        self._scratch = np.zeros_like(params)

    def _step(self, params, grad, learning_rate):
        raise NotImplementedError


def stacked(values):
    """One hyperparameter of a stack: a number when the models agree, else a (K, 1) column."""
    values = list(values)
    if all(v == values[0] for v in values):
        return values[0]
    return np.array(values, dtype=float)[:, np.newaxis]


class SGD(Optimizer):
    """SGD with momentum: ``v <- mu v - lr g; W <- W + v``.

    With Nesterov momentum the step uses the look-ahead ``W <- W + mu v - lr g``
    (with the updated ``v``).
    """

    hyperparameters = ("momentum", "nesterov")
    state = ("velocity",)

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
    """Adam (Kingma & Ba, 2015) with bias correction, as scikit-learn's MLP steps it.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g**2``,
    ``W <- W - lr_t * m / (sqrt(v) + eps)`` with
    ``lr_t = lr * sqrt(1 - b2**t) / (1 - b1**t)``: the paper's "more efficient" form
    (its section 2), where ``eps`` is added to ``sqrt(v)`` before the bias correction.
    That is ``lr * m_hat / (sqrt(v_hat) + eps / sqrt(1 - b2**t))`` with
    ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)``; :class:`AdamW` adds
    ``eps`` to ``sqrt(v_hat)``, as PyTorch does.

    The state is kept as ``m / (1 - b1)`` and ``v / (1 - b2)``, whose updates
    (``a <- b a + g``) take fewer passes over the parameters; the constants are
    folded into the step. ``first_moment`` and ``second_moment`` give ``m`` and ``v``.
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon")
    state = ("t", "_scaled_m", "_scaled_v")

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
        # sqrt(v_hat) = c sqrt(v') with c = sqrt((1 - b2) / (1 - b2**t)) and v' = v / (1 - b2),
        # so lr_t m / (sqrt(v) + eps) = (lr (1 - b1) / ((1 - b1**t) c)) m' / (sqrt(v') + eps')
        # with eps' = eps / sqrt(1 - b2) (eps / c where eps is added to sqrt(v_hat))
        c = np.sqrt((1 - b2) / (1 - b2**self.t))
        np.sqrt(v, out=scratch)
        scratch += self.epsilon / self._epsilon_scale(c)
        np.divide(m, scratch, out=scratch)
        scratch *= learning_rate * (1 - b1) / ((1 - b1**self.t) * c)
        params -= scratch

    def _epsilon_scale(self, c):
        """What ``eps`` is divided by in the scaled step: ``sqrt(1 - b2)`` where it is
        added to ``sqrt(v)`` (scikit-learn's), ``c`` where to ``sqrt(v_hat)``."""
        return np.sqrt(1 - self.beta_2)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019), as PyTorch's ``torch.optim.AdamW``: decoupled
    weight decay ``W <- W - lr * weight_decay * W`` on the decayed parameters, then
    the :class:`Adam` step (which the decay does not see: it is not in the gradient).

    Parameters
    ----------
    beta_1, beta_2, epsilon : float or ndarray of shape (K, 1)
        As :class:`Adam`'s.
    weight_decay : float or ndarray of shape (K, 1), default=0.01
    decayed : ndarray of shape (K, P), optional
        1 where a parameter decays, 0 where not (the estimators decay the weights, and
        the intercepts with ``penalize_intercepts=True``, where ``alpha`` would
        apply); every parameter decays by default.
    """

    hyperparameters = Adam.hyperparameters + ("weight_decay", "decayed")

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8, weight_decay=0.01,
                 decayed=None):
        super().__init__(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        self.weight_decay = weight_decay
        self.decayed = decayed

    def _step(self, params, grad, learning_rate):
        # params *= 1 - lr * weight_decay where decayed: PyTorch's p.mul_(1 - lr * wd)
        factor = self._scratch
        if self.decayed is None:
            factor.fill(1.0)
            factor *= -learning_rate * self.weight_decay
        else:
            np.multiply(self.decayed, -learning_rate * self.weight_decay, out=factor)
        factor += 1.0
        params *= factor
        super()._step(params, grad, learning_rate)

    def _epsilon_scale(self, c):
        return c  # PyTorch adds eps to sqrt(v_hat)


def clip_gradient_norm(grad, max_norm):
    """Scale each model's gradient (a row of ``grad``) so its L2 norm is at most
    ``max_norm``, as PyTorch's ``torch.nn.utils.clip_grad_norm_``: times
    ``min(1, max_norm / (norm + 1e-6))``.

    Parameters
    ----------
    grad : ndarray of shape (K, P)
        Updated in place.
    max_norm : float or ndarray of shape (K,)
        ``inf`` leaves a model's gradient as it is.
    """
    coef = np.minimum(max_norm / (np.sqrt(row_dots(grad)) + 1e-6), 1.0)
    grad *= coef[:, np.newaxis].astype(grad.dtype)


class RMSprop(Optimizer):
    """RMSprop: ``s <- rho s + (1 - rho) g**2; W <- W - lr g / (sqrt(s) + eps)``."""

    hyperparameters = ("rho", "epsilon")
    state = ("mean_square",)

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

    hyperparameters = ("epsilon",)
    state = ("sum_square",)

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


def _sgd(estimators, network):
    return SGD(momentum=stacked(e.momentum for e in estimators),
               nesterov=estimators[0].nesterovs_momentum)


def _adam(estimators, network):
    return Adam(beta_1=stacked(e.beta_1 for e in estimators),
                beta_2=stacked(e.beta_2 for e in estimators),
                epsilon=stacked(e.epsilon for e in estimators))


def _adamw(estimators, network):
    # the weights decay, and the intercepts of models with penalize_intercepts
    decayed = np.ones_like(network.params)
    decayed[:, network.n_weights:] = np.array(
        [[float(e.penalize_intercepts)] for e in estimators], dtype=decayed.dtype)
    return AdamW(beta_1=stacked(e.beta_1 for e in estimators),
                 beta_2=stacked(e.beta_2 for e in estimators),
                 epsilon=stacked(e.epsilon for e in estimators),
                 weight_decay=stacked(e.weight_decay for e in estimators), decayed=decayed)


def _rmsprop(estimators, network):
    return RMSprop(rho=stacked(e.rho for e in estimators),
                   epsilon=stacked(e.epsilon for e in estimators))


def _adagrad(estimators, network):
    return Adagrad(epsilon=stacked(e.epsilon for e in estimators))


#: Stochastic solver name -> factory building the optimizer of a stack from its estimators'
#: parameters and its network (``nesterovs_momentum`` is shared: the models of a stack
#: agree on it).
OPTIMIZERS = {"sgd": _sgd, "adam": _adam, "adamw": _adamw, "rmsprop": _rmsprop,
              "adagrad": _adagrad}

#: Full-batch solvers, run through scipy.optimize rather than an Optimizer.
FULL_BATCH_SOLVERS = frozenset({"lbfgs"})

SOLVERS = set(OPTIMIZERS) | FULL_BATCH_SOLVERS
