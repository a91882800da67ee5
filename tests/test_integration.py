"""skmlp inside scikit-learn's machinery: Pipeline, GridSearchCV, clone, pickle, pandas."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, MLPRegressor
from skmlp.initializers import INITIALIZERS, HeNormal, Normal


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def test_grid_search_in_pipeline_over_every_kind_of_option():
    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("mlp", MLPClassifier(hidden_layer_sizes=(8,), max_iter=40,
                                           random_state=0))])
    shared = {
        "mlp__weight_init": ["glorot_uniform", Normal(std=0.1)],
        "mlp__loss": ["binary_crossentropy", "categorical_crossentropy"],
        "mlp__alpha": [1e-4, 1e-1],
    }
    grid = [
        {**shared, "mlp__solver": ["adam", "sgd"], "mlp__dropout": [0.0, 0.2]},
        {**shared, "mlp__solver": ["lbfgs"]},  # dropout needs a stochastic solver
    ]
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2, error_score="raise").fit(X, y)
    assert len(search.cv_results_["params"]) == 8 * 4 + 8
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_score_ > 0.85
    assert search.best_estimator_.named_steps["mlp"].n_iter_ > 0


def test_initializer_parameters_are_tunable():
    est = MLPRegressor(weight_init=Normal(std=0.05))
    params = est.get_params(deep=True)
    assert params["weight_init__std"] == 0.05 and params["weight_init__mean"] == 0.0
    est.set_params(weight_init__std=0.5)
    assert est.weight_init.std == 0.5
    cloned = clone(est)
    assert cloned.weight_init is not est.weight_init and cloned.weight_init.std == 0.5

    X, y = make_regression(n_samples=90, n_features=4, random_state=0)
    y = y / y.std()
    search = GridSearchCV(MLPRegressor(hidden_layer_sizes=(6,), weight_init=Normal(),
                                       max_iter=5, random_state=0),
                          {"weight_init__std": [0.01, 1.0]}, cv=2).fit(X, y)
    stds = [p["weight_init__std"] for p in search.cv_results_["params"]]
    assert stds == [0.01, 1.0]
    # the tuned std reaches the initial weights
    first = MLPRegressor(hidden_layer_sizes=(200,), weight_init=Normal(std=0.3), max_iter=1,
                         learning_rate_init=1e-12, random_state=0).fit(X, y)
    assert np.std(first.coefs_[0]) == pytest.approx(0.3, rel=0.05)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_initializer_name_fits(name):
    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    est = MLPRegressor(hidden_layer_sizes=(5,), weight_init=name, bias_init=name, max_iter=3,
                       random_state=0).fit(X, y / y.std())
    assert np.all(np.isfinite(est.predict(X)))


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_pickle_round_trip_and_continue_training(Estimator):
    X, y = load_iris(return_X_y=True)
    y = y if Estimator is MLPClassifier else y.astype(float)
    est = Estimator(hidden_layer_sizes=(8,), max_iter=20, random_state=0,
                    weight_init=HeNormal()).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    # the optimizer state travels too: continuing gives the same model
    est.partial_fit(X, y)
    restored.partial_fit(X, y)
    for a, b in zip(est.coefs_ + est.intercepts_, restored.coefs_ + restored.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # pickling does not change the estimator itself
    before = est.coefs_[0]
    pickle.dumps(est)
    assert est.coefs_[0] is before and hasattr(est, "_network")


def test_pandas_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True, as_frame=True)
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(est.feature_names_in_, X.columns)
    with pytest.warns(UserWarning, match="feature names"):
        est.predict(X.to_numpy())
    series_weight = pd.Series(np.ones(len(X)))
    est.fit(X, pd.Series(y), sample_weight=series_weight)
    assert est.predict(X).shape == (len(X),)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_dataframes_train_in_their_columns_float_dtype(library):
    frames = pytest.importorskip(library)
    X, y = load_iris(return_X_y=True)
    X32 = X.astype(np.float32)
    columns = ["a", "b", "c", "d"]

    def frame(array):  # pandas takes columns=, polars schema=
        return frames.DataFrame(dict(zip(columns, array.T)))

    params = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    reference = MLPClassifier(**params).fit(X32, y)
    est = MLPClassifier(**params).fit(frame(X32), y)
    # a frame of float32 columns is the float32 array, bit for bit
    assert est.coefs_[0].dtype == np.float32
    for ours, theirs in zip(est.coefs_, reference.coefs_):
        np.testing.assert_array_equal(ours, theirs)
    assert est.predict_proba(frame(X32)).dtype == np.float32
    # float64 columns, or float32 beside a float64 one, train in float64
    mixed = frame(X)
    assert MLPClassifier(**params).fit(mixed, y).coefs_[0].dtype == np.float64
    mixed = frames.DataFrame({"a": X32[:, 0], "b": X[:, 1]})
    assert MLPClassifier(**params).fit(mixed, y).coefs_[0].dtype == np.float64


SKOPS_CASES = [
    (MLPClassifier, dict(class_weight="balanced")),
    (MLPClassifier, dict(solver="rmsprop", learning_rate="cosine", early_stopping=True)),
    (MLPRegressor, dict(solver="sgd", learning_rate="adaptive")),
    (MLPClassifier, dict(solver="lbfgs")),
]


@pytest.mark.parametrize("Estimator, params", SKOPS_CASES)
def test_skops_files_name_only_public_types(Estimator, params):
    import importlib

    skops_io = pytest.importorskip("skops.io")
    X, y = load_iris(return_X_y=True)
    y = y if Estimator is MLPClassifier else y.astype(float)
    est = Estimator(hidden_layer_sizes=(5,), max_iter=4, random_state=0, **params).fit(X, y)
    if params.get("solver") != "lbfgs" and not params.get("early_stopping"):
        est.partial_fit(X[:60], y[:60])  # optimizer state and class counts to carry over
    data = skops_io.dumps(est)
    untrusted = skops_io.get_untrusted_types(data=data)
    assert untrusted, "skops trusts no skmlp type by default: the test would be empty"
    for name in untrusted:
        assert not any(part.startswith("_") for part in name.split(".")), name
        module, _, attr = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attr), name
    loaded = skops_io.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if params.get("solver") != "lbfgs" and not params.get("early_stopping"):
        # it continues training exactly where the original does
        for model in (est, loaded):
            model.partial_fit(X[60:], y[60:])
        for ours, theirs in zip(loaded.coefs_, est.coefs_):
            np.testing.assert_array_equal(ours, theirs)
        if "class_weight" in params:
            np.testing.assert_array_equal(loaded._class_weighting.counts,
                                          est._class_weighting.counts)


def test_user_assigned_coefficients_are_used():
    X, y = load_iris(return_X_y=True)
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y)
    est.coefs_ = [np.zeros_like(c) for c in est.coefs_]
    est.intercepts_ = [np.zeros_like(b) for b in est.intercepts_]
    np.testing.assert_allclose(est.predict_proba(X), 1 / 3)
    est.set_params(warm_start=True, max_iter=1, learning_rate_init=1e-9).fit(X, y)
    assert np.abs(est.coefs_[-1]).max() < 1e-6  # continued from the assigned zeros
