"""Users' own losses and activations: checked, trained, cloned, saved, searched.

The objects of ``user_objects`` re-implement built-in losses and activations as a
user would, as plain functions of arrays; a model trained with one must be the model
the built-in name gives. Pinball and Swish are new math, checked by
``check_gradients`` and by what they train.
"""

import pickle
import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import KFold
from user_objects import (
    HalfSquaredError,
    Pinball,
    SigmoidCrossEntropy,
    SoftmaxCrossEntropy,
    Swish,
    Tanh,
)

from skmlp import MLPClassifier, MLPRegressor
from skmlp.activations import ACTIVATIONS, Activation
from skmlp.losses import _RESOLVED_ONLY, LOSSES, Loss
from skmlp.model_selection import GridSearchCV
from skmlp.utils import check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_REG, y_REG = make_regression(n_samples=90, n_features=4, noise=10.0, random_state=0)
y_REG = y_REG / y_REG.std()
X_CLS, y_CLS = make_classification(n_samples=90, n_features=5, n_informative=3,
                                   n_classes=3, random_state=0)
FAST = dict(hidden_layer_sizes=(7,), max_iter=8, batch_size=32, learning_rate_init=0.02,
            random_state=0)


def _params(model):
    return model.coefs_ + model.intercepts_


def _assert_same_model(ours, theirs, rtol=1e-10):
    for a, b in zip(_params(ours), _params(theirs)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)


# ------------------------------------------------------------------ check_gradients
@pytest.mark.parametrize("name", sorted(ACTIVATIONS) + sorted(LOSSES) + sorted(_RESOLVED_ONLY))
def test_every_built_in_passes_check_gradients(name):
    result = check_gradients(name)
    assert result.error < 1e-6, result


@pytest.mark.parametrize("obj", [Pinball(0.2), HalfSquaredError(), SoftmaxCrossEntropy(),
                                 SigmoidCrossEntropy(), Swish(1.7), Tanh()])
def test_users_objects_pass_check_gradients(obj):
    assert check_gradients(obj).error < 1e-6


class _WrongGradient(Pinball):
    def gradient(self, y, z):
        return 2 * super().gradient(y, z)


class _WrongDerivative(Swish):
    def gradient(self, z):
        return expit(z)  # the sigmoid alone: right at z = 0 only


@pytest.mark.parametrize("obj", [_WrongGradient(0.3), _WrongDerivative()])
def test_check_gradients_finds_a_wrong_gradient(obj):
    result = check_gradients(obj)
    assert result.error > 0.1
    assert abs(result.analytic - result.numeric) > 0.1


def test_check_gradients_rejects_what_it_cannot_check():
    with pytest.raises(ValueError, match="names no built-in"):
        check_gradients("relux")
    with pytest.raises(TypeError, match="takes a Loss, an Activation or a name"):
        check_gradients(np.tanh)


# ------------------------------------------------------------------ training
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_users_loss_trains_the_built_in_model(solver):
    ours = MLPRegressor(**FAST, solver=solver, loss=HalfSquaredError()).fit(X_REG, y_REG)
    theirs = MLPRegressor(**FAST, solver=solver, loss="squared_error").fit(X_REG, y_REG)
    _assert_same_model(ours, theirs)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("n_classes, user_loss, name", [
    (3, SoftmaxCrossEntropy(), "categorical_crossentropy"),
    (2, SoftmaxCrossEntropy(), "categorical_crossentropy"),  # two softmax units
    (3, SigmoidCrossEntropy(), "binary_crossentropy"),  # one-vs-rest, normalized
    (2, SigmoidCrossEntropy(), "binary_crossentropy"),
])
def test_a_users_classification_loss_trains_the_built_in_model(n_classes, user_loss, name):
    y = y_CLS % n_classes
    ours = MLPClassifier(**FAST, loss=user_loss).fit(X_CLS, y)
    theirs = MLPClassifier(**FAST, loss=name).fit(X_CLS, y)
    assert ours.n_outputs_ == theirs.n_outputs_
    assert ours.out_activation_ == theirs.out_activation_
    _assert_same_model(ours, theirs)
    np.testing.assert_allclose(ours.predict_proba(X_CLS), theirs.predict_proba(X_CLS),
                               rtol=1e-10)


