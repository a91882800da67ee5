"""Every call is all-or-nothing: a failed fit, partial_fit or set_params leaves the
estimator exactly as it was (SPEC, "Every call is all-or-nothing")."""

import copy
import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skmlp import MLPClassifier, MLPRegressor
from skmlp._callbacks import CALLBACKS_AVAILABLE
from skmlp._network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
STOCHASTIC = ["sgd", "adam", "rmsprop", "adagrad"]


@pytest.fixture
def classification():
    return make_classification(n_samples=120, n_features=6, n_informative=4, n_classes=3,
                               random_state=0)


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=120, n_features=6, random_state=0)
    return X, y / y.std()


def _fitted_state(estimator, with_times=True):
    """Every fitted attribute (and the private training state), deep-copied to compare.

    ``with_times=False`` leaves out the seconds each epoch took (two runs never agree).
    """
    params = estimator.get_params(deep=False)
    # the callbacks set_callbacks stored are configuration, not fitted state
    state = copy.deepcopy({name: value for name, value in vars(estimator).items()
                           if name not in params and name != "_network"
                           and not name.startswith("_skl_")})
    if not with_times:
        state["history_"].pop("time")
    return pickle.dumps(state)


def _assert_unchanged(estimator, before, X):
    assert _fitted_state(estimator) == before["state"]
    np.testing.assert_array_equal(estimator.predict(X), before["predict"])


_LOSS_AND_GRADIENT = Network.loss_and_gradient


def _fail_on_call(monkeypatch, n, exception):
    """Make the n-th loss evaluation from now on raise ``exception`` (mid-training)."""
    original = _LOSS_AND_GRADIENT
    calls = []

    def fail(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise exception
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "loss_and_gradient", fail)


def _snapshot(estimator, X):
    return {"state": _fitted_state(estimator), "predict": estimator.predict(X).copy()}


def test_rejected_y_keeps_classes_and_features(classification):
    X, y = classification
    clf = MLPClassifier(**SMALL).fit(X, y)
    before = _snapshot(clf, X)
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X[:, :4], np.linspace(0, 1, len(X)))  # new width, then a rejected y
    _assert_unchanged(clf, before, X)
    assert clf.n_features_in_ == 6


def test_rejected_sample_weight_keeps_output_shape(regression):
    X, y = regression
    reg = MLPRegressor(**SMALL).fit(X, y)
    before = _snapshot(reg, X)
    with pytest.raises(ValueError, match="Negative"):
        reg.fit(X, np.c_[y, y], sample_weight=-np.ones(len(X)))
    _assert_unchanged(reg, before, X)
    assert reg.predict(X).shape == (len(X),)


@pytest.mark.skipif(not CALLBACKS_AVAILABLE, reason="needs scikit-learn >= 1.9 callbacks")
def test_callback_failing_in_setup_keeps_the_trained_model(classification):
    class FailingSetup:
        def setup(self, estimator, context):
            raise RuntimeError("setup failed")

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, context, **kwargs):
            pass

        def on_fit_task_end(self, context, **kwargs):
            pass

    X, y = classification
    clf = MLPClassifier(**SMALL).fit(X, y)
    before = _snapshot(clf, X)
    clf.set_callbacks(FailingSetup())
    with pytest.raises(RuntimeError, match="setup failed"):
        clf.fit(X, y)
    _assert_unchanged(clf, before, X)


@pytest.mark.parametrize("exception", [MemoryError, KeyboardInterrupt])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_exception_during_training_keeps_the_model(classification, monkeypatch, exception,
                                                   solver):
    X, y = classification
    clf = MLPClassifier(**SMALL, solver=solver).fit(X, y)
    before = _snapshot(clf, X)
    for warm_start in (False, True):
        _fail_on_call(monkeypatch, 3, exception)
        with pytest.raises(exception):
            clf.set_params(warm_start=warm_start).fit(X, y)
        _assert_unchanged(clf, before, X)
    # self-consistent, and training goes on as if nothing happened
    assert clf.n_iter_ == len(clf.loss_curve_) == len(clf.history_["loss"])


def test_first_fit_that_fails_leaves_the_estimator_unfitted(regression, monkeypatch):
    X, y = regression
    reg = MLPRegressor(**SMALL)
    monkeypatch.setattr(Network, "loss_and_gradient", lambda *a, **k: (_ for _ in ()).throw(
        MemoryError))
    with pytest.raises(MemoryError):
        reg.fit(X, y)
    assert set(vars(reg)) == set(reg.get_params(deep=False))


