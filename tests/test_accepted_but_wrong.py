"""Inputs that used to be accepted and silently give a bad model: each is now a clear
error (raised before the estimator changes) or a documented, tested behaviour."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from skmlp import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=60, n_features=4, random_state=0)
    return X, y / y.std()


@pytest.fixture
def classification():
    return make_classification(n_samples=90, n_features=5, n_informative=3, n_classes=3,
                               random_state=0)


def _params(model):
    return np.concatenate([a.ravel() for a in model.coefs_ + model.intercepts_])


def test_regressor_early_stopping_needs_two_validation_rows(regression):
    X, y = regression
    with pytest.raises(ValueError, match="validation set is too small"):
        MLPRegressor(**SMALL, early_stopping=True, validation_fraction=0.1).fit(X[:10], y[:10])
    with pytest.raises(ValueError, match="validation set is too small"):
        MLPRegressor(**SMALL).fit(X, y, X_val=X[:1], y_val=y[:1])


def test_held_out_rows_with_zero_weight_are_an_error(regression):
    X, y = regression
    model = MLPRegressor(**SMALL, early_stopping=True).fit(X, y)
    before = _params(model)
    weights = np.zeros(len(X))
    weights[0] = 1.0  # one weighted row: whichever side of the split it lands, one is empty
    with pytest.raises(ValueError, match="held out for early stopping has zero weight|"
                                         "training sample weights are zero"):
        model.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(_params(model), before)
    with pytest.raises(ValueError, match="non-zero"):
        MLPRegressor(**SMALL).fit(X, y, X_val=X, y_val=y, sample_weight_val=np.zeros(len(X)))


def test_validation_data_with_lbfgs_is_refused(regression):
    X, y = regression
    with pytest.raises(ValueError, match="stochastic solvers"):
        MLPRegressor(**SMALL, solver="lbfgs").fit(X, y, X_val=X, y_val=y)


def test_early_stopping_is_ignored_by_lbfgs_as_in_sklearn(regression):
    """Documented: lbfgs has no epochs to stop early (scikit-learn ignores it too)."""
    X, y = regression
    stopped = MLPRegressor(**SMALL, solver="lbfgs", early_stopping=True).fit(X, y)
    plain = MLPRegressor(**SMALL, solver="lbfgs").fit(X, y)
    np.testing.assert_array_equal(_params(stopped), _params(plain))
    assert stopped.validation_scores_ is None


def test_sample_weight_val_needs_x_val(regression):
    X, y = regression
    with pytest.raises(ValueError, match="pass X_val and y_val with it"):
        MLPRegressor(**SMALL).fit(X, y, sample_weight_val=np.ones(len(X)))


@pytest.mark.parametrize("change", [{"activation": "tanh"}, {"loss": "mse"},
                                    {"hidden_layer_sizes": (9,)}])
def test_warm_start_after_changing_the_network_is_an_error(regression, change):
    X, y = regression
    model = MLPRegressor(**SMALL, warm_start=True).fit(X, y)
    before = _params(model)
    model.set_params(**change)
    with pytest.raises(ValueError, match="Cannot continue training"):
        model.fit(X, y)
    with pytest.raises(ValueError, match="Cannot continue training"):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(_params(model), before)
    model.set_params(warm_start=False).fit(X, y)  # a fresh fit takes the new network


def test_warm_start_with_other_classes_is_an_error(classification):
    X, y = classification
    model = MLPClassifier(**SMALL, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="warm_start can only be used where `y` has the same"):
        model.fit(X[y < 2], y[y < 2])  # a subset of the classes: scikit-learn raises too


@pytest.mark.parametrize("scale", [1e-50, 1e-30, 1e30, 1e300])
def test_float32_with_tiny_or_huge_uniform_weights_trains_like_unweighted(classification,
                                                                          scale):
    """Only ratios of sample weights enter the weighted mean of the loss; they are scaled in
    float64 before the cast to float32, so no weight underflows to 0 or overflows to inf.
    (The penalty divides alpha by the weight sum, as in scikit-learn: alpha=0 here.)"""
    X, y = classification
    X = X.astype(np.float32)
    params = dict(**SMALL, alpha=0.0)
    unweighted = MLPClassifier(**params).fit(X, y)
    weighted = MLPClassifier(**params).fit(X, y, sample_weight=np.full(len(X), scale))
    np.testing.assert_allclose(_params(weighted), _params(unweighted), rtol=1e-5, atol=1e-6)


def test_weights_keep_the_penalty_of_their_scale(classification):
    """Scaling weights for float32 changes no result: float32 matches float64 with alpha>0."""
    X, y = classification
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(X)) * 1e-30
    params = dict(**SMALL, alpha=1e-30)
    in32 = MLPClassifier(**params).fit(X.astype(np.float32), y, sample_weight=weights)
    in64 = MLPClassifier(**params).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(_params(in32), _params(in64), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_vs_rest_probabilities_never_nan(classification, dtype):
    X, y = classification
    model = MLPClassifier(**SMALL, loss="binary_crossentropy").fit(X.astype(dtype), y)
    model.intercepts_[-1][...] = -1e4  # every sigmoid underflows to 0
    model.intercepts_[-1][1] = -9e3
    proba = model.predict_proba(X.astype(dtype))
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(model.predict(X.astype(dtype)), 1)  # the largest logit
    assert np.all(np.isfinite(model.predict_log_proba(X.astype(dtype))))


@pytest.mark.parametrize("solver, learning_rate_init", [("sgd", 10.0), ("adam", 100.0)])
def test_a_loss_that_explodes_but_stays_finite_is_divergence(solver, learning_rate_init):
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    y = y / y.std() * 1000
    model = MLPRegressor(hidden_layer_sizes=(16,), solver=solver, max_iter=50,
                         learning_rate_init=learning_rate_init, random_state=0)
    with pytest.raises(ValueError, match="Training diverged .* the loss grew from"):
        model.fit(X, y)
    assert not hasattr(model, "coefs_")


def test_continued_training_is_not_judged_against_its_first_loss(regression):
    """The explosion rule compares with the loss at a fresh initialization only: a stream
    whose later batches are harder, or a warm start of a converged model, is no divergence."""
    X, y = regression
    model = MLPRegressor(**SMALL).partial_fit(X[:1], y[:1])  # one sample: a tiny loss
    model.partial_fit(X, y + 100.0)  # a batch 1e4 x harder: finite, so it trains
    converged = MLPRegressor(**SMALL, warm_start=True).fit(X, y)
    converged.fit(X, y + 100.0)
    assert np.isfinite(converged.loss_) and np.isfinite(model.loss_)


def test_poisson_losses_below_zero_are_no_divergence():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = rng.poisson(np.exp(X[:, 0]))
    model = MLPRegressor(**SMALL, loss="poisson").fit(X, y)
    assert np.isfinite(model.loss_)


def test_lbfgs_that_stops_where_it_started_warns():
    """scipy reports convergence once a step reduces the loss by < 2.2e-9 of itself: on
    targets of 1e11 that is the first step, and the model is not fitted at all."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    model = MLPRegressor(solver="lbfgs", hidden_layer_sizes=(5,), random_state=2)
    with pytest.warns(ConvergenceWarning, match="reduced the loss by only .* Scale the"):
        model.fit(X, y * 1e9)
    assert model.n_iter_ == 1 and model.score(X, y * 1e9) < 0.1  # the fit it warns about
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        MLPRegressor(solver="lbfgs", hidden_layer_sizes=(5,), max_iter=500,
                     random_state=2).fit(X, y)  # the same data, scaled: no warning


