"""Input checks that scikit-learn's declarative constraints cannot express."""

from numbers import Integral, Real

import numpy as np


def check_hidden_layer_sizes(hidden_layer_sizes):
    """Return ``hidden_layer_sizes`` as a list of positive ints."""
    sizes = [hidden_layer_sizes] if isinstance(hidden_layer_sizes, Integral) else hidden_layer_sizes
    sizes = list(sizes)
    if not all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(
            "hidden_layer_sizes must be a tuple of positive ints (one per hidden layer), "
            f"got {hidden_layer_sizes!r}."
        )
    return [int(s) for s in sizes]


def check_dropout(dropout, n_hidden):
    """Return one dropout rate per hidden layer, each in [0, 1)."""
    if isinstance(dropout, Real):
        rates = [float(dropout)] * n_hidden
    else:
        rates = [float(rate) for rate in np.asarray(dropout, dtype=float).ravel()]
        if len(rates) != n_hidden:
            raise ValueError(
                f"dropout has {len(rates)} rates but the network has {n_hidden} hidden "
                "layers: pass one float for all layers or one rate per hidden layer."
            )
    if not all(0.0 <= rate < 1.0 for rate in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout!r}.")
    return rates


def check_sample_weight(sample_weight, n_samples, dtype):
    """Validate ``sample_weight`` into a new float array (the caller's is never modified).

    Returns None when ``sample_weight`` is None.
    """
    if sample_weight is None:
        return None
    weights = np.array(sample_weight, dtype=dtype)  # always a copy
    if weights.ndim == 0:
        weights = np.full(n_samples, weights, dtype=dtype)
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {weights.shape}, expected ({n_samples},): "
            "pass one weight per sample."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinity; pass finite weights.")
    if np.any(weights < 0):
        raise ValueError("Negative values in sample_weight; sample weights must be >= 0.")
    if not np.any(weights > 0):
        raise ValueError(
            "Sample weights must contain at least one non-zero number; all weights are zero."
        )
    return weights


def raise_if_diverged(loss, params, where, learning_rate_init=None):
    """Raise ValueError when training produced a non-finite loss or parameters.

    ``learning_rate_init`` is named in the advice for the solvers that use it.
    """
    if np.isfinite(loss) and np.all(np.isfinite(params)):
        return
    rate_advice = (
        f"The learning rate (learning_rate_init={learning_rate_init}) is probably too high "
        "for this problem, or the inputs are not scaled: lower learning_rate_init, or "
        if learning_rate_init is not None
        else "The inputs are probably not scaled: "
    )
    raise ValueError(
        f"Training diverged ({where}): the loss or the parameters became inf or NaN. "
        f"{rate_advice}scale X (e.g. StandardScaler in a Pipeline) and, for regression, y."
    )
