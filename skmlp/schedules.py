"""Learning-rate schedules for the stochastic solvers.

A schedule holds the current ``learning_rate``. The training loop calls
:meth:`Schedule.end_epoch` after every epoch (with the samples seen so far, the
estimator's ``t_``), and :meth:`Schedule.stalled`
when the monitored score has not improved for ``n_iter_no_change + 1`` epochs in a row;
``stalled`` returns whether training should stop. Schedules count epochs since
they were created: a fresh ``fit`` (also with ``warm_start``) restarts them,
``partial_fit`` continues them.

Rates change between epochs -- except :class:`OneCycle`'s, which is
PyTorch's ``OneCycleLR`` and, like it, steps every minibatch (``per_batch``: the loop
then calls :meth:`Schedule.end_batch` after every minibatch). ``warmup_epochs`` puts a
:class:`Warmup` in front of any schedule.

Most schedules set each epoch's rate from the epochs and samples seen so far, so the
first ``r`` epochs of a fit with ``max_iter=r'`` run at the rates of a fit with
``max_iter=r``, and a fit stopped at ``r`` can resume (a halving search's survivors
do). :class:`Cosine` and :class:`OneCycle` span ``max_iter`` (``spans_max_iter``):
their rates from the first epoch on depend on it.
"""

import numpy as np

#: The adaptive schedule stops training once the rate falls below this.
ADAPTIVE_MIN_LEARNING_RATE = 1e-6
#: The adaptive schedule divides the rate by this when training stalls.
ADAPTIVE_DIVISOR = 5.0


class Schedule:
    """Constant learning rate; a stall stops training."""

    #: whether the rate changes after every minibatch (see :meth:`end_batch`)
    per_batch = False
    #: whether the rates depend on ``max_iter`` (a fit cannot then resume to a larger one)
    spans_max_iter = False

    def __init__(self, learning_rate_init):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate_init
        self.n_epochs = 0

    def end_epoch(self, samples_seen):
        """Count an epoch and set the rate of the next one.

        ``samples_seen`` is the estimator's ``t_`` after the epoch: every training
        sample of every epoch so far, also of the fits and calls this one continues.
        """
        self.n_epochs += 1
        self.samples_seen = samples_seen
        self.learning_rate = self._rate()

    def end_batch(self):
        """Set the rate of the next minibatch (schedules with ``per_batch`` only)."""

    def _rate(self):
        return self.learning_rate

    def stalled(self):
        """React to ``n_iter_no_change + 1`` epochs without improvement; True means stop."""
        return True


class InvScaling(Schedule):
    """scikit-learn's: ``lr = lr_init / (t + 1)**power_t`` after each epoch, where ``t`` is
    the number of samples seen (``t_``); the first epoch runs at ``lr_init``.

    The decay depends on the dataset size: after one epoch of 10,000 samples the
    rate is already about ``lr_init / 100`` with the default ``power_t``.
    """

    def __init__(self, learning_rate_init, power_t=0.5):
        super().__init__(learning_rate_init)
        self.power_t = power_t

    def _rate(self):
        return self.learning_rate_init / (self.samples_seen + 1) ** self.power_t


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

    spans_max_iter = True

    def __init__(self, learning_rate_init, max_iter=200):
        super().__init__(learning_rate_init)
        self.max_iter = max_iter

    def _rate(self):
        progress = min(self.n_epochs / self.max_iter, 1.0)
        return self.learning_rate_init * 0.5 * (1.0 + np.cos(np.pi * progress))


