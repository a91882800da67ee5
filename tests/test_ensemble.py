"""skmlp.ensemble: fused bagging gives scikit-learn's bagging, trained as one stack.

The reference is scikit-learn's own BaggingClassifier / BaggingRegressor on the same
estimator and ``random_state`` (and, where skmlp's estimator is scikit-learn's model,
scikit-learn's bagging over scikit-learn's MLP). Every comparison checks the members
one by one -- their seeds, rows, features, ``n_iter_`` and parameters -- and what the
ensemble computes from them (probabilities, predictions, out-of-bag scores); every
fused fit also checks that the engine trained the members together (the ``stacks``
fixture records the stacks :func:`skmlp._training.train` got from the ensemble).
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from joblib import parallel_config
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import BaggingClassifier as SklearnBaggingClassifier
from sklearn.ensemble import BaggingRegressor as SklearnBaggingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import KFold
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import skmlp.ensemble
from skmlp import MLPClassifier, MLPRegressor
from skmlp.ensemble import BaggingClassifier, BaggingRegressor
from skmlp.model_selection import GridSearchCV

ATOL = 1e-6  # the contract: member parameters and outputs to 1e-6 in float64


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _diabetes(n=160):
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X[:n]), y[:n] / 100


def _cancer(n=200):
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X[:n]), y[:n]


def _mlp(member):
    """The MLP inside a member (alone, last in a Pipeline, or in a target transformer)."""
    while not hasattr(member, "coefs_"):
        member = member.steps[-1][1] if isinstance(member, Pipeline) else member.regressor_
    return member


# several minibatches per epoch, so that each member's own shuffling matters
MEMBER = {"hidden_layer_sizes": (8,), "max_iter": 15, "learning_rate_init": 0.01,
          "batch_size": 40}


def _classifier(**params):
    return MLPClassifier(**{**MEMBER, **params})


def _regressor(**params):
    return MLPRegressor(**{**MEMBER, **params})


@pytest.fixture
def stacks(record_stacks):
    """The sizes of the stacks the fused ensembles train, in order."""
    return record_stacks(skmlp.ensemble)


def _fit_both(ours, theirs, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # few members leave some rows never out of bag: scikit-learn warns, divides 0/0
        warnings.filterwarnings("ignore", "Some inputs do not have OOB scores")
        warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
        ours.fit(X, y, **fit_params)
        theirs.fit(X, y, **fit_params)
    return ours, theirs


def assert_same_ensemble(ours, theirs, X):
    """The same members (seeds, rows, features, parameters) and the same outputs."""
    assert len(ours.estimators_) == len(theirs.estimators_) == ours.n_estimators
    for a, b in zip(ours.estimators_samples_, theirs.estimators_samples_):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(ours.estimators_features_, theirs.estimators_features_):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        a, b = _mlp(a), _mlp(b)
        assert a.random_state == b.random_state
        assert a.n_iter_ == b.n_iter_
        for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
            np.testing.assert_allclose(p, q, rtol=0, atol=ATOL)
    if hasattr(theirs, "classes_"):
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=ATOL)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    else:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=ATOL)
    if hasattr(theirs, "oob_score_"):
        assert ours.oob_score_ == pytest.approx(theirs.oob_score_, abs=ATOL)
        for name in ("oob_decision_function_", "oob_prediction_"):
            if hasattr(theirs, name):
                np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name),
                                           atol=ATOL, equal_nan=True)


BAGGING_PARAMS = [
    dict(oob_score=True),  # bootstrap: counts as sample weights
    dict(bootstrap=False, max_samples=1.0),  # a deep ensemble
    dict(bootstrap=False, max_samples=0.6),  # pasting: a row subset each
    dict(max_samples=50, max_features=0.5),  # random patches: rows and columns
    dict(bootstrap_features=True, max_features=3, oob_score=True),
]


@pytest.mark.parametrize("params", BAGGING_PARAMS, ids=range(len(BAGGING_PARAMS)))
def test_fused_classifier_is_sklearns_bagging(params, stacks):
    X, y = _iris()
    ours, theirs = _fit_both(
        BaggingClassifier(_classifier(), n_estimators=6, random_state=0, **params),
        SklearnBaggingClassifier(_classifier(), n_estimators=6, random_state=0, **params),
        X, y)
    assert stacks == [6]  # the six members were trained as one stack
    assert_same_ensemble(ours, theirs, X)


@pytest.mark.parametrize("params", [dict(oob_score=True), dict(max_samples=0.8),
                                    dict(max_features=0.6, bootstrap=False)])
def test_fused_regressor_with_sample_weight_is_sklearns_bagging(params, stacks):
    """scikit-learn draws rows with the weights as probabilities (bootstrap counts are
    the members' sample weights either way)."""
    X, y = _diabetes()
    weights = np.random.RandomState(0).uniform(0.2, 3.0, len(y))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "When fitting BaggingRegressor with sample_weight")
        ours, theirs = _fit_both(
            BaggingRegressor(_regressor(), n_estimators=5, random_state=1, **params),
            SklearnBaggingRegressor(_regressor(), n_estimators=5, random_state=1, **params),
            X, y, sample_weight=weights)
    assert stacks == [5]
    assert_same_ensemble(ours, theirs, X)


