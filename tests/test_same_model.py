"""Same model as scikit-learn: skmlp's fit equals ``sklearn.neural_network``'s.

With the defaults and any hyperparameter scikit-learn's MLP also has, ``random_state=s``
gives scikit-learn's initial weights and biases, its minibatch order and its
early-stopping split (the draws of its ``RandomState``, in its order), so both libraries
train the same model: the same ``n_iter_``, ``loss_curve_`` to 1e-6 relative and
predictions to 1e-5 (SPEC, "Same model as scikit-learn"). Every test here fits both and
compares them; none compares against a stored number.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, MLPRegressor
from skmlp.initializers import Initializer, ScikitLearnUniform
from skmlp.model_selection import GridSearchCV

LOSS_RTOL = 1e-6
PREDICT_ATOL = 1e-5


def _diabetes(n=200):
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X[:n]), y[:n] / 100


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _outputs(model, X):
    return model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)


def assert_same_model(ours, theirs, X):
    """The two fitted models are one model, up to rounding."""
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    if hasattr(theirs, "loss_curve_"):
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=LOSS_RTOL)
    else:  # lbfgs: scikit-learn keeps the final loss only
        np.testing.assert_allclose(ours.loss_, theirs.loss_, rtol=LOSS_RTOL)
    if getattr(theirs, "validation_scores_", None) is not None:
        np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_,
                                   rtol=LOSS_RTOL, atol=1e-12)
        assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
    np.testing.assert_allclose(_outputs(ours, X), _outputs(theirs, X), atol=PREDICT_ATOL)
    if hasattr(theirs, "classes_"):
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def _fit_both(ours_class, theirs_class, X, y, fit_params=None, **params):
    fit_params = fit_params or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = ours_class(**params).fit(X, y, **fit_params)
        theirs = theirs_class(**params).fit(X, y, **fit_params)
    return ours, theirs


CLASSIFIER_PARAMS = [
    dict(),  # the defaults, 100 hidden units
    dict(hidden_layer_sizes=(12, 6), activation="tanh", solver="sgd", momentum=0.8),
    dict(hidden_layer_sizes=(8,), activation="logistic", solver="sgd",
         nesterovs_momentum=False, learning_rate="invscaling", learning_rate_init=0.5),
    dict(hidden_layer_sizes=(8,), solver="sgd", learning_rate="adaptive", tol=1e-2,
         n_iter_no_change=2, learning_rate_init=0.05),
    dict(hidden_layer_sizes=(8,), solver="lbfgs", activation="tanh"),
    dict(hidden_layer_sizes=(10,), early_stopping=True, validation_fraction=0.2),
    dict(hidden_layer_sizes=(10,), batch_size=32, alpha=1e-2, beta_1=0.8, beta_2=0.99,
         epsilon=1e-6, shuffle=False),
]


@pytest.mark.parametrize("params", CLASSIFIER_PARAMS, ids=range(len(CLASSIFIER_PARAMS)))
@pytest.mark.parametrize("seed", [0, 7])
def test_classifier_is_sklearns(params, seed):
    X, y = _iris()
    params = {"max_iter": 40, **params, "random_state": seed}
    assert_same_model(*_fit_both(MLPClassifier, SklearnMLPClassifier, X, y, **params), X)


def test_binary_early_stopping_split_is_sklearns_stratified_one():
    """scikit-learn stratifies the split of a single-output classifier (binary y)."""
    X, y = _iris()
    params = dict(hidden_layer_sizes=(6,), activation="logistic", early_stopping=True,
                  max_iter=60, random_state=3)
    assert_same_model(*_fit_both(MLPClassifier, SklearnMLPClassifier, X, y == 1, **params), X)


def test_multilabel_classifier_is_sklearns():
    X, Y = make_multilabel_classification(n_samples=120, n_features=6, random_state=0)
    for early_stopping in (False, True):
        ours, theirs = _fit_both(MLPClassifier, SklearnMLPClassifier, X, Y, max_iter=30,
                                 hidden_layer_sizes=(10,), early_stopping=early_stopping,
                                 random_state=1)
        assert_same_model(ours, theirs, X)


REGRESSOR_PARAMS = [
    dict(),
    dict(hidden_layer_sizes=(16, 8), solver="sgd", learning_rate_init=0.01),
    dict(hidden_layer_sizes=(8,), solver="sgd", learning_rate="invscaling",
         learning_rate_init=0.2, power_t=0.25),
    dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=60),
    dict(hidden_layer_sizes=(8,), loss="poisson", learning_rate_init=0.01),
    dict(hidden_layer_sizes=(10,), early_stopping=True, n_iter_no_change=3),
]


@pytest.mark.parametrize("params", REGRESSOR_PARAMS, ids=range(len(REGRESSOR_PARAMS)))
@pytest.mark.parametrize("seed", [0, 5])
def test_regressor_is_sklearns(params, seed):
    X, y = _diabetes()
    params = {"max_iter": 40, **params, "random_state": seed}
    assert_same_model(*_fit_both(MLPRegressor, SklearnMLPRegressor, X, y, **params), X)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_multi_output_regressor_is_sklearns(solver):
    """scikit-learn steps a multi-output squared error along the sum over outputs."""
    X, y = _diabetes()
    Y = np.c_[y, np.sqrt(y), -y]
    params = dict(hidden_layer_sizes=(10,), max_iter=30, solver=solver, random_state=2,
                  learning_rate_init=0.01)
    assert_same_model(*_fit_both(MLPRegressor, SklearnMLPRegressor, X, Y, **params), X)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_sample_weight_fit_is_sklearns(early_stopping):
    X, y = _diabetes()
    weights = np.random.RandomState(0).uniform(0.1, 3.0, len(y))
    ours, theirs = _fit_both(MLPRegressor, SklearnMLPRegressor, X, y,
                             fit_params={"sample_weight": weights}, hidden_layer_sizes=(10,),
                             max_iter=25, early_stopping=early_stopping, random_state=0)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_float32_fit_is_sklearns(solver):
    X, y = _iris()
    X = X.astype(np.float32)
    ours, theirs = _fit_both(MLPClassifier, SklearnMLPClassifier, X, y, solver=solver,
                             hidden_layer_sizes=(10,), max_iter=30, random_state=0)
    assert ours.coefs_[0].dtype == theirs.coefs_[0].dtype == np.float32
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("make", [
    lambda: (MLPClassifier, SklearnMLPClassifier, _iris(), {"classes": [0, 1, 2]}),
    lambda: (MLPRegressor, SklearnMLPRegressor, _diabetes(), {}),
], ids=["classifier", "regressor"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_calls_are_sklearns(make, solver):
    """scikit-learn draws each call's shuffle from a new RandomState(random_state)."""
    ours_class, theirs_class, (X, y), kwargs = make()
    ours = ours_class(hidden_layer_sizes=(10,), solver=solver, random_state=0)
    theirs = theirs_class(hidden_layer_sizes=(10,), solver=solver, random_state=0)
    order = np.random.RandomState(1).permutation(len(y))
    for start in (0, 50, 0, 100):
        rows = order[start:start + 50]
        ours.partial_fit(X[rows], y[rows], **kwargs)
        theirs.partial_fit(X[rows], y[rows], **kwargs)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_warm_start_fits_are_sklearns(early_stopping):
    """A warm start keeps scikit-learn's counters (and its best validation score)."""
    X, y = _diabetes()
    params = dict(hidden_layer_sizes=(10,), max_iter=15, warm_start=True,
                  early_stopping=early_stopping, n_iter_no_change=3, random_state=0)
    ours, theirs = MLPRegressor(**params), SklearnMLPRegressor(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for max_iter in (15, 15, 30):
            ours.set_params(max_iter=max_iter).fit(X, y)
            theirs.set_params(max_iter=max_iter).fit(X, y)
            assert_same_model(ours, theirs, X)


def test_initial_parameters_are_sklearns_draws():
    """weight_init="auto" and bias_init="auto" are scikit-learn's ``_init_coef``."""
    sklearn_mlp = SklearnMLPClassifier(activation="logistic", random_state=0)
    sklearn_mlp._random_state = np.random.RandomState(0)
    expected = [sklearn_mlp._init_coef(fan_in, fan_out, np.float64)
                for fan_in, fan_out in [(4, 7), (7, 3)]]
    rng = np.random.RandomState(0)
    init = ScikitLearnUniform(2.0)
    for (coef, intercept), (fan_in, fan_out) in zip(expected, [(4, 7), (7, 3)]):
        fans = dict(fan_in=fan_in, fan_out=fan_out, rng=rng)
        np.testing.assert_array_equal(init((fan_in, fan_out), **fans), coef)
        np.testing.assert_array_equal(init((fan_out,), **fans), intercept)


class _Recording(Initializer):
    """Records the shapes it is asked for; draws like Normal(0, 0.1)."""

    def __init__(self, calls=None):
        self.calls = calls

    def sample(self, shape, fan_in, fan_out, rng):
        self.calls.append(shape)
        return rng.normal(0.0, 0.1, size=shape)


def test_auto_biases_are_drawn_like_the_weights_layer_after_layer():
    calls = []
    X, y = _iris()
    MLPClassifier(hidden_layer_sizes=(5,), weight_init=_Recording(calls), max_iter=1,
                  random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    assert calls == [(4, 5), (5,), (5, 3), (3,)]


def test_fused_search_is_sklearns_search_with_sklearns_mlp():
    """Inside a fused search too, each candidate is scikit-learn's own model."""
    X, y = _iris()
    grid = {"mlpclassifier__alpha": [1e-4, 1e-1], "mlpclassifier__solver": ["sgd", "adam"],
            "mlpclassifier__early_stopping": [False, True]}
    params = dict(hidden_layer_sizes=(8,), max_iter=25, learning_rate_init=0.02,
                  random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = GridSearchCV(make_pipeline(StandardScaler(), MLPClassifier(**params)), grid,
                            cv=3).fit(X, y)
        theirs = SklearnGridSearchCV(make_pipeline(StandardScaler(),
                                                   SklearnMLPClassifier(**params)),
                                     grid, cv=3).fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "split2_test_score"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key], atol=1e-12)
    assert ours.best_params_ == theirs.best_params_
    assert_same_model(ours.best_estimator_[-1], theirs.best_estimator_[-1],
                      ours.best_estimator_[0].transform(X))


def test_early_stopping_on_the_class_weight_check_is_sklearns():
    """Why the early-stopping configuration of test_common fails
    check_class_weight_classifiers: scikit-learn's MLP with the same weights (as sample
    weights) restores the same early epoch and predicts the same labels."""
    from sklearn.datasets import make_blobs
    from sklearn.model_selection import train_test_split

    X, y = make_blobs(centers=2, random_state=0, cluster_std=20)
    X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.5, random_state=0)
    class_weight = {0: 1000, 1: 0.0001}
    params = dict(hidden_layer_sizes=(16, 8), max_iter=1000, early_stopping=True,
                  batch_size=16, validation_fraction=0.2, n_iter_no_change=20, random_state=0)
    ours = MLPClassifier(class_weight=class_weight, **params).fit(X_train, y_train)
    theirs = SklearnMLPClassifier(**params).fit(
        X_train, y_train, sample_weight=np.array([class_weight[c] for c in y_train]))
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    assert np.mean(ours.predict(X_test) == 0) < 0.87
