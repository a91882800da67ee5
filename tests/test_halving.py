"""Successive halving as one fit: fused rungs, and survivors that continue their training.

Two claims are tested. The engine's: a model trained to ``r`` epochs with ``keep_state``
and then resumed to ``r'`` is the fit with ``max_iter=r'`` -- parameters, ``n_iter_``,
``t_``, curves, ``history_`` and the ``ConvergenceWarning`` -- alone, in a stack beside
fresh models, and after a pickle round trip (how states come back from joblib workers).
The search's: ``skmlp.model_selection.HalvingGridSearchCV`` / ``HalvingRandomSearchCV``
give scikit-learn's halving searches' results (with scikit-learn's MLP and with skmlp's)
while training each survivor only the epochs it has not trained yet, and without
refitting its Pipeline steps. Counting the epochs the engine runs is what fails if
survivors were refit; comparing with scikit-learn is what fails if a continuation
were not exact.
"""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingGridSearchCV as SklearnHalvingGridSearchCV
from sklearn.model_selection import HalvingRandomSearchCV as SklearnHalvingRandomSearchCV
from sklearn.model_selection import KFold
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmlp._training
import skmlp.model_selection
from skmlp import MLPClassifier, MLPRegressor
from skmlp._training import deferred_fits, train
from skmlp.model_selection import HalvingGridSearchCV, HalvingRandomSearchCV

X_IRIS, y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
X_DIAB, y_DIAB = load_diabetes(return_X_y=True)
X_DIAB, y_DIAB = X_DIAB[:200], y_DIAB[:200]
CV = KFold(3, shuffle=True, random_state=0)

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
    "warmup-constant": dict(warmup_epochs=2),  # (fewer than the first rung's 3 epochs)
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


# ------------------------------------------------------------------------ the search
def _halving(estimator, grid, cls=(HalvingGridSearchCV, SklearnHalvingGridSearchCV),
             **kwargs):
    kwargs.setdefault("cv", CV)
    kwargs.setdefault("factor", 3)
    return cls[0](estimator, grid, **kwargs), cls[1](estimator, grid, **kwargs)