def test_fused_classifier_with_sample_weight_is_sklearns_bagging(stacks):
    X, y = _cancer()
    weights = np.random.RandomState(1).randint(1, 4, len(y)).astype(float)
    params = dict(n_estimators=4, max_samples=1.0, oob_score=True, random_state=3)
    ours, theirs = _fit_both(BaggingClassifier(_classifier(), **params),
                             SklearnBaggingClassifier(_classifier(), **params),
                             X, y, sample_weight=weights)
    assert stacks == [4]
    assert_same_ensemble(ours, theirs, X)


MEMBER_PARAMS = [
    dict(solver="sgd", momentum=0.8, learning_rate="adaptive"),
    dict(early_stopping=True, validation_fraction=0.2, n_iter_no_change=3),  # own splits
    dict(dropout=0.2, alpha=1e-2, batch_size=64),  # masks from each member's stream
    dict(tol=0.05, n_iter_no_change=2, max_iter=40),  # members stop at different epochs
]


@pytest.mark.parametrize("params", MEMBER_PARAMS, ids=range(len(MEMBER_PARAMS)))
def test_members_keep_their_own_training_options(params, stacks):
    X, y = _cancer()
    ours, theirs = _fit_both(
        BaggingClassifier(_classifier(**params), n_estimators=4, random_state=0),
        SklearnBaggingClassifier(_classifier(**params), n_estimators=4, random_state=0),
        X, y)
    assert stacks == [4]
    assert_same_ensemble(ours, theirs, X)


def test_members_are_sklearns_mlps():
    """Where skmlp's estimator is scikit-learn's model, the members are scikit-learn's
    own: bagging over sklearn.neural_network's MLP gives the same ensemble."""
    X, y = _iris()
    mlp = MEMBER
    for params in (dict(oob_score=True), dict(max_samples=0.7, max_features=0.5),
                   dict(bootstrap=False, max_samples=1.0)):
        ours, theirs = _fit_both(
            BaggingClassifier(MLPClassifier(**mlp), n_estimators=6, random_state=0, **params),
            SklearnBaggingClassifier(SklearnMLPClassifier(**mlp), n_estimators=6,
                                     random_state=0, **params), X, y)
        assert_same_ensemble(ours, theirs, X)
    X, y = _diabetes()
    mlp = {**MEMBER, "solver": "sgd"}
    ours, theirs = _fit_both(
        BaggingRegressor(MLPRegressor(**mlp), n_estimators=4, oob_score=True, random_state=2),
        SklearnBaggingRegressor(SklearnMLPRegressor(**mlp), n_estimators=4, oob_score=True,
                                random_state=2), X, y)
    assert_same_ensemble(ours, theirs, X)


def test_pipeline_members_are_sklearns(stacks):
    """A Pipeline takes no sample_weight: scikit-learn gives each member its rows (with
    repeats) and its columns, and each member's scaler is fitted on them."""
    X, y = load_iris(return_X_y=True)
    member = make_pipeline(StandardScaler(), _classifier())
    params = dict(n_estimators=5, max_features=3, oob_score=True, random_state=0)
    ours, theirs = _fit_both(BaggingClassifier(member, **params),
                             SklearnBaggingClassifier(member, **params), X, y)
    assert stacks == [5]
    assert_same_ensemble(ours, theirs, X)
    X, y = _diabetes()
    member = TransformedTargetRegressor(make_pipeline(StandardScaler(), _regressor()),
                                        transformer=StandardScaler())
    ours, theirs = _fit_both(BaggingRegressor(member, n_estimators=3, random_state=0),
                             SklearnBaggingRegressor(member, n_estimators=3, random_state=0),
                             X, y)
    assert stacks == [5, 3]
    assert_same_ensemble(ours, theirs, X)


