"""history_: what it records per epoch is what the model was and did in that epoch."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, MLPRegressor
from skmlp._history import HISTORY_KEYS, LAYER_KEYS, SCALAR_KEYS
from skmlp._network import Penalty
from skmlp.losses import make_loss

# short fits on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=240, n_features=8, n_informative=5, n_classes=3,
                               random_state=0)
    return StandardScaler().fit_transform(X), y


def _layer_stats(model):
    return {
        "weight_mean": [c.mean() for c in model.coefs_],
        "weight_std": [c.std() for c in model.coefs_],
        "weight_norm": [np.linalg.norm(c) for c in model.coefs_],
        "bias_mean": [b.mean() for b in model.intercepts_],
        "bias_std": [b.std() for b in model.intercepts_],
        "bias_norm": [np.linalg.norm(b) for b in model.intercepts_],
    }


def _gradient_norms(model, X, Y):
    """Per-layer gradient norms of the full-batch loss at the model's current parameters."""
    network = model._fitted_network(model.out_activation_)
    network.loss_and_gradient(X, Y[np.newaxis], None, make_loss(model._loss_name, model),
                              penalty=Penalty.of([model]),
                              dropout=[[0.0] * (len(model.coefs_) - 1)], rngs=None)
    return ([np.linalg.norm(g[0]) for g in network.grad_coefs],
            [np.linalg.norm(g[0]) for g in network.grad_intercepts])


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_history_has_one_entry_per_epoch_for_every_key(data, solver):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(6, 5), solver=solver, max_iter=7,
                          random_state=0).fit(X, y)
    history = model.history_
    assert set(history) == set(HISTORY_KEYS)
    for key in (*SCALAR_KEYS, "scoring"):
        assert len(history[key]) == model.n_iter_ == 7, key
    assert history["scoring"] == [None] * 7  # no validation set
    for key in LAYER_KEYS:
        assert np.asarray(history[key]).shape == (7, 3), key
    assert history["loss"] == pytest.approx(model.loss_curve_, rel=1e-12)
    assert np.all(np.asarray(history["time"]) >= 0)
    # no validation set: NaN, so that every column has one value per epoch
    assert np.all(np.isnan(history["validation_loss"]))
    assert np.all(np.isnan(history["validation_score"]))


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_last_epoch_statistics_are_those_of_the_fitted_parameters(data, solver):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(6,), solver=solver, max_iter=5,
                          random_state=0).fit(X, y)
    for key, values in _layer_stats(model).items():
        assert model.history_[key][-1] == pytest.approx(values, rel=1e-6, abs=1e-12), key


def test_gradient_norm_is_the_gradient_of_the_epoch(data):
    # Full-batch SGD: one minibatch per epoch, so the epoch's gradient norm is the
    # full-batch gradient at the parameters the epoch started from.
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(6, 4), solver="sgd", batch_size=len(X),
                          alpha=0.01, learning_rate_init=0.1, random_state=0)
    model.partial_fit(X, y, classes=np.unique(y))
    Y = model._binarize(y).astype(model.coefs_[0].dtype)
    expected = _gradient_norms(model, X, Y)
    model.partial_fit(X, y)
    assert model.history_["weight_grad_norm"][-1] == pytest.approx(expected[0], rel=1e-6)
    assert model.history_["bias_grad_norm"][-1] == pytest.approx(expected[1], rel=1e-6)


def test_lbfgs_gradient_norm_is_the_gradient_at_the_iterate(data):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=4,
                          random_state=0).fit(X, y)
    Y = model._binarize(y).astype(model.coefs_[0].dtype)
    weight_norms, bias_norms = _gradient_norms(model, X, Y)
    assert model.history_["weight_grad_norm"][-1] == pytest.approx(weight_norms, rel=1e-6)
    assert model.history_["bias_grad_norm"][-1] == pytest.approx(bias_norms, rel=1e-6)
    assert np.all(np.isnan(model.history_["learning_rate"]))


def test_validation_entries_match_the_validation_curves(data):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(6,), early_stopping=True, max_iter=6,
                          n_iter_no_change=100, random_state=0).fit(X, y)
    assert model.history_["validation_loss"] == model.validation_loss_curve_
    assert model.history_["validation_score"] == model.validation_scores_


def test_learning_rate_is_the_rate_each_epoch_used(data):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(6,), solver="sgd", learning_rate="invscaling",
                          learning_rate_init=0.2, power_t=0.5, max_iter=4,
                          random_state=0).fit(X, y)
    # scikit-learn's invscaling: lr_init / (t_ + 1)**power_t, t_ the samples seen
    expected = [0.2] + [0.2 / (epoch * len(X) + 1) ** 0.5 for epoch in range(1, 4)]
    assert model.history_["learning_rate"] == pytest.approx(expected, rel=1e-12)


def test_partial_fit_and_warm_start_append_and_fit_restarts(data):
    X, y = data
    model = MLPRegressor(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    model.partial_fit(X, y)
    model.partial_fit(X, y)
    assert len(model.history_["loss"]) == 2
    model.set_params(warm_start=True).fit(X, y)
    assert len(model.history_["loss"]) == 5
    assert model.n_iter_ == 3  # as in scikit-learn: the epochs of the last call
    model.set_params(warm_start=False).fit(X, y)
    assert len(model.history_["loss"]) == 3


def test_history_survives_pickling(data):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(model)).history_
    assert set(restored) == set(model.history_)
    for key, values in model.history_.items():
        np.testing.assert_array_equal(restored[key], values)  # NaN == NaN here


def test_verbose_line_reports_validation_learning_rate_and_time(data, capsys):
    X, y = data
    MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, early_stopping=True,
                  n_iter_no_change=100, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Iteration 2, loss = ")
    for part in ("validation loss = ", "validation accuracy = ", "lr = 0.001", " s"):
        assert part in lines[1]
