"""scoring=: the validation score early stopping monitors, recorded and shown by name."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import f1_score, make_scorer, mean_pinball_loss
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import KFold

from skmlp import MLPClassifier, MLPRegressor
from skmlp.model_selection import GridSearchCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_CLS, y_CLS = make_classification(n_samples=150, n_features=6, n_informative=4,
                                   n_classes=3, random_state=0)
X_REG, y_REG = make_regression(n_samples=150, n_features=5, noise=5.0, random_state=0)
y_REG = y_REG / y_REG.std()
FAST = dict(hidden_layer_sizes=(8,), max_iter=12, batch_size=32, learning_rate_init=0.02,
            random_state=0, early_stopping=True, n_iter_no_change=4)


def _same_model(a, b):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("Estimator, X, y, name", [
    (MLPClassifier, X_CLS, y_CLS, "accuracy"),
    (MLPRegressor, X_REG, y_REG, "r2"),
])
def test_the_scorer_of_the_default_metric_gives_the_default_fit(Estimator, X, y, name):
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    default = Estimator(**FAST).fit(X, y, sample_weight=weights)
    named = Estimator(**FAST, scoring=name).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(named.validation_scores_, default.validation_scores_,
                               rtol=1e-12)
    assert named.n_iter_ == default.n_iter_
    _same_model(named, default)
    assert default.history_["scoring"] == named.history_["scoring"] == [name] * named.n_iter_


def test_neg_log_loss_is_minus_the_validation_loss():
    model = MLPClassifier(**FAST, scoring="neg_log_loss", alpha=0.1).fit(X_CLS, y_CLS)
    # the validation loss is the log loss without the penalty
    np.testing.assert_allclose(model.validation_scores_,
                               -np.asarray(model.validation_loss_curve_), rtol=1e-10)
    assert model.history_["scoring"][0] == "neg_log_loss"


def test_early_stopping_monitors_the_scorer_and_restores_its_best_epoch():
    seen = []

    def peaks_at_epoch_3(estimator, X, y):
        seen.append([c.copy() for c in estimator.coefs_])
        return -abs(len(seen) - 3)

    model = MLPClassifier(**{**FAST, "n_iter_no_change": 2, "max_iter": 50},
                          scoring=peaks_at_epoch_3).fit(X_CLS, y_CLS)
    # 2 + 1 epochs without improvement after the best one, as for the default score
    assert model.n_iter_ == 6
    assert model.validation_scores_ == [-2, -1, 0, -1, -2, -3]
    assert model.best_validation_score_ == 0
    for ours, best in zip(model.coefs_, seen[2]):  # the parameters of epoch 3
        np.testing.assert_array_equal(ours, best)
    assert model.history_["scoring"] == ["peaks_at_epoch_3"] * 6


def test_a_callable_sees_the_model_of_the_epoch():
    X_val, y_val = X_CLS[:40], y_CLS[:40]

    def macro_f1(estimator, X, y):
        return f1_score(y, estimator.predict(X), average="macro")

    model = MLPClassifier(**{**FAST, "early_stopping": False}, scoring=macro_f1).fit(
        X_CLS[40:], y_CLS[40:], X_val=X_val, y_val=y_val)
    assert len(model.validation_scores_) == model.n_iter_ == 12
    # the last epoch's score is the fitted model's
    assert model.validation_scores_[-1] == pytest.approx(macro_f1(model, X_val, y_val))


@pytest.mark.parametrize("scoring, name", [
    ("f1_macro", "f1_macro"),
    (make_scorer(mean_pinball_loss, greater_is_better=False), "neg_mean_pinball_loss"),
    (make_scorer(f1_score, average="micro"), "f1_score"),
    (lambda est, X, y: est.score(X, y), "score"),
])
def test_history_names_the_metric(scoring, name):
    Estimator = MLPRegressor if name == "neg_mean_pinball_loss" else MLPClassifier
    X, y = (X_REG, y_REG) if Estimator is MLPRegressor else (X_CLS, y_CLS)
    model = Estimator(**{**FAST, "max_iter": 2}, scoring=scoring).fit(X, y)
    assert model.history_["scoring"] == [name, name]


def test_warm_start_records_each_fits_metric():
    model = MLPClassifier(**{**FAST, "max_iter": 2, "warm_start": True}).fit(X_CLS, y_CLS)
    model.set_params(scoring="neg_log_loss").fit(X_CLS, y_CLS)
    assert model.history_["scoring"] == ["accuracy"] * 2 + ["neg_log_loss"] * 2


def test_verbose_and_the_loss_curve_show_the_metric_by_name(capsys):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from skmlp.plot import LossCurveDisplay

    model = MLPClassifier(**{**FAST, "max_iter": 2}, scoring="neg_log_loss",
                          verbose=True).fit(X_CLS, y_CLS)
    assert "validation neg_log_loss = " in capsys.readouterr().out
    display = LossCurveDisplay.from_estimator(model)
    assert display.score_ax_.get_ylabel() == "validation neg_log_loss"
    assert display.lines_["validation_score"].get_label() == "validation neg_log_loss"


def test_feature_names_and_scoring():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X_CLS, columns=[f"f{i}" for i in range(X_CLS.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # "X does not have valid feature names"
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier(**FAST, scoring="balanced_accuracy").fit(frame, y_CLS)
    assert model.n_iter_ > 0


def test_an_unknown_scorer_is_refused_before_anything_changes():
    model = MLPClassifier(**FAST).fit(X_CLS, y_CLS)
    coefs = [c.copy() for c in model.coefs_]
    with pytest.raises(ValueError, match="'scoring' parameter"):
        model.set_params(scoring="accuracyy").fit(X_CLS, y_CLS)
    for ours, before in zip(model.coefs_, coefs):
        np.testing.assert_array_equal(ours, before)


def test_a_fused_search_over_scoring_is_scikit_learns(stacks):
    estimator = MLPClassifier(**{**FAST, "max_iter": 15, "n_iter_no_change": 2})
    grid = {"scoring": [None, "neg_log_loss", "f1_macro"], "alpha": [1e-4, 1e-1]}
    cv = KFold(3, shuffle=True, random_state=0)
    n_iter = {"n_iter": lambda est, X, y: est.n_iter_, "accuracy": "accuracy"}
    ours = GridSearchCV(estimator, grid, cv=cv, scoring=n_iter, refit="accuracy")
    theirs = SklearnGridSearchCV(estimator, grid, cv=cv, scoring=n_iter, refit="accuracy")
    ours.fit(X_CLS, y_CLS)
    theirs.fit(X_CLS, y_CLS)
    for key in ("mean_test_accuracy", "split0_test_n_iter", "split1_test_n_iter",
                "split2_test_n_iter"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key],
                                   rtol=1e-6, err_msg=key)
    assert stacks == [6 * 3]  # every candidate and fold in one stack
    # the metrics stop the models at different epochs
    assert len(set(ours.cv_results_["split0_test_n_iter"])) > 1


def test_a_scorer_the_estimator_cannot_serve_is_refused_before_training():
    with pytest.raises(ValueError, match="scores the output of predict_proba, which "
                                         "MLPRegressor does not have"):
        MLPRegressor(**FAST, scoring="neg_log_loss").fit(X_REG, y_REG)


def _fails(estimator, X, y):
    raise RuntimeError("this scorer always fails")


@pytest.mark.parametrize("grid", [
    {"scoring": [None, _fails]},
    {"scoring": [None, "neg_log_loss"]},  # no predict_proba: refused before training
])
def test_a_failing_scorer_fails_its_candidate_only_as_in_scikit_learn(stacks, grid):
    estimator = MLPRegressor(**{**FAST, "max_iter": 3})
    cv = KFold(3, shuffle=True, random_state=0)
    ours = GridSearchCV(estimator, grid, cv=cv, error_score=np.nan)
    theirs = SklearnGridSearchCV(estimator, grid, cv=cv, error_score=np.nan)
    from sklearn.exceptions import FitFailedWarning

    for search in (ours, theirs):
        with pytest.warns(FitFailedWarning, match="3 fits failed"):
            search.fit(X_REG, y_REG)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"], rtol=1e-6)
    assert np.isnan(ours.cv_results_["mean_test_score"][1])
    with pytest.raises(RuntimeError, match="always fails"):  # a plain fit raises it
        MLPRegressor(**FAST, scoring=_fails).fit(X_REG, y_REG)


@pytest.mark.parametrize("Estimator, X, y, scoring, task", [
    (MLPRegressor, X_REG, y_REG, "accuracy", "classification"),
    (MLPRegressor, X_REG, y_REG, make_scorer(f1_score, average="macro"), "classification"),
    (MLPClassifier, X_CLS, y_CLS, "r2", "regression"),
    (MLPClassifier, X_CLS, y_CLS, "neg_mean_squared_error", "regression"),
    (MLPClassifier, X_CLS, y_CLS, make_scorer(mean_pinball_loss), "regression"),
], ids=["accuracy-regressor", "f1-regressor", "r2-classifier", "mse-classifier",
        "pinball-classifier"])
def test_a_scorer_of_the_other_task_is_refused_before_training(Estimator, X, y, scoring,
                                                               task):
    model = Estimator(**FAST).fit(X, y)
    before = ([a.copy() for a in model.coefs_], model.n_iter_, list(model.loss_curve_))
    model.set_params(scoring=scoring)
    suggested = "'r2'" if Estimator is MLPRegressor else "'accuracy'"
    with pytest.raises(ValueError, match=rf"is a {task} metric, but {Estimator.__name__} is "
                                         rf"a .*e.g. {suggested}"):
        model.fit(X, y)
    for old, new in zip(before[0], model.coefs_, strict=True):
        np.testing.assert_array_equal(old, new)
    assert (model.n_iter_, model.loss_curve_) == before[1:]


def test_a_scorer_of_unknown_task_is_left_alone():
    def n_samples(estimator, X, y):  # neither a classification nor a regression metric
        return float(len(y))

    model = MLPRegressor(**FAST, scoring=n_samples).fit(X_REG, y_REG)
    assert model.validation_scores_[0] > 0


def test_a_scorer_of_the_other_task_fails_its_candidates_as_in_scikit_learn():
    from sklearn.exceptions import FitFailedWarning

    estimator = MLPRegressor(**{**FAST, "max_iter": 3})
    grid = {"scoring": [None, "accuracy"]}
    cv = KFold(3, shuffle=True, random_state=0)
    results = []
    for Search in (GridSearchCV, SklearnGridSearchCV):
        search = Search(estimator, grid, cv=cv, error_score=np.nan)
        with pytest.warns(FitFailedWarning, match="(?s)3 fits failed.*is a classification metric"):
            search.fit(X_REG, y_REG)
        results.append(search.cv_results_["mean_test_score"])
    np.testing.assert_allclose(*results, rtol=1e-6)
    assert np.isfinite(results[0][0]) and np.isnan(results[0][1])
    with pytest.raises(ValueError, match="is a classification metric"):
        GridSearchCV(estimator, grid, cv=cv, error_score="raise").fit(X_REG, y_REG)
