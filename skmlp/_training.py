"""The epoch loop of the stochastic solvers, over a stack of models.

A plain ``fit`` trains a stack of one; a fused search (:mod:`skmlp.model_selection`)
trains every candidate x fold model of one network shape together. Each model
keeps what makes it that model -- its estimator's hyperparameters, its own data
rows, sample weights, random generator and learning-rate schedule -- and the
stack does the arithmetic for all of them at once: one batched matrix product per
layer per minibatch, one vectorized optimizer step.

Each model also stops on its own (``max_iter``, ``tol``, early stopping with its best
parameters restored, a callback, divergence) and leaves the stack; the rest go on.
What a model of the stack computes is what it computes alone: its minibatches are
the same rows in the same order, its dropout masks the same draws from its own
generator, and rows that pad a shorter minibatch to the stack's width carry zero
weight.

The estimator prepares each :class:`Member` (validation, target encoding,
initialization) and reads the results off it; nothing here knows about targets.

Training can also stop and resume. A member trained with ``keep_state`` keeps, when it
leaves the stack, its :class:`TrainingState`: everything its next epoch needs. Training
it again after raising its estimator's ``max_iter`` resumes there -- in any stack, beside
fresh models -- and gives the fit with that ``max_iter`` (a halving search's survivors
continue this way).
"""

import contextvars
import hashlib
import time
import warnings
from collections import defaultdict
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._extensions import option_key
from ._history import GradientNorms, layer_statistics, record_epoch
from ._network import Dropout, Network, Penalty, forward, n_parameters
from ._validation import check_dropout, raise_if_diverged
from .losses import make_loss
from .optimizers import OPTIMIZERS, clip_gradient_norm, stacked
from .schedules import make_schedule

#: Bytes the parameters, optimizer state and minibatch buffers of one stack may take;
#: larger groups of models are trained in several stacks, one after another.
STACK_MEMORY_BYTES = 256 * 2**20
#: A model whose minibatch takes more multiply-adds (rows x parameters) than this trains
#: in a stack of its own: its matrix products already keep BLAS busy, and a stack's
#: activations outgrow the caches (digits, 200-row minibatches, 4 candidates x 3 folds:
#: hidden (256,) at 3.8e6 stacks as fast as one by one, (512,) and (1024,) slower).
LARGE_MODEL_MULTIPLY_ADDS = 4e6
#: A stack's minibatch buffers (inputs, activations, deltas, outputs) are kept within
#: this size: beyond it they spill out of the caches and every elementwise pass runs at
#: memory speed; far below it, the per-call overhead stacking saves comes back. Fused
#: 12 x 5 searches, (100,), medians of 3: at n_jobs=1, 2-8 MiB were equal and 1.1-1.4x
#: faster than one stack of 60; at n_jobs=2 (two workers sharing the cache), oj took
#: 5.2 / 3.8 / 2.8 / 2.7 s with 0.5 / 1 / 2 / 4 MiB, wage 9.8 / 7.6 / 6.3 / 6.7 s.
STACK_CACHE_BYTES = 4 * 2**20

#: An epoch whose loss exceeds the loss at initialization this many times is divergence
#: (a fit whose loss explodes but stays finite is as broken as one that overflows).
DIVERGENCE_FACTOR = 1e4


