"""Bad input gets a clear error, and the caller's arrays are never modified."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from skmlp import MLPClassifier, MLPRegressor


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture
def data():
    X, y = make_classification(n_samples=120, n_features=6, n_informative=4, n_classes=3,
                               random_state=0)
    return X, y


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_non_finite_input(data, bad, Estimator):
    X, y = data
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        Estimator(max_iter=2).fit(X, y)


def test_non_finite_target(data):
    X, y = data
    y = y.astype(float)
    y[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor(max_iter=2).fit(X, y)


def test_wrong_number_of_features_at_predict(data):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="6 features"):
        est.predict(X[:, :5])


def test_predict_before_fit(data):
    with pytest.raises(NotFittedError):
        MLPRegressor().predict(data[0])


def test_one_class(data):
    X, _ = data
    with pytest.raises(ValueError, match="only one class"):
        MLPClassifier().fit(X, np.zeros(len(X)))


def test_too_few_samples_for_early_stopping(data):
    X, y = data
    with pytest.raises(ValueError, match="validation_fraction"):
        MLPRegressor(early_stopping=True).fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="validation_fraction"):
        MLPClassifier(early_stopping=True).fit(X[:4], [0, 0, 1, 1])


def test_partial_fit_needs_classes_then_rejects_unseen_labels(data):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,))
    with pytest.raises(ValueError, match="classes must be passed"):
        est.partial_fit(X, y)
    est.partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    y_unseen = y.copy()
    with pytest.raises(ValueError, match=r"labels not seen.*\[2\]"):
        est.partial_fit(X, y_unseen)
    with pytest.raises(ValueError, match="not in classes"):
        MLPClassifier().partial_fit(X, y, classes=[0, 1])


def test_all_zero_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match="non-zero"):
        MLPClassifier().fit(X, y, sample_weight=np.zeros(len(X)))
    with pytest.raises(ValueError, match="Negative"):
        MLPClassifier().fit(X, y, sample_weight=-np.ones(len(X)))
    with pytest.raises(ValueError, match="one weight per sample"):
        MLPClassifier().fit(X, y, sample_weight=np.ones(len(X) - 1))


def test_dropout_per_layer_wrong_length(data):
    X, y = data
    with pytest.raises(ValueError, match="2 rates but the network has 3 hidden layers"):
        MLPClassifier(hidden_layer_sizes=(4, 4, 4), dropout=[0.1, 0.2]).fit(X, y)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        MLPClassifier(hidden_layer_sizes=(4,), dropout=[1.0]).fit(X, y)
    with pytest.raises(ValueError, match="stochastic solver"):
        MLPClassifier(solver="lbfgs", dropout=0.2).fit(X, y)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_partial_fit_hidden_under_lbfgs(Estimator):
    est = Estimator(solver="lbfgs")
    assert not hasattr(est, "partial_fit")
    with pytest.raises(AttributeError) as excinfo:
        est.partial_fit  # noqa: B018
    assert "only available for stochastic solvers" in str(excinfo.value.__cause__)
    assert hasattr(Estimator(solver="sgd"), "partial_fit")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"activation": "swish"}, "activation"),
        ({"weight_init": "xavier"}, "weight_init"),
        ({"loss": "hinge"}, "loss"),
        ({"solver": "newton"}, "solver"),
        ({"alpha": -1.0}, "alpha"),
        ({"learning_rate": "step"}, "learning_rate"),
        ({"hidden_layer_sizes": (4, 0)}, "positive ints"),
        ({"batch_size": 0}, "batch_size"),
        ({"n_iter_no_change": 0}, "n_iter_no_change"),
    ],
)
def test_bad_parameters(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**params).fit(X, y)


def test_huber_delta_validated(data):
    X, y = data
    with pytest.raises(ValueError, match="huber_delta"):
        MLPRegressor(loss="huber", huber_delta=0.0).fit(X, y)


def test_n_iter_no_change_inf_runs_all_epochs(data):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=15, tol=10.0, n_iter_no_change=np.inf)
    assert est.fit(X, y).n_iter_ == 15


@pytest.mark.parametrize(
    "params, scale",
    [
        (dict(solver="sgd", learning_rate_init=10.0, momentum=0.99), 1e6),  # unscaled inputs
        (dict(solver="adam", loss="poisson", learning_rate_init=1.0), 100),  # exp overflows
    ],
)
def test_diverging_fit_raises_and_leaves_no_nan_model(data, params, scale):
    X, y = data
    est = MLPRegressor(max_iter=50, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the error replaces numpy's warnings
        with pytest.raises(ValueError, match="learning rate.*scale"):
            est.fit(X * scale, y * 1000.0)
    with pytest.raises(NotFittedError):
        est.predict(X)


def test_diverging_partial_fit_keeps_previous_parameters(data):
    X, y = data
    est = MLPRegressor(solver="sgd", hidden_layer_sizes=(8,), random_state=0)
    est.partial_fit(X, y)
    est.set_params(learning_rate_init=1e3)
    est._optimizer = None  # partial_fit keeps its schedule; start one at the new rate
    for _ in range(20):
        before = [a.copy() for a in est.coefs_ + est.intercepts_]
        try:
            est.partial_fit(X * 1e3, y * 1e6)
        except ValueError as error:
            assert "diverged" in str(error)
            break
    else:
        pytest.fail("training did not diverge")
    for old, new in zip(before, est.coefs_ + est.intercepts_):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_caller_arrays_not_modified(data, Estimator, dtype):
    X, y = data
    X = np.ascontiguousarray(X, dtype=dtype)
    y = y.astype(float) if Estimator is MLPRegressor else y
    weights = np.linspace(0.5, 2.0, len(X))
    copies = X.copy(), y.copy(), weights.copy()
    est = Estimator(hidden_layer_sizes=(8, 4), dropout=0.3, batch_size=16, max_iter=3,
                    early_stopping=True, random_state=0)
    est.fit(X, y, sample_weight=weights)
    est.predict(X)
    est.set_params(early_stopping=False)
    est.partial_fit(X, y, sample_weight=weights)
    est.fit(X[:100], y[:100], sample_weight=weights[:100], X_val=X[100:], y_val=y[100:],
            sample_weight_val=weights[100:])
    for original, copy in zip((X, y, weights), copies):
        np.testing.assert_array_equal(original, copy)


def test_zero_weight_for_every_present_class(data):
    X, y = data
    with pytest.raises(ValueError, match="zero weight"):
        MLPClassifier(class_weight={0: 0.0, 1: 0.0, 2: 0.0}).fit(X, y)