def test_a_users_sigmoid_loss_learns_multilabel_targets():
    Y = np.stack([y_CLS == 0, y_CLS == 1], axis=1).astype(int)
    ours = MLPClassifier(**FAST, loss=SigmoidCrossEntropy()).fit(X_CLS, Y)
    theirs = MLPClassifier(**FAST, loss="binary_crossentropy").fit(X_CLS, Y)
    _assert_same_model(ours, theirs)


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_a_users_activation_trains_the_built_in_model(dropout):
    ours = MLPClassifier(**FAST, dropout=dropout, activation=Tanh()).fit(X_CLS, y_CLS)
    theirs = MLPClassifier(**FAST, dropout=dropout, activation="tanh").fit(X_CLS, y_CLS)
    _assert_same_model(ours, theirs)
    np.testing.assert_allclose(ours.predict_proba(X_CLS), theirs.predict_proba(X_CLS),
                               rtol=1e-10)


def test_swish_with_beta_one_is_silu():
    ours = MLPRegressor(**FAST, activation=Swish(1.0)).fit(X_REG, y_REG)
    theirs = MLPRegressor(**FAST, activation="silu").fit(X_REG, y_REG)
    _assert_same_model(ours, theirs, rtol=1e-9)
    other = MLPRegressor(**FAST, activation=Swish(3.0)).fit(X_REG, y_REG)
    assert not np.allclose(other.coefs_[0], theirs.coefs_[0])


def test_a_pinball_loss_learns_its_quantile():
    X, y = make_regression(n_samples=400, n_features=3, noise=30.0, random_state=1)
    y = y / y.std()
    for quantile in (0.1, 0.9):
        model = MLPRegressor(hidden_layer_sizes=(16,), loss=Pinball(quantile), max_iter=150,
                             learning_rate_init=0.01, random_state=0).fit(X, y)
        assert abs(np.mean(y <= model.predict(X)) - quantile) < 0.06


def test_float32_training_with_users_objects():
    X = X_REG.astype(np.float32)
    ours = MLPRegressor(**FAST, loss=HalfSquaredError(), activation=Tanh()).fit(X, y_REG)
    theirs = MLPRegressor(**FAST, activation="tanh").fit(X, y_REG)
    assert ours.coefs_[0].dtype == np.float32
    _assert_same_model(ours, theirs, rtol=1e-4)


# ------------------------------------------------------------------ sklearn objects
def test_objects_clone_and_tune_by_their_parameters():
    model = MLPRegressor(loss=Pinball(0.3), activation=Swish(2.0))
    params = model.get_params(deep=True)
    assert params["loss__quantile"] == 0.3 and params["activation__beta"] == 2.0
    copy = clone(model)
    assert copy.loss is not model.loss and copy.loss.get_params() == {"quantile": 0.3}
    copy.set_params(loss__quantile=0.8)
    assert model.loss.quantile == 0.3 and copy.loss.quantile == 0.8


def test_the_fitted_model_keeps_its_own_copy():
    activation, loss = Swish(1.0), Pinball(0.5)
    model = MLPRegressor(**FAST, activation=activation, loss=loss).fit(X_REG, y_REG)
    before = model.predict(X_REG)
    activation.beta, loss.quantile = 5.0, 0.9  # the objects the parameters hold change
    np.testing.assert_array_equal(model.predict(X_REG), before)
    # continuing training needs the fitted network, and the loss it was fitted with
    model.set_params(warm_start=True)
    state = pickle.dumps(model)
    with pytest.raises(ValueError, match="Cannot continue training.*activation"):
        model.fit(X_REG, y_REG)
    assert pickle.dumps(model) == state
    model.set_params(activation=Swish(1.0))  # as fitted; the loss still differs
    with pytest.raises(ValueError, match="Cannot continue training.*loss"):
        model.fit(X_REG, y_REG)
    model.set_params(loss=Pinball(0.5)).fit(X_REG, y_REG)  # equal parameters: continues
    assert len(model.loss_curve_) == 2 * FAST["max_iter"]


def test_pickle_round_trip_continues_training_exactly():
    model = MLPRegressor(**FAST, activation=Swish(1.5), loss=Pinball(0.7)).fit(X_REG, y_REG)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(loaded.predict(X_REG), model.predict(X_REG))
    for m in (model, loaded):
        m.partial_fit(X_REG, y_REG)
    _assert_same_model(loaded, model, rtol=0)


