"""What users rely on beyond sklearn's generic checks (SPEC "Semantics users rely on")."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import d2_tweedie_score, mean_absolute_error, recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skmlp import MLPClassifier, MLPRegressor


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(n_samples=300, n_features=10, n_informative=6, n_classes=3,
                               random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=300, n_features=8, noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


def _params(est):
    return np.concatenate([a.ravel() for a in est.coefs_ + est.intercepts_])


# ------------------------------------------------------------ warm start / partial_fit
def test_partial_fit_keeps_optimizer_state(classification):
    X, y = classification
    common = dict(hidden_layer_sizes=(12,), shuffle=False, random_state=0, batch_size=50)
    continuous = MLPClassifier(max_iter=3, tol=0, n_iter_no_change=np.inf, **common).fit(X, y)
    stepwise = MLPClassifier(**common)
    for _ in range(3):
        stepwise.partial_fit(X, y, classes=np.unique(y))
    # three one-epoch calls with the state kept == one three-epoch fit
    np.testing.assert_allclose(_params(stepwise), _params(continuous), rtol=1e-12)
    # as in scikit-learn, n_iter_ counts the epochs of the last call; the curve keeps growing
    assert stepwise.n_iter_ == 1 and stepwise.t_ == 3 * len(X)
    assert len(stepwise.loss_curve_) == 3
    assert stepwise._optimizer.t == 3 * 6  # 6 minibatches per epoch, one Adam clock


def test_warm_start_restarts_optimizer_state(classification):
    X, y = classification
    common = dict(hidden_layer_sizes=(12,), shuffle=False, random_state=0, batch_size=50,
                  tol=0, n_iter_no_change=np.inf)
    warm = MLPClassifier(max_iter=2, **common).fit(X, y)
    start = _params(warm)
    warm.set_params(warm_start=True).fit(X, y)
    assert warm._optimizer.t == 2 * 6  # a fresh Adam: only this fit's steps

    # the same two epochs from the same start with a fresh optimizer, built by hand
    fresh = MLPClassifier(max_iter=2, **common).fit(X, y)
    for source, target in zip(fresh.coefs_ + fresh.intercepts_, warm.coefs_ + warm.intercepts_):
        assert source.shape == target.shape
    reference = MLPClassifier(max_iter=2, warm_start=True, **common).fit(X, y)
    reference.coefs_ = [c.copy() for c in fresh.coefs_]
    reference.intercepts_ = [b.copy() for b in fresh.intercepts_]
    np.testing.assert_array_equal(_params(reference), start)
    reference.fit(X, y)
    np.testing.assert_allclose(_params(reference), _params(warm), rtol=1e-12)
    # and that differs from continuing the old optimizer (partial_fit semantics)
    continued = MLPClassifier(max_iter=4, **common).fit(X, y)
    assert not np.allclose(_params(continued), _params(warm))


def test_same_random_state_same_model(classification):
    X, y = classification
    kwargs = dict(hidden_layer_sizes=(16, 8), dropout=0.3, early_stopping=True,
                  random_state=7, max_iter=30)
    a, b = MLPClassifier(**kwargs).fit(X, y), MLPClassifier(**kwargs).fit(X, y)
    np.testing.assert_array_equal(_params(a), _params(b))
    c = MLPClassifier(**{**kwargs, "random_state": 8}).fit(X, y)
    assert not np.array_equal(_params(a), _params(c))


# --------------------------------------------------------------------- early stopping
def test_early_stopping_restores_best_parameters(classification):
    X, y = classification
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    est = MLPClassifier(hidden_layer_sizes=(64,), early_stopping=True, n_iter_no_change=5,
                        learning_rate_init=0.05, max_iter=200, random_state=0)
    est.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    scores = est.validation_scores_
    assert len(scores) == est.n_iter_ == len(est.validation_loss_curve_)
    assert est.n_iter_ < 200  # it stopped
    best_epoch = len(scores) - 1 - int(np.argmax(scores[::-1]))  # latest of the tied best
    assert best_epoch < est.n_iter_ - 1  # the last epoch was not the best one...
    assert est.best_validation_score_ == max(scores)
    assert est.score(X_val, y_val) == pytest.approx(max(scores))  # ...yet its score is kept
    assert est.best_loss_ is None


def test_early_stopping_holds_out_stratified_fraction(classification):
    X, y = classification
    est = MLPClassifier(hidden_layer_sizes=(8,), early_stopping=True, validation_fraction=0.2,
                        max_iter=5, random_state=0).fit(X, y)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.t_ == est.n_iter_ * int(round(0.8 * len(X)))


def test_validation_data_monitored_without_early_stopping(regression):
    X, y = regression
    est = MLPRegressor(hidden_layer_sizes=(8,), max_iter=7, tol=0, n_iter_no_change=np.inf,
                       random_state=0)
    est.fit(X[:200], y[:200], X_val=X[200:], y_val=y[200:])
    assert est.n_iter_ == 7 and len(est.validation_scores_) == 7
    assert est.validation_loss_curve_[-1] < est.validation_loss_curve_[0]


# ----------------------------------------------------------------------------- dropout
def test_dropout_only_during_training(classification):
    X, y = classification
    est = MLPClassifier(hidden_layer_sizes=(32, 16), dropout=[0.5, 0.2], max_iter=20,
                        random_state=0).fit(X, y)
    proba = est.predict_proba(X)
    np.testing.assert_array_equal(proba, est.predict_proba(X))
    # deterministic forward pass without any rescaling
    hidden = X
    for W, b in zip(est.coefs_[:-1], est.intercepts_[:-1]):
        hidden = np.maximum(hidden @ W + b, 0)
    z = hidden @ est.coefs_[-1] + est.intercepts_[-1]
    expected = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(proba, expected / expected.sum(axis=1, keepdims=True), rtol=1e-6)
    # and training did see dropout: the same seed without it trains differently
    plain = MLPClassifier(hidden_layer_sizes=(32, 16), max_iter=20, random_state=0).fit(X, y)
    assert not np.allclose(plain.coefs_[0], est.coefs_[0])


# ------------------------------------------------------------------------- penalties
@pytest.mark.parametrize("penalty", ["alpha", "alpha_l1"])
def test_penalties_shrink_weights(regression, penalty):
    X, y = regression
    common = dict(hidden_layer_sizes=(16,), max_iter=150, random_state=0, alpha=0.0)
    free = MLPRegressor(**common).fit(X, y)
    shrunk = MLPRegressor(**{**common, penalty: 100.0}).fit(X, y)
    norm = np.abs if penalty == "alpha_l1" else np.square
    assert sum(norm(W).sum() for W in shrunk.coefs_) < 0.5 * sum(norm(W).sum() for W in free.coefs_)
    # intercepts are left alone unless penalize_intercepts=True
    both = MLPRegressor(**{**common, penalty: 100.0, "penalize_intercepts": True}).fit(X, y)
    assert np.abs(both.intercepts_[0]).sum() < np.abs(shrunk.intercepts_[0]).sum()


def test_l1_zeroes_more_weights_than_l2(regression):
    X, y = regression
    common = dict(hidden_layer_sizes=(16,), max_iter=150, random_state=0, solver="sgd",
                  learning_rate_init=0.01)
    l1 = MLPRegressor(alpha=0.0, alpha_l1=20.0, **common).fit(X, y)
    l2 = MLPRegressor(alpha=20.0, **common).fit(X, y)
    small = lambda est: np.mean(np.abs(est.coefs_[0]) < 1e-2)  # noqa: E731
    assert small(l1) > small(l2)


# ---------------------------------------------------------------------- class weights
def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(n_samples=1000, n_features=10, weights=[0.93, 0.07],
                               class_sep=0.6, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    common = dict(hidden_layer_sizes=(16,), max_iter=100, random_state=0)
    plain = MLPClassifier(**common).fit(X_train, y_train)
    balanced = MLPClassifier(class_weight="balanced", **common).fit(X_train, y_train)
    assert recall_score(y_test, balanced.predict(X_test)) > recall_score(
        y_test, plain.predict(X_test)
    ) + 0.1


def test_class_weight_dict_is_sample_weight_in_sgdclassifiers_units(classification):
    """class_weight multiplies the sample weights, and the loss keeps their scale:
    sum(w * cw * loss) / sum(w) = c * the sample-weighted mean, c = mean(cw) over the rows.
    So SGD steps c times as far: the fit with sample_weight and learning rate c * lr."""
    X, y = classification
    class_weight = np.array([20.0, 0.5, 1.0])
    c = class_weight[y].mean()
    common = dict(hidden_layer_sizes=(8,), max_iter=10, solver="sgd", tol=0,
                  n_iter_no_change=np.inf, random_state=0)
    by_class = MLPClassifier(class_weight=dict(enumerate(class_weight)),
                             learning_rate_init=0.01, **common).fit(X, y)
    by_sample = MLPClassifier(learning_rate_init=0.01 * c, **common).fit(
        X, y, sample_weight=class_weight[y])
    np.testing.assert_allclose(_params(by_class), _params(by_sample), rtol=1e-9)
    np.testing.assert_allclose(by_class.loss_curve_, c * np.array(by_sample.loss_curve_),
                               rtol=1e-9)
    balanced = MLPClassifier(class_weight="balanced", **common).fit(X, y)
    by_counts = MLPClassifier(**common).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y))
    np.testing.assert_array_equal(_params(balanced), _params(by_counts))  # c = 1 exactly


# ---------------------------------------------------------------- targets and losses
def test_multilabel():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    X = StandardScaler().fit_transform(X)
    est = MLPClassifier(hidden_layer_sizes=(32,), max_iter=200, learning_rate_init=0.01,
                        random_state=0).fit(X, Y)
    assert est.out_activation_ == "logistic" and est.n_outputs_ == 4
    assert est.predict(X).shape == Y.shape and set(np.unique(est.predict(X))) <= {0, 1}
    proba = est.predict_proba(X)
    assert proba.shape == Y.shape and not np.allclose(proba.sum(axis=1), 1)
    assert est.score(X, Y) > 0.9  # subset accuracy; predicting the commonest set gives 0.145
    with pytest.raises(ValueError, match="multilabel"):
        MLPClassifier(loss="categorical_crossentropy").fit(X, Y)


@pytest.mark.parametrize(
    "loss, n_outputs, activation",
    [("binary_crossentropy", 3, "logistic"), ("categorical_crossentropy", 3, "softmax"),
     ("log_loss", 3, "softmax")],
)
def test_classification_losses_multiclass(classification, loss, n_outputs, activation):
    X, y = classification
    est = MLPClassifier(loss=loss, hidden_layer_sizes=(16,), max_iter=100, random_state=0,
                        learning_rate_init=0.01)
    est.fit(X, y)
    assert est.n_outputs_ == n_outputs and est.out_activation_ == activation
    np.testing.assert_allclose(est.predict_proba(X).sum(axis=1), 1, rtol=1e-6)
    assert est.score(X, y) > 0.8


@pytest.mark.parametrize(
    "loss, n_outputs, activation",
    [("binary_crossentropy", 1, "logistic"), ("categorical_crossentropy", 2, "softmax"),
     ("log_loss", 1, "logistic")],
)
def test_classification_losses_binary(loss, n_outputs, activation):
    X, y = make_classification(n_samples=200, random_state=0)
    y = np.where(y == 1, "yes", "no")
    est = MLPClassifier(loss=loss, hidden_layer_sizes=(16,), max_iter=100, random_state=0)
    est.fit(X, y)
    assert est.n_outputs_ == n_outputs and est.out_activation_ == activation
    assert set(est.predict(X)) <= {"yes", "no"} and est.predict_proba(X).shape == (200, 2)
    np.testing.assert_allclose(np.exp(est.predict_log_proba(X)), est.predict_proba(X))


def test_multioutput_regression():
    X, Y = make_regression(n_samples=200, n_features=6, n_targets=3, noise=1.0, random_state=0)
    Y = Y / Y.std(axis=0)
    est = MLPRegressor(hidden_layer_sizes=(32,), max_iter=300, learning_rate_init=0.01,
                       random_state=0).fit(X, Y)
    assert est.predict(X).shape == (200, 3) and est.n_outputs_ == 3
    assert est.score(X, Y) > 0.9


def test_poisson_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 5))
    y = rng.poisson(np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1]))
    common = dict(hidden_layer_sizes=(16,), max_iter=100, random_state=0, learning_rate_init=0.01)
    poisson = MLPRegressor(loss="poisson", **common).fit(X[:800], y[:800])
    assert poisson.out_activation_ == "exp"
    prediction = poisson.predict(X[800:])
    assert np.all(prediction > 0)
    assert d2_tweedie_score(y[800:], prediction, power=1) > 0.2
    with pytest.raises(ValueError, match="non-negative"):
        MLPRegressor(loss="poisson").fit(X, -y - 1.0)


def test_huber_beats_squared_error_with_outliers():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    y_noisy = y + 0.1 * rng.normal(size=600)
    outliers = rng.choice(500, 50, replace=False)
    y_noisy[outliers] += rng.choice([-1, 1], 50) * 30
    common = dict(hidden_layer_sizes=(16,), max_iter=200, random_state=0, learning_rate_init=0.01)
    mse = MLPRegressor(loss="squared_error", **common).fit(X[:500], y_noisy[:500])
    huber = MLPRegressor(loss="huber", huber_delta=1.0, **common).fit(X[:500], y_noisy[:500])
    mae_mse = mean_absolute_error(y[500:], mse.predict(X[500:]))
    mae_huber = mean_absolute_error(y[500:], huber.predict(X[500:]))
    assert mae_huber < 0.5 * mae_mse


# ---------------------------------------------------------------- dtypes and sparse
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float32_end_to_end(classification, regression, solver):
    X, y = classification
    X32 = X.astype(np.float32)
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, solver=solver,
                        random_state=0).fit(X32, y)
    assert all(a.dtype == np.float32 for a in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X32).dtype == np.float32
    Xr, yr = regression
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, solver=solver,
                       random_state=0).fit(Xr.astype(np.float32), yr)
    assert reg.predict(Xr.astype(np.float32)).dtype == np.float32
    assert reg.coefs_[0].dtype == np.float32
    # integers become float64
    assert MLPRegressor(hidden_layer_sizes=(4,), max_iter=2).fit(
        (Xr * 10).astype(int), yr).coefs_[0].dtype == np.float64


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_sparse_input_matches_dense(classification, fmt, solver):
    X, y = classification
    X = np.where(np.abs(X) < 0.7, 0.0, X)
    common = dict(hidden_layer_sizes=(8,), max_iter=15, random_state=0, solver=solver,
                  batch_size=32)
    dense = MLPClassifier(**common).fit(X, y)
    sparse = MLPClassifier(**common).fit(sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(_params(sparse), _params(dense), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X),
                               rtol=1e-8)


def test_no_hidden_layer_is_logistic_regression(classification):
    X, y = classification
    est = MLPClassifier(hidden_layer_sizes=(), solver="lbfgs", random_state=0).fit(X, y)
    assert [c.shape for c in est.coefs_] == [(10, 3)] and est.n_layers_ == 2
    assert est.score(X, y) > 0.6


def test_loss_curve_and_attributes(regression):
    X, y = regression
    est = MLPRegressor(hidden_layer_sizes=(8, 4), max_iter=30, random_state=0).fit(X, y)
    assert len(est.loss_curve_) == est.n_iter_ and est.loss_ == est.loss_curve_[-1]
    assert est.best_loss_ == min(est.loss_curve_)
    assert est.loss_curve_[-1] < est.loss_curve_[0]
    assert [c.shape for c in est.coefs_] == [(8, 8), (8, 4), (4, 1)]
    assert est.n_layers_ == 4 and est.n_outputs_ == 1 and est.out_activation_ == "identity"
    assert est.validation_scores_ is None and est.best_validation_score_ is None


def test_verbose_prints_one_line_per_epoch(regression, capsys):
    X, y = regression
    MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, tol=0, n_iter_no_change=np.inf,
                 verbose=True).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Iteration 1, loss = ")


def test_adaptive_rate_decays_over_partial_fit_calls_as_in_sklearn():
    """scikit-learn's partial_fit counts epochs without improvement across calls and
    divides the adaptive rate by 5 when they exceed n_iter_no_change."""
    from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor

    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    params = dict(solver="sgd", learning_rate="adaptive", learning_rate_init=0.01,
                  n_iter_no_change=2, tol=1e9, hidden_layer_sizes=(4,), random_state=0)
    ours, theirs = MLPRegressor(**params), SklearnMLPRegressor(**params)
    their_rates = []
    for _ in range(10):
        ours.partial_fit(X, y / y.std())
        theirs.partial_fit(X, y / y.std())
        their_rates.append(theirs._optimizer.learning_rate)  # the next call's rate
    np.testing.assert_allclose(ours.history_["learning_rate"][1:], their_rates[:-1])
    assert their_rates[-1] < 0.01 / 5
