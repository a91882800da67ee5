"""skmlp.model_selection: fused searches give scikit-learn's searches' results.

The reference is scikit-learn's own GridSearchCV / RandomizedSearchCV on the same
estimator, grid and folds. Besides the usual scores, the searches record scorers that
read the fitted models -- a fixed random projection of all their parameters, their L1
norm, n_iter_ and the final loss -- so that equal ``cv_results_`` mean equal models,
candidate by candidate and fold by fold.
"""

import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import GroupKFold, KFold
from sklearn.model_selection import RandomizedSearchCV as SklearnRandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

import skmlp._training
import skmlp.model_selection
from skmlp import MLPClassifier, MLPRegressor
from skmlp.initializers import Normal, Uniform
from skmlp.model_selection import GridSearchCV, RandomizedSearchCV, fused_estimator

# 123 rows: 5 folds of 24-25 rows, so the models' last minibatches differ in size
X_CLS, y_CLS = make_classification(n_samples=123, n_features=6, n_informative=4,
                                   n_classes=3, random_state=0)
X_REG, y_REG = make_regression(n_samples=123, n_features=5, noise=5.0, random_state=0)
PROJECTION = np.random.default_rng(0).normal(size=10_000)


def _final(estimator):
    while not hasattr(estimator, "coefs_"):
        estimator = estimator.steps[-1][1] if hasattr(estimator, "steps") else \
            estimator.regressor_
    return estimator


def _flat(estimator):
    mlp = _final(estimator)
    return np.concatenate([a.ravel() for a in mlp.coefs_ + mlp.intercepts_]).astype(float)


def _projection(estimator, X, y):
    flat = _flat(estimator)
    return float(flat @ PROJECTION[: flat.size])


SCORERS = {
    "score": lambda est, X, y: est.score(X, y),
    "projection": _projection,
    "l1": lambda est, X, y: float(np.abs(_flat(est)).sum()),
    "n_iter": lambda est, X, y: float(_final(est).n_iter_),
    "loss": lambda est, X, y: float(_final(est).loss_),
    "curve": lambda est, X, y: float(np.sum(_final(est).loss_curve_)),
}


def _compare(ours, theirs, rtol=1e-6, atol=1e-9):
    """Every per-split score and the best candidate agree."""
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    for key, value in theirs.cv_results_.items():
        if key.startswith(("split", "mean_test", "rank")):
            np.testing.assert_allclose(ours.cv_results_[key], value, rtol=rtol, atol=atol,
                                       err_msg=key)
    if hasattr(theirs, "best_params_"):
        assert ours.best_params_ == theirs.best_params_


def _searches(estimator, grid, cls=(GridSearchCV, SklearnGridSearchCV), **kwargs):
    kwargs.setdefault("cv", KFold(5, shuffle=True, random_state=0))
    kwargs.setdefault("scoring", SCORERS)
    kwargs.setdefault("refit", "score")
    return cls[0](estimator, grid, **kwargs), cls[1](estimator, grid, **kwargs)


def _fit_both(ours, theirs, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y, **fit_params)
        theirs.fit(X, y, **fit_params)


CLASSIFIER_GRID = [
    {"learning_rate_init": [1e-3, 2e-2], "alpha": [0.0, 1e-2]},
    {"alpha_l1": [1e-3], "penalize_intercepts": [True, False]},
    {"dropout": [0.2, [0.5]]},
    {"weight_init": ["he_normal", Normal(std=0.3)], "bias_init": ["uniform", Uniform(-1, 1)]},
    {"random_state": [1, 2]},
    {"beta_1": [0.8], "beta_2": [0.99], "epsilon": [1e-6]},
    {"learning_rate": ["invscaling", "adaptive", "cosine"], "power_t": [0.3]},
    {"max_iter": [3, 7], "tol": [1e-1], "n_iter_no_change": [2]},
    {"early_stopping": [True], "validation_fraction": [0.2, 0.3], "n_iter_no_change": [3]},
    {"class_weight": ["balanced", {0: 3.0}]},
]


