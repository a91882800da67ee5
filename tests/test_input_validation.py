"""Bad input gets a clear error, and the caller's arrays are never modified."""

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from skmlp import MLPClassifier, MLPRegressor, activations
from skmlp.activations import ACTIVATIONS
from skmlp.initializers import (
    Constant,
    HeNormal,
    Normal,
    ScikitLearnUniform,
    Uniform,
    check_initializer,
)


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


def test_one_class_predicts_that_class_as_sklearn_does(data):
    X, _ = data
    model = MLPClassifier(max_iter=5).fit(X, np.full(len(X), 7))
    np.testing.assert_array_equal(model.predict(X), 7)
    np.testing.assert_array_equal(model.classes_, [7])
    np.testing.assert_array_equal(model.predict_proba(X), np.ones((len(X), 1)))


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
        ({"activation": "softsign"}, "activation"),
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


# ------------------------------------------------- sample_weight, class_weight, initializers
def _fitted_state(est):
    """What a failed fit must leave as it was: the parameters and the training record."""
    return ([a.copy() for a in est.coefs_ + est.intercepts_], est.n_iter_,
            list(est.loss_curve_), est.t_)


def _assert_state_unchanged(est, state):
    params, n_iter, loss_curve, t = state
    for old, new in zip(params, est.coefs_ + est.intercepts_, strict=True):
        np.testing.assert_array_equal(old, new)
    assert (est.n_iter_, est.loss_curve_, est.t_) == (n_iter, loss_curve, t)


BAD_SAMPLE_WEIGHTS = [
    pytest.param(lambda n: np.linspace(1, 2, n) + 1j, "complex", id="complex"),
    pytest.param(lambda n: np.array([1 + 0j] * n, dtype=object), "real numbers",
                 id="complex-objects"),
    pytest.param(lambda n: np.array(["1.5"] * n), "real numbers", id="numeric-strings"),
    pytest.param(lambda n: np.r_[np.nan, np.ones(n - 1)], "NaN or infinity", id="nan"),
    pytest.param(lambda n: np.r_[np.ones(n - 1), np.inf], "NaN or infinity", id="inf"),
    pytest.param(lambda n: np.r_[-0.5, np.ones(n - 1)], "Negative", id="negative"),
]


@pytest.mark.parametrize("make_weights, match", BAD_SAMPLE_WEIGHTS)
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_bad_sample_weight_is_a_value_error(data, Estimator, make_weights, match):
    X, y = data
    weights = make_weights(len(X))
    copy = weights.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning: an error, not a silent cast
        with pytest.raises(ValueError, match=match):
            Estimator(hidden_layer_sizes=(4,), max_iter=2).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(weights, copy)


@pytest.mark.parametrize("make_weights, match", BAD_SAMPLE_WEIGHTS)
@pytest.mark.parametrize("method", ["fit", "warm_start", "partial_fit"])
def test_fit_with_bad_sample_weight_leaves_the_fitted_model(data, method, make_weights, match):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    state = _fitted_state(est)
    est.set_params(warm_start=method == "warm_start")
    fit = est.partial_fit if method == "partial_fit" else est.fit
    with pytest.raises(ValueError, match=match):
        fit(X, y, sample_weight=make_weights(len(X)))
    _assert_state_unchanged(est, state)


BAD_CLASS_WEIGHTS = [1 + 2j, np.complex128(1), np.nan, np.inf, -np.inf, -1.0, "2", None, [1.0]]


@pytest.mark.parametrize("bad", BAD_CLASS_WEIGHTS, ids=repr)
def test_bad_class_weight_names_the_class(data, bad):
    X, y = data
    with pytest.raises(ValueError, match=r"class_weight has weight .* for class 1\b"):
        MLPClassifier(hidden_layer_sizes=(4,), max_iter=2,
                      class_weight={0: 1.0, 1: bad}).fit(X, y)


@pytest.mark.parametrize("bad", [np.nan, -2.0, 1j], ids=repr)
def test_bad_class_weight_of_one_label_names_the_label_and_class(bad):
    X, Y = make_multilabel_data()
    class_weight = [{0: 1.0, 1: 2.0}, {0: 1.0, 1: bad}, "balanced"]
    with pytest.raises(ValueError, match=r"class_weight\[1\] has weight .* for class 1\b"):
        MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, class_weight=class_weight).fit(X, Y)