def _fit(search, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return search.fit(X, y, **fit_params)


def assert_same_search(ours, theirs, X, rtol=1e-6):
    """Equal cv_results_ (scores to rtol), rungs, candidates, best and refit estimator."""
    assert ours.cv_results_.keys() == theirs.cv_results_.keys()
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    for key, value in theirs.cv_results_.items():
        if key.startswith(("split", "mean_test", "mean_train", "std_test", "rank", "iter",
                           "n_resources")):
            np.testing.assert_allclose(ours.cv_results_[key], value, rtol=rtol, atol=1e-9,
                                       err_msg=key)
    for name in ("n_candidates_", "n_resources_", "n_iterations_", "n_possible_iterations_",
                 "n_required_iterations_", "n_remaining_candidates_", "min_resources_",
                 "max_resources_", "best_index_"):
        assert getattr(ours, name) == getattr(theirs, name), name
    if hasattr(theirs, "best_params_"):
        assert ours.best_params_ == theirs.best_params_
        assert ours.best_score_ == pytest.approx(theirs.best_score_, rel=rtol)
    if hasattr(theirs, "best_estimator_"):
        assert ours.best_estimator_.get_params()["memory"] is None if hasattr(
            ours.best_estimator_, "steps") else True
        outputs = "predict_proba" if hasattr(theirs, "predict_proba") else "predict"
        np.testing.assert_allclose(getattr(ours, outputs)(X), getattr(theirs, outputs)(X),
                                   rtol=1e-6, atol=1e-9)


CLASSIFIER_GRID = {"mlpclassifier__learning_rate_init": [3e-3, 1e-2, 3e-2],
                   "mlpclassifier__alpha": [1e-4, 1e-1, 1.0]}


def _rung_epochs(search, n_splits, refit=True):
    """The model-epochs of successive halving whose survivors continue: each rung
    trains its candidates only the epochs beyond the previous rung (all run to
    max_iter here), and the refit trains the best candidate's."""
    previous, total = 0, 0
    for n_candidates, n_resources in zip(search.n_candidates_, search.n_resources_):
        total += n_candidates * n_splits * (n_resources - previous)
        previous = n_resources
    return total + (search.n_resources_[-1] if refit else 0)


def test_halving_grid_search_is_sklearns_with_sklearns_mlp(epochs):
    mlp = dict(hidden_layer_sizes=(8,), batch_size=32, tol=0.0, random_state=0)
    ours = HalvingGridSearchCV(make_pipeline(StandardScaler(), MLPClassifier(**mlp)),
                               CLASSIFIER_GRID, resource="mlpclassifier__max_iter",
                               max_resources=18, cv=CV, scoring="neg_log_loss")
    theirs = SklearnHalvingGridSearchCV(
        make_pipeline(StandardScaler(), SklearnMLPClassifier(**mlp)), CLASSIFIER_GRID,
        resource="mlpclassifier__max_iter", max_resources=18, cv=CV, scoring="neg_log_loss")
    _fit(ours, *load_iris(return_X_y=True))
    _fit(theirs, *load_iris(return_X_y=True))
    assert ours.n_resources_ == [2, 6, 18] and ours.n_candidates_ == [9, 3, 1]
    assert_same_search(ours, theirs, load_iris(return_X_y=True)[0])
    # 9 x 3 x 2 + 3 x 3 x 4 + 1 x 3 x 12 + 18: survivors are continued, not refit
    # (refitting them would train 9 x 3 x 2 + 3 x 3 x 6 + 1 x 3 x 18 + 18 = 180)
    assert epochs[0] == _rung_epochs(ours, 3) == 144


class CountingScaler(TransformerMixin, BaseEstimator):
    """Centers X; records the rows of every fit in ``FITTED_STEPS``, of every transform
    in ``TRANSFORMED``."""

    def fit(self, X, y=None):
        FITTED_STEPS.append(len(X))
        self.mean_ = X.mean(axis=0)
        return self

    def transform(self, X):
        TRANSFORMED.append(len(X))
        return X - self.mean_


FITTED_STEPS, TRANSFORMED = [], []


def test_survivors_continue_and_their_pipeline_steps_are_not_refit(epochs):
    fitted_steps = FITTED_STEPS
    fitted_steps.clear()
    TRANSFORMED.clear()
    estimator = make_pipeline(CountingScaler(), MLPClassifier(**SMALL, tol=0.0))
    ours, theirs = _halving(estimator, CLASSIFIER_GRID, resource="mlpclassifier__max_iter",
                            max_resources=18, scoring="neg_log_loss")
    _fit(ours, X_IRIS, y_IRIS)
    # one fit per fold in the first rung (the candidates share it) and the refit's
    assert fitted_steps == [100, 100, 100, 150]
    # in every rung, each fold's test and training rows transformed once, for all
    # the candidates scored on them (return_train_score); and in the fits (fit_transform)
    assert sorted(TRANSFORMED) == [50] * 9 + [100] * 9 + [100] * 3 + [150]
    assert epochs[0] == _rung_epochs(ours, 3)
    _fit(theirs, X_IRIS, y_IRIS)
    assert len(fitted_steps) == 4 + 3 * (9 + 3 + 1) + 1
    assert_same_search(ours, theirs, X_IRIS)


def test_regressors_with_early_stopping_continue_exactly(epochs, stacks):
    prefix = "regressor__mlpregressor__"
    estimator = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(8,), batch_size=40,
                                                     random_state=0)),
        transformer=StandardScaler())
    grid = {f"{prefix}learning_rate_init": [1e-2, 3e-2, 1e-1],
            f"{prefix}early_stopping": [False, True], f"{prefix}n_iter_no_change": [3]}
    ours, theirs = _halving(estimator, grid, resource=f"{prefix}max_iter", factor=2,
                            max_resources=16, scoring="r2")
    _fit(ours, X_DIAB, y_DIAB)
    trained = epochs[0]
    _fit(theirs, X_DIAB, y_DIAB)
    assert ours.n_resources_ == [4, 8, 16] and ours.n_candidates_ == [6, 3, 2]
    assert_same_search(ours, theirs, X_DIAB)
    # every rung's fits are fused: early-stopping models (one minibatch fewer) apart
    assert len(stacks) <= 2 * 3 and sum(stacks) == (6 + 3 + 2) * 3
    # ... of continued models, some of which stopped (and stayed stopped)
    assert trained < _rung_epochs(ours, 3)
    rung_of_best = ours.cv_results_["iter"][ours.best_index_]
    assert rung_of_best == ours.n_iterations_ - 1