@pytest.mark.parametrize("solver", ["adam", "sgd", "rmsprop", "adagrad"])
def test_fused_classifiers_are_the_plain_fits(solver, stacks):
    estimator = make_pipeline(StandardScaler(), MLPClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=12, batch_size=32,
        learning_rate_init=0.01, random_state=0))
    grid = [{f"mlpclassifier__{k}": v for k, v in g.items()} for g in CLASSIFIER_GRID]
    grid += [{"mlpclassifier__momentum": [0.5], "mlpclassifier__rho": [0.5],
              "standardscaler__with_mean": [False]}]
    # 5 folds give minibatches of different sizes (98-99 rows); 3 folds keep the others quick
    n_folds = 5 if solver == "adam" else 3
    ours, theirs = _searches(estimator, grid, cv=KFold(n_folds, shuffle=True, random_state=0))
    _fit_both(ours, theirs, X_CLS, y_CLS)
    _compare(ours, theirs)
    # one stack for all, but early-stopping models whose held-out rows leave them fewer
    # minibatches per epoch (5 folds: both fractions, 4 -> 3; 3 folds: 0.3 only, 3 -> 2)
    n_fits = len(ours.cv_results_["params"]) * n_folds
    apart = 2 * 5 if n_folds == 5 else 3
    assert sorted(stacks) == [apart, n_fits - apart]
    assert np.median(ours.cv_results_["mean_test_n_iter"]) > 5


@pytest.mark.parametrize("params, grid", [
    (dict(solver="adamw", batch_size=32, learning_rate_init=0.02),
     {"weight_decay": [0.0, 0.3], "penalize_intercepts": [False, True],
      "clip_norm": [None, 0.2]}),
    # 123 rows, 3 folds, batch 30: 3 minibatches an epoch (one_cycle steps each)
    (dict(batch_size=30, learning_rate_init=0.05),
     [{"learning_rate": ["one_cycle", "cosine", "constant"], "warmup_epochs": [0]},
      {"learning_rate": ["cosine", "constant"], "warmup_epochs": [2]}]),  # not one_cycle
], ids=["adamw-clipping", "warmup-one_cycle"])
def test_fused_optimizer_and_schedule_options_are_the_plain_fits(params, grid, stacks):
    estimator = MLPClassifier(hidden_layer_sizes=(8,), max_iter=6, random_state=0, **params)
    ours, theirs = _searches(estimator, grid, cv=KFold(3, shuffle=True, random_state=0))
    _fit_both(ours, theirs, X_CLS, y_CLS)
    _compare(ours, theirs)
    n_candidates = len(ours.cv_results_["params"])
    assert stacks == [n_candidates * 3]
    # the grid's parameters matter: every candidate's models differ
    assert len(set(ours.cv_results_["mean_test_projection"])) == n_candidates


def test_fused_regressors_are_the_plain_fits(stacks):
    estimator = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(6, 4), max_iter=10,
                                                     batch_size=40, random_state=0)),
        transformer=StandardScaler())
    prefix = "regressor__mlpregressor__"
    grid = [{f"{prefix}loss": ["huber"], f"{prefix}huber_delta": [0.5, 1.0, 2.0],
             f"{prefix}activation": ["tanh"]},
            {f"{prefix}learning_rate_init": [1e-3, 1e-2], f"{prefix}dropout": [0.0, 0.3],
             f"{prefix}early_stopping": [False, True]},
            {f"{prefix}loss": ["mse"], f"{prefix}alpha": [1e-1, 1.0]}]
    ours, theirs = _searches(estimator, grid)
    _fit_both(ours, theirs, X_REG, y_REG)
    _compare(ours, theirs)
    assert sorted(stacks) == [2 * 5, 3 * 5, 8 * 5]  # mse, huber+tanh, the rest