def test_skops_asks_to_trust_only_the_users_classes():
    skops_io = pytest.importorskip("skops.io")
    model = MLPRegressor(**FAST, activation=Swish(1.5), loss=Pinball(0.7)).fit(X_REG, y_REG)
    data = skops_io.dumps(model)
    untrusted = skops_io.get_untrusted_types(data=data)
    assert set(untrusted) == {"skmlp.MLPRegressor", "skmlp.optimizers.Adam",
                              "skmlp.schedules.Schedule", "user_objects.Pinball",
                              "user_objects.Swish"}
    loaded = skops_io.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict(X_REG), model.predict(X_REG))


# ------------------------------------------------------------------ refused
class _PerOutputValues(Pinball):
    def value(self, y, z):  # forgot to average over the outputs
        r = y - z
        return np.maximum(self.quantile * r, (self.quantile - 1) * r)


class _InPlace(HalfSquaredError):
    def gradient(self, y, z):
        z -= y  # writes into the network's outputs
        return z


class _ScalarDerivative(Swish):
    def gradient(self, z):
        return 1.0


@pytest.mark.parametrize("params, match", [
    (dict(loss=_PerOutputValues()), r"one loss per sample, shape \(32,\)"),
    (dict(loss=_InPlace()), "read-only"),
    (dict(activation=_ScalarDerivative()), "elementwise, its result has the shape of z"),
    (dict(loss=SoftmaxCrossEntropy()), "a regressor cannot use"),
    (dict(loss=Loss()), "must define value"),
    (dict(activation=Activation()), "must define value"),
])
def test_a_broken_object_is_refused_clearly_and_changes_nothing(params, match):
    model = MLPRegressor(**FAST).fit(X_REG, y_REG)
    state = pickle.dumps(model)
    model.set_params(**params)
    with pytest.raises((ValueError, NotImplementedError), match=match):
        model.fit(X_REG, y_REG)
    restored = pickle.loads(state)
    for name in ("coefs_", "intercepts_", "loss_curve_", "n_iter_", "t_"):
        np.testing.assert_equal(getattr(model, name), getattr(restored, name))


class _WritesIntoY(HalfSquaredError):
    def gradient(self, y, z):
        y -= z  # writes into the targets
        return -y


class _WritesIntoZ(Tanh):
    def value(self, z):
        return np.tanh(z, out=z)


@pytest.mark.parametrize("params, match", [
    (dict(loss=_InPlace()), r"_InPlace.gradient wrote into its input z \(_InPlace\(\)\)"),
    (dict(loss=_WritesIntoY()), r"_WritesIntoY.gradient wrote into its input y "),
    (dict(activation=_WritesIntoZ()), r"_WritesIntoZ.value wrote into its input z "),
])
def test_a_function_writing_into_its_input_is_named_with_what_to_do(params, match):
    model = MLPRegressor(**FAST, **params)
    with pytest.raises(ValueError, match=match) as raised:
        model.fit(X_REG, y_REG)
    assert "Return a new array instead" in str(raised.value)
    assert "read-only" in str(raised.value.__cause__)  # numpy's own error, kept as the cause
    assert not hasattr(model, "coefs_")


class _NaNWherePositive(HalfSquaredError):
    """A bug: NaN for every sample whose first output is positive."""

    def value(self, y, z):
        return np.where(z[:, 0] > 0, np.nan, super().value(y, z))


class _NaNGradientWherePositive(HalfSquaredError):
    def gradient(self, y, z):
        return np.where(z > 0, np.nan, super().gradient(y, z))


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("loss, method", [(_NaNWherePositive(), "value"),
                                          (_NaNGradientWherePositive(), "gradient")])
def test_a_loss_that_is_nan_on_finite_outputs_is_named_not_the_learning_rate(loss, method,
                                                                               solver):
    model = MLPRegressor(**{**FAST, "solver": solver}).fit(X_REG, y_REG)
    state = pickle.dumps(model)
    model.set_params(loss=loss)
    name = type(loss).__name__
    with pytest.raises(ValueError, match=rf"loss={name}\(\): its {method}\(y, z\) returned "
                                         "NaN for finite y and z") as raised:
        model.fit(X_REG, y_REG)
    assert "the learning rate is not the cause" in str(raised.value)
    restored = pickle.loads(state)
    for attribute in ("coefs_", "intercepts_", "loss_curve_", "n_iter_", "t_"):
        np.testing.assert_equal(getattr(model, attribute), getattr(restored, attribute))


