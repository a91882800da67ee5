"""What every display shares: matplotlib on demand and the fitted MLP behind an estimator."""

from sklearn.utils.validation import check_is_fitted

from .._mlp import BaseMLP


def import_pyplot():
    """matplotlib.pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise ImportError(
            'skmlp.plot needs matplotlib: pip install matplotlib (or pip install ".[plot]" in '
            'a checkout of skmlp).'
        ) from error
    return plt


def axes_or_new(ax):
    """``ax``, or the axes of a new figure when None; the new figure's constrained layout
    keeps every label (a second y axis's too) on the canvas."""
    if ax is None:
        _, ax = import_pyplot().subplots(layout="constrained")
    return ax


def fitted_mlp(estimator):
    """The fitted skmlp estimator itself, or the last step of a Pipeline ending in one."""
    if hasattr(estimator, "steps"):
        estimator = estimator[-1]
    if not isinstance(estimator, BaseMLP):
        raise TypeError(
            f"Expected a fitted skmlp MLPClassifier/MLPRegressor (or a Pipeline ending in one), "
            f"got {type(estimator).__name__}."
        )
    check_is_fitted(estimator, "history_")
    return estimator


def check_option(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}.")


def layer_label(index, n_layers):
    return "output layer" if index == n_layers - 1 else f"hidden layer {index + 1}"