def test_float32_models_agree_to_1e_4():
    estimator = MLPClassifier(hidden_layer_sizes=(8,), max_iter=8, batch_size=32,
                              random_state=0)
    grid = {"learning_rate_init": [1e-3, 1e-2], "dropout": [0.0, 0.3]}
    ours, theirs = _searches(estimator, grid)
    X = StandardScaler().fit_transform(X_CLS).astype(np.float32)
    _fit_both(ours, theirs, X, y_CLS)
    assert _final(ours.best_estimator_).coefs_[0].dtype == np.float32
    _compare(ours, theirs, rtol=1e-4, atol=1e-6)


def test_a_diverging_candidate_scores_error_score_alone(monkeypatch):
    trained = []
    train = skmlp.model_selection.train

    def recording(members):
        trained.extend(members)
        return train(members)

    monkeypatch.setattr(skmlp.model_selection, "train", recording)
    estimator = MLPRegressor(hidden_layer_sizes=(8,), solver="sgd", max_iter=20,
                             random_state=0)
    grid = {"learning_rate_init": [1e-3, 50.0, 1e-2]}
    y = y_REG / 100
    ours, theirs = _searches(estimator, grid, scoring=None, refit=True, error_score=np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(FitFailedWarning, match="(?s)5 fits failed.*Training diverged"):
            ours.fit(X_REG, y)
        with pytest.warns(FitFailedWarning, match="5 fits failed"):
            theirs.fit(X_REG, y)
    assert np.isnan(ours.cv_results_["mean_test_score"][1])
    _compare(ours, theirs)
    # the diverged models' estimators are unfitted again, not left half-trained
    diverged = [m for m in trained if m.error is not None]
    assert len(diverged) == 5
    assert all(m.estimator.learning_rate_init == 50.0 for m in diverged)
    for m in diverged:
        assert vars(m.estimator).keys() == vars(clone(m.estimator)).keys()
    with pytest.raises(ValueError, match="Training diverged"):
        GridSearchCV(estimator, {"learning_rate_init": [50.0]}, error_score="raise").fit(
            X_REG, y)


def test_what_cannot_fuse_runs_as_in_scikit_learn(stacks):
    mlp = MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    grid = [{"solver": ["lbfgs", "adam"]}, {"hidden_layer_sizes": [(3,)]}]
    ours, theirs = _searches(mlp, grid, scoring=None, refit=True)
    _fit_both(ours, theirs, X_CLS, y_CLS)
    _compare(ours, theirs)
    assert sorted(stacks) == [5, 5]  # adam (5,) and adam (3,); lbfgs alone
    other = _searches(LogisticRegression(), {"C": [0.1, 1.0]}, scoring=None, refit=True)
    for search in other:
        search.fit(X_CLS, y_CLS)
    _compare(*other)
    assert fused_estimator(LogisticRegression()) is None
    assert fused_estimator(MLPClassifier(solver="lbfgs")) is None


def test_search_options_give_the_same_results():
    estimator = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(5,),
                                                              max_iter=6, random_state=0))
    grid = {"mlpclassifier__alpha": [1e-4, 1e-1], "mlpclassifier__learning_rate_init":
            [1e-3, 1e-2]}
    groups = np.arange(len(y_CLS)) % 7

    def best_low_alpha(cv_results):
        return int(np.argmax(cv_results["mean_test_accuracy"]
                             - 10 * np.array([p["mlpclassifier__alpha"]
                                              for p in cv_results["params"]])))

    for kwargs in (
        dict(scoring=["accuracy", "neg_log_loss"], refit="neg_log_loss",
             return_train_score=True),
        dict(scoring={"accuracy": "accuracy"}, refit=best_low_alpha, cv=GroupKFold(3)),
        dict(scoring="accuracy", n_jobs=2, cv=3),
        dict(scoring=None, refit=False, cv=KFold(4)),
    ):
        ours, theirs = _searches(estimator, grid, **kwargs)
        fit_params = {"groups": groups} if isinstance(kwargs.get("cv"), GroupKFold) else {}
        _fit_both(ours, theirs, X_CLS, y_CLS, **fit_params)
        _compare(ours, theirs)
        assert set(ours.cv_results_) == set(theirs.cv_results_)
        if kwargs.get("refit") is not False:
            np.testing.assert_allclose(ours.predict_proba(X_CLS), theirs.predict_proba(X_CLS))