def make_multilabel_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    return X, (X[:, :3] > 0).astype(int)


def test_check_class_weight_is_a_pure_function():
    from skmlp._class_weight import check_class_weight

    weights = {"a": 1, "b": np.float32(0.5)}
    checked = check_class_weight(weights, classes=["a", "b", "c"])
    assert checked == [{"a": 1.0, "b": 0.5}] and checked[0] is not weights
    assert all(type(w) is float for w in checked[0].values())
    assert weights == {"a": 1, "b": np.float32(0.5)}
    assert check_class_weight("balanced") == "balanced" and check_class_weight(None) is None
    assert check_class_weight([{0: 2}, "balanced"], n_columns=2) == [{0: 2.0}, "balanced"]
    with pytest.raises(ValueError, match="not classes"):
        check_class_weight({"z": 1.0}, classes=["a", "b"])
    with pytest.raises(ValueError, match="2 dicts but y has 3 labels"):
        check_class_weight([{0: 1.0}, {1: 1.0}], n_columns=3)
    with pytest.raises(ValueError, match=r"class_weight\[0\] must be a dict"):
        check_class_weight([3.0])


def test_partial_fit_with_bad_class_weight_changes_no_class_count(data):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,), class_weight="balanced", random_state=0)
    est.partial_fit(X, y, classes=[0, 1, 2])
    counts = est._class_weighting.counts.copy()
    state = _fitted_state(est)
    for bad in ({0: 1.0, 1: np.nan}, [{0: 1.0}, {1: 1.0}]):  # a NaN; two dicts for one column
        est.set_params(class_weight=bad)
        with pytest.raises(ValueError, match="class 1|2 dicts"):
            est.partial_fit(X, y)
        # "balanced" counts the classes of the whole stream: a failed call adds nothing
        np.testing.assert_array_equal(est._class_weighting.counts, counts)
        _assert_state_unchanged(est, state)


@pytest.mark.parametrize("warm_start", [False, True])
def test_fit_with_bad_class_weight_leaves_the_fitted_model(data, warm_start):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    state = _fitted_state(est)
    est.set_params(class_weight={0: 1.0, 1: -1.0}, warm_start=warm_start)
    with pytest.raises(ValueError, match="class 1"):
        est.fit(X, y)
    _assert_state_unchanged(est, state)


BAD_INITIALIZERS = [
    (Normal(std=-1.0), "std"),
    (Normal(std=np.nan), "std"),
    (Normal(std=np.inf), "std"),
    (Normal(mean=np.nan), "mean"),
    (Normal(mean=-np.inf), "mean"),
    (Uniform(low=0.1, high=-0.1), "low"),
    (Uniform(low=np.nan), "low"),
    (Uniform(high=np.inf), "high"),
    (Constant(np.nan), "value"),
    (Constant(np.inf), "value"),
    (Normal(std="0.1"), "std"),
]


@pytest.mark.parametrize("init, parameter", BAD_INITIALIZERS, ids=repr)
def test_check_initializer_names_the_estimator_parameter_and_its_own(init, parameter):
    with pytest.raises(ValueError, match=rf"^weight_init={re.escape(repr(init))}: "
                                         rf"The '{parameter}' parameter of"):
        check_initializer(init, "weight_init", activation="relu")
    # called directly, the initializer checks itself as well
    with pytest.raises(ValueError, match=f"'{parameter}' parameter"):
        init((3, 2), fan_in=3, fan_out=2, rng=np.random.default_rng(0))


def test_check_initializer_resolves_names_and_keeps_objects():
    init = Uniform(low=0.2, high=0.2)  # low == high is a constant, and allowed
    assert check_initializer(init, "bias_init") is init
    assert type(check_initializer("he_normal", "weight_init")) is type(HeNormal())
    auto = check_initializer("auto", "weight_init", activation="tanh")
    assert type(auto) is ScikitLearnUniform and auto.factor == 6.0
    assert check_initializer("auto", "weight_init", activation="logistic").factor == 2.0
    # bias_init="auto": each layer's biases drawn like its weights (scikit-learn's rule)
    assert check_initializer("auto", "bias_init", weight_init=init) is init
    assert check_initializer(Normal(std=0.0), "weight_init").std == 0.0
    with pytest.raises(ValueError, match="bias_init='auto' is not an initializer"):
        check_initializer("auto", "bias_init")


