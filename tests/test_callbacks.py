"""scikit-learn's callback API (scikit-learn >= 1.9): one task per fit, one subtask per epoch."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, MLPRegressor

callback = pytest.importorskip(
    "sklearn.callback", reason="scikit-learn < 1.9 has no callback API (nothing to test)"
)


class Recorder:
    """Records every hook call with the task and, at epoch ends, a fitted copy's state."""

    def __init__(self, stop_after=None):
        self.calls = []
        self.stop_after = stop_after

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None,
                          fitted_estimator=None):
        self.calls.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None,
                        fitted_estimator=None):
        self.calls.append(("end", context.task_name, fitted_estimator, metadata))
        ended = sum(1 for call in self.calls if call[:2] == ("end", context.task_name))
        return self.stop_after is not None and context.task_name != "fit" and \
            ended >= self.stop_after


# short fits on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=200, n_features=6, n_informative=4, random_state=0)
    return StandardScaler().fit_transform(X), y


def _names(recorder, kind):
    return [call[1] for call in recorder.calls if call[0] == kind]


def test_fit_is_one_task_with_one_subtask_per_epoch(data):
    X, y = data
    recorder = Recorder()
    weights = np.linspace(0.5, 1.5, len(y))
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=4, random_state=0)
    model.set_callbacks(recorder).fit(X, y, sample_weight=weights)
    assert recorder.calls[0] == ("setup", "fit")
    assert recorder.calls[-1] == ("teardown", "fit")
    assert _names(recorder, "begin") == ["fit"] + ["epoch"] * 4
    assert _names(recorder, "end") == ["epoch"] * 4 + ["fit"]
    ends = [call for call in recorder.calls if call[0] == "end"]
    # each epoch's fitted copy predicts with the parameters of that epoch
    for epoch, (_, _, fitted, metadata) in enumerate(ends[:-1]):
        assert fitted.n_iter_ == epoch + 1
        norms = [np.linalg.norm(c) for c in fitted.coefs_]
        assert norms == pytest.approx(model.history_["weight_norm"][epoch], rel=1e-6)
        np.testing.assert_array_equal(metadata["sample_weight"], weights)
    np.testing.assert_array_equal(ends[-1][2].predict(X), model.predict(X))
    # the running fit's state is not shared with the copies
    assert ends[0][2].coefs_[0] is not model.coefs_[0]


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_callback_can_stop_training(data, solver):
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopping is not a failure
        model.set_callbacks(Recorder(stop_after=3)).fit(X, y)
    assert model.n_iter_ == 3
    assert len(model.history_["loss"]) == 3


def test_lbfgs_iterations_are_subtasks(data):
    X, y = data
    recorder = Recorder()
    model = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5, random_state=0)
    model.set_callbacks(recorder).fit(X, y)
    # as scikit-learn's LogisticRegression: the last iteration task begins and ends empty
    assert _names(recorder, "begin").count("lbfgs-iteration") == model.n_iter_ + 1
    fitted = [call[2] for call in recorder.calls if call[:2] == ("end", "lbfgs-iteration")]
    assert [f.n_iter_ for f in fitted[:-1]] == list(range(1, model.n_iter_ + 1))
    assert fitted[-1] is None


def test_partial_fit_is_one_epoch_task(data):
    X, y = data
    recorder = Recorder()
    model = MLPRegressor(hidden_layer_sizes=(5,), random_state=0).set_callbacks(recorder)
    model.partial_fit(X, y.astype(float))
    assert _names(recorder, "begin") == ["partial_fit", "epoch"]


def test_scoring_monitor_scores_every_epoch_inside_pipeline_and_grid_search(data):
    X, y = data
    monitor = callback.ScoringMonitor(scoring="accuracy")
    pipe = make_pipeline(StandardScaler(),
                         MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0))
    pipe[-1].set_callbacks(monitor)
    search = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-1]}, cv=2).fit(X, y)
    logs = monitor.get_logs(select="all")
    epoch_rows = [row for log in logs for row in log.data if row["task_name"] == "epoch"]
    # 2 candidates x 2 folds + the refit, 3 epochs each
    assert len(epoch_rows) == 5 * 3
    assert all(0.0 <= row["accuracy"] <= 1.0 for row in epoch_rows)
    assert search.best_estimator_[-1].n_iter_ == 3


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_progress_bar_inside_pipeline_and_grid_search(data, n_jobs, capsys):
    pytest.importorskip("rich", reason='ProgressBar needs the "progress" extra (rich)')
    X, y = data
    pipe = make_pipeline(StandardScaler(),
                         MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0))
    search = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-1]}, cv=2, n_jobs=n_jobs)
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None)).fit(X, y)
    out = capsys.readouterr().out
    assert "MLPClassifier - fit" in out
    assert search.best_estimator_[-1].n_iter_ == 3


def test_progress_bar_on_the_estimator(data, capsys):
    pytest.importorskip("rich", reason='ProgressBar needs the "progress" extra (rich)')
    X, y = data
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    model.set_callbacks(callback.ProgressBar()).fit(X, y)
    assert "MLPClassifier - fit" in capsys.readouterr().out