@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_rejected_partial_fit_batch_leaves_no_trace(classification, solver, class_weight):
    """After a batch rejected as diverging, the next good batch trains exactly as if the
    rejected one never came: parameters, optimizer, schedule, counters, class counts."""
    X, y = classification
    classes = np.unique(y)
    params = dict(**SMALL, solver=solver, class_weight=class_weight, batch_size=40)
    clean = MLPClassifier(**params).partial_fit(X[:60], y[:60], classes=classes)
    rejected = copy.deepcopy(clean)
    bad_X = np.full((40, X.shape[1]), 1.7e308)  # the products overflow: the loss is not finite
    bad_y = np.arange(40) % 3  # some labels wrong by 1e300: the loss overflows
    before = _snapshot(rejected, X)
    with pytest.raises(ValueError, match="diverged"):
        rejected.partial_fit(bad_X, bad_y)
    _assert_unchanged(rejected, before, X)
    for model in (clean, rejected):
        model.partial_fit(X[60:], y[60:])
    assert _fitted_state(rejected, with_times=False) == _fitted_state(clean, with_times=False)
    for a, b in zip(rejected.coefs_ + rejected.intercepts_, clean.coefs_ + clean.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_rejected_partial_fit_labels_do_not_count_for_balanced(classification):
    X, y = classification
    clf = MLPClassifier(**SMALL, class_weight="balanced")
    clf.partial_fit(X, y, classes=np.unique(y))
    counts = clf._class_weighting.counts.copy()
    with pytest.raises(ValueError, match="not seen"):
        clf.partial_fit(X[:10], np.full(10, 7))
    with pytest.raises(ValueError, match="diverged"):
        clf.partial_fit(np.full((10, X.shape[1]), 1.7e308), np.arange(10) % 3)
    np.testing.assert_array_equal(clf._class_weighting.counts, counts)


def test_set_params_is_all_or_nothing():
    from skmlp.initializers import Normal

    clf = MLPClassifier(alpha=1e-4, weight_init=Normal(std=0.1))
    before = clf.get_params(deep=True)
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        clf.set_params(alpha=3.0, weight_init__std=0.5, bogus=1)
    assert clf.get_params(deep=True) == before


def test_every_attribute_a_fit_sets_is_committed_state(classification, regression):
    """A fit sets only constructor parameters and fitted state: nothing escapes the commit."""
    from skmlp._mlp import _is_state

    for estimator, (X, y), then_partial_fit in [
        (MLPClassifier(**SMALL, early_stopping=True, class_weight="balanced"), classification,
         False),
        (MLPClassifier(**SMALL, class_weight="balanced"), classification, True),
        (MLPRegressor(**SMALL, solver="lbfgs"), regression, False),
        (MLPRegressor(**SMALL, solver="sgd"), regression, True),
    ]:
        params = set(estimator.get_params(deep=False))
        estimator.fit(X, y)
        if then_partial_fit:
            estimator.partial_fit(X, y)
        unknown = {name for name in vars(estimator)
                   if name not in params and not _is_state(name)}
        assert not unknown


def test_lbfgs_interrupted_keeps_a_consistent_model(regression, monkeypatch):
    X, y = regression
    reg = MLPRegressor(**SMALL, solver="lbfgs").fit(X, y)
    assert reg.n_iter_ == len(reg.loss_curve_) == len(reg.history_["loss"]) > 0
    before = _snapshot(reg, X)
    _fail_on_call(monkeypatch, 4, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        reg.fit(X, y)
    _assert_unchanged(reg, before, X)


def test_rejected_set_params_leaves_objects_passed_in_the_call_untouched():
    from skmlp.initializers import Normal

    new = Normal(std=0.2)
    clf = MLPClassifier()
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        clf.set_params(weight_init=new, weight_init__std=0.7, bogus=1)
    assert new.std == 0.2 and clf.weight_init == "auto"


def test_partial_fit_appends_to_the_curves_instead_of_copying_them(classification):
    """A stream of partial_fit calls costs O(1) per call in its history: the committed lists
    are extended at commit, not copied into every trial."""
    X, y = classification
    clf = MLPClassifier(**SMALL).partial_fit(X, y, classes=np.unique(y))
    curve, losses = clf.loss_curve_, clf.history_["loss"]
    for _ in range(3):
        clf.partial_fit(X, y)
    assert clf.loss_curve_ is curve and clf.history_["loss"] is losses
    assert len(curve) == len(losses) == 4


def test_huge_finite_sample_weights_are_scaled_not_zeroed(regression):
    X, y = regression
    plain = MLPRegressor(**SMALL, alpha=0.0).fit(X, y)
    huge = MLPRegressor(**SMALL, alpha=0.0).fit(X, y, sample_weight=np.full(len(X), 1.7e308))
    np.testing.assert_allclose(huge.coefs_[0], plain.coefs_[0], rtol=1e-10, atol=1e-12)


@pytest.mark.skipif(not CALLBACKS_AVAILABLE, reason="needs scikit-learn >= 1.9 callbacks")
def test_callbacks_fitted_estimator_is_the_model_being_trained(classification):
    """Refit on an array after a DataFrame fit: the callback's fitted estimator has no stale
    feature names, and what it holds does not grow with the running fit."""
    pd = pytest.importorskip("pandas")
    X, y = classification
    seen = []

    class PredictEachEpoch:
        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context, **kwargs):
            pass

        def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, **kwargs):
            if context.task_name == "epoch":
                with warnings.catch_warnings():
                    warnings.simplefilter("error", UserWarning)  # stale feature names
                    fitted_estimator.predict(X)
                seen.append(fitted_estimator)
            return False

    clf = MLPClassifier(**SMALL).fit(pd.DataFrame(X), y)
    clf.set_callbacks(PredictEachEpoch()).fit(X, y)
    assert [len(m.history_["loss"]) for m in seen] == list(range(1, SMALL["max_iter"] + 1))