@pytest.mark.parametrize("init, parameter", BAD_INITIALIZERS, ids=repr)
@pytest.mark.parametrize("which", ["weight_init", "bias_init"])
def test_impossible_initializer_is_a_value_error_at_fit(data, which, init, parameter):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, **{which: init})
    with pytest.raises(ValueError, match=rf"{which}=.*'{parameter}' parameter"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize("init, parameter", BAD_INITIALIZERS[:1] + BAD_INITIALIZERS[5:6], ids=repr)
@pytest.mark.parametrize("warm_start", [False, True])
def test_fit_with_impossible_initializer_leaves_the_fitted_model(data, init, parameter,
                                                                 warm_start):
    X, y = data
    est = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    state = _fitted_state(est)
    est.set_params(weight_init=init, warm_start=warm_start)
    with pytest.raises(ValueError, match=f"'{parameter}' parameter"):
        est.fit(X, y)
    _assert_state_unchanged(est, state)


# --------------------------------------------------------------- relu's cache of zeros
def test_relu_zero_cache_stays_bounded_over_many_widths():
    relu = ACTIVATIONS["relu"].forward
    rng = np.random.default_rng(0)
    # many widths, row counts (growing and shrinking) and both dtypes; the last
    # shapes are larger than any cached array (1.5 MB)
    shapes = [(n_rows, width) for width in range(1, 200, 3) for n_rows in (7, 64, 3)]
    for dtype in (np.float32, np.float64):
        for shape in shapes + [(640, 300), (3, 64, 1000)]:
            Z = rng.standard_normal(shape).astype(dtype)
            expected = np.where(Z > 0, Z, 0)  # independent of np.maximum
            out = relu(Z)
            assert out is Z and out.dtype == dtype
            np.testing.assert_array_equal(out, expected)
    # a few arrays of bounded size, never one per width seen (134 widths x dtypes here)
    cached = list(activations._ZEROS.values())
    assert len(cached) <= 16
    assert sum(zeros.nbytes for zeros in cached) <= 16 * 2**20
    # what is cached stays zero and read-only
    assert all(not zeros.flags.writeable and not zeros.any() for zeros in cached)


# scipy reads SCIPY_ARRAY_API at import, and scikit-learn's array_api_dispatch needs it:
# the check runs in a fresh interpreter
ARRAY_API_SCRIPT = """
import warnings
import numpy as np
import sklearn
import array_api_strict as xp
from skmlp import MLPClassifier

warnings.simplefilter("ignore")
X, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
with sklearn.config_context(array_api_dispatch=True):
    model = MLPClassifier(max_iter=2).fit(X, y)
    print("numpy fits:", model.predict(X).shape)
    calls = {"fit": lambda: MLPClassifier(max_iter=2).fit(xp.asarray(X), y),
             "fit y": lambda: MLPClassifier(max_iter=2).fit(X, xp.asarray(y)),
             "predict": lambda: model.predict(xp.asarray(X))}
    for name, call in calls.items():
        try:
            call()
            print(name, "accepted")
        except TypeError as error:
            print(name, "refused:", error)
converted = MLPClassifier(max_iter=2).fit(xp.asarray(X), y)
print("without dispatch:", converted.predict(xp.asarray(X)).shape)
"""


def test_array_api_arrays_get_a_clear_error_under_dispatch():
    import os
    import subprocess
    import sys

    pytest.importorskip("array_api_strict")
    result = subprocess.run([sys.executable, "-c", ARRAY_API_SCRIPT], capture_output=True,
                            text=True, env={**os.environ, "SCIPY_ARRAY_API": "1"},
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "numpy fits: (40,)"
    for line, name, argument in zip(lines[1:4], ("fit", "fit y", "predict"),
                                    ("X", "y", "X")):
        assert line.startswith(f"{name} refused: {argument} is an array of array_api_strict")
        assert f"np.asarray({argument})" in line
    assert lines[4] == "without dispatch: (40,)"


def test_lbfgs_refuses_clip_norm():
    X, y = make_classification(n_samples=30, random_state=0)
    model = MLPClassifier(solver="lbfgs", clip_norm=1.0)
    with pytest.raises(ValueError, match="clip_norm clips the gradient of each step"):
        model.fit(X, y)
    assert not hasattr(model, "coefs_")


# ------------------------------------------------------ errors name the validation set
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("where", ["X_val", "y_val"])
def test_nan_in_the_validation_set_names_x_val_or_y_val(data, Estimator, where):
    X, y = data
    X_val, y_val = X[:30].copy(), y[:30].astype(float)
    (X_val[3] if where == "X_val" else y_val)[...] = np.nan
    model = Estimator(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y)
    state = _fitted_state(model)
    with pytest.raises(ValueError, match=f"Input {where} contains NaN"):
        model.fit(X, y, X_val=X_val, y_val=y_val)
    _assert_state_unchanged(model, state)


def test_validation_set_of_the_wrong_shape_names_it(data):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2)
    with pytest.raises(ValueError, match="X_val has 5 features, but X had 6"):
        model.fit(X, y, X_val=X[:30, :5], y_val=y[:30])
    with pytest.raises(ValueError, match="X_val has 30 samples but y_val has 29"):
        model.fit(X, y, X_val=X[:30], y_val=y[:29])
    with pytest.raises(ValueError, match="y_val has 2 outputs, but the training y has 1"):
        MLPRegressor(max_iter=2).fit(X, y, X_val=X, y_val=np.c_[y, y])
    with pytest.raises(ValueError, match=r"sample_weight_val.shape == \(29,\), expected \(30,\)"):
        model.fit(X, y, X_val=X[:30], y_val=y[:30], sample_weight_val=np.ones(29))
    with pytest.raises(ValueError, match="Negative values in sample_weight_val"):
        model.fit(X, y, X_val=X[:30], y_val=y[:30], sample_weight_val=-np.ones(30))
    assert not hasattr(model, "coefs_")


def test_unseen_labels_in_y_val_are_named_as_such(data):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=r"y_val contains labels \[2\] that the training y "
                                         r"lacks \(classes_ = \[0, 1\]\).*Drop those samples"):
        model.fit(X[y < 2], y[y < 2], X_val=X, y_val=y)
    assert not hasattr(model, "coefs_")
    with pytest.raises(ValueError, match="y_val has target type 'multilabel-indicator', but "
                                         "the training y is 'multiclass'"):
        model.fit(X, y, X_val=X, y_val=np.c_[y == 0, y == 1].astype(int))


