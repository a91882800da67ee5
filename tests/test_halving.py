"""Successive halving as one fit: fused rungs, and survivors that continue their training.

The engine's claim: a model trained to ``r`` epochs with ``keep_state``
and then resumed to ``r'`` is the fit with ``max_iter=r'`` -- parameters, ``n_iter_``,
``t_``, curves, ``history_`` and the ``ConvergenceWarning`` -- alone, in a stack beside
fresh models, and after a pickle round trip (how states come back from joblib workers).
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import skmlp._training
from skmlp import MLPClassifier, MLPRegressor
from skmlp._training import deferred_fits, train

X_IRIS, y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
X_DIAB, y_DIAB = load_diabetes(return_X_y=True)
X_DIAB, y_DIAB = X_DIAB[:200], y_DIAB[:200]

# the engine's tests: a small model, rungs of 3, 9, 18 and 27 epochs
SMALL = dict(hidden_layer_sizes=(8,), batch_size=32, learning_rate_init=0.01, random_state=0)
RUNGS = (3, 9, 18, 27)


@pytest.fixture
def epochs(monkeypatch):
    """The model-epochs the engine trains (an epoch of a stack of K counts K)."""
    count = [0]
    run_epoch = skmlp._training._Stack._run_epoch

    def counting(stack, learning_rate):
        count[0] += len(stack.members)
        return run_epoch(stack, learning_rate)

    monkeypatch.setattr(skmlp._training._Stack, "_run_epoch", counting)
    return count


# ------------------------------------------------------------------------ the engine
def _deferred(estimator, X, y, **fit_params):
    with deferred_fits() as members:
        estimator.fit(X, y, **fit_params)
    members[0].keep_state = True
    return members[0]


def _train_warnings(members):
    """Train; the number of ConvergenceWarnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        train(members)
    return sum(issubclass(w.category, ConvergenceWarning) for w in caught)


