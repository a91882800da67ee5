"""Multilayer perceptron estimators: input validation, target encoding and fitted
attributes, over the training loops of :mod:`skmlp._training` and :mod:`skmlp._lbfgs`."""

import copy
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.metrics import accuracy_score, check_scoring, get_scorer_names, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from ._callbacks import CallbackSupportMixin, FitTasks, with_callbacks
from ._class_weight import (
    ClassWeighting,
    check_class_weight,
    check_class_weight_form,
    loss_scale,
)
from ._docstrings import CLASSIFIER, REGRESSOR
from ._extensions import (
    check_activation_object,
    check_loss_object,
    fitted_copy,
    option_key,
)
from ._history import new_history
from ._lbfgs import fit_lbfgs
from ._network import Network, forward
from ._training import Member, deferred_members, shared_in_deferred_fits, train
from ._validation import (
    check_dropout,
    check_hidden_layer_sizes,
    check_numpy_inputs,
    check_sample_weight,
    float_dtypes,
    scale_sample_weight,
)
from .activations import ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation, resolve_activation
from .initializers import INITIALIZERS, Initializer, check_initializer
from .losses import (
    CLASSIFICATION_LOSSES,
    LOG_LOSS,
    LOG_LOSS_BY_TARGET,
    REGRESSION_LOSSES,
    Loss,
    Poisson,
    make_loss,
)
from .optimizers import OPTIMIZERS, SOLVERS
from .schedules import SCHEDULES

AUTO_BATCH_SIZE = 200
#: The constructors' weight_decay: another value with a solver but adamw is a warning.
WEIGHT_DECAY_DEFAULT = 0.01

#: Private attributes that belong to the fitted model, beside every attribute whose
#: name ends in "_": a call builds them all on a trial copy and commits them together.
PRIVATE_STATE = frozenset({
    "_network", "_optimizer", "_schedule", "_no_improvement_count",
    "_class_weighting", "_label_binarizer", "_target_type", "_loss_name",
    "_two_softmax_units", "_y_ndim", "_activation",
    "_loss_option",
})


def _is_state(name):
    """Whether attribute ``name`` is part of the fitted model (sklearn's trailing-underscore
    rule, plus the private training state)."""
    return name in PRIVATE_STATE or (name.endswith("_") and not name.startswith("__"))


class _Appended(list):
    """What a call appends to a committed list, kept apart until the commit extends it.

    Curves and the history only ever grow by appending, so a trial starts them empty
    (copying them would cost a partial_fit stream O(calls) per call); ``base`` is the
    committed list, which nothing touches before :func:`_committed`.
    """

    def __init__(self, base):
        super().__init__()
        self.base = base

    def full(self):
        """The whole list, base and appended entries, as a new list."""
        return self.base + self


#: Fitted lists that training only appends to (and the lists of ``history_``).
APPEND_ONLY = ("loss_curve_", "validation_scores_", "validation_loss_curve_")
#: Training state that a continued fit changes in place, so its trial works on a copy.
UPDATED_IN_PLACE = ("_optimizer", "_schedule", "_class_weighting")


def _copy_state(name, value):
    """Continuing training's copy of one piece of fitted state; ``value`` stays untouched.

    The network is rebuilt from ``coefs_``/``intercepts_`` (training writes its own flat
    copy of them); append-only lists start empty (:class:`_Appended`); the objects that
    training updates in place are deep-copied; everything else (numbers, names, the label
    encoder, ``classes_``) is only ever replaced, never changed, and is shared.
    """
    if name in APPEND_ONLY and value is not None:
        return _Appended(value)
    if name == "history_":
        return {key: _Appended(entries) for key, entries in value.items()}
    if name in UPDATED_IN_PLACE:
        return copy.deepcopy(value)
    return value


def _committed(value):
    """A trial's state value as the estimator keeps it: appended entries join their base."""
    if isinstance(value, _Appended):
        value.base.extend(value)
        return value.base
    if isinstance(value, dict) and any(isinstance(v, _Appended) for v in value.values()):
        return {key: _committed(entries) for key, entries in value.items()}
    return value


def _detached(value):
    """A copy of a trial's lists (and the history's) that later training cannot change."""
    if isinstance(value, _Appended):
        return value.full()
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return {key: _detached(entries) for key, entries in value.items()}
    return value


def _scoring_name(scoring, classifier):
    """The name of the validation score's metric, for ``history_`` and displays."""
    if scoring is None:
        return "accuracy" if classifier else "r2"
    if isinstance(scoring, str):
        return scoring
    score_func = getattr(scoring, "_score_func", None)
    if score_func is not None:  # make_scorer's: named after its metric, negated if a loss
        name = getattr(score_func, "__name__", "score")
        return f"neg_{name}" if getattr(scoring, "_sign", 1) < 0 else name
    name = getattr(scoring, "__name__", "score")
    return "score" if name == "<lambda>" else name


#: The module of scikit-learn's metric functions -> the task their scores are for.
_METRIC_MODULE_TASKS = {
    "sklearn.metrics._regression": "regression",
    "sklearn.metrics._classification": "classification",
    "sklearn.metrics._ranking": "classification",
}
#: Scorers of each task, suggested when a scorer of the other task is refused.
_SCORER_EXAMPLES = {
    "classification": "'accuracy', 'balanced_accuracy', 'f1_macro' or 'neg_log_loss'",
    "regression": "'r2', 'neg_mean_squared_error' or 'neg_mean_absolute_error'",
}


def _scorer_task(scorer):
    """``"classification"`` or ``"regression"``: the task of a scorer of scikit-learn's
    metrics (a name or ``make_scorer``), told by its metric's module; None when unknown."""
    module = getattr(getattr(scorer, "_score_func", None), "__module__", None)
    return _METRIC_MODULE_TASKS.get(module)