@pytest.mark.parametrize("n_classes, fitted, asked", [
    (3, "log_loss", "binary_crossentropy"),
    (3, "binary_crossentropy", "log_loss"),
    (2, "log_loss", "binary_crossentropy"),
])
def test_a_warm_start_refusal_names_the_losses_as_the_user_spelled_them(n_classes, fitted,
                                                                        asked):
    X, y = make_classification(n_samples=90, n_features=5, n_informative=3,
                               n_classes=n_classes, random_state=0)
    model = MLPClassifier(**SMALL, loss=fitted, warm_start=True).fit(X, y)
    before = _params(model)
    model.set_params(loss=asked)
    for call in (model.fit, model.partial_fit):
        with pytest.raises(ValueError, match=f"loss '{fitted}' fitted, '{asked}' asked") \
                as raised:
            call(X, y)
        # not what log_loss resolves to
        assert "categorical_crossentropy" not in str(raised.value)
        assert "binary_log_loss" not in str(raised.value)
    np.testing.assert_array_equal(_params(model), before)


# ------------------------------------------- options accepted by one solver, not another
def _refused_and_unchanged(model, X, y, match, call="fit"):
    """``call`` raises ValueError matching ``match``; the fitted model stays bit-identical."""
    before = (_params(model), model.n_iter_, list(model.loss_curve_))
    with pytest.raises(ValueError, match=match):
        getattr(model, call)(X, y)
    np.testing.assert_array_equal(_params(model), before[0])
    assert (model.n_iter_, model.loss_curve_) == before[1:]