class Member:
    """One model of a stack: the estimator it belongs to and the data it trains on.

    Parameters
    ----------
    estimator : BaseMLP
        The (trial) estimator: its parameters are the model's hyperparameters, and
        training writes its fitted attributes (``loss_curve_``, ``n_iter_``, ...).
    network : Network
        A stack of one holding the model's starting parameters; at the end it holds
        the trained ones (``estimator.coefs_`` are views of it).
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets, in the network's dtype.
    weights : ndarray of shape (n_samples,) or None
        Sample weights divided by ``weight_scale``.
    weight_scale : float
    loss_scale : float, default=1.0
        What the loss (and its gradient) is multiplied by: the class weights' scale
        (:func:`skmlp._class_weight.loss_scale`).
    validation : dict or None
        ``X``, ``rows`` (of ``X``, or None), ``y``, ``Y``, ``sample_weight``,
        ``train_rows`` (the rows of ``X`` to train on, or None for all), ``scoring``
        (the score's name) and ``scorer`` (None for the estimator's own score; else
        it scores ``X_scored``, the validation rows).
    rng : numpy.random.RandomState
        The fit's random stream (scikit-learn's ``check_random_state(random_state)``),
        past the initialization and the validation split: it draws each epoch's
        shuffle, then the epoch's dropout masks.
    incremental : bool
        A ``partial_fit`` call: one epoch, keeping the optimizer and schedule.
    fresh : bool
        Whether the parameters are a fresh initialization (the divergence test's
        reference is then the first minibatch's loss).
    tasks : FitTasks or None
        Callback hooks of the call.
    """

    def __init__(self, estimator, network, X, Y, weights, weight_scale, validation, rng, *,
                 incremental, fresh, tasks=None, loss_scale=1.0):
        self.estimator = estimator
        self.network = network
        self.X, self.Y = X, Y
        self.weights, self.weight_scale = weights, weight_scale
        self.loss_scale = loss_scale
        self.validation = validation
        self.rng = rng
        self._sample_idx = None  # the last epoch's order of the training rows
        self.train_rows = None if validation is None else validation["train_rows"]
        self.n_train = X.shape[0] if self.train_rows is None else len(self.train_rows)
        self.incremental, self.fresh, self.tasks = incremental, fresh, tasks
        self.error = None  # the exception that ended this model's training, if any
        #: whether to keep a TrainingState when the model leaves its stack (``state``)
        self.keep_state = False
        self.state = None
        self.out_of_epochs = False  # whether it left its last stack at max_iter
        self.batch_size = estimator._batch_size(self.n_train)
        self.n_batches = -(-self.n_train // self.batch_size)
        self.early_stopping = (estimator.early_stopping and validation is not None
                               and not incremental)

    @property
    def finished(self):
        """Whether resuming from ``state`` has nothing to train: the model stopped for
        good, or has trained its estimator's ``max_iter`` epochs already."""
        state = self.state
        if state is None:
            return False
        max_iter = self.estimator.max_iter
        if state.n_iter > max_iter:
            raise ValueError(
                f"Cannot resume training to max_iter={max_iter}: the model has trained "
                f"{state.n_iter} epochs already, and a fit with fewer is another model."
            )
        return state.stopped or state.n_iter == max_iter

    def epoch_order(self):
        """The rows of ``X`` this epoch trains on, in order (None: all, in place).

        scikit-learn's shuffle: each epoch permutes the previous epoch's order
        (``sklearn.utils.shuffle(sample_idx, random_state=rng)``), from the fit's
        ``RandomState``; the order starts over at each call, as scikit-learn's does.
        """
        if not self.estimator.shuffle:
            return self.train_rows
        if self._sample_idx is None:
            self._sample_idx = np.arange(self.n_train)
        self._sample_idx = self._sample_idx[self.rng.permutation(self.n_train)]
        if self.train_rows is None:
            return self._sample_idx
        return self.train_rows[self._sample_idx]


#: The estimator's training record, which resumed training appends to and counts on.
TRAINING_RECORD = ("n_iter_", "t_", "loss_", "best_loss_", "loss_curve_", "validation_scores_",
                   "validation_loss_curve_", "best_validation_score_", "history_")


class TrainingState:
    """Where a model's training stood when it left its stack: what resuming needs.

    A :class:`Member` with ``keep_state`` gets one (``member.state``) when it leaves
    its stack, unless its training failed or its schedule spans ``max_iter`` (cosine,
    one_cycle: their rates depend on it from the first epoch). Training the member
    again (:func:`train`) after raising its estimator's ``max_iter`` from ``r`` to
    ``r'`` goes on from here, as Keras' ``fit(initial_epoch=r)`` does, and since
    nothing else a model computes depends on ``max_iter``, the result is the fit with
    ``max_iter=r'``: the same minibatches, dropout masks, steps and stopping, the
    ``ConvergenceWarning`` of a fit that reaches ``r'``, and ``n_iter_``, ``t_``,
    the curves and ``history_`` counting every epoch from the first.

    The state holds the model's last-epoch parameters only where they are not the
    estimator's (early stopping handed it the best ones); the optimizer's moments,
    the schedule, the random stream and shuffle order, and the record are the
    objects the model trained with, not copies. Resuming consumes the state; the
    model gets a new one when it leaves again.

    Attributes
    ----------
    stopped : bool
        The model stopped before ``max_iter`` (``tol``, early stopping, the adaptive
        rate's end): the fit with a larger ``max_iter`` stops there too, so it stays
        stopped.
    n_iter : int
        The epochs trained.
    last_params : ndarray of shape (n_parameters,) or None
        The last epoch's parameters where early stopping handed the estimator its best
        ones (None: the estimator holds the last epoch's).
    best_is_current : bool
        With early stopping, whether the best parameters are the ones in training
        (a warm start before its first improvement) rather than a snapshot.
    optimizer : Optimizer
        Its optimizer, a stack of one.
    schedule : Schedule
    rng : numpy.random.RandomState
        Its random stream, as far as it has drawn.
    sample_idx : ndarray or None
        Its last epoch's shuffle order, which the next epoch permutes.
    no_improvement_count : int
    reference_loss : float or None
        What the divergence test compares epoch losses with.
    watch_explosion : bool
    record : dict
        The estimator's :data:`TRAINING_RECORD` attributes.
    """

    def __init__(self, member, last_params, best_is_current, stopped):
        e = member.estimator
        self.stopped = stopped
        self.n_iter = e.n_iter_
        self.last_params = last_params
        self.best_is_current = best_is_current
        self.optimizer, self.schedule = e._optimizer, e._schedule
        self.rng, self.sample_idx = member.rng, member._sample_idx
        self.no_improvement_count = e._no_improvement_count
        self.reference_loss, self.watch_explosion = member.reference_loss, \
            member.watch_explosion
        self.record = {name: getattr(e, name) for name in TRAINING_RECORD}

    def restore(self, member):
        """Put the member and its estimator back as the model left its stack, its network
        holding the last epoch's parameters (the estimator's coefs_ view them again).

        Returns the parameters the estimator was handed (early stopping's best).
        """
        e, old = member.estimator, member.network
        handed = old.params[0]
        last = handed if self.last_params is None else self.last_params
        # a new network: the old one may be read-only (a memory map from a joblib worker)
        network = Network(old.layer_sizes, old.activation_option, old.output_activation_name,
                          old.dtype, params=np.array(last, dtype=old.dtype)[np.newaxis])
        member.network = e._network = network
        e.coefs_, e.intercepts_ = network.model_views
        for name, value in self.record.items():
            setattr(e, name, value)
        e._optimizer, e._schedule = self.optimizer, self.schedule
        e._no_improvement_count = self.no_improvement_count
        member.rng, member._sample_idx = self.rng, self.sample_idx
        member.reference_loss, member.watch_explosion = self.reference_loss, \
            self.watch_explosion
        member.state = None
        return handed


_DEFERRED = contextvars.ContextVar("skmlp_deferred_fits", default=None)


@contextmanager
def deferred_fits():
    """Within this context, an skmlp estimator's fresh ``fit`` prepares its model and
    hands it over instead of training it (a fused search trains them together).

    Yields the list the prepared :class:`Member` objects are appended to; training
    them (:func:`train`) completes the estimators' fits.
    """
    members = []
    token = _DEFERRED.set((members, {}))
    try:
        yield members
    finally:
        _DEFERRED.reset(token)


def deferred_members():
    """The list of :func:`deferred_fits` in effect, or None."""
    deferred = _DEFERRED.get()
    return None if deferred is None else deferred[0]


def shared_in_deferred_fits(key, anchor, compute):
    """``compute()``, once per ``key`` within :func:`deferred_fits` (every call outside).

    The candidates of a fused search's fold prepare their fits from the same objects;
    work that depends on those alone (encoding the targets) is done once. ``key``
    holds ``id(anchor)``: the entry keeps ``anchor`` alive, so the id stays its own.
    """
    deferred = _DEFERRED.get()
    if deferred is None:
        return compute()
    shared = deferred[1]
    if key not in shared:
        shared[key] = (compute(), anchor)
    return shared[key][0]


def stack_groups(members):
    """Split members into the stacks to train: same :func:`stack_key`, bounded memory.

    Yields lists of members.
    """
    groups = defaultdict(list)
    for member in members:
        groups[stack_key(member)].append(member)
    for group in groups.values():
        # models of one dataset (a fold) side by side: they share its rows in a stack
        order = {}
        group.sort(key=lambda m: order.setdefault(_data_key(m), len(order)))
        n_stacks = -(-len(group) // _models_per_stack(group[0]))
        for stack in np.array_split(np.arange(len(group)), n_stacks):
            yield [group[i] for i in stack]


def stacking_pays(layer_sizes, batch_size):
    """Whether models of these layer sizes and minibatch rows gain from a stack."""
    return batch_size * n_parameters(layer_sizes) <= LARGE_MODEL_MULTIPLY_ADDS


def _models_per_stack(member):
    sizes = member.network.layer_sizes
    n_params = n_parameters(sizes)
    batch = member.batch_size
    # _StackedData gathers dense minibatches: sparse inputs train in stacks of one,
    # through a plain fit's path, which slices the sparse rows itself
    if not stacking_pays(sizes, batch) or sp.issparse(member.X):
        return 1
    itemsize = member.network.dtype.itemsize
    # per row: the input, targets, outputs and predictions; per hidden unit the
    # activation and delta, and the pre-activation and dropout mask where used
    e = member.estimator
    per_unit = 2 + member.network.activation.needs_preactivation + 2 * bool(
        np.any(np.asarray(e.dropout, dtype=float) > 0))
    buffers = itemsize * batch * (sizes[0] + per_unit * sum(sizes[1:-1]) + 3 * sizes[-1])
    # parameters, gradient, scratch and up to three optimizer states
    per_model = itemsize * 7 * n_params + buffers
    return max(1, min(STACK_MEMORY_BYTES // per_model, STACK_CACHE_BYTES // buffers))


def stack_key(member):
    """Members with equal keys can train in one stack."""
    e = member.estimator
    return (tuple(member.network.layer_sizes), option_key(member.network.activation_option),
            option_key(e._loss_name), e.solver,
            member.network.dtype, e.shuffle, bool(e.verbose), member.n_batches,
            e.nesterovs_momentum if e.solver == "sgd" else None, sp.issparse(member.X),
            member.incremental)


def train(members):
    """Train the members' models together; each stops on its own.

    A member whose training fails (divergence, nothing to learn) gets the exception
    in ``member.error`` and leaves the stack; other exceptions propagate. A member
    holding a :class:`TrainingState` resumes from it, up to its estimator's
    ``max_iter`` (nothing is trained for a :attr:`Member.finished` one).
    """
    members = [m for m in members if not m.finished]
    if not members:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        _Stack(members).run()


class _Stack:
    """The models being trained, as one stack, and the epoch loop over them."""

    def __init__(self, members):
        self.members = list(members)
        estimators = [m.estimator for m in members]
        states = [m.state for m in members]
        # resuming members: their networks hold the last epoch's parameters again
        handed = [None if state is None else state.restore(m)
                  for m, state in zip(members, states)]
        first = members[0]
        if len(members) == 1:
            self.network = first.network
        else:
            self.network = Network(first.network.layer_sizes, first.network.activation_option,
                                   first.network.output_activation_name, first.network.dtype,
                                   params=np.concatenate([m.network.params for m in members]))
        continuing = first.incremental and first.estimator._optimizer is not None
        nonnegative = self._loss_of(estimators).nonnegative
        for m, state in zip(members, states):
            m.out_of_epochs = False
            if state is not None:  # it counts on from its state
                continue
            e = m.estimator
            e.n_iter_ = 0  # as in scikit-learn: the epochs of this call
            if not continuing:
                e._schedule = make_schedule(e, m.n_batches)
            # as in scikit-learn, a warm start counts on from the fit it continues
            e._no_improvement_count = 0 if m.fresh else getattr(e, "_no_improvement_count", 0)
            m.reference_loss = None
            m.watch_explosion = m.fresh and nonnegative
        # verbose output of a stack of several: each model's lines, printed as it leaves
        self._lines = None if len(members) == 1 else {id(m): [] for m in members}
        self.optimizer = first.estimator._optimizer if continuing else \
            OPTIMIZERS[first.estimator.solver](estimators, self.network)
        if any(state is not None for state in states):
            self.optimizer.resume(self.network.params,
                                  [None if state is None else state.optimizer
                                   for state in states])
        self._setup_validation(states, handed)
        self._rebuild()

    @staticmethod
    def _loss_of(estimators):
        return make_loss(estimators[0]._loss_name, estimators)

    def _rebuild(self):
        """Per-model arrays of the current members (after some left)."""
        estimators = [m.estimator for m in self.members]
        n_hidden = self.network.n_layers - 1
        self.loss = self._loss_of(estimators)
        self.penalty = Penalty.of(estimators)
        self.dropout = Dropout([check_dropout(e.dropout, n_hidden) for e in estimators],
                               len(estimators), n_hidden, self.network.dtype)
        self.weight_scale = np.array([m.weight_scale for m in self.members])
        loss_scale = np.array([m.loss_scale for m in self.members])
        self.loss_scale = None if np.all(loss_scale == 1.0) else loss_scale
        # each model's clip_norm (inf: no clipping), or None when no model clips
        clip = [np.inf if e.clip_norm is None else e.clip_norm for e in estimators]
        self.clip_norm = None if np.all(np.isinf(clip)) else np.array(clip)
        self.grad_norms = GradientNorms(self.network)
        self._data = None if len(self.members) == 1 else _StackedData(self.members)

    # ----------------------------------------------------------------- the loop
    def run(self):
        try:
            self._epochs()
        finally:  # also when interrupted: what the models printed so far
            for member in self.members:
                self._flush(member)

    def _epochs(self):
        while self.members:
            started = time.perf_counter()
            for m in self.members:
                if m.tasks is not None:
                    m.tasks.begin_epoch()
            rates = [m.estimator._schedule.learning_rate for m in self.members]
            epoch_loss, first_batch_loss, epoch_weight = self._run_epoch(stacked(rates))
            finite = np.isfinite(self.network.params).all(axis=1)
            statistics = layer_statistics(self.network, self.grad_norms.epoch_means())
            validation = self._validation_outputs()
            seconds = time.perf_counter() - started
            leaving = []
            for k, member in enumerate(self.members):
                try:
                    done = self._end_epoch(k, member, epoch_loss[k], first_batch_loss[k],
                                           epoch_weight[k], finite[k], rates[k],
                                           statistics, validation, seconds)
                except ValueError as error:  # this model diverged: it alone stops
                    member.error, done = error, True
                except _ScorerFailed as failed:  # its scorer raised: its fit fails, alone
                    member.error, done = failed.__cause__, True
                if done:
                    leaving.append(k)
            if leaving:
                self._leave(leaving)

    def _end_epoch(self, k, member, epoch_loss, first_batch_loss, epoch_weight,
                   params_finite, learning_rate, statistics, validation, seconds):
        """Model ``k``'s bookkeeping after an epoch; True when it stops training."""
        e = member.estimator
        if epoch_weight == 0:
            raise ValueError(
                "Every sample has zero weight (sample_weight times class_weight): there is "
                "nothing to learn from. Give some samples a positive weight."
            )
        if member.watch_explosion and member.reference_loss is None:
            member.reference_loss = first_batch_loss
        raise_if_diverged(epoch_loss, params_finite, f"epoch {e.n_iter_ + 1}",
                          e.learning_rate_init, reference_loss=member.reference_loss,
                          factor=DIVERGENCE_FACTOR)
        e.n_iter_ += 1
        e.t_ += member.n_train
        e.loss_ = epoch_loss
        e.loss_curve_.append(epoch_loss)
        e._schedule.end_epoch(e.t_)
        validation_loss = validation_score = np.nan
        scoring = None
        if member.validation is not None:
            validation_loss, validation_score = self._score_validation(k, validation)
            self._record_validation(k, member, validation_loss, validation_score)
            scoring = member.validation["scoring"]
        record_epoch(e.history_, statistics, k, loss=epoch_loss, learning_rate=learning_rate,
                     seconds=seconds, validation_loss=validation_loss,
                     validation_score=validation_score, scoring=scoring)
        if e.verbose:
            self._say(member, e._epoch_line())
        self._update_no_improvement(member)
        if member.tasks is not None and member.tasks.end_epoch():  # a callback: stop
            return True
        # also in partial_fit, as in scikit-learn: the adaptive rate decays over calls
        if e._no_improvement_count > e.n_iter_no_change:
            if e._schedule.stalled():
                if e.verbose and not member.incremental:
                    self._say(member, _stop_message(e, member.early_stopping))
                return True
            e._no_improvement_count = 0
        if e.n_iter_ >= (1 if member.incremental else e.max_iter):
            member.out_of_epochs = True
            if not member.incremental:
                warnings.warn(
                    f"Stochastic optimizer: maximum iterations ({e.max_iter}) reached and "
                    "the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
            return True
        return False

    def _record_validation(self, k, member, value, score):
        e = member.estimator
        e.validation_loss_curve_.append(value)
        e.validation_scores_.append(score)
        if member.early_stopping:
            # scikit-learn's rules: the improvement test uses the best score *before* this
            # epoch, and among epochs tied at the best score the first one is kept
            member.improved = score >= e.best_validation_score_ + e.tol
            if score > e.best_validation_score_:
                e.best_validation_score_ = score
                self.best_params[k] = self.network.params[k]
                self.best_is_current[k] = False
        elif e.best_validation_score_ is None or score > e.best_validation_score_:
            e.best_validation_score_ = score

    @staticmethod
    def _update_no_improvement(member):
        e = member.estimator
        if member.early_stopping:
            improved = member.improved
        else:
            best_loss = np.inf if e.best_loss_ is None else e.best_loss_
            improved = e.loss_ <= best_loss - e.tol
            e.best_loss_ = min(best_loss, e.loss_)
        e._no_improvement_count = 0 if improved else e._no_improvement_count + 1

    @staticmethod
    def _keeps_state(member):
        """Whether a leaving model keeps a TrainingState to resume from: when asked to,
        unless it failed or its schedule's rates depend on max_iter."""
        return (member.keep_state and member.error is None and not member.incremental
                and not member.estimator._schedule.spans_max_iter)

    def _say(self, member, line):
        """Print a verbose model's line. The models of a stack print theirs when they
        leave it, each fit's lines together, as fits one after another do."""
        if self._lines is None:
            print(line)
        else:
            self._lines[id(member)].append(line)

    def _flush(self, member):
        if self._lines is not None and self._lines[id(member)]:
            print("\n".join(self._lines[id(member)]))
            self._lines[id(member)].clear()

    def _leave(self, leaving):
        """Hand the models ``leaving`` their final state; keep training the others."""
        for k in leaving:
            member = self.members[k]
            self._flush(member)
            restored = member.early_stopping and not self.best_is_current[k]
            final = self.best_params[k] if restored else self.network.params[k]
            # (copied before the model's own network, which may be this one, takes final)
            last = self.network.params[k].copy() if restored and self._keeps_state(member) \
                else None
            if member.network is not self.network or member.early_stopping:
                member.network.params[0] = final
            e = member.estimator
            e._optimizer = self.optimizer if len(self.members) == 1 else \
                self.optimizer.select([k])
            if member.early_stopping:
                e.best_loss_ = None
            if self._keeps_state(member):
                best_is_current = bool(member.early_stopping and self.best_is_current[k])
                member.state = TrainingState(member, last, best_is_current,
                                             stopped=not member.out_of_epochs)
        keep = [k for k in range(len(self.members)) if k not in set(leaving)]
        self.members = [self.members[k] for k in keep]
        if not self.members:
            return
        self.network = self.network.select(keep)
        self.optimizer = self.optimizer.select(keep)
        if self.best_params is not None:
            self.best_params = self.best_params[keep]
            self.best_is_current = self.best_is_current[keep]
        self._validation = _select_validation(self._validation, keep)
        self._rebuild()

    # ---------------------------------------------------------------- one epoch
    def _run_epoch(self, learning_rate):
        """One pass of every model over its data in minibatches.

        Returns each model's (weighted) mean batch loss and its first batch's loss,
        computed before the epoch's first step (NaN where a model learned nothing).
        """
        K = len(self.members)
        # scikit-learn's epoch loss: the batch losses weighted by their row counts
        total_loss, total_rows, total_weight = np.zeros(K), np.zeros(K), np.zeros(K)
        first_batch_loss = np.full(K, np.nan)
        batches = self._single_batches() if self._data is None else self._data.batches()
        rngs = [m.rng for m in self.members]
        schedules = [m.estimator._schedule for m in self.members]
        # one_cycle moves the rate every minibatch (skipped ones too, as positions)
        per_batch = [s for s in schedules if s.per_batch]
        unscored = True
        for X, Y, W, counts in self._advancing(batches, per_batch):
            if per_batch:
                learning_rate = stacked(s.learning_rate for s in schedules)
            values, weight = self.network.loss_and_gradient(
                X, Y, W, self.loss, penalty=self.penalty, dropout=self.dropout, rngs=rngs,
                weight_scale=self.weight_scale, counts=counts, loss_scale=self.loss_scale,
            )
            n_rows = X.shape[-2] if counts is None else counts
            if np.all(weight > 0):
                rows = None
                total_loss += values * n_rows
                total_rows += n_rows
            else:  # a batch of zero weight: nothing to learn from it
                rows = np.flatnonzero(weight > 0)
                if rows.size == 0:
                    continue
                n_rows = np.broadcast_to(n_rows, (K,))[rows]
                total_loss[rows] += values[rows] * n_rows
                total_rows[rows] += n_rows
            if unscored:  # each model's first batch is scored before its first step
                unset = np.isnan(first_batch_loss) & (weight > 0)
                first_batch_loss[unset] = values[unset]
                unscored = bool(np.isnan(first_batch_loss).any())
            self.grad_norms.add_batch(rows)  # the norms before clipping, as torch reports
            if self.clip_norm is not None:
                clip_gradient_norm(self.network.grad, self.clip_norm)
            self.optimizer.step(self.network.params, self.network.grad, learning_rate,
                                rows=rows)
            total_weight += weight
        with np.errstate(invalid="ignore", divide="ignore"):
            return total_loss / total_rows, first_batch_loss, total_weight

    @staticmethod
    def _advancing(batches, schedules):
        """The minibatches, each followed by every per-batch schedule's ``end_batch``."""
        for batch in batches:
            yield batch
            for schedule in schedules:
                schedule.end_batch()

    def _single_batches(self):
        """One model's minibatches: ``(X, Y, W, counts)`` with 2D ``X`` (used in place)."""
        member = self.members[0]
        X, Y, weights = member.X, member.Y, member.weights
        n_samples, batch_size = member.n_train, member.batch_size
        order = member.epoch_order()
        buffer = None
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)
            if order is None:
                rows = slice(start, stop)
                X_batch = X[rows]
            else:
                rows = order[start:stop]
                if sp.issparse(X):
                    X_batch = X[rows]
                else:
                    if buffer is None:
                        buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
                    X_batch = np.take(X, rows, axis=0, out=buffer[: stop - start])
            yield X_batch, Y[rows], None if weights is None else weights[rows], None

    # --------------------------------------------------------------- validation
    def _setup_validation(self, states, handed):
        """Early stopping's best parameters and the validation rows; ``states`` and
        ``handed`` (:meth:`TrainingState.restore`'s) are those of resuming members."""
        self.best_params = self.best_is_current = None
        if any(m.early_stopping for m in self.members):
            self.best_params = self.network.params.copy()
            # scikit-learn's warm start keeps the best score of the fit it continues, and
            # until a better one its best parameters are the ones in training
            self.best_is_current = np.array([not m.fresh for m in self.members])
            for k, state in enumerate(states):
                if state is not None:  # a resuming model's best: the ones it was handed
                    self.best_params[k] = handed[k]
                    self.best_is_current[k] = state.best_is_current
        for m, state in zip(self.members, states):
            e = m.estimator
            if state is not None:  # its record goes on
                continue
            if m.validation is not None:
                # (an empty _Appended is falsy but must be kept: test for None)
                if e.validation_scores_ is None:
                    e.validation_scores_, e.validation_loss_curve_ = [], []
                if m.early_stopping and (m.fresh or e.best_validation_score_ is None):
                    e.best_validation_score_ = -np.inf
        self._validation = _stack_validation(self.members)

    def _validation_outputs(self):
        """Every model's raw outputs on its validation rows and their per-sample losses."""
        v = self._validation
        if v is None:
            return None
        Z = forward(v["X"], self.network.coefs, self.network.intercepts,
                    self.network.activation, rows=v["rows"])
        P = self.network.output_activation(Z.copy())
        return Z, self.loss.per_sample(v["Y"], Z, P)

    def _score_validation(self, k, outputs):
        """Model ``k``'s ``(validation loss, validation score)``."""
        Z, per_sample = outputs
        n = self._validation["counts"][k]
        member = self.members[k]
        v = member.validation
        w = v["sample_weight"]
        value = float(np.average(per_sample[k, :n], weights=w)) * member.loss_scale
        if v["scorer"] is None:  # the estimator's score, from the outputs at hand
            return value, member.estimator._validation_score(v["y"], Z[k, :n], w)
        try:
            return value, member.estimator._scored_on_validation(self.network.model(k), v)
        except Exception as error:  # as in a search of plain fits: this fit fails
            raise _ScorerFailed from error


class _ScorerFailed(Exception):
    """A model's ``scoring`` raised (the cause): that model's fit fails, not its stack."""


def _stop_message(estimator, early_stopping):
    what = "Validation score" if early_stopping else "Training loss"
    return (f"{what} did not improve more than tol={estimator.tol} for "
            f"{estimator.n_iter_no_change} consecutive epochs. Stopping.")


def _stack_validation(members):
    """The validation inputs of a stack: each model's rows, padded to one ``(K, n, d)``.

    A stack of one scores its validation rows in place (``rows`` of its ``X``).
    """
    validated = [m.validation for m in members if m.validation is not None]
    if not validated:
        return None
    if len(members) == 1:
        v = members[0].validation
        n = v["X"].shape[0] if v["rows"] is None else len(v["rows"])
        return {"X": v["X"], "rows": v["rows"], "Y": v["Y"][np.newaxis], "counts": [n]}
    counts = [0 if m.validation is None else
              (m.validation["X"].shape[0] if m.validation["rows"] is None
               else len(m.validation["rows"])) for m in members]
    width = max(counts)
    first = members[0]
    X = np.zeros((len(members), width, first.X.shape[1]), dtype=first.network.dtype)
    Y = np.zeros((len(members), width, first.Y.shape[1]), dtype=first.network.dtype)
    for k, m in enumerate(members):
        if m.validation is None:
            continue
        v, n = m.validation, counts[k]
        X[k, :n] = v["X"] if v["rows"] is None else v["X"][v["rows"]]
        Y[k, :n] = v["Y"]
    return {"X": X, "rows": None, "Y": Y, "counts": counts}


def _select_validation(validation, keep):
    if validation is None:
        return None
    return {"X": validation["X"][keep], "rows": None, "Y": validation["Y"][keep],
            "counts": [validation["counts"][k] for k in keep]}


def _data_key(member):
    """Members with equal keys train on the same rows: the same ``X`` object (a fused
    search shares each fold's preprocessed data) and equal encoded targets."""
    return (id(member.X), member.Y.shape, hashlib.blake2b(member.Y.tobytes()).digest())


class _StackedData:
    """The training rows of several models, gathered into ``(K, m, d)`` minibatches.

    Models that share a dataset (same fold and preprocessing) share its rows: the
    distinct ``X`` (and ``Y``) are concatenated once, and each model addresses its rows
    in the concatenation. Model ``k``'s minibatch ``j`` is rows ``j*b_k .. (j+1)*b_k``
    of its own epoch order; minibatches shorter than the stack's widest are padded
    with rows of weight zero.
    """

    def __init__(self, members):
        self.members = members
        offsets, Xs, Ys, start = {}, [], [], 0
        keys = [_data_key(m) for m in members]
        for m, key in zip(members, keys):
            if key not in offsets:
                offsets[key] = start
                Xs.append(m.X)
                Ys.append(m.Y)
                start += m.X.shape[0]
        self.X = Xs[0] if len(Xs) == 1 else np.concatenate(Xs)
        self.Y = Ys[0] if len(Ys) == 1 else np.concatenate(Ys)
        self.offsets = [offsets[key] for key in keys]
        self.n_batches = members[0].n_batches
        self.width = max(m.batch_size for m in members)
        self.weighted = any(m.weights is not None for m in members)
        K, shape = len(members), (len(members), self.n_batches, self.width)
        self._X_buffer = np.empty((K, self.width, self.X.shape[1]), dtype=self.X.dtype)
        self._Y_buffer = np.empty((K, self.width, self.Y.shape[1]), dtype=self.Y.dtype)
        # what stays the same every epoch: each model's row count per minibatch, its
        # minibatch slots (row j*b_k + i of its epoch order sits at [k, j, i]), and the
        # weight of a padding row (0) or of an unweighted model's row (1)
        self._slots = []
        self._rows = np.zeros(shape, dtype=np.intp)
        self._weights = np.zeros(shape, dtype=self.X.dtype)
        self.counts = np.zeros((K, self.n_batches), dtype=np.intp)
        for k, m in enumerate(members):
            b = m.batch_size
            slots = np.arange(self.n_batches * b)[: m.n_train]
            self._slots.append((slots // b, slots % b))
            self._weights[k][self._slots[k]] = 1.0
            self.counts[k] = np.bincount(slots // b, minlength=self.n_batches)

    def batches(self):
        rows, weights, counts = self._rows, self._weights, self.counts
        for k, m in enumerate(self.members):
            order = m.epoch_order()
            if order is None:
                order = np.arange(m.n_train)
            rows[k][self._slots[k]] = order + self.offsets[k]
            if m.weights is not None:
                weights[k][self._slots[k]] = m.weights[order]
        for j in range(self.n_batches):
            m = int(counts[:, j].max())
            X = np.take(self.X, rows[:, j, :m], axis=0, out=self._X_buffer[:, :m])
            Y = np.take(self.Y, rows[:, j, :m], axis=0, out=self._Y_buffer[:, :m])
            ragged = not np.all(counts[:, j] == m)
            W = weights[:, j, :m] if self.weighted or ragged else None
            yield X, Y, W, counts[:, j]