def _is_stochastic(estimator):
    """partial_fit exists only for the stochastic solvers."""
    if estimator.solver not in OPTIMIZERS:
        raise AttributeError(
            f"partial_fit is only available for stochastic solvers ({sorted(OPTIMIZERS)}); "
            f"solver={estimator.solver!r} optimizes the full-batch loss. Use fit instead."
        )
    return True


class BaseMLP(CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared fitting logic of :class:`MLPClassifier` and :class:`MLPRegressor`.

    Do not use directly.
    """

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS)), Activation],
        "weight_init": [StrOptions(set(INITIALIZERS) | {"auto"}), Initializer],
        "bias_init": [StrOptions(set(INITIALIZERS) | {"auto"}), Initializer],
        "solver": [StrOptions(SOLVERS)],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "alpha_l1": [Interval(Real, 0, None, closed="left")],
        "penalize_intercepts": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions(set(SCHEDULES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "rho": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        weight_init,
        bias_init,
        loss,
        solver,
        alpha,
        alpha_l1,
        penalize_intercepts,
        dropout,
        batch_size,
        learning_rate,
        learning_rate_init,
        warmup_epochs,
        power_t,
        max_iter,
        tol,
        n_iter_no_change,
        shuffle,
        random_state,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        beta_1,
        beta_2,
        epsilon,
        rho,
        weight_decay,
        clip_norm,
        early_stopping,
        scoring,
        validation_fraction,
        max_fun,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.weight_init = weight_init
        self.bias_init = bias_init
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.alpha_l1 = alpha_l1
        self.penalize_intercepts = penalize_intercepts
        self.dropout = dropout
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.warmup_epochs = warmup_epochs
        self.power_t = power_t
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.rho = rho
        self.weight_decay = weight_decay
        self.clip_norm = clip_norm
        self.early_stopping = early_stopping
        self.scoring = scoring
        self.validation_fraction = validation_fraction
        self.max_fun = max_fun

    # ------------------------------------------------------------ subclass API
    @abstractmethod
    def _encode_targets(self, y, *, first_call, classes=None, same_classes=False):
        """Validate ``y``, set up the output encoding on ``first_call``; return ``Y`` 2D.

        ``same_classes``: a warm-started fit, whose ``y`` must have the fitted classes.
        """

    @abstractmethod
    def _resolve_loss_name(self):
        """The loss the parameters ask for, resolved for the fitted targets."""

    @abstractmethod
    def _validation_score(self, y_true, Z, sample_weight):
        """Score of the raw network outputs ``Z`` against original targets ``y_true``."""

    def _target_sample_weight(self, y, sample_weight, incremental):
        """``(sample weights from targets (class weights), the loss's scale)``; the weights
        are None when all ones (see :func:`skmlp._class_weight.loss_scale`)."""
        return sample_weight, 1.0

    def _check_partial_fit_call(self, y, classes):
        """Raise if partial_fit lacks what its first call needs."""

    def _check_target_params(self):
        """Check the parameters of the subclass's targets (class weights) before fitting."""

    @abstractmethod
    def _check_validation_targets(self, y_val):
        """Raise, naming y_val, if the validation targets do not fit the fitted model."""

    # --------------------------------------------------------------- public API
    @with_callbacks
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; the loss is their weighted mean.
        X_val, y_val : array-like, default=None
            Validation data. Early stopping (``early_stopping=True``) uses it
            instead of holding out ``validation_fraction`` of ``X``; without
            early stopping it is scored every epoch for monitoring.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        deferred = deferred_members()
        if deferred is not None and not self._is_fitted() and self.solver in OPTIMIZERS:
            # inside a fused search: prepare the model (on a trial, committed once every
            # check has passed); the search trains it in a stack and scores it, or gives
            # it error_score if it diverges
            trial = self._trial(continue_training=False)
            member = trial._prepare_member(X, y, sample_weight, incremental=False,
                                           X_val=X_val, y_val=y_val,
                                           sample_weight_val=sample_weight_val)
            self._commit(trial)
            member.estimator = self
            deferred.append(member)
            return self
        trial = self._trial(continue_training=self.warm_start and self._is_fitted())
        trial._fit(X, y, sample_weight, incremental=False, callback_owner=self, X_val=X_val,
                   y_val=y_val, sample_weight_val=sample_weight_val)
        self._commit(trial)
        return self

    def _partial_fit(self, X, y, sample_weight, classes=None):
        self._validate_params()
        self._check_partial_fit_call(y, classes)
        trial = self._trial(continue_training=self._is_fitted())
        trial._fit(X, y, sample_weight, incremental=True, callback_owner=self, classes=classes)
        self._commit(trial)
        return self

    # ------------------------------------------------------------ transactions
    # A call never changes the estimator until it has succeeded: it trains a trial copy
    # (built aside, sharing nothing that training writes) and commits the trial's fitted
    # state in one step. Whatever fails -- bad input, divergence, a callback,
    # KeyboardInterrupt, MemoryError -- leaves the estimator exactly as it was.
    def _is_fitted(self):
        return hasattr(self, "coefs_")

    def _trial(self, *, continue_training):
        """A copy of the estimator to train: fresh (no fitted state) or continuing this one."""
        trial = copy.copy(self)
        for name in [name for name in vars(trial) if _is_state(name)]:
            value = vars(trial).pop(name)
            # the network is rebuilt over a copy of coefs_/intercepts_ (_fitted_network)
            if continue_training and name != "_network":
                setattr(trial, name, _copy_state(name, value))
        return trial

    def _unfit(self):
        """Drop every fitted attribute: the estimator as it was before its first fit."""
        self._commit(self._trial(continue_training=False))

    def _commit(self, trial):
        """Replace this estimator's fitted state by the trial's, all at once."""
        state = {name: _committed(value) for name, value in vars(trial).items()
                 if _is_state(name)}
        vars(self).update(state)
        for name in [name for name in vars(self) if _is_state(name) and name not in state]:
            delattr(self, name)

    def set_params(self, **params):
        """Set the parameters of this estimator, all of them or (on error) none.

        Parameters
        ----------
        **params : dict
            Estimator parameters, and ``<parameter>__<name>`` for the parameters of
            initializer objects.

        Returns
        -------
        self : estimator instance
            Estimator instance.
        """
        self._check_param_names(params)  # before anything is set, also in passed objects
        before = self.get_params(deep=True)
        try:
            return super().set_params(**params)
        except BaseException:
            # the objects first, then what was changed inside them
            super().set_params(**{k: v for k, v in before.items() if "__" not in k})
            super().set_params(**{k: v for k, v in before.items() if "__" in k})
            raise

    def _check_param_names(self, params):
        """Raise scikit-learn's error for a name ``set_params`` does not know, changing nothing."""
        own = self.get_params(deep=False)
        for key in params:
            name, _, nested = key.partition("__")
            if name not in own:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self}. Valid "
                                 f"parameters are: {sorted(own)!r}.")
            if nested:
                target = params.get(name, own[name])  # an object passed in the same call
                valid = target.get_params(deep=True) if hasattr(target, "get_params") else {}
                if nested not in valid:
                    raise ValueError(f"Invalid parameter {nested!r} for {name}={target!r}. "
                                     f"Valid parameters are: {sorted(valid)!r}.")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ------------------------------------------------------------------ fitting
    def _fit(self, X, y, sample_weight, *, incremental, callback_owner, classes=None,
             X_val=None, y_val=None, sample_weight_val=None):
        """Train this estimator -- a trial copy, which the caller commits on success."""
        member = self._prepare_member(X, y, sample_weight, incremental=incremental,
                                      classes=classes, X_val=X_val, y_val=y_val,
                                      sample_weight_val=sample_weight_val)
        stochastic = self.solver in OPTIMIZERS
        tasks = FitTasks(
            callback_owner, lambda: self._fitted_snapshot(callback_owner), X, y, sample_weight,
            task_name="partial_fit" if incremental else "fit",
            # L-BFGS: one more task than iterations, begun but never run (see FitTasks.end)
            max_subtasks=(1 if incremental else self.max_iter) if stochastic
            else self.max_iter + 1,
            subtask_name="epoch" if stochastic else "lbfgs-iteration",
        )
        if stochastic:
            member.tasks = tasks
            train([member])
            if member.error is not None:
                raise member.error
        else:
            fit_lbfgs(member, tasks)
        tasks.end()

    def _prepare_member(self, X, y, sample_weight, *, incremental, classes=None, X_val=None,
                        y_val=None, sample_weight_val=None):
        """Check everything, initialize the network; return the model to train as a Member.

        Everything that can reject the call is checked here, before the first epoch.
        """
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        dropout = check_dropout(self.dropout, len(hidden))
        # every parameter is checked at each call, also those a warm start does not use
        weight_init = check_initializer(self.weight_init, "weight_init",
                                        activation=self.activation)
        initializers = (weight_init,
                        check_initializer(self.bias_init, "bias_init", weight_init=weight_init))
        self._check_target_params()
        check_activation_object(self.activation)
        check_loss_object(self.loss, "classification" if is_classifier(self) else "regression")
        self._check_solver_options(dropout, incremental, X_val, y_val, sample_weight_val)
        first_call = not self._is_fitted()
        check_numpy_inputs(X=X, y=y, sample_weight=sample_weight)
        X, y = self._validate_input(X, y, first_call=first_call)
        Y = self._encode_targets(y, first_call=first_call, classes=classes,
                                 same_classes=not (first_call or incremental))
        weights = check_sample_weight(sample_weight, X.shape[0])
        weights, loss_scale = self._target_sample_weight(y, weights, incremental)
        # scikit-learn's stream, new at every call as in scikit-learn: the initialization,
        # then the early-stopping split, then each epoch's shuffle (and dropout masks)
        rng = check_random_state(self.random_state)
        network = self._prepare_network(X.shape[1], hidden, first_call, X.dtype, initializers,
                                        rng)
        Y = Y.astype(network.dtype, copy=False)
        weights, weight_scale = scale_sample_weight(weights, network.dtype)
        validation = None
        if self.solver in OPTIMIZERS and not incremental:
            validation = self._validation_data(X, y, Y, weights, X_val, y_val,
                                               sample_weight_val, rng)
        if validation is not None:
            self._add_validation_scorer(validation)
        return Member(self, network, X, Y, weights, weight_scale, validation, rng,
                      incremental=incremental, fresh=first_call, loss_scale=loss_scale)

    def _check_solver_options(self, dropout, incremental, X_val, y_val, sample_weight_val):
        """Reject options that the solver or the call cannot honour."""
        self._check_schedule_options(incremental)
        self._warn_if_weight_decay_unused()
        if self.solver not in OPTIMIZERS:
            if any(rate > 0 for rate in dropout):
                raise ValueError(
                    f"dropout needs a stochastic solver ({sorted(OPTIMIZERS)}): with "
                    f"solver={self.solver!r} the full-batch loss must be deterministic. "
                    "Set dropout=0 or choose another solver."
                )
            if self.clip_norm is not None:
                raise ValueError(
                    f"clip_norm clips the gradient of each step of a stochastic solver "
                    f"({sorted(OPTIMIZERS)}); solver={self.solver!r} takes no such steps. "
                    "Set clip_norm=None or choose another solver."
                )
            if X_val is not None or y_val is not None:
                raise ValueError(
                    f"X_val/y_val are scored once per epoch by the stochastic solvers "
                    f"({sorted(OPTIMIZERS)}); solver={self.solver!r} has no epochs. Choose a "
                    "stochastic solver, or score the validation set after fit."
                )
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        if sample_weight_val is not None and X_val is None:
            raise ValueError(
                "sample_weight_val weighs the rows of X_val: pass X_val and y_val with it."
            )
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: each call makes one pass "
                "over the data it is given, with nothing held out. Set early_stopping=False, "
                "or use fit."
            )

    def _check_schedule_options(self, incremental):
        """Reject the learning-rate options of skmlp's own that cannot be honoured.

        Those scikit-learn's lbfgs silently ignores (``invscaling``, ``adaptive``) stay
        accepted, so that a grid over ``solver`` runs as it does in scikit-learn.
        """
        warmup, schedule = self.warmup_epochs, self.learning_rate
        if self.solver not in OPTIMIZERS:
            refused = [f"learning_rate={schedule!r}"] if schedule in {"cosine", "one_cycle"} \
                else []
            refused += [f"warmup_epochs={warmup}"] if warmup > 0 else []
            if refused:
                verb = "schedules" if len(refused) == 1 else "schedule"
                raise ValueError(
                    f"{' and '.join(refused)} {verb} the steps of a stochastic solver "
                    f"({sorted(OPTIMIZERS)}); solver={self.solver!r} takes no such steps. "
                    "Set learning_rate='constant' and warmup_epochs=0, or choose another "
                    "solver."
                )
            return
        if schedule == "one_cycle" and warmup > 0:
            # composing them would make one_cycle something else than PyTorch's OneCycleLR
            raise ValueError(
                f"warmup_epochs={warmup} with learning_rate='one_cycle': one_cycle warms "
                "up itself (from learning_rate_init / 25 over the first 30% of its steps), "
                f"so after a warmup to {warmup}/{warmup + 1} of learning_rate_init its rate "
                f"would drop {25 * warmup / (warmup + 1):.0f}-fold. Set warmup_epochs=0, or "
                "warm up another schedule (e.g. 'cosine')."
            )
        if schedule == "one_cycle" and incremental:
            raise ValueError(
                "learning_rate='one_cycle' spans the max_iter epochs of a fit, a number of "
                "steps it needs in advance; partial_fit makes one pass per call with no end "
                "known, so the cycle would stretch over max_iter calls and barely learn in "
                "the first of them. Use fit, or another schedule with partial_fit (e.g. "
                "'constant' or 'invscaling')."
            )
        if warmup >= self.max_iter and not incremental:
            raise ValueError(
                f"warmup_epochs={warmup} >= max_iter={self.max_iter}: no epoch would follow "
                "the warmup, so the schedule would never start. Set warmup_epochs below "
                "max_iter, or raise max_iter."
            )

    def _warn_if_weight_decay_unused(self):
        """weight_decay is AdamW's alone: another solver would ignore a value set silently."""
        if self.solver != "adamw" and self.weight_decay != WEIGHT_DECAY_DEFAULT:
            warnings.warn(
                f"weight_decay={self.weight_decay} is ignored by solver={self.solver!r}: it "
                "is the decoupled decay of solver='adamw' only. Use alpha for an L2 "
                "penalty, or solver='adamw'.",
                UserWarning,
            )

    def _fitted_snapshot(self, owner):
        """The fitted state as it is now, copied: what a callback's fitted estimator gets.

        scikit-learn builds that estimator as a copy of ``owner`` (the estimator whose
        method was called) with these attributes set, so fitted state of ``owner`` that
        this model lacks (``feature_names_in_`` of an earlier fit) is set to None.
        """
        state = dict.fromkeys(name for name in vars(owner) if _is_state(name))
        state.update((name, _detached(value)) for name, value in vars(self).items()
                     if _is_state(name))
        state["coefs_"] = [c.copy() for c in self.coefs_]
        state["intercepts_"] = [b.copy() for b in self.intercepts_]
        # the copy must not share the training state of the running fit
        state.update(_network=None, _optimizer=None, _schedule=None)
        return state

    def _validate_input(self, X, y, *, first_call):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             dtype=float_dtypes(X), reset=first_call)
        if not first_call:  # continue training in the fitted parameters' dtype
            X = X.astype(self.coefs_[0].dtype, copy=False)
        if sp.issparse(X):
            X = X.tocsr()  # rows are sliced per minibatch
        return X, self._check_y(y)

    def _check_y(self, y):
        """Targets after validate_data; subclasses reshape them."""
        return y

    def _prepare_network(self, n_features, hidden, first_call, dtype, initializers, rng):
        """The network to train: freshly initialized, or holding the fitted parameters."""
        layer_sizes = [n_features, *hidden, self.n_outputs_]
        output_activation = make_loss(self._loss_name, self).output_activation
        if first_call:
            # the fitted model keeps its own copy of an activation object
            network = Network(layer_sizes, fitted_copy(self.activation), output_activation,
                              dtype)
            self._initialize_parameters(network, *initializers, rng)
        else:
            self._check_continuation(layer_sizes)
            network = self._fitted_network(output_activation)
        self.coefs_, self.intercepts_ = network.model_views
        self.n_layers_ = len(layer_sizes)
        self.out_activation_ = output_activation
        self._network = network
        return network

    def _check_continuation(self, layer_sizes):
        """Continuing training (warm_start, partial_fit) needs the network it was fitted as."""
        fitted = {"layer sizes": self._fitted_layer_sizes(),
                  "activation": self._fitted_activation(),
                  "loss": self._loss_name}
        asked = {"layer sizes": layer_sizes, "activation": self.activation,
                 "loss": self._resolve_loss_name()}
        changed = [what for what in fitted
                   if option_key(fitted[what]) != option_key(asked[what])]
        if changed:
            # the losses as the user spelled them ("log_loss"), not as they resolved
            fitted["loss"] = getattr(self, "_loss_option", self._loss_name)
            asked["loss"] = self.loss
            details = "; ".join(f"{what} {fitted[what]!r} fitted, {asked[what]!r} asked"
                                for what in changed)
            raise ValueError(
                f"Cannot continue training: the parameters changed the network ({details}). "
                "warm_start and partial_fit continue the fitted network as it is; set "
                "warm_start=False (or refit) to train a new one."
            )

    def _fitted_network(self, output_activation):
        """A network over the fitted parameters, reusing the last one when it still holds them.

        After unpickling, or when a user assigned new arrays, ``coefs_`` and
        ``intercepts_`` are no longer views of one flat vector and are copied
        into a new one.
        """
        network = getattr(self, "_network", None)
        current = self.coefs_ + self.intercepts_
        if network is not None and all(
            a is b for a, b in zip(current, network.model_views[0] + network.model_views[1])
        ):
            return network
        network = Network(self._fitted_layer_sizes(), self._fitted_activation(),
                          output_activation, self.coefs_[0].dtype)
        for source, target in zip(current, network.model_views[0] + network.model_views[1]):
            target[...] = source
        return network

    def _fitted_activation(self):
        """The activation the model was fitted with (a name, or its copy of an object)."""
        return getattr(self, "_activation", self.activation)

    def _fitted_layer_sizes(self):
        return [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]

    def _initialize_parameters(self, network, weight_init, bias_init, rng):
        """Draw the initial parameters from ``rng`` in scikit-learn's order: each layer's
        weights, then its biases, layer after layer (scikit-learn's ``_init_coef``)."""
        sizes = network.layer_sizes
        coefs, intercepts = network.model_views
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            fans = dict(fan_in=fan_in, fan_out=fan_out, rng=rng, dtype=network.dtype)
            coefs[i][...] = weight_init((fan_in, fan_out), **fans)
            intercepts[i][...] = bias_init((fan_out,), **fans)
        self._activation = network.activation_option
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.history_ = new_history()
        self.best_loss_ = np.inf
        self.validation_scores_ = None
        self.validation_loss_curve_ = None
        self.best_validation_score_ = None
        self._optimizer = None

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(AUTO_BATCH_SIZE, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} samples; "
                "it is clipped to the sample size.",
                UserWarning,
            )
        return min(self.batch_size, n_samples)

    # ------------------------------------------------------------ validation set
    def _validation_data(self, X, y, Y, weights, X_val, y_val, sample_weight_val, rng):
        """Validation set for this fit, or None; holds out a split of X if needed."""
        if X_val is not None:
            return self._given_validation_data(X_val, y_val, sample_weight_val)
        if not self.early_stopping:
            return None
        # scikit-learn's split, from the same stream: stratified for a single output
        # (binary targets; multiclass and multilabel targets have several outputs)
        stratify = y if is_classifier(self) and self._target_type == "binary" else None
        indices = np.arange(X.shape[0])
        try:
            train, val = train_test_split(indices, test_size=self.validation_fraction,
                                          random_state=rng, stratify=stratify)
        except ValueError as error:
            raise ValueError(
                f"Cannot hold out validation_fraction={self.validation_fraction} of "
                f"{X.shape[0]} samples for early stopping ({error}). Use more samples, a "
                "larger validation_fraction, pass X_val/y_val, or set early_stopping=False."
            ) from error
        self._check_validation_size(len(val), f"validation_fraction={self.validation_fraction} "
                                              f"of {X.shape[0]} samples holds out")
        if weights is not None and not np.any(weights[train] > 0):
            raise ValueError("All training sample weights are zero after the validation split.")
        if weights is not None and not np.any(weights[val] > 0):
            raise ValueError(
                "Every sample held out for early stopping has zero weight (sample_weight times "
                "class_weight), so the validation score is undefined. Give more samples a "
                "positive weight, change random_state or validation_fraction, or pass X_val."
            )
        # Rows are addressed by index, never copied: X stays the only copy of the data.
        return {"X": X, "rows": val, "y": y[val], "Y": Y[val],
                "sample_weight": None if weights is None else weights[val],
                "train_rows": train}

    def _given_validation_data(self, X_val, y_val, sample_weight_val):
        """The validation set the user passed, checked; errors name X_val, y_val and
        sample_weight_val, not the training arguments."""
        check_numpy_inputs(X_val=X_val, y_val=y_val, sample_weight_val=sample_weight_val)
        checked = check_array(X_val, accept_sparse=["csr", "csc"], input_name="X_val",
                              dtype=(np.float64, np.float32), estimator=self)
        # the feature names of X_val against those of X (ensure_2d=False: the number of
        # features is compared below, in a message that names X_val)
        validate_data(self, X_val, reset=False, skip_check_array=True, ensure_2d=False)
        if checked.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X_val has {checked.shape[1]} features, but X had {self.n_features_in_}: "
                "the validation set needs the training data's features."
            )
        y_val = check_array(y_val, accept_sparse="csr", ensure_2d=False, dtype=None,
                            input_name="y_val", estimator=self)
        if checked.shape[0] != y_val.shape[0]:
            raise ValueError(
                f"X_val has {checked.shape[0]} samples but y_val has {y_val.shape[0]}: pass "
                "one target per validation sample."
            )
        X_val = checked.astype(self._network.dtype, copy=False)
        if sp.issparse(X_val):
            X_val = X_val.tocsr()
        self._check_validation_targets(y_val)
        Y_val = self._encode_targets(y_val, first_call=False)
        self._check_validation_size(X_val.shape[0], "X_val has")
        w_val = check_sample_weight(sample_weight_val, X_val.shape[0], "sample_weight_val")
        return {"X": X_val, "rows": None, "y": y_val, "Y": Y_val, "sample_weight": w_val,
                "train_rows": None}

    def _add_validation_scorer(self, validation):
        """What scores the validation set: ``scorer`` (None: the estimator's own score,
        computed from the outputs the training has at hand) and the ``scoring`` name."""
        validation["scoring"] = _scoring_name(self.scoring, is_classifier(self))
        validation["scorer"] = None
        if self.scoring is not None:
            scorer = check_scoring(self, scoring=self.scoring)
            methods = getattr(scorer, "_response_method", ())
            methods = (methods,) if isinstance(methods, str) else tuple(methods)
            if methods and not any(hasattr(self, method) for method in methods):
                raise ValueError(
                    f"scoring={self.scoring!r} scores the output of "
                    f"{' or '.join(methods)}, which {type(self).__name__} does not have. "
                    f"Choose a scorer for {'classifiers' if is_classifier(self) else 'regressors'}"
                    " (sklearn.metrics.get_scorer_names())."
                )
            self._check_scorer_task(scorer)
            validation["scorer"] = scorer
            rows = validation["rows"]
            # a scorer takes the validation rows themselves: a copy, made once
            validation["X_scored"] = validation["X"] if rows is None else validation["X"][rows]

    def _check_scorer_task(self, scorer):
        """Refuse a classification metric for a regressor and a regression one for a
        classifier: it would fail at the first epoch's score, or score nonsense."""
        task = _scorer_task(scorer)
        own = "classification" if is_classifier(self) else "regression"
        if task is None or task == own:
            return
        kind = "a classifier" if own == "classification" else "a regressor"
        raise ValueError(
            f"scoring={self.scoring!r} is a {task} metric, but {type(self).__name__} is "
            f"{kind}. Choose a {own} scorer, e.g. {_SCORER_EXAMPLES[own]} "
            "(sklearn.metrics.get_scorer_names() lists them all)."
        )

    def _scored_on_validation(self, params, validation):
        """The ``scoring`` of the model with parameters ``params`` on the validation set.

        ``params`` are ``(coefs, intercepts)`` of a model in training (perhaps one of a
        stack): the scorer gets a shallow copy of this estimator predicting with them.
        """
        model = copy.copy(self)
        model.coefs_, model.intercepts_ = params
        # the validation rows are validated arrays: no feature names to compare
        model.__dict__.pop("feature_names_in_", None)
        weights = validation["sample_weight"]
        kwargs = {} if weights is None else {"sample_weight": weights}
        return float(validation["scorer"](model, validation["X_scored"], validation["y"],
                                          **kwargs))

    def _check_validation_size(self, n_rows, what):
        # scikit-learn's rule; R^2 in particular is undefined on fewer than two samples
        if n_rows < 2:
            raise ValueError(
                f"The validation set is too small: {what} {n_rows} sample(s), and a "
                "validation score needs at least 2. Increase 'validation_fraction' or the "
                "size of your dataset, or pass a larger X_val."
            )

    def _print_epoch(self):
        print(self._epoch_line())

    def _epoch_line(self):
        """One compact line from the epoch just recorded in ``history_``."""
        history = self.history_
        line = f"Iteration {self.n_iter_}, loss = {history['loss'][-1]:.8f}"
        if not np.isnan(history["validation_loss"][-1]):
            line += (f", validation loss = {history['validation_loss'][-1]:.6f}"
                     f", validation {history['scoring'][-1]} = "
                     f"{history['validation_score'][-1]:.6f}")
        if not np.isnan(history["learning_rate"][-1]):
            line += f", lr = {history['learning_rate'][-1]:.3g}"
        return f"{line}, {history['time'][-1]:.2f} s"

    # ---------------------------------------------------------------- predict
    def _output(self, X):
        """Raw network outputs ``z`` for X (before the output activation), in the
        parameters' dtype; the subclasses turn them into predictions."""
        check_is_fitted(self, "coefs_")
        check_numpy_inputs(X=X)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False,
                          dtype=(np.float64, np.float32))
        if sp.issparse(X):
            X = X.tocsr()  # row chunks; forward casts each chunk to the parameters' dtype
        return forward(X, self.coefs_, self.intercepts_,
                       resolve_activation(self._fitted_activation()))

    def __getstate__(self):
        # The network's buffers are scratch space; coefs_/intercepts_ carry the model.
        state = dict(super().__getstate__())
        state.pop("_network", None)
        # the class counts partial_fit keeps, as a plain array: a skops file then names
        # no private type for the user to trust
        if isinstance(state.get("_class_weighting"), ClassWeighting):
            state["_class_weighting"] = state["_class_weighting"].counts.copy()
        return state

    def __setstate__(self, state):
        counts = state.get("_class_weighting")
        if isinstance(counts, np.ndarray):
            state = {**state, "_class_weighting": ClassWeighting.of_counts(counts)}
        super().__setstate__(state)