@pytest.mark.parametrize("change, refused", [
    ({"learning_rate": "one_cycle"}, "learning_rate='one_cycle' schedules"),
    ({"learning_rate": "cosine"}, "learning_rate='cosine' schedules"),
    ({"warmup_epochs": 2}, "warmup_epochs=2 schedules"),
    ({"learning_rate": "cosine", "warmup_epochs": 1},
     "learning_rate='cosine' and warmup_epochs=1 schedule"),
])
def test_lbfgs_refuses_skmlps_schedules_as_it_refuses_clip_norm(regression, change, refused):
    X, y = regression
    model = MLPRegressor(**SMALL, solver="lbfgs").fit(X, y)
    model.set_params(**change)
    _refused_and_unchanged(model, X, y, rf"{refused} the steps of a stochastic solver .*"
                                        r"solver='lbfgs' takes no such steps")
    model.set_params(warm_start=True)
    _refused_and_unchanged(model, X, y, "takes no such steps")


@pytest.mark.parametrize("ignored", [{"learning_rate": "invscaling"},
                                     {"learning_rate": "adaptive"}, {"momentum": 0.5},
                                     {"power_t": 0.1}, {"beta_1": 0.5}])
def test_lbfgs_ignores_what_scikit_learns_lbfgs_ignores(regression, ignored):
    X, y = regression
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no warning either
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPRegressor(**SMALL, solver="lbfgs", **ignored).fit(X, y)
    plain = MLPRegressor(**SMALL, solver="lbfgs").fit(X, y)
    np.testing.assert_array_equal(_params(model), _params(plain))


@pytest.mark.parametrize("warm_start", [False, True])
def test_a_warmup_needs_epochs_after_it(regression, warm_start):
    X, y = regression
    model = MLPRegressor(**SMALL, learning_rate="cosine", warm_start=warm_start).fit(X, y)
    model.set_params(warmup_epochs=SMALL["max_iter"])
    _refused_and_unchanged(model, X, y, r"warmup_epochs=5 >= max_iter=5: no epoch would "
                                        "follow the warmup")
    model.set_params(warmup_epochs=SMALL["max_iter"] - 1).fit(X, y)  # one epoch after it
    assert model.history_["learning_rate"][-1] == model.learning_rate_init
    # partial_fit has no max_iter epochs: its warmup spans its first calls
    streamed = MLPRegressor(**SMALL, warmup_epochs=8)
    for _ in range(3):
        streamed.partial_fit(X, y)
    np.testing.assert_allclose(streamed.history_["learning_rate"],
                               np.array([1, 2, 3]) / 9 * streamed.learning_rate_init)


def test_one_cycle_refuses_a_warmup_of_its_own(classification):
    X, y = classification
    model = MLPClassifier(**SMALL, learning_rate="one_cycle").fit(X, y)
    model.set_params(warmup_epochs=2)
    # after 2 epochs up to 2/3 of learning_rate_init, one_cycle would restart at 1/25 of it
    _refused_and_unchanged(model, X, y, r"warmup_epochs=2 with learning_rate='one_cycle': "
                                        r"one_cycle warms up itself .* drop 17-fold")
    model.set_params(learning_rate="cosine").fit(X, y)  # another schedule takes the warmup