def _fresh(estimator, X, y, max_iter, **fit_params):
    """A plain fit with ``max_iter`` epochs and its number of ConvergenceWarnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        fitted = clone(estimator).set_params(max_iter=max_iter).fit(X, y, **fit_params)
    return fitted, sum(issubclass(w.category, ConvergenceWarning) for w in caught)


def assert_same_fit(ours, theirs):
    """Equal fitted models and training records (up to the timings)."""
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert (ours.n_iter_, ours.t_) == (theirs.n_iter_, theirs.t_)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-12)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)
    assert ours.best_loss_ == (None if theirs.best_loss_ is None else
                               pytest.approx(theirs.best_loss_, rel=1e-12))
    for name in ("validation_scores_", "validation_loss_curve_"):
        if getattr(theirs, name) is None:
            assert getattr(ours, name) is None
        else:
            np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name),
                                       rtol=1e-12)
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
    assert ours.history_.keys() == theirs.history_.keys()
    for key, values in theirs.history_.items():
        if key == "scoring":
            assert ours.history_[key] == values
        elif key != "time":
            np.testing.assert_allclose(np.array(ours.history_[key], dtype=float),
                                       np.array(values, dtype=float), rtol=1e-12)


RESUMABLE = {
    "adam": dict(),
    "sgd-nesterov": dict(solver="sgd", momentum=0.8),
    "rmsprop-dropout": dict(solver="rmsprop", dropout=0.3),
    "adagrad-invscaling": dict(solver="adagrad", learning_rate="invscaling", power_t=0.2),
    "adamw-clipping": dict(solver="adamw", clip_norm=0.5, weight_decay=0.1),
    # (its rate falls from the third rung on, and counters run across rung ends)
    "adaptive-stalls": dict(learning_rate="adaptive", tol=0.01, n_iter_no_change=2,
                            learning_rate_init=0.05),
    "warmup-constant": dict(warmup_epochs=3),
    "tol-stops": dict(tol=0.01, n_iter_no_change=5, learning_rate_init=0.05),
    "early-stopping": dict(early_stopping=True, n_iter_no_change=4, validation_fraction=0.3,
                           learning_rate_init=0.05),
    "class-weight": dict(class_weight="balanced", alpha=0.1),
}


@pytest.mark.parametrize("params", RESUMABLE.values(), ids=RESUMABLE.keys())
def test_a_resumed_fit_is_the_fit_with_the_larger_max_iter(params):
    estimator = MLPClassifier(**{**SMALL, **params})
    member = _deferred(clone(estimator).set_params(max_iter=RUNGS[0]), X_IRIS, y_IRIS)
    warned = _train_warnings([member])
    for previous, max_iter in zip(RUNGS, RUNGS[1:]):
        reference, reference_warned = _fresh(estimator, X_IRIS, y_IRIS, previous)
        assert_same_fit(member.estimator, reference)
        assert warned == reference_warned
        member.estimator.set_params(max_iter=max_iter)
        warned = _train_warnings([member])
    reference, reference_warned = _fresh(estimator, X_IRIS, y_IRIS, RUNGS[-1])
    assert_same_fit(member.estimator, reference)
    # a continued fit warns as the fit with that max_iter does: only when it reaches it
    assert warned == reference_warned


def test_early_stopping_continues_from_the_last_epoch_not_the_best():
    # patience long enough that the best epoch lies before the end of the first rung
    estimator = MLPRegressor(hidden_layer_sizes=(8,), learning_rate_init=0.03,
                             early_stopping=True, n_iter_no_change=30, random_state=0)
    X, y = StandardScaler().fit_transform(X_DIAB), y_DIAB / 100
    member = _deferred(clone(estimator).set_params(max_iter=12), X, y)
    _train_warnings([member])
    first = member.estimator
    assert np.argmax(first.validation_scores_) < 11  # the estimator holds its best epoch
    assert member.state.last_params is not None  # and the state the last one
    handed = np.concatenate([c.ravel() for c in first.coefs_ + first.intercepts_])
    assert not np.allclose(handed, member.state.last_params)
    first.set_params(max_iter=40)
    _train_warnings([member])
    assert_same_fit(member.estimator, _fresh(estimator, X, y, 40)[0])
    assert member.estimator.n_iter_ == 36  # best at epoch 5, then 31 without improving


def test_resumed_and_fresh_models_share_a_stack_after_a_pickle_round_trip():
    variants = [dict(alpha=1e-4), dict(alpha=0.1, dropout=0.2), dict(random_state=3),
                dict(solver="adam", beta_1=0.8), dict(learning_rate_init=0.03)]
    estimators = [MLPClassifier(**{**SMALL, **v}) for v in variants]
    members = [_deferred(clone(e).set_params(max_iter=3), X_IRIS, y_IRIS)
               for e in estimators[:3]]
    _train_warnings(members)
    # (joblib workers send states back pickled: coefs_ are no longer views of a network)
    members = pickle.loads(pickle.dumps(members))
    for member in members:
        member.estimator.set_params(max_iter=9)
    fresh = [_deferred(clone(e).set_params(max_iter=9), X_IRIS, y_IRIS)
             for e in estimators[3:]]
    stack = [fresh[0], *members, fresh[1]]  # Adam's steps differ across the stack
    _train_warnings(stack)
    for member, estimator in zip(stack, [estimators[3], *estimators[:3], estimators[4]]):
        assert_same_fit(member.estimator, _fresh(estimator, X_IRIS, y_IRIS, 9)[0])


def test_a_stopped_model_stays_stopped(epochs):
    estimator = MLPClassifier(**SMALL, tol=0.5, n_iter_no_change=1, max_iter=10)
    member = _deferred(clone(estimator), X_IRIS, y_IRIS)
    _train_warnings([member])
    n_iter = member.estimator.n_iter_
    assert n_iter < 10 and member.state.stopped and epochs[0] == n_iter
    member.estimator.set_params(max_iter=30)
    assert member.finished
    assert _train_warnings([member]) == 0
    assert epochs[0] == n_iter and member.state.stopped
    assert_same_fit(member.estimator, _fresh(estimator, X_IRIS, y_IRIS, 30)[0])


def test_a_model_at_max_iter_trains_nothing_more_and_cannot_go_back(epochs):
    member = _deferred(MLPClassifier(**SMALL, max_iter=4), X_IRIS, y_IRIS)
    _train_warnings([member])
    assert member.finished  # same max_iter: nothing to train
    _train_warnings([member])
    assert epochs[0] == 4
    member.estimator.set_params(max_iter=3)
    with pytest.raises(ValueError, match="trained 4 epochs already"):
        train([member])


@pytest.mark.parametrize("params", [dict(learning_rate="cosine"),
                                    dict(learning_rate="one_cycle"),
                                    dict(learning_rate="cosine", warmup_epochs=2)])
def test_schedules_spanning_max_iter_keep_no_state(params):
    member = _deferred(MLPClassifier(**SMALL, max_iter=4, **params), X_IRIS, y_IRIS)
    _train_warnings([member])
    assert member.state is None  # resuming would not be the fit with a larger max_iter


def test_a_resumed_fit_diverges_where_the_fit_with_the_larger_max_iter_does():
    # the divergence test compares with the loss at initialization, also after resuming
    estimator = MLPRegressor(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=0.3,
                             momentum=0.99, tol=0.0, random_state=0)
    X, y = StandardScaler().fit_transform(X_DIAB), y_DIAB / 100
    with pytest.raises(ValueError, match=r"Training diverged \(epoch 18\)") as fresh:
        _fresh(estimator, X, y, 27)
    member = _deferred(clone(estimator).set_params(max_iter=9), X, y)
    _train_warnings([member])
    member.estimator.set_params(max_iter=27)
    _train_warnings([member])
    assert str(member.error) == str(fresh.value)
    assert member.state is None


def test_failed_models_keep_no_state():
    estimator = MLPRegressor(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=50.0,
                             max_iter=20, random_state=0)
    member = _deferred(estimator, X_DIAB, y_DIAB / 100)
    train([member])
    assert member.error is not None and member.state is None