def test_ensemble_in_a_pipeline_and_a_fused_grid_search(stacks):
    """Searched over the member's parameters and n_estimators, each fit of the search
    trains its members as one stack, and cv_results_ are scikit-learn's."""
    X, y = _cancer(150)
    grid = {"baggingclassifier__estimator__alpha": [1e-4, 1e-1],
            "baggingclassifier__n_estimators": [2, 3]}
    cv = KFold(3, shuffle=True, random_state=0)

    def search(search_class, bagging_class):
        return search_class(make_pipeline(StandardScaler(), bagging_class(
            _classifier(), bootstrap=False, max_samples=1.0, random_state=0)), grid, cv=cv)

    ours, theirs = _fit_both(search(GridSearchCV, BaggingClassifier),
                             search(SklearnGridSearchCV, SklearnBaggingClassifier), X, y)
    # every candidate x fold, then the refit: one stack of its n_estimators each
    sizes = [n for _ in grid["baggingclassifier__estimator__alpha"]
             for n in grid["baggingclassifier__n_estimators"] for _ in range(3)]
    assert sorted(stacks) == sorted(sizes + [ours.best_params_[
        "baggingclassifier__n_estimators"]])
    for key in ("mean_test_score", "split0_test_score", "split2_test_score"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key], atol=ATOL)
    assert ours.best_params_ == theirs.best_params_
    assert_same_ensemble(ours.best_estimator_[-1], theirs.best_estimator_[-1],
                         ours.best_estimator_[0].transform(X))


def test_n_jobs_splits_the_members_into_one_stack_per_job(stacks):
    """scikit-learn's partition of the members over the jobs; each job trains a stack."""
    X, y = _iris()
    params = dict(n_estimators=5, random_state=0)
    with parallel_config(backend="threading"):  # (the fixture sees the stacks)
        ours = BaggingClassifier(_classifier(), n_jobs=2, **params)
        _fit_both(ours, SklearnBaggingClassifier(_classifier(), **params), X, y)
    assert sorted(stacks) == [2, 3]
    theirs = SklearnBaggingClassifier(_classifier(), **params)
    assert_same_ensemble(ours, _fit_both(theirs, clone(theirs), X, y)[0], X)


def test_n_jobs_with_worker_processes_is_sklearns():
    X, y = _iris()
    params = dict(n_estimators=4, max_features=0.75, random_state=0)
    ours, theirs = _fit_both(BaggingClassifier(_classifier(), n_jobs=2, **params),
                             SklearnBaggingClassifier(_classifier(), n_jobs=2, **params), X, y)
    assert_same_ensemble(ours, theirs, X)


def test_members_are_prepared_and_trained_in_turns_within_a_memory_bound(monkeypatch,
                                                                         stacks):
    """A prepared member holds its weights, the stack's bookkeeping of its rows and, with
    a feature subset, its own columns until it is trained: MEMBER_DATA_BYTES bounds how
    many are prepared (and trained) at once."""
    X, y = _iris()
    params = dict(n_estimators=5, max_features=2, random_state=0)
    theirs = SklearnBaggingClassifier(_classifier(), **params)
    _fit_both(theirs, clone(theirs), X, y)
    one_member = skmlp.ensemble._member_bytes(theirs, X)
    assert one_member == 8 * X.shape[0] * (3 + 2)
    monkeypatch.setattr(skmlp.ensemble, "MEMBER_DATA_BYTES", int(2.5 * one_member))
    ours = _fit_both(BaggingClassifier(_classifier(), **params), theirs, X, y)[0]
    assert stacks == [2, 2, 1]
    assert_same_ensemble(ours, theirs, X)