class OneCycle(Schedule):
    """PyTorch's ``OneCycleLR`` (cosine annealing, no momentum cycling), per minibatch.

    Over ``total_steps = n_epochs * steps_per_epoch`` minibatches the rate rises from
    ``max_lr / div_factor`` to ``max_lr = learning_rate_init`` during the first
    ``pct_start`` of them, then falls to ``max_lr / (div_factor * final_div_factor)``,
    each phase a half cosine. After the last step the rate stays at its minimum.
    """

    per_batch = True
    spans_max_iter = True

    def __init__(self, learning_rate_init, n_epochs, steps_per_epoch, pct_start=0.3,
                 div_factor=25.0, final_div_factor=1e4):
        super().__init__(learning_rate_init)
        self.total_steps = n_epochs * steps_per_epoch
        self.initial_rate = learning_rate_init / div_factor
        self.min_rate = self.initial_rate / final_div_factor
        # torch's phase boundaries: the rise ends at step pct_start * total - 1, the
        # fall at the last step
        self.peak_step = float(pct_start * self.total_steps) - 1
        self.n_steps = 0
        self.learning_rate = self._step_rate(0)

    def _step_rate(self, step):
        if step >= self.total_steps:
            return self.min_rate
        if step <= self.peak_step:
            pct, start, end = step / self.peak_step, self.initial_rate, self.learning_rate_init
        else:
            pct = (step - self.peak_step) / (self.total_steps - 1 - self.peak_step)
            start, end = self.learning_rate_init, self.min_rate
        return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)

    def end_batch(self):
        self.n_steps += 1
        self.learning_rate = self._step_rate(self.n_steps)


class Warmup(Schedule):
    """``warmup_epochs`` epochs of rising rates, then ``schedule`` from its start.

    During epoch ``e = 1 .. warmup_epochs`` the rate is ``lr_init * e / (warmup_epochs
    + 1)``; a stall during the warmup neither stops training nor lowers a rate.
    """

    def __init__(self, schedule, warmup_epochs):
        super().__init__(schedule.learning_rate_init)
        self.schedule = schedule
        self.warmup_epochs = warmup_epochs
        self.learning_rate = self._rate()

    @property
    def per_batch(self):
        return self.n_epochs >= self.warmup_epochs and self.schedule.per_batch

    @property
    def spans_max_iter(self):
        return self.schedule.spans_max_iter

    def _rate(self):
        if self.n_epochs < self.warmup_epochs:
            return self.learning_rate_init * (self.n_epochs + 1) / (self.warmup_epochs + 1)
        if self.n_epochs == self.warmup_epochs:
            self.warmup_samples = self.samples_seen
        else:  # the schedule counts the samples it has seen itself, after the warmup
            self.schedule.end_epoch(self.samples_seen - self.warmup_samples)
        return self.schedule.learning_rate

    def end_batch(self):
        self.schedule.end_batch()
        self.learning_rate = self.schedule.learning_rate

    def stalled(self):
        if self.n_epochs < self.warmup_epochs:
            return False
        stop = self.schedule.stalled()
        self.learning_rate = self.schedule.learning_rate
        return stop


def _constant(estimator):
    return Schedule(estimator.learning_rate_init)


def _invscaling(estimator):
    return InvScaling(estimator.learning_rate_init, power_t=estimator.power_t)


def _adaptive(estimator):
    return Adaptive(estimator.learning_rate_init)


def _cosine(estimator):
    return Cosine(estimator.learning_rate_init, max_iter=_epochs_after_warmup(estimator))


def _one_cycle(estimator, steps_per_epoch):
    return OneCycle(estimator.learning_rate_init, _epochs_after_warmup(estimator),
                    steps_per_epoch)


def _epochs_after_warmup(estimator):
    # the schedule spans the epochs after the warmup: a cosine still ends at 0
    return max(estimator.max_iter - estimator.warmup_epochs, 1)


#: ``learning_rate`` name -> factory building the schedule from estimator parameters
#: (per-minibatch schedules also take the number of minibatches per epoch).
SCHEDULES = {
    "constant": _constant,
    "invscaling": _invscaling,
    "adaptive": _adaptive,
    "cosine": _cosine,
    "one_cycle": _one_cycle,
}


def make_schedule(estimator, steps_per_epoch):
    """The schedule of a fit of ``estimator``, with its warmup if it has one."""
    factory = SCHEDULES[estimator.learning_rate]
    schedule = factory(estimator, steps_per_epoch) if estimator.learning_rate == \
        "one_cycle" else factory(estimator)
    if estimator.warmup_epochs > 0:
        return Warmup(schedule, estimator.warmup_epochs)
    return schedule