def test_sample_weight_reaches_every_fit():
    estimator = MLPRegressor(hidden_layer_sizes=(5,), max_iter=6, random_state=0)
    weights = np.random.default_rng(0).uniform(0, 2, len(y_REG))
    # (scikit-learn's search routes sample_weight to scorers only that accept it)
    ours, theirs = _searches(estimator, {"alpha": [1e-4, 1.0]}, scoring=None, refit=True)
    _fit_both(ours, theirs, X_REG, y_REG / 100, sample_weight=weights)
    _compare(ours, theirs)


def test_randomized_search_is_scikit_learns():
    estimator = MLPClassifier(hidden_layer_sizes=(5,), max_iter=6, random_state=0)
    distributions = {"learning_rate_init": loguniform(1e-4, 1e-1), "alpha": loguniform(1e-5, 1)}
    ours, theirs = _searches(estimator, distributions, n_iter=6, random_state=3,
                             cls=(RandomizedSearchCV, SklearnRandomizedSearchCV))
    _fit_both(ours, theirs, X_CLS, y_CLS)
    _compare(ours, theirs)


def test_large_stacks_are_trained_in_chunks(monkeypatch, stacks):
    estimator = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    grid = {"alpha": [1e-4, 1e-3, 1e-2, 1e-1]}
    ours, theirs = _searches(estimator, grid)
    monkeypatch.setattr(skmlp._training, "_models_per_stack", lambda member: 3)
    _fit_both(ours, theirs, X_CLS, y_CLS)
    _compare(ours, theirs)
    assert stacks == [3] * 6 + [2]


def _deferred_member(X, y, **params):
    """The Member a fit of MLPClassifier(**params) hands to a fused search."""
    with skmlp._training.deferred_fits() as deferred:
        MLPClassifier(**params).fit(X, y)
    return deferred[0]


def test_stacks_are_bounded_by_memory_and_cache():
    X, y = np.zeros((400, 30)), np.arange(400) % 2
    small = _deferred_member(X, y, hidden_layer_sizes=(100,))
    wide = _deferred_member(X, y, hidden_layer_sizes=(300, 300), batch_size=20)
    gelu = _deferred_member(X, y, hidden_layer_sizes=(50,), activation="gelu", dropout=0.1)
    for m, units in ((small, 2), (wide, 2), (gelu, 5)):  # gelu keeps z, dropout masks
        sizes = m.network.layer_sizes
        buffers = 8 * m.batch_size * (sizes[0] + units * sum(sizes[1:-1]) + 3 * sizes[-1])
        per_model = 8 * 7 * m.network.params.shape[1] + buffers
        k = skmlp._training._models_per_stack(m)
        assert k * per_model <= skmlp._training.STACK_MEMORY_BYTES
        assert k * buffers <= skmlp._training.STACK_CACHE_BYTES
        assert ((k + 1) * per_model > skmlp._training.STACK_MEMORY_BYTES
                or (k + 1) * buffers > skmlp._training.STACK_CACHE_BYTES)
    assert skmlp._training._models_per_stack(small) > 5


def test_stacks_are_balanced_and_keep_a_folds_models_together(monkeypatch):
    rng = np.random.default_rng(0)
    folds = [rng.normal(size=(40, 3)) for _ in range(2)]
    y = np.arange(40) % 2
    # fold 0, fold 1, fold 0, ...: 7 models, stacks of at most 3
    members = [_deferred_member(folds[i % 2], y, alpha=i * 1e-3, max_iter=1)
               for i in range(7)]
    monkeypatch.setattr(skmlp._training, "_models_per_stack", lambda member: 3)
    stacks = list(skmlp._training.stack_groups(members))
    assert sorted(len(s) for s in stacks) == [2, 2, 3]
    assert sorted(m.estimator.alpha for s in stacks for m in s) == \
        sorted(m.estimator.alpha for m in members)
    # fold 0 has 4 models and fold 1 has 3: only one stack mixes the two
    assert sum(len({id(m.X) for m in s}) > 1 for s in stacks) == 1