@pytest.mark.parametrize("fitted", [False, True])
def test_partial_fit_refuses_one_cycle(classification, fitted):
    X, y = classification
    model = MLPClassifier(**SMALL, learning_rate="one_cycle")
    if fitted:
        model.fit(X, y)
        _refused_and_unchanged(model, X, y, "partial_fit makes one pass per call with no "
                                            "end known", call="partial_fit")
    else:
        with pytest.raises(ValueError, match="learning_rate='one_cycle' spans the max_iter "
                                             "epochs of a fit"):
            model.partial_fit(X, y, classes=np.unique(y))
        assert not hasattr(model, "coefs_")
    model.set_params(learning_rate="invscaling").partial_fit(X, y, classes=np.unique(y))


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "adagrad", "lbfgs"])
def test_weight_decay_without_adamw_warns_that_it_is_ignored(regression, solver):
    X, y = regression
    model = MLPRegressor(**SMALL, solver=solver, weight_decay=0.3)
    with pytest.warns(UserWarning, match=rf"weight_decay=0.3 is ignored by solver='{solver}'"
                                         r".*Use alpha for an L2 penalty, or solver='adamw'"):
        model.fit(X, y)
    plain = MLPRegressor(**SMALL, solver=solver).fit(X, y)
    np.testing.assert_array_equal(_params(model), _params(plain))  # ignored indeed
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPRegressor(**SMALL, solver="adamw", weight_decay=0.3).fit(X, y)
        MLPRegressor(**SMALL, solver=solver).fit(X, y)  # the default: nothing set, no warning


# ------------------------------------------------------------ refusals in a search
@pytest.mark.parametrize("grid", [
    {"solver": ["adam", "lbfgs"], "learning_rate": ["constant", "one_cycle"]},
    {"warmup_epochs": [0, 2, SMALL["max_iter"]]},
    {"learning_rate": ["one_cycle", "cosine"], "warmup_epochs": [0, 1]},
    {"hidden_layer_sizes": [(), (4,)], "dropout": [0.0, 0.3]},
    {"class_weight": [None, [{0: 2.0}]]},
    {"scoring": [None, "r2"], "early_stopping": [True]},
], ids=["lbfgs-one_cycle", "warmup-max_iter", "one_cycle-warmup", "dropout-no-hidden",
        "class_weight-list", "scoring-r2"])
def test_refused_candidates_get_error_score_as_in_scikit_learn(classification, grid):
    from sklearn.exceptions import FitFailedWarning
    from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV

    from skmlp.model_selection import GridSearchCV

    X, y = classification
    estimator = MLPClassifier(**SMALL)
    scores = []
    for Search in (GridSearchCV, SklearnGridSearchCV):
        search = Search(estimator, grid, cv=3, error_score=np.nan)
        with pytest.warns(FitFailedWarning, match="fits failed"):
            search.fit(X, y)
        scores.append(search.cv_results_["mean_test_score"])
    np.testing.assert_allclose(*scores, rtol=1e-6)  # NaN where scikit-learn's has NaN
    assert np.isnan(scores[0]).any() and np.isfinite(scores[0]).any()
    with pytest.raises(ValueError):
        GridSearchCV(estimator, grid, cv=3, error_score="raise").fit(X, y)


def test_a_grid_over_solver_with_what_lbfgs_ignores_runs_as_in_scikit_learn(classification):
    from sklearn.exceptions import FitFailedWarning

    from skmlp.model_selection import GridSearchCV

    X, y = classification
    grid = {"solver": ["sgd", "adam", "lbfgs"], "learning_rate": ["invscaling", "adaptive"],
            "momentum": [0.5], "power_t": [0.3]}
    search = GridSearchCV(MLPClassifier(**SMALL), grid, cv=3, error_score=np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)
        search.fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
