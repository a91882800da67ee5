"""Learning-rate schedules for the stochastic solvers.

A schedule holds the current ``learning_rate``. The training loop calls
:meth:`Schedule.end_epoch` after every epoch, and :meth:`Schedule.stalled`
when the monitored score has not improved for ``n_iter_no_change`` epochs;
``stalled`` returns whether training should stop. Schedules count epochs since
they were created: a fresh ``fit`` (also with ``warm_start``) restarts them,
``partial_fit`` continues them.

Rates change only between epochs, which keeps them independent of the batch
size and of how many rows a weighted sample stands for.
"""

import numpy as np

#: The adaptive schedule stops training once the rate falls below this.
ADAPTIVE_MIN_LEARNING_RATE = 1e-6
#: The adaptive schedule divides the rate by this when training stalls.
ADAPTIVE_DIVISOR = 5.0


class Schedule:
    """Constant learning rate; a stall stops training."""

    def __init__(self, learning_rate_init):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate_init
        self.n_epochs = 0

    def end_epoch(self):
        """Count an epoch and set the rate of the next one."""
        self.n_epochs += 1
        self.learning_rate = self._rate()

    def _rate(self):
        return self.learning_rate

    def stalled(self):
        """React to ``n_iter_no_change`` epochs without improvement; True means stop."""
        return True


class InvScaling(Schedule):
    """``lr_t = lr_init / t**power_t`` during epoch ``t`` (counted from 1).

    scikit-learn's MLP counts ``t`` in samples seen instead, which makes the
    decay depend on the dataset size (and on sample weights): after one epoch
    of 10,000 samples its rate is already ``lr_init / 100`` with the default
    ``power_t``.
    """

    def __init__(self, learning_rate_init, power_t=0.5):
        super().__init__(learning_rate_init)
        self.power_t = power_t

    def _rate(self):
        return self.learning_rate_init / (self.n_epochs + 1) ** self.power_t


class Adaptive(Schedule):
    """Keep the rate while training improves; divide it by 5 when it stalls.

    A stall stops training once the rate is already at most 1e-6 (scikit-learn's
    rule: the last rate, below 1e-6 after a division, still gets its epochs).
    """

    def stalled(self):
        if self.learning_rate <= ADAPTIVE_MIN_LEARNING_RATE:
            return True
        self.learning_rate /= ADAPTIVE_DIVISOR
        return False


class Cosine(Schedule):
    """Cosine annealing from ``lr_init`` to 0 over ``max_iter`` epochs.

    ``lr_e = lr_init * (1 + cos(pi * e / max_iter)) / 2`` during epoch ``e``
    (counted from 0), and 0 after ``max_iter`` epochs.
    """

    def __init__(self, learning_rate_init, max_iter=200):
        super().__init__(learning_rate_init)
        self.max_iter = max_iter

    def _rate(self):
        progress = min(self.n_epochs / self.max_iter, 1.0)
        return self.learning_rate_init * 0.5 * (1.0 + np.cos(np.pi * progress))


def _constant(estimator):
    return Schedule(estimator.learning_rate_init)


def _invscaling(estimator):
    return InvScaling(estimator.learning_rate_init, power_t=estimator.power_t)


def _adaptive(estimator):
    return Adaptive(estimator.learning_rate_init)


def _cosine(estimator):
    return Cosine(estimator.learning_rate_init, max_iter=estimator.max_iter)


#: ``learning_rate`` name -> factory building the schedule from estimator parameters.
SCHEDULES = {
    "constant": _constant,
    "invscaling": _invscaling,
    "adaptive": _adaptive,
    "cosine": _cosine,
}