# ------------------------------------------------- options accepted inconsistently
@pytest.mark.parametrize("dropout", [0.5, [0.5]])
def test_dropout_without_a_hidden_layer_is_refused_as_float_or_list(data, dropout):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(), max_iter=2, random_state=0).fit(X, y)
    state = _fitted_state(model)
    model.set_params(dropout=dropout)
    with pytest.raises(ValueError, match=r"drops hidden-layer outputs, but the network has "
                                         r"no hidden layer \(hidden_layer_sizes=\(\)\)"):
        model.fit(X, y)
    _assert_state_unchanged(model, state)
    for nothing_dropped in (0, 0.0, []):
        MLPClassifier(hidden_layer_sizes=(), max_iter=2, dropout=nothing_dropped).fit(X, y)


@pytest.mark.parametrize("binary", [False, True])
def test_the_multilabel_form_of_class_weight_is_refused_for_one_output(data, binary):
    X, y = data
    if binary:
        X, y = X[y < 2], y[y < 2]
    target_type = "binary" if binary else "multiclass"
    model = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y)
    state = _fitted_state(model)
    model.set_params(class_weight=[{0: 1.0, 1: 3.0}])
    with pytest.raises(ValueError, match=rf"class_weight is a list of 1 dict, the form for "
                                         rf"multilabel y \(one per label\), but y is "
                                         rf"{target_type}: pass the dict itself, "
                                         r"class_weight=\{0: 1.0, 1: 3.0\}"):
        model.fit(X, y)
    _assert_state_unchanged(model, state)
    model.set_params(class_weight=[{0: 1.0}, "balanced"])
    with pytest.raises(ValueError, match="list of 2 dicts, the form for multilabel y"):
        model.partial_fit(X, y)
    _assert_state_unchanged(model, state)
    X_ml, Y_ml = make_multilabel_data()  # where the list is the right form
    MLPClassifier(hidden_layer_sizes=(4,), max_iter=2,
                  class_weight=[{1: 2.0}, "balanced", {0: 1.0}]).fit(X_ml, Y_ml)