def test_halving_random_search_is_sklearns(epochs):
    distributions = {"learning_rate_init": [1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
                     "alpha": [1e-5, 1e-3, 1e-1], "batch_size": [32]}
    estimator = MLPClassifier(hidden_layer_sizes=(8,), tol=0.0, random_state=0)
    ours, theirs = _halving(estimator, distributions,
                            cls=(HalvingRandomSearchCV, SklearnHalvingRandomSearchCV),
                            resource="max_iter", n_candidates=10, min_resources=2,
                            max_resources=12, random_state=0, scoring="neg_log_loss")
    _fit(ours, X_IRIS, y_IRIS)
    assert epochs[0] == _rung_epochs(ours, 3)
    _fit(theirs, X_IRIS, y_IRIS)
    assert ours.n_resources_ == [2, 6]
    assert_same_search(ours, theirs, X_IRIS)


def test_schedules_spanning_max_iter_are_refit_and_exact(epochs):
    # (one_cycle warms up itself: a warmup in front of it is refused)
    grid = [{"learning_rate": ["constant", "cosine"], "warmup_epochs": [0, 1],
             "learning_rate_init": [0.01, 0.03]},
            {"learning_rate": ["one_cycle"], "learning_rate_init": [0.01, 0.03]}]
    estimator = MLPClassifier(**{**SMALL, "learning_rate_init": 0.01}, tol=0.0)
    ours, theirs = _halving(estimator, grid, resource="max_iter", min_resources=2,
                            max_resources=6, scoring="neg_log_loss", factor=3)
    _fit(ours, X_IRIS, y_IRIS)
    trained = epochs[0]
    _fit(theirs, X_IRIS, y_IRIS)
    assert_same_search(ours, theirs, X_IRIS)
    # the rung at 6 epochs: constant-rate survivors train 4 more, the others all 6
    survivors = [p for p, i in zip(ours.cv_results_["params"], ours.cv_results_["iter"])
                 if i == 1]
    refit = sum(p["learning_rate"] != "constant" for p in survivors)
    assert 0 < refit < len(survivors)
    assert trained == 10 * 3 * 2 + 3 * (4 * len(survivors) + 2 * refit) + 6


def test_other_resources_fuse_each_rung(stacks):
    estimator = MLPClassifier(hidden_layer_sizes=(8,), max_iter=6, random_state=0)
    grid = {"learning_rate_init": [1e-3, 1e-2, 3e-2], "alpha": [1e-4, 1e-1]}
    ours, theirs = _halving(estimator, grid, scoring="neg_log_loss", random_state=0,
                            min_resources=40)  # resource="n_samples"
    _fit(ours, X_IRIS, y_IRIS)
    _fit(theirs, X_IRIS, y_IRIS)
    assert ours.n_resources_ == [40, 120]
    assert_same_search(ours, theirs, X_IRIS)
    assert stacks == [6 * 3, 2 * 3]  # each rung's fits in one stack
    del stacks[:]
    ours, theirs = _halving(estimator, {"learning_rate_init": [1e-3, 1e-2, 3e-2]},
                            resource="batch_size", min_resources=16, max_resources=48,
                            scoring="neg_log_loss")
    _fit(ours, X_IRIS, y_IRIS)
    _fit(theirs, X_IRIS, y_IRIS)
    assert_same_search(ours, theirs, X_IRIS)
    assert stacks == [3 * 3, 1 * 3]


@pytest.mark.parametrize("kwargs", [
    dict(factor=2, min_resources="smallest", max_resources=8, return_train_score=True),
    dict(aggressive_elimination=True, min_resources=3, max_resources=9, refit=False),
    dict(min_resources="exhaust", max_resources=10, scoring=lambda est, X, y: est.score(X, y)),
], ids=["factor-smallest-train-scores", "aggressive-elimination", "exhaust-callable"])
def test_search_options_give_scikit_learns_results(kwargs):
    estimator = make_pipeline(StandardScaler(), MLPClassifier(**SMALL))
    grid = {"mlpclassifier__learning_rate_init": [3e-3, 1e-2, 3e-2, 0.1],
            "mlpclassifier__alpha": [1e-4, 1e-1, 1.0]}
    kwargs.setdefault("scoring", "neg_log_loss")
    ours, theirs = _halving(estimator, grid, resource="mlpclassifier__max_iter", **kwargs)
    _fit(ours, X_IRIS, y_IRIS)
    _fit(theirs, X_IRIS, y_IRIS)
    assert_same_search(ours, theirs, X_IRIS)
    if kwargs.get("aggressive_elimination"):
        assert ours.n_resources_ == [3, 3, 9]  # a rung at max_iter 3 again: rescored only


def test_continued_fits_come_back_from_joblib_workers(tmp_path):
    # A scorer marks each model it scores; in the worker of the next rung a survivor's
    # model is the marked one -- continued, not refit -- and results are scikit-learn's.
    log = tmp_path / "scored.txt"

    def marking(estimator, X, y):
        mlp = estimator.steps[-1][1]
        with open(log, "a") as file:
            file.write(f"{mlp.n_iter_} {getattr(mlp, 'scored_before', 0)}\n")
        mlp.scored_before = getattr(mlp, "scored_before", 0) + 1
        return estimator.score(X, y)

    estimator = make_pipeline(StandardScaler(), MLPClassifier(**SMALL, tol=0.0))
    ours, theirs = _halving(estimator, CLASSIFIER_GRID, resource="mlpclassifier__max_iter",
                            max_resources=18, scoring=marking, n_jobs=2,
                            return_train_score=False)
    _fit(ours, X_IRIS, y_IRIS)
    lines = sorted(log.read_text().split("\n")[:-1])
    log.unlink()
    _fit(theirs, X_IRIS, y_IRIS)
    assert_same_search(ours, theirs, X_IRIS)
    # epochs, times scored before: each rung's models are the previous rung's
    assert lines == sorted(["2 0"] * 27 + ["6 1"] * 9 + ["18 2"] * 3)


@pytest.mark.filterwarnings("ignore:One or more of the .* scores are non-finite")
def test_a_failing_candidate_gets_error_score_in_every_rung():
    # error_score above every score: the diverging candidate survives the first rung,
    # where it has no state to continue (it failed), so it is fitted anew, fails again
    estimator = MLPRegressor(hidden_layer_sizes=(8,), solver="sgd", random_state=0,
                             tol=0.0)
    grid = {"learning_rate_init": [1e-3, 50.0, 1e-2]}
    X, y = StandardScaler().fit_transform(X_DIAB), y_DIAB / 100
    ours, theirs = _halving(estimator, grid, resource="max_iter", min_resources=2,
                            max_resources=4, factor=2, error_score=1e9, refit=False)
    for search in (ours, theirs):
        with pytest.warns(FitFailedWarning, match="3 fits failed"):
            _fit(search, X, y)
    assert_same_search(ours, theirs, X)
    assert ours.n_candidates_ == [3, 2]
    failing = [p["learning_rate_init"] == 50.0 for p in ours.cv_results_["params"]]
    assert list(ours.cv_results_["mean_test_score"][failing]) == [1e9, 1e9]
    assert ours.best_params_ == {"learning_rate_init": 50.0, "max_iter": 4}
    # NaN as error_score instead: the failing candidate drops out in the first rung
    ours, theirs = _halving(estimator, grid, resource="max_iter", min_resources=2,
                            max_resources=6, refit=False)
    for search in (ours, theirs):
        with pytest.warns(FitFailedWarning):
            _fit(search, X, y)
    assert_same_search(ours, theirs, X)
    with pytest.raises(ValueError, match="Training diverged"):
        _fit(HalvingGridSearchCV(estimator, grid, resource="max_iter", max_resources=6,
                                 error_score="raise", cv=CV), X, y)


def test_no_training_state_outlives_the_fit(monkeypatch):
    kept = []
    take = skmlp.model_selection._RungFits.take

    def recording(rung_fits, candidate_params, n_splits):
        before = sum(len(fits) for fits in rung_fits._fits.values())
        taken = take(rung_fits, candidate_params, n_splits)
        kept.append((before, sum(f is not None for f in taken), len(rung_fits._fits)))
        return taken

    monkeypatch.setattr(skmlp.model_selection._RungFits, "take", recording)
    estimator = make_pipeline(StandardScaler(), MLPClassifier(**SMALL))
    search = _fit(HalvingGridSearchCV(estimator, CLASSIFIER_GRID,
                                      resource="mlpclassifier__max_iter", max_resources=18,
                                      cv=CV), X_IRIS, y_IRIS)
    # each rung holds the last rung's fits, keeps its survivors' and drops the others
    assert kept == [(0, 0, 0), (27, 9, 0), (9, 3, 0)]
    assert not hasattr(search, "_rung_fits")
    pickled = pickle.dumps(search)
    assert b"TrainingState" not in pickled and b"Member" not in pickled
    assert b"TrainingState" not in pickle.dumps(clone(search))


def test_the_halving_searches_need_no_experimental_import():
    code = (
        "import sklearn.model_selection as ms\n"
        "from sklearn.datasets import load_iris\n"
        "from skmlp import MLPClassifier\n"
        "from skmlp.model_selection import HalvingGridSearchCV, HalvingRandomSearchCV\n"
        "assert 'HalvingGridSearchCV' not in vars(ms)\n"
        "X, y = load_iris(return_X_y=True)\n"
        "s = HalvingGridSearchCV(MLPClassifier(hidden_layer_sizes=(4,), random_state=0),\n"
        "    {'alpha': [1e-4, 1e-2, 1.0]}, resource='max_iter', max_resources=3).fit(X, y)\n"
        "print(s.n_resources_)\n"
    )
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[1, 3]"