def test_stacked_models_record_their_plain_fits_history():
    grid = [dict(alpha=1e-4), dict(alpha=1e-1, dropout=0.3), dict(random_state=5),
            dict(learning_rate_init=3e-2, class_weight="balanced")]
    base = dict(hidden_layer_sizes=(7, 5), max_iter=4, batch_size=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with skmlp._training.deferred_fits() as deferred:
            stacked = [MLPClassifier(**{**base, **p}).fit(X_CLS, y_CLS) for p in grid]
        skmlp._training.train(deferred)
        plain = [MLPClassifier(**{**base, **p}).fit(X_CLS, y_CLS) for p in grid]
    for ours, theirs in zip(stacked, plain):
        for key, values in theirs.history_.items():
            if key == "scoring":  # names, not numbers
                assert ours.history_[key] == values
            elif key != "time":
                np.testing.assert_allclose(ours.history_[key], values, rtol=1e-9,
                                           err_msg=key)


def test_a_folds_candidates_share_one_target_encoding():
    X, y = np.zeros((40, 3)), np.where(np.arange(40) % 3, "yes", "no").astype(object)
    with skmlp._training.deferred_fits() as deferred:
        for alpha in (1e-4, 1e-2):
            MLPClassifier(alpha=alpha).fit(X, y)
        MLPClassifier().fit(X, y.copy())  # another fold's targets
    first, second, other = (m.estimator for m in deferred)
    assert first._label_binarizer is second._label_binarizer
    assert other._label_binarizer is not first._label_binarizer
    assert first.classes_.tolist() == ["no", "yes"]
    np.testing.assert_array_equal(deferred[0].Y, deferred[2].Y)
    # each model has its own targets array: sharing the encoding shares no state
    assert deferred[0].Y is not deferred[1].Y
    # outside a fused search every fit encodes its own targets
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = [MLPClassifier(max_iter=1).fit(X, y) for _ in range(2)]
    assert plain[0]._label_binarizer is not plain[1]._label_binarizer


def test_large_networks_are_not_stacked(stacks):
    # 61-62 rows per minibatch times 79,000 parameters: over LARGE_MODEL_MULTIPLY_ADDS
    estimator = MLPClassifier(hidden_layer_sizes=(1200, 60), max_iter=1, random_state=0)
    search = GridSearchCV(estimator, {"alpha": [1e-4, 1e-2]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_CLS, y_CLS)
    assert stacks == [1, 1, 1, 1]


class _Recorder:
    """A callback on the estimator itself (it does nothing: its presence is the point)."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        return False


def test_callbacks_take_scikit_learns_path(stacks):
    pytest.importorskip("sklearn.callback")
    recorder = _Recorder()
    estimator = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    estimator.set_callbacks(recorder)
    ours, theirs = _searches(estimator, {"alpha": [1e-4, 1e-2]}, scoring=None, refit=True)
    _fit_both(ours, theirs, X_CLS, y_CLS)
    _compare(ours, theirs)
    assert stacks == []
    assert fused_estimator(estimator) is None


def test_search_callbacks_take_scikit_learns_path(stacks, capsys):
    callback = pytest.importorskip("sklearn.callback")
    pytest.importorskip("rich", reason="ProgressBar needs rich")
    estimator = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    search = GridSearchCV(estimator, {"alpha": [1e-4, 1e-2]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.set_callbacks(callback.ProgressBar(max_propagation_depth=None)).fit(X_CLS, y_CLS)
    assert "MLPClassifier - fit" in capsys.readouterr().out
    assert stacks == []


def test_scorers_see_each_fitted_model():
    seen = []

    def scorer(estimator, X, y):
        seen.append((estimator.n_iter_, len(estimator.history_["loss"]),
                     estimator.coefs_[0].copy()))
        return 0.0

    estimator = MLPClassifier(hidden_layer_sizes=(4,), random_state=0, tol=1e9,
                              n_iter_no_change=1)
    GridSearchCV(estimator, {"max_iter": [2, 5]}, scoring=scorer, cv=2).fit(X_CLS, y_CLS)
    # with tol=1e9 no epoch after the first improves: training stops after the third
    assert sorted(n for n, _, _ in seen) == [2, 2, 3, 3]
    assert all(n == length for n, length, _ in seen)
    assert not np.allclose(seen[0][2], seen[1][2])  # their own parameters


def test_fusion_is_decided_per_candidate(stacks):
    # an lbfgs estimator whose grid asks for adam fuses those candidates; minibatch sizes
    # that give the same number of minibatches (98-99 rows: 4 of 25-30) share a stack
    estimator = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5,
                              random_state=0)
    grid = [{"solver": ["adam"], "batch_size": [25, 28, 30]}, {"solver": ["lbfgs"]}]
    ours, theirs = _searches(estimator, grid, scoring=None, refit=True)
    _fit_both(ours, theirs, X_CLS, y_CLS)
    _compare(ours, theirs)
    assert stacks == [3 * 5]


def test_a_rejected_deferred_fit_leaves_the_estimator_unfitted():
    # the weights are checked after X and y were validated and encoded (on the trial)
    estimator = MLPClassifier(hidden_layer_sizes=(4,))
    with skmlp._training.deferred_fits() as deferred:
        with pytest.raises(ValueError, match="Negative values in sample_weight"):
            estimator.fit(X_CLS, y_CLS, sample_weight=-np.ones(len(y_CLS)))
    assert deferred == [] and not hasattr(estimator, "coefs_")
    assert not [name for name in vars(estimator) if name.endswith("_")]


def test_verbose_fused_models_print_each_fits_lines_together(stacks, capsys):
    """As scikit-learn's search prints them, fit after fit, not epochs interleaved."""
    estimator = MLPClassifier(hidden_layer_sizes=(5,), batch_size=40, verbose=True,
                              random_state=0)
    grid = {"max_iter": [3, 5], "learning_rate_init": [1e-3, 1e-2]}
    cv = KFold(2, shuffle=True, random_state=0)
    lines = {}
    for Search in (GridSearchCV, SklearnGridSearchCV):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            Search(estimator, grid, cv=cv).fit(X_CLS, y_CLS)
        out = capsys.readouterr().out.splitlines()
        # the refit's lines come last in both; drop each line's seconds
        lines[Search] = [line.rsplit(",", 1)[0] for line in out]
    assert stacks[0] == 8  # the 4 x 2 fits trained as one stack
    ours = lines[GridSearchCV]
    iterations = [int(line.split(",")[0].split()[1]) for line in ours]
    # 8 blocks counting 1, 2, ...: 4 fits of 3 epochs and 4 of 5, then the refit's 3 or 5
    blocks = np.split(iterations, np.flatnonzero(np.diff(iterations) != 1) + 1)
    assert all(list(b) == list(range(1, len(b) + 1)) for b in blocks)
    assert sorted(len(b) for b in blocks[:-1]) == [3] * 4 + [5] * 4
    assert sorted(ours) == sorted(lines[SklearnGridSearchCV])


def test_the_fused_fit_validates_parameters_and_tears_callbacks_down():
    # BaseSearchCV.fit runs in scikit-learn's _fit_context; the fused fit that replaces
    # it too: invalid parameters are rejected, the callback context is not left behind
    estimator = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        GridSearchCV(estimator, {"alpha": [1e-4]}, n_jobs="two").fit(X_CLS, y_CLS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(estimator, {"alpha": [1e-4]}, cv=2).fit(X_CLS, y_CLS)
    assert not [name for name in vars(search) if "callback" in name]