def test_warm_start_adds_members_as_scikit_learn_does(stacks):
    X, y = _iris()
    ours = BaggingClassifier(_classifier(), n_estimators=3, warm_start=True, random_state=0)
    theirs = SklearnBaggingClassifier(_classifier(), n_estimators=3, warm_start=True,
                                      random_state=0)
    _fit_both(ours, theirs, X, y)
    first = ours.estimators_[0]
    _fit_both(ours.set_params(n_estimators=5), theirs.set_params(n_estimators=5), X, y)
    assert stacks == [3, 2]
    assert ours.estimators_[0] is first
    assert_same_ensemble(ours, theirs, X)


def test_what_cannot_fuse_takes_scikit_learns_path(monkeypatch, stacks):
    X, y = _iris()
    for estimator in (_classifier(solver="lbfgs"), None, DecisionTreeClassifier()):
        ours, theirs = _fit_both(
            BaggingClassifier(estimator, n_estimators=3, random_state=0),
            SklearnBaggingClassifier(estimator, n_estimators=3, random_state=0), X, y)
        np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    # a scikit-learn whose bagging the fused fit does not follow
    monkeypatch.setattr(skmlp.ensemble, "_FUSION_SUPPORTED", False)
    ours, theirs = _fit_both(BaggingClassifier(_classifier(), n_estimators=3, random_state=0),
                             SklearnBaggingClassifier(_classifier(), n_estimators=3,
                                                      random_state=0), X, y)
    assert_same_ensemble(ours, theirs, X)
    assert stacks == []


def test_a_diverging_member_raises_as_in_scikit_learn_and_changes_nothing(stacks):
    """scikit-learn's bagging raises the member's error; the fused one raises the same,
    and (all or nothing) leaves a fitted ensemble as it was."""
    X, y = _diabetes()
    diverging = _regressor(solver="sgd", learning_rate_init=50.0)
    with pytest.raises(ValueError) as theirs:
        SklearnBaggingRegressor(diverging, n_estimators=3, random_state=0).fit(X, y)
    ours = BaggingRegressor(_regressor(), n_estimators=3, random_state=0)
    _fit_both(ours, clone(ours), X, y)
    before = ours.predict(X)
    estimators, state = list(ours.estimators_), dict(vars(ours))
    with pytest.raises(ValueError) as raised:
        ours.set_params(estimator=diverging).fit(X, y)
    assert str(raised.value) == str(theirs.value)
    assert "diverged" in str(raised.value)
    assert ours.estimators_ == estimators
    assert vars(ours).keys() == state.keys()
    np.testing.assert_array_equal(ours.predict(X), before)


def test_pickle_and_skops_keep_the_ensemble():
    X, y = _iris()
    ours = BaggingClassifier(_classifier(), n_estimators=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(ours)).predict_proba(X),
                                  ours.predict_proba(X))
    skops_io = pytest.importorskip("skops.io")
    data = skops_io.dumps(ours)
    untrusted = skops_io.get_untrusted_types(data=data)
    assert "skmlp.ensemble.BaggingClassifier" in untrusted
    for name in untrusted:  # public names only, that a user can decide to trust
        assert not any(part.startswith("_") for part in name.split(".")), name
    loaded = skops_io.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), ours.predict_proba(X))


def test_the_classes_are_scikit_learns():
    for ours, theirs in ((BaggingClassifier, SklearnBaggingClassifier),
                         (BaggingRegressor, SklearnBaggingRegressor)):
        assert issubclass(ours, theirs)
        assert ours().get_params() == theirs().get_params()
        assert ours.__doc__.count("Parameters\n    ----------") == 1


def test_sparse_inputs_train_one_member_per_stack(stacks):
    """Stacks gather dense minibatches: members with a sparse X train in stacks of one
    (a fused search's fits on sparse folds too), still scikit-learn's members."""
    X, y = _iris()
    for X_sparse, params in ((sp.csr_matrix(X), {}), (sp.csc_matrix(X), {"max_features": 3})):
        ours, theirs = _fit_both(
            BaggingClassifier(_classifier(), n_estimators=3, random_state=0, **params),
            SklearnBaggingClassifier(_classifier(), n_estimators=3, random_state=0, **params),
            X_sparse, y)
        assert_same_ensemble(ours, theirs, X_sparse)
    assert stacks == [1] * 6
    search = GridSearchCV(_classifier(), {"alpha": [1e-4, 1e-2]}, cv=2, error_score="raise")
    _fit_both(search, clone(search), sp.csr_matrix(X), y)