def _label_encoding(y, classes):
    """``(target_type, fitted LabelBinarizer, its transform of y)`` of classifier targets.

    With ``classes``, the binarizer knows those (y may not hold them all) and the
    target is binary or multiclass by their number.
    """
    check_classification_targets(y)
    target_type = type_of_target(y)
    binarizer = LabelBinarizer()
    if target_type == "multilabel-indicator":
        binarizer.fit(y)
    elif classes is not None:
        binarizer.fit(np.asarray(classes))
        unseen = np.setdiff1d(np.unique(y), binarizer.classes_)
        if unseen.size:
            raise ValueError(f"y contains labels {unseen.tolist()} that are not in "
                             f"classes={list(classes)}.")
        target_type = "binary" if len(binarizer.classes_) == 2 else "multiclass"
    else:
        binarizer.fit(y)
    return target_type, binarizer, binarizer.transform(y)


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = CLASSIFIER

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions(CLASSIFICATION_LOSSES), Loss],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        weight_init="auto",
        bias_init="auto",
        loss="log_loss",
        solver="adam",
        alpha=1e-4,
        alpha_l1=0.0,
        penalize_intercepts=False,
        dropout=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        warmup_epochs=0,
        power_t=0.5,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        shuffle=True,
        random_state=None,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        rho=0.9,
        weight_decay=0.01,
        clip_norm=None,
        early_stopping=False,
        scoring=None,
        validation_fraction=0.1,
        max_fun=15000,
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            weight_init=weight_init,
            bias_init=bias_init,
            loss=loss,
            solver=solver,
            alpha=alpha,
            alpha_l1=alpha_l1,
            penalize_intercepts=penalize_intercepts,
            dropout=dropout,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            warmup_epochs=warmup_epochs,
            power_t=power_t,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            rho=rho,
            weight_decay=weight_decay,
            clip_norm=clip_norm,
            early_stopping=early_stopping,
            scoring=scoring,
            validation_fraction=validation_fraction,
            max_fun=max_fun,
        )
        self.class_weight = class_weight

    @available_if(_is_stochastic)
    @with_callbacks
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one pass over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            All the classes that can appear in ``y``: required on the first call,
            ignored (if equal) afterwards.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight, classes=classes)

    def _check_target_params(self):
        check_class_weight(self.class_weight)

    def _check_partial_fit_call(self, y, classes):
        if classes is None and not hasattr(self, "coefs_") and \
                type_of_target(y) != "multilabel-indicator":
            raise ValueError(
                "classes must be passed on the first call to partial_fit: list every class "
                "that y may contain, e.g. classes=np.unique(y_all)."
            )

    def _check_validation_targets(self, y_val):
        target_type = type_of_target(y_val)
        multilabel = self._target_type == "multilabel-indicator"
        if (target_type == "multilabel-indicator") != multilabel or (
                multilabel and y_val.shape[1] != len(self.classes_)):
            labels = f" with {len(self.classes_)} labels" if multilabel else ""
            raise ValueError(
                f"y_val has target type {target_type!r}, but the training y is "
                f"{self._target_type!r}{labels}: pass validation targets of the same kind."
            )
        if multilabel:
            return
        check_classification_targets(y_val)
        unseen = np.setdiff1d(np.unique(y_val), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y_val contains labels {unseen.tolist()} that the training y lacks "
                f"(classes_ = {self.classes_.tolist()}): the model cannot predict a class "
                "it was not trained on. Drop those samples from X_val and y_val, or train "
                "on data that has every class."
            )

    def _check_y(self, y):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return y

    def _encode_targets(self, y, *, first_call, classes=None, same_classes=False):
        if first_call:
            return self._fit_label_encoding(y, classes)
        target_type = type_of_target(y)
        if target_type == "multilabel-indicator" or self._target_type == "multilabel-indicator":
            if target_type != self._target_type or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y has target type {target_type!r} but the model was fitted on "
                    f"{self._target_type!r} targets with {len(self.classes_)} labels."
                )
        else:
            check_classification_targets(y)
            if same_classes and not np.array_equal(np.unique(y), self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has "
                    f"{np.unique(y)}. Set warm_start=False to fit the new classes."
                )
            unseen = np.setdiff1d(np.unique(y), self.classes_)
            if unseen.size:
                raise ValueError(
                    f"y contains labels not seen in the first fit (classes_ = "
                    f"{self.classes_.tolist()}): {unseen.tolist()}. Pass every class to "
                    "the first partial_fit call through `classes`, or refit."
                )
            if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError(
                    f"classes={list(classes)} differs from classes_={self.classes_.tolist()} "
                    "of the first call to partial_fit."
                )
        return self._binarize(y)

    def _fit_label_encoding(self, y, classes):
        if classes is None:
            # a fused search's candidates of a fold encode the same y: once for all
            target_type, binarizer, encoded = shared_in_deferred_fits(
                ("label_encoding", id(y)), y, lambda: _label_encoding(y, None))
        else:
            target_type, binarizer, encoded = _label_encoding(y, classes)
        loss_name = fitted_copy(self._resolve_loss_name(target_type))
        softmax = make_loss(loss_name, self).output_activation == "softmax"
        if softmax and target_type == "multilabel-indicator":
            raise ValueError(
                f"loss={self.loss!r} (a softmax over the classes) needs exactly one class per "
                "sample, but y is multilabel: use loss='binary_crossentropy' (or 'log_loss')."
            )
        self._label_binarizer = binarizer
        self._target_type = target_type
        self._loss_name = loss_name
        self._loss_option = self.loss if isinstance(self.loss, str) else loss_name
        self.classes_ = binarizer.classes_
        self._two_softmax_units = softmax and len(self.classes_) == 2
        Y = self._binarized(encoded)
        self.n_outputs_ = Y.shape[1]
        return Y

    def _resolve_loss_name(self, target_type=None):
        target_type = target_type or self._target_type
        return LOG_LOSS_BY_TARGET[target_type] if self.loss == LOG_LOSS else self.loss

    def _binarize(self, y):
        return self._binarized(self._label_binarizer.transform(y))

    def _binarized(self, Y):
        """The network's targets from the label binarizer's output (a new array)."""
        if sp.issparse(Y):
            Y = Y.toarray()
        if self._two_softmax_units:
            Y = np.hstack([1 - Y, Y])
        return Y.astype(np.float64)

    def _target_sample_weight(self, y, sample_weight, incremental):
        if self.class_weight is None:
            return sample_weight, 1.0
        check_class_weight_form(self.class_weight, self._target_type)
        if self._target_type == "multilabel-indicator":
            codes, classes = np.asarray(y, dtype=int), np.array([0, 1])
        else:
            codes, classes = np.searchsorted(self.classes_, y)[:, np.newaxis], self.classes_
        if not incremental or getattr(self, "_class_weighting", None) is None:
            self._class_weighting = ClassWeighting(codes.shape[1], len(classes))
        weights = self._class_weighting.sample_weight(self.class_weight, codes, classes,
                                                      sample_weight)
        return weights, loss_scale(self.class_weight, weights, sample_weight)

    def _probabilities(self, Z):
        """Probabilities from raw outputs ``Z``, computed so that no row can be NaN."""
        if len(self.classes_) == 1:  # y had one class: it is certain, as in scikit-learn
            return np.ones((Z.shape[0], 1), dtype=Z.dtype)
        if self._target_type == "multilabel-indicator":
            proba = expit(Z)
        elif Z.shape[1] == 1:
            P = expit(Z)
            proba = np.hstack([1 - P, P])
        elif self.out_activation_ == "logistic":
            # One-vs-rest units, normalized: p_c = sigmoid(z_c) / sum_j sigmoid(z_j), as a
            # softmax of log-sigmoids, which stays finite where every sigmoid underflows.
            proba = softmax(log_expit(Z), axis=1)
        else:
            proba = softmax(Z, axis=1)
        eps = np.finfo(proba.dtype).eps
        return np.clip(proba, eps, 1 - eps)

    def _labels(self, Z):
        """Labels from raw outputs: every output activation is increasing, so ``z`` decides."""
        if len(self.classes_) == 1:
            return np.full(Z.shape[0], self.classes_[0])
        if self._target_type == "multilabel-indicator":
            return (Z > 0).astype(int)
        if Z.shape[1] == 1:
            return self.classes_[(Z[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(Z, axis=1)]

    def _validation_score(self, y_true, Z, sample_weight):
        return accuracy_score(y_true, self._labels(Z), sample_weight=sample_weight)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted classes (an indicator matrix for multilabel targets).
        """
        return self._labels(self._output(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class (of each label, for multilabel targets),
            in the order of ``classes_``.
        """
        return self._probabilities(self._output(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # one softmax over the classes cannot say "several labels at once"
        tags.classifier_tags.multi_label = self.loss != "categorical_crossentropy" and not (
            isinstance(self.loss, Loss) and self.loss.output_activation == "softmax")
        return tags


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = REGRESSOR

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions(REGRESSION_LOSSES), Loss],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        weight_init="auto",
        bias_init="auto",
        loss="squared_error",
        solver="adam",
        alpha=1e-4,
        alpha_l1=0.0,
        penalize_intercepts=False,
        dropout=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        warmup_epochs=0,
        power_t=0.5,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        shuffle=True,
        random_state=None,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        rho=0.9,
        weight_decay=0.01,
        clip_norm=None,
        early_stopping=False,
        scoring=None,
        validation_fraction=0.1,
        max_fun=15000,
        huber_delta=1.0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            weight_init=weight_init,
            bias_init=bias_init,
            loss=loss,
            solver=solver,
            alpha=alpha,
            alpha_l1=alpha_l1,
            penalize_intercepts=penalize_intercepts,
            dropout=dropout,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            warmup_epochs=warmup_epochs,
            power_t=power_t,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            rho=rho,
            weight_decay=weight_decay,
            clip_norm=clip_norm,
            early_stopping=early_stopping,
            scoring=scoring,
            validation_fraction=validation_fraction,
            max_fun=max_fun,
        )
        self.huber_delta = huber_delta

    @available_if(_is_stochastic)
    @with_callbacks
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one pass over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight)

    def _resolve_loss_name(self):
        return self.loss

    def _check_validation_targets(self, y_val):
        n_outputs = 1 if y_val.ndim == 1 else y_val.shape[1]
        if n_outputs != self.n_outputs_:
            raise ValueError(
                f"y_val has {n_outputs} outputs, but the training y has {self.n_outputs_}: "
                "pass validation targets of the same shape."
            )
        if make_loss(self._loss_name, self).name == "poisson" and np.any(
                np.asarray(y_val) < 0):
            raise ValueError("loss='poisson' needs non-negative targets; y_val has negative "
                             "values.")

    def _encode_targets(self, y, *, first_call, classes=None, same_classes=False):
        y = np.asarray(y)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if first_call:
            self._loss_name = fitted_copy(self.loss)
            self._y_ndim = y.ndim
            self.n_outputs_ = Y.shape[1]
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} outputs but the model has {self.n_outputs_}.")
        if make_loss(self._loss_name, self).name == "poisson" and np.any(Y < 0):
            raise ValueError("loss='poisson' needs non-negative targets; y has negative values.")
        return Y.astype(np.float64)

    def _predictions(self, Z):
        P = OUTPUT_ACTIVATIONS[self.out_activation_](Z)
        return P.ravel() if self._y_ndim == 1 else P

    def _validation_score(self, y_true, Z, sample_weight):
        return r2_score(y_true, self._predictions(Z.copy()), sample_weight=sample_weight)

    def predict(self, X):
        """Predict using the multilayer perceptron.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        return self._predictions(self._output(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson" or isinstance(self.loss, Poisson)
        return tags
