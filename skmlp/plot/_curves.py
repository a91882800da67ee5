"""Per-epoch curves read from ``history_``: the loss, and each layer's parameter statistics."""

import numpy as np

from ._base import axes_or_new, check_option, fitted_mlp, layer_label


class LossCurveDisplay:
    """Training loss per epoch, with the validation loss and score when there were any.

    Build it with :meth:`from_estimator`; the constructor takes the curves.

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss (mean minibatch loss, penalties included) per epoch.
    validation_loss : array-like of shape (n_epochs,), default=None
        Validation loss per epoch; None or all NaN when there was no validation set.
    validation_score : array-like of shape (n_epochs,), default=None
        Validation score per epoch, drawn on a second y axis.
    score_name : str, default=None
        The validation score's metric (the estimator's ``scoring``, e.g.
        ``"accuracy"``, ``"neg_log_loss"``), in the labels; None labels it "score".
    estimator_name : str, default=None
        Shown in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the loss curves.
    score_ax_ : matplotlib Axes or None
        Twin axes with the validation score, or None without one. It is drawn over
        ``ax_``, so it holds the legend (of every curve), where the legend covers the
        fewest points of the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.
    lines_ : dict of str to matplotlib Line2D
        The drawn lines, under ``"loss"``, ``"validation_loss"``, ``"validation_score"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skmlp import MLPClassifier
    >>> from skmlp.plot import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(max_iter=300, early_stopping=True, random_state=0).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(clf)
    >>> sorted(display.lines_)
    ['loss', 'validation_loss', 'validation_score']
    """

    def __init__(self, loss, validation_loss=None, validation_score=None, score_name=None,
                 estimator_name=None):
        self.loss = loss
        self.validation_loss = validation_loss
        self.validation_score = validation_score
        self.score_name = score_name
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, log_scale=False):
        """Plot the loss curves of a fitted estimator.

        Parameters
        ----------
        estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
            A fitted estimator.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        log_scale : bool, default=False
            Logarithmic loss axis.

        Returns
        -------
        display : LossCurveDisplay
        """
        mlp = fitted_mlp(estimator)
        history = mlp.history_
        # the last fit's metric (a warm start may have changed scoring)
        names = [name for name in history.get("scoring", []) if name is not None]
        return cls(
            loss=history["loss"],
            validation_loss=history["validation_loss"],
            validation_score=history["validation_score"],
            score_name=names[-1] if names else None,
            estimator_name=type(mlp).__name__,
        ).plot(ax=ax, log_scale=log_scale)

    def plot(self, ax=None, *, log_scale=False):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        log_scale : bool, default=False
            Logarithmic loss axis.

        Returns
        -------
        display : LossCurveDisplay
            This object, with ``ax_``, ``score_ax_``, ``figure_`` and ``lines_`` set.
        """
        ax = axes_or_new(ax)
        loss = np.asarray(self.loss, dtype=float)
        epochs = np.arange(1, len(loss) + 1)
        self.lines_ = {"loss": ax.plot(epochs, loss, label="training loss")[0]}
        if _has_values(self.validation_loss):
            self.lines_["validation_loss"] = ax.plot(
                epochs, self.validation_loss, label="validation loss"
            )[0]
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        if log_scale:
            ax.set_yscale("log")
        self.score_ax_ = None
        if _has_values(self.validation_score):
            label = f"validation {self.score_name or 'score'}"
            self.score_ax_ = ax.twinx()
            self.lines_["validation_score"] = self.score_ax_.plot(
                epochs, self.validation_score, color="tab:green", linestyle="--", label=label,
            )[0]
            self.score_ax_.set_ylabel(label)
        # on the axes drawn last, so that no curve crosses it
        _legend_where_no_curve_is(self.score_ax_ or ax, [ax, self.score_ax_],
                                  list(self.lines_.values()))
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        self.ax_, self.figure_ = ax, ax.figure
        return self


_STATISTICS = {
    "mean": "mean",
    "std": "standard deviation",
    "norm": "L2 norm",
    "grad_norm": "gradient L2 norm (mean over minibatches)",
}


class ParameterTrajectoryDisplay:
    """One line per layer: how a statistic of its weights or biases moved over the epochs.

    Build it with :meth:`from_estimator`; the constructor takes the values.

    Parameters
    ----------
    values : array-like of shape (n_epochs, n_layers)
        The statistic per epoch (rows) and layer (columns).
    kind : {"weights", "biases"}
        Which parameters the values describe.
    statistic : {"mean", "std", "norm", "grad_norm"}
        What the values are.
    spread : array-like of shape (n_epochs, n_layers), default=None
        For ``statistic="mean"``: the standard deviation, drawn as a band of
        plus or minus one around each mean.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : list of matplotlib Line2D
        One per layer, first hidden layer first.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skmlp import MLPClassifier
    >>> from skmlp.plot import ParameterTrajectoryDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8, 8), solver="lbfgs", random_state=0).fit(X, y)
    >>> display = ParameterTrajectoryDisplay.from_estimator(clf, kind="biases", statistic="mean")
    >>> len(display.lines_)
    3
    """

    def __init__(self, values, *, kind, statistic, spread=None):
        self.values = values
        self.kind = kind
        self.statistic = statistic
        self.spread = spread

    @classmethod
    def from_estimator(cls, estimator, *, kind="weights", statistic="std", ax=None):
        """Plot a per-layer statistic of the parameters over the epochs of a fitted estimator.

        Parameters
        ----------
        estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
            A fitted estimator.
        kind : {"weights", "biases"}, default="weights"
            Which parameters.
        statistic : {"mean", "std", "norm", "grad_norm"}, default="std"
            The statistic recorded in ``history_`` after every epoch; ``"grad_norm"``
            is the epoch's mean minibatch gradient norm. ``"mean"`` also draws a
            plus-or-minus one standard deviation band.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : ParameterTrajectoryDisplay
        """
        check_option("kind", kind, {"weights", "biases"})
        check_option("statistic", statistic, set(_STATISTICS))
        history = fitted_mlp(estimator).history_
        prefix = kind[:-1] if kind == "weights" else "bias"
        key = f"{prefix}_grad_norm" if statistic == "grad_norm" else f"{prefix}_{statistic}"
        spread = history[f"{prefix}_std"] if statistic == "mean" else None
        return cls(history[key], kind=kind, statistic=statistic, spread=spread).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the trajectories.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : ParameterTrajectoryDisplay
            This object, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        check_option("kind", self.kind, {"weights", "biases"})
        check_option("statistic", self.statistic, set(_STATISTICS))
        ax = axes_or_new(ax)
        values = np.asarray(self.values, dtype=float).reshape(len(self.values), -1)
        epochs = np.arange(1, values.shape[0] + 1)
        n_layers = values.shape[1]
        self.lines_ = []
        for layer in range(n_layers):
            (line,) = ax.plot(epochs, values[:, layer], label=layer_label(layer, n_layers))
            self.lines_.append(line)
            if self.spread is not None:
                spread = np.asarray(self.spread, dtype=float)[:, layer]
                ax.fill_between(epochs, values[:, layer] - spread, values[:, layer] + spread,
                                color=line.get_color(), alpha=0.2, linewidth=0)
        ax.set_xlabel("epoch")
        noun = "weight" if self.kind == "weights" else "bias"
        ax.set_ylabel(f"{noun} {_STATISTICS[self.statistic]}")
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _has_values(curve):
    return curve is not None and len(curve) > 0 and not np.all(np.isnan(curve))


#: Where the legend may go, in the order preferred on a tie: matplotlib's ``loc``, and the
#: lower left corner of a box of width w and height h there, in axes coordinates.
_LEGEND_PLACES = [
    ("upper right", lambda w, h: (1 - w, 1 - h)),
    ("center right", lambda w, h: (1 - w, (1 - h) / 2)),
    ("lower right", lambda w, h: (1 - w, 0)),
    ("upper left", lambda w, h: (0, 1 - h)),
    ("lower left", lambda w, h: (0, 0)),
    ("upper center", lambda w, h: ((1 - w) / 2, 1 - h)),
    ("lower center", lambda w, h: ((1 - w) / 2, 0)),
    ("center left", lambda w, h: (0, (1 - h) / 2)),
]


def _legend_where_no_curve_is(ax, all_axes, handles):
    """A legend on ``ax`` for the curves of every axes in ``all_axes``, in the place its
    box covers the fewest of their points (matplotlib's "best" sees only ``ax``'s own)."""
    from matplotlib.transforms import Bbox  # matplotlib is imported on demand

    legend = ax.legend(handles=handles, loc=_LEGEND_PLACES[0][0])
    renderer = ax.figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted())
    points = []
    for axes in all_axes:
        if axes is None:
            continue
        axes.get_xlim(), axes.get_ylim()  # settle the autoscaled limits
        to_unit_box = axes.transScale + axes.transLimits  # data -> axes coordinates
        for line in axes.get_lines():
            xy = line.get_xydata()
            xy = xy[np.all(np.isfinite(xy), axis=1)]
            if len(xy) > 1:  # ten points per segment: a segment crossing the box counts
                t = np.linspace(0, len(xy) - 1, 10 * (len(xy) - 1) + 1)
                xy = np.column_stack([np.interp(t, np.arange(len(xy)), xy[:, i])
                                      for i in range(2)])
            points.append(to_unit_box.transform(xy))
    points = np.concatenate(points) if points else np.empty((0, 2))

    def covered(place):
        x0, y0 = place[1](box.width, box.height)
        return Bbox.from_bounds(x0, y0, box.width, box.height).count_contains(points)

    return ax.legend(handles=handles, loc=min(_LEGEND_PLACES, key=covered)[0])
