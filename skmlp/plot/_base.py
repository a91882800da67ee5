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
        name = _public_name(type(estimator))
        advice = ""
        if type(estimator).__name__ in ("MLPClassifier", "MLPRegressor"):
            # another library's class of the same name (scikit-learn's): say what to do
            advice = (
                f" skmlp.plot reads the history_ that skmlp's estimators record, which "
                f"{name} does not keep: fit skmlp.{type(estimator).__name__} instead (it "
                "takes scikit-learn's parameters), or plot the estimator's loss_curve_ "
                "with matplotlib."
            )
        raise TypeError(
            "Expected a fitted skmlp.MLPClassifier or skmlp.MLPRegressor (or a Pipeline "
            f"ending in one), got {name}.{advice}"
        )
    check_is_fitted(estimator, "history_")
    return estimator


def _public_name(cls):
    """``cls`` as users import it: its module's path up to the first private part."""
    public = []
    for part in cls.__module__.split("."):
        if part.startswith("_"):
            break
        public.append(part)
    return ".".join([*public, cls.__qualname__])


def check_option(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}.")


def layer_label(index, n_layers):
    return "output layer" if index == n_layers - 1 else f"hidden layer {index + 1}"
