"""skmlp.plot: each display draws what history_ and the fitted parameters hold."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, MLPRegressor

# the fixtures train for a few epochs on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

matplotlib = pytest.importorskip("matplotlib", reason='needs the "plot" extra (matplotlib)')
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skmlp.plot import (  # noqa: E402
    LossCurveDisplay,
    ParameterDistributionDisplay,
    ParameterTrajectoryDisplay,
)


@pytest.fixture(autouse=True)
def _close_figures():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield
    plt.close("all")


@pytest.fixture(scope="module")
def classifier():
    X, y = make_classification(n_samples=200, n_features=6, n_informative=4, random_state=0)
    return MLPClassifier(hidden_layer_sizes=(7, 5), max_iter=6, early_stopping=True,
                         n_iter_no_change=100, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def regressor():
    X, y = make_regression(n_samples=100, n_features=4, random_state=0)
    return MLPRegressor(hidden_layer_sizes=(6,), max_iter=4, random_state=0).fit(X, y / y.std())


def test_loss_curve_draws_training_and_validation_curves(classifier):
    display = LossCurveDisplay.from_estimator(classifier)
    history = classifier.history_
    np.testing.assert_allclose(display.lines_["loss"].get_ydata(), history["loss"])
    np.testing.assert_allclose(display.lines_["validation_loss"].get_ydata(),
                               history["validation_loss"])
    np.testing.assert_allclose(display.lines_["validation_score"].get_ydata(),
                               history["validation_score"])
    np.testing.assert_array_equal(display.lines_["loss"].get_xdata(), np.arange(1, 7))
    assert display.score_ax_ is not None and display.figure_ is display.ax_.figure


def test_loss_curve_without_validation_draws_only_the_training_loss(regressor):
    display = LossCurveDisplay.from_estimator(regressor, log_scale=True)
    assert list(display.lines_) == ["loss"]
    assert display.score_ax_ is None
    assert display.ax_.get_yscale() == "log"


@pytest.mark.parametrize("log_scale", [False, True])
def test_loss_curve_legend_covers_no_curve_and_nothing_leaves_the_canvas(log_scale):
    # falling losses and a rising score: matplotlib's "best" on the loss axes alone put
    # the legend in the upper right, under the score curve of the twin axes drawn above
    epochs = np.arange(1, 41)
    display = LossCurveDisplay(loss=2.0 / epochs, validation_loss=1.0 / epochs + 0.1,
                               validation_score=1 - 0.2 / epochs,
                               estimator_name="MLPClassifier").plot(log_scale=log_scale)
    legend = display.score_ax_.get_legend()  # drawn last, so no curve crosses it
    assert display.ax_.get_legend() is None
    assert [text.get_text() for text in legend.get_texts()] == [
        "training loss", "validation loss", "validation score"]
    figure = display.figure_
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    for axes in (display.ax_, display.score_ax_):
        for line in axes.get_lines():
            points = line.get_transform().transform(line.get_xydata())
            assert not box.count_contains(points), line.get_label()
    # the right axis label stays on the canvas (a new figure has a constrained layout)
    drawn = figure.get_tightbbox(renderer)
    width, height = figure.get_size_inches()
    assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height


def test_displays_draw_on_the_given_axes_and_accept_a_pipeline(classifier):
    X, y = make_classification(n_samples=100, n_features=6, random_state=1)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=3, random_state=0)).fit(X, y)
    _, ax = plt.subplots()
    for display in (
        LossCurveDisplay.from_estimator(pipe, ax=ax),
        ParameterDistributionDisplay.from_estimator(pipe, ax=ax),
        ParameterTrajectoryDisplay.from_estimator(pipe, ax=ax),
    ):
        assert display.ax_ is ax


@pytest.mark.parametrize("kind", ["weights", "biases"])
@pytest.mark.parametrize("statistic", ["mean", "std", "norm", "grad_norm"])
def test_trajectory_draws_the_recorded_statistic_per_layer(classifier, kind, statistic):
    display = ParameterTrajectoryDisplay.from_estimator(classifier, kind=kind,
                                                        statistic=statistic)
    prefix = "weight" if kind == "weights" else "bias"
    key = f"{prefix}_grad_norm" if statistic == "grad_norm" else f"{prefix}_{statistic}"
    expected = np.asarray(classifier.history_[key])
    assert len(display.lines_) == 3
    for layer, line in enumerate(display.lines_):
        np.testing.assert_allclose(line.get_ydata(), expected[:, layer])
    assert [line.get_label() for line in display.lines_] == [
        "hidden layer 1", "hidden layer 2", "output layer"]
    # "mean" also shades mean +- std, one band per layer
    assert len(display.ax_.collections) == (3 if statistic == "mean" else 0)


@pytest.mark.parametrize("kind", ["weights", "biases"])
def test_distribution_histograms_hold_every_parameter(classifier, kind):
    display = ParameterDistributionDisplay.from_estimator(classifier, kind=kind, bins=12,
                                                          density=False)
    arrays = classifier.coefs_ if kind == "weights" else classifier.intercepts_
    assert len(display.patches_) == len(arrays)
    # with density=False the outline of each layer's histogram encloses its count
    for patches, array in zip(display.patches_, arrays):
        heights = patches[0].get_xy()[:, 1]
        assert heights.max() <= array.size and heights.max() > 0


def test_distribution_of_constant_parameters_is_drawn():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    model = MLPClassifier(hidden_layer_sizes=(3,), weight_init="zeros", bias_init="zeros",
                          solver="sgd", learning_rate_init=1e-12, max_iter=1,
                          random_state=0).fit(X, y)
    display = ParameterDistributionDisplay.from_estimator(model, kind="weights")
    assert len(display.patches_) == 2


def test_bad_arguments_and_unfitted_estimators_raise(classifier):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(ValueError, match="kind must be one of"):
        ParameterDistributionDisplay.from_estimator(classifier, kind="coefs")
    with pytest.raises(ValueError, match="statistic must be one of"):
        ParameterTrajectoryDisplay.from_estimator(classifier, statistic="max")
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(MLPClassifier())
    with pytest.raises(TypeError, match="Expected a fitted skmlp"):
        LossCurveDisplay.from_estimator(StandardScaler())


@pytest.mark.parametrize("make", [lambda est: est, lambda est: make_pipeline(StandardScaler(),
                                                                             est)],
                         ids=["estimator", "pipeline"])
def test_scikit_learns_mlp_is_told_apart_from_skmlps(make):
    from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier

    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    theirs = make(SklearnMLPClassifier(hidden_layer_sizes=(3,), max_iter=3)).fit(X, y)
    with pytest.raises(TypeError) as raised:
        LossCurveDisplay.from_estimator(theirs)
    message = str(raised.value)
    assert "expected MLPClassifier, got MLPClassifier" not in message.lower()
    assert "Expected a fitted skmlp.MLPClassifier or skmlp.MLPRegressor" in message
    assert "got sklearn.neural_network.MLPClassifier." in message
    assert "fit skmlp.MLPClassifier instead" in message and "loss_curve_" in message
    with pytest.raises(TypeError, match=r"got sklearn.preprocessing.StandardScaler\.$"):
        ParameterTrajectoryDisplay.from_estimator(StandardScaler())