# each refusal of issue 18: the fitted model it is asked of stays bit-identical
REFUSALS = [
    pytest.param(dict(solver="lbfgs"), dict(learning_rate="one_cycle"), {},
                 "takes no such steps", id="lbfgs-one_cycle"),
    pytest.param(dict(solver="lbfgs"), dict(warmup_epochs=2), {}, "takes no such steps",
                 id="lbfgs-warmup"),
    pytest.param({}, dict(warmup_epochs=SMALL["max_iter"]), {}, "no epoch would follow",
                 id="warmup-max_iter"),
    pytest.param(dict(learning_rate="one_cycle"), dict(warmup_epochs=1), {},
                 "one_cycle warms up itself", id="one_cycle-warmup"),
    pytest.param(dict(hidden_layer_sizes=()), dict(dropout=0.5), {}, "no hidden layer",
                 id="dropout-no-hidden-layer"),
    pytest.param({}, dict(class_weight=[{0: 2.0}]), {}, "the form for multilabel y",
                 id="class_weight-list"),
    pytest.param({}, dict(scoring="r2", early_stopping=True), {}, "is a regression metric",
                 id="scoring-r2"),
    pytest.param({}, {}, dict(X_val="nan"), "Input X_val contains NaN", id="X_val-nan"),
    pytest.param({}, {}, dict(y_val=[9]), r"y_val contains labels \[9\]", id="y_val-label"),
    pytest.param({}, {}, dict(sample_weight_val=2), r"sample_weight_val.shape",
                 id="sample_weight_val-length"),
]


def _validation_set(X, y, given):
    X_val, y_val = X[:20].copy(), y[:20].copy()
    if given.get("X_val") == "nan":
        X_val[0, 0] = np.nan
    if "y_val" in given:
        y_val[0] = given["y_val"][0]
    if "sample_weight_val" in given:
        return dict(X_val=X_val, y_val=y_val,
                    sample_weight_val=np.ones(len(X_val) + given["sample_weight_val"]))
    return dict(X_val=X_val, y_val=y_val) if given else {}


@pytest.mark.parametrize("warm_start", [False, True])
@pytest.mark.parametrize("fitted_with, change, fit_params, match", REFUSALS)
def test_a_refused_fit_leaves_the_fitted_model_bit_identical(classification, fitted_with,
                                                             change, fit_params, match,
                                                             warm_start):
    X, y = classification
    clf = MLPClassifier(**{**SMALL, **fitted_with}).fit(X, y)
    before = _snapshot(clf, X)
    clf.set_params(warm_start=warm_start, **change)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, **_validation_set(X, y, fit_params))
    _assert_unchanged(clf, before, X)


def test_a_refused_partial_fit_leaves_the_model_bit_identical(classification):
    X, y = classification
    clf = MLPClassifier(**SMALL, learning_rate="one_cycle").fit(X, y)
    before = _snapshot(clf, X)
    with pytest.raises(ValueError, match="partial_fit makes one pass per call"):
        clf.partial_fit(X, y)
    _assert_unchanged(clf, before, X)
    clf.set_params(learning_rate="constant", class_weight=[{0: 2.0}])
    with pytest.raises(ValueError, match="the form for multilabel y"):
        clf.partial_fit(X, y)
    _assert_unchanged(clf, before, X)
