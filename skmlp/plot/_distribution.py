"""Histograms of each layer's weights or biases as the model holds them now."""

import numpy as np

from ._base import axes_or_new, check_option, fitted_mlp, layer_label


class ParameterDistributionDisplay:
    """Distribution of each layer's weights or biases, one histogram outline per layer.

    Build it with :meth:`from_estimator`; the constructor takes the arrays.

    Parameters
    ----------
    arrays : list of ndarray
        One array of parameters per layer (``coefs_`` or ``intercepts_``).
    kind : {"weights", "biases"}
        Which parameters the arrays hold.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    patches_ : list
        The histogram outline of each layer, first hidden layer first.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skmlp import MLPClassifier
    >>> from skmlp.plot import ParameterDistributionDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0).fit(X, y)
    >>> display = ParameterDistributionDisplay.from_estimator(clf, kind="weights")
    >>> len(display.patches_)
    2
    """

    def __init__(self, arrays, *, kind):
        self.arrays = arrays
        self.kind = kind

    @classmethod
    def from_estimator(cls, estimator, *, kind="weights", bins=30, density=True, ax=None):
        """Plot the distribution of a fitted estimator's weights or biases per layer.

        Parameters
        ----------
        estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
            A fitted estimator.
        kind : {"weights", "biases"}, default="weights"
            ``coefs_`` or ``intercepts_``.
        bins : int, default=30
            Histogram bins, shared by all layers.
        density : bool, default=True
            Normalize each layer's histogram to unit area, so that layers of
            different sizes compare.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        display : ParameterDistributionDisplay
        """
        check_option("kind", kind, {"weights", "biases"})
        mlp = fitted_mlp(estimator)
        arrays = mlp.coefs_ if kind == "weights" else mlp.intercepts_
        return cls(arrays, kind=kind).plot(ax=ax, bins=bins, density=density)

    def plot(self, ax=None, *, bins=30, density=True):
        """Draw the histograms.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        bins : int, default=30
            Histogram bins, shared by all layers.
        density : bool, default=True
            Normalize each layer's histogram to unit area.

        Returns
        -------
        display : ParameterDistributionDisplay
            This object, with ``ax_``, ``figure_`` and ``patches_`` set.
        """
        check_option("kind", self.kind, {"weights", "biases"})
        ax = axes_or_new(ax)
        values = [np.asarray(a, dtype=float).ravel() for a in self.arrays]
        low = min(v.min() for v in values)
        high = max(v.max() for v in values)
        if low == high:  # e.g. zero-initialized biases: one visible bin around the value
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, bins + 1)
        self.patches_ = []
        for layer, layer_values in enumerate(values):
            _, _, patches = ax.hist(layer_values, bins=edges, density=density,
                                    histtype="step", linewidth=1.5,
                                    label=layer_label(layer, len(values)))
            self.patches_.append(patches)
        ax.set_xlabel(f"{self.kind[:-1] if self.kind == 'weights' else 'bias'} value")
        ax.set_ylabel("density" if density else "count")
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self