def test_a_classifier_refuses_a_loss_without_class_probabilities():
    with pytest.raises(ValueError, match="a classifier cannot use.*'logistic', 'softmax'"):
        MLPClassifier(**FAST, loss=HalfSquaredError()).fit(X_CLS, y_CLS)
    Y = np.stack([y_CLS == 0, y_CLS == 1], axis=1).astype(int)
    with pytest.raises(ValueError, match="needs exactly one class per sample"):
        MLPClassifier(**FAST, loss=SoftmaxCrossEntropy()).fit(X_CLS, Y)


def test_an_objects_own_parameter_constraints_are_checked():
    from numbers import Real

    from sklearn.utils._param_validation import Interval

    class Checked(Pinball):
        _parameter_constraints = {"quantile": [Interval(Real, 0, 1, closed="neither")]}

    with pytest.raises(ValueError, match="quantile"):
        MLPRegressor(**FAST, loss=Checked(1.5)).fit(X_REG, y_REG)


# ------------------------------------------------------------------ fused search
def test_a_fused_search_tunes_users_objects_as_scikit_learns(stacks):
    estimator = MLPRegressor(**FAST, loss=Pinball(), activation=Swish())
    grid = {"loss__quantile": [0.2, 0.8], "activation__beta": [1.0, 2.0],
            "alpha": [1e-4, 1e-1]}
    cv = KFold(3, shuffle=True, random_state=0)
    ours = GridSearchCV(estimator, grid, cv=cv, scoring="neg_mean_absolute_error")
    theirs = SklearnGridSearchCV(estimator, grid, cv=cv, scoring="neg_mean_absolute_error")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X_REG, y_REG)
        theirs.fit(X_REG, y_REG)
    for key in ("split0_test_score", "split1_test_score", "split2_test_score"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key], rtol=1e-6)
    assert ours.best_params_ == theirs.best_params_
    # candidates with equal objects share a stack: alpha's two values x 3 folds
    assert sorted(stacks) == [6, 6, 6, 6]


def test_built_in_loss_objects_are_their_names():
    from skmlp.losses import BinaryCrossEntropy, Huber, Poisson

    ours = MLPRegressor(**FAST, loss=Huber(delta=0.5)).fit(X_REG, y_REG)
    theirs = MLPRegressor(**FAST, loss="huber", huber_delta=0.5).fit(X_REG, y_REG)
    _assert_same_model(ours, theirs, rtol=0)
    ours = MLPClassifier(**FAST, loss=BinaryCrossEntropy()).fit(X_CLS, y_CLS)
    theirs = MLPClassifier(**FAST, loss="binary_crossentropy").fit(X_CLS, y_CLS)
    _assert_same_model(ours, theirs, rtol=0)
    with pytest.raises(ValueError, match="needs non-negative targets"):
        MLPRegressor(**FAST, loss=Poisson()).fit(X_REG, y_REG)


class _RaisingGradient(HalfSquaredError):
    def gradient(self, y, z):
        raise TypeError("a bug in the user's gradient")


@pytest.mark.parametrize("broken", [Loss(), _RaisingGradient(), _NaNWherePositive()])
def test_a_broken_loss_fails_its_candidates_in_a_fused_search_as_in_scikit_learn(broken):
    from sklearn.exceptions import FitFailedWarning

    estimator = MLPRegressor(**{**FAST, "max_iter": 3})
    grid = {"loss": [broken, "squared_error"]}
    cv = KFold(3, shuffle=True, random_state=0)
    results = []
    for Search in (GridSearchCV, SklearnGridSearchCV):
        search = Search(estimator, grid, cv=cv, error_score=np.nan)
        with pytest.warns(FitFailedWarning, match="3 fits failed"):
            search.fit(X_REG, y_REG)
        results.append(search.cv_results_["mean_test_score"])
    np.testing.assert_allclose(*results, rtol=1e-6)
    assert np.isnan(results[0][0]) and np.isfinite(results[0][1])
    with pytest.raises((TypeError, NotImplementedError, ValueError)):
        GridSearchCV(estimator, grid, cv=cv, error_score="raise").fit(X_REG, y_REG)


def test_objects_are_one_option_when_of_one_class_with_equal_parameters():
    from skmlp._extensions import option_key

    assert option_key(Pinball(0.3)) == option_key(clone(Pinball(0.3)))
    assert option_key(Pinball(0.3)) != option_key(Pinball(0.4))
    assert option_key(Swish(1.0)) != option_key(Tanh())
    assert option_key("tanh") == "tanh"
    weight = lambda z: z  # noqa: E731  (pickle cannot hash it: compared by repr)
    assert option_key(Pinball(weight)) == option_key(Pinball(weight))
