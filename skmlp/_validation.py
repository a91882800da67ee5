"""Input checks that scikit-learn's declarative constraints cannot express."""

from numbers import Integral, Real

import numpy as np
from sklearn import get_config

#: Libraries whose inputs scikit-learn's checks turn into numpy arrays themselves.
_NUMPY_INPUTS = {"numpy", "scipy", "pandas", "polars", "builtins"}


def float_dtypes(X):
    """The float dtypes ``X`` may train in, for scikit-learn's ``validate_data``.

    float64 or float32, keeping float32 input as float32. scikit-learn does that for
    numpy arrays and pandas frames itself, but converts a polars DataFrame through the
    first dtype asked for: one of float32 columns only is asked for float32.
    """
    if type(X).__module__.split(".")[0] == "polars" and hasattr(X, "schema"):
        if len(X.schema) and all(str(dtype) == "Float32" for dtype in X.schema.values()):
            return np.float32
    return (np.float64, np.float32)


def check_numpy_inputs(**arrays):
    """Refuse arrays of another array library while scikit-learn dispatches on them.

    With ``sklearn.config_context(array_api_dispatch=True)``, scikit-learn checks a torch
    tensor, a CuPy or an array-api-strict array in that library's own namespace, and
    skmlp -- which computes with numpy only -- would fail deep inside those checks with
    an opaque ``TypeError``. Without dispatch, scikit-learn converts them to numpy.

    Parameters
    ----------
    **arrays : the call's array arguments by name (None for those not given)
    """
    if not get_config().get("array_api_dispatch", False):
        return
    for name, array in arrays.items():
        library = type(array).__module__.split(".")[0]
        if library in _NUMPY_INPUTS or not (hasattr(array, "__array_namespace__")
                                            or hasattr(array, "__dlpack__")):
            continue
        raise TypeError(
            f"{name} is an array of {library} ({type(array).__name__}), but skmlp computes "
            "with numpy only, also with array_api_dispatch=True. Pass numpy arrays, e.g. "
            f"np.asarray({name}) (for a torch tensor: {name}.cpu().numpy())."
        )


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
    given = [float(dropout)] if isinstance(dropout, Real) else \
        [float(rate) for rate in np.asarray(dropout, dtype=float).ravel()]
    if n_hidden == 0 and any(rate > 0 for rate in given):
        # a float and a list of one rate alike: nothing to drop from
        raise ValueError(
            f"dropout={dropout!r} drops hidden-layer outputs, but the network has no "
            "hidden layer (hidden_layer_sizes=()). Set dropout=0, or add a hidden layer."
        )
    if isinstance(dropout, Real):
        rates = [float(dropout)] * n_hidden
    else:
        rates = given
        if len(rates) != n_hidden:
            raise ValueError(
                f"dropout has {len(rates)} rates but the network has {n_hidden} hidden "
                "layers: pass one float for all layers or one rate per hidden layer."
            )
    if not all(0.0 <= rate < 1.0 for rate in rates):
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout!r}.")
    return rates


def check_sample_weight(sample_weight, n_samples, name="sample_weight"):
    """Validate ``sample_weight`` into a new float array (the caller's is never modified).

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), scalar or None
        Real, finite, non-negative weights, not all zero; a scalar weighs every
        sample the same.
    n_samples : int
        Number of samples the weights are for.
    name : str, default="sample_weight"
        The argument's name in the caller's call, for the error messages
        (``"sample_weight_val"`` for the validation set's weights).

    Returns
    -------
    weights : ndarray of float64 of shape (n_samples,) or None
        A new array; None when ``sample_weight`` is None. Checked in float64:
        :func:`scale_sample_weight` casts to the training dtype without over- or
        underflow.

    Raises
    ------
    ValueError
        For complex, non-numeric, NaN, infinite or negative weights, all-zero
        weights, or the wrong number of weights.
    """
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    # numpy would cast complex to float by dropping the imaginary part, with only a warning
    if weights.dtype.kind == "c":
        raise ValueError(f"{name} is complex; pass real, non-negative weights.")
    if weights.dtype.kind in "USV":  # numpy would parse numeric strings
        raise ValueError(f"{name} must be real numbers, got dtype {weights.dtype}.")
    try:
        weights = np.array(weights, dtype=np.float64)  # always a copy
    except (TypeError, ValueError) as error:  # strings, None, complex in an object array
        raise ValueError(
            f"{name} must be real numbers; could not convert it to float ({error})."
        ) from error
    if weights.ndim == 0:
        weights = np.full(n_samples, weights)
    if weights.shape != (n_samples,):
        raise ValueError(
            f"{name}.shape == {weights.shape}, expected ({n_samples},): "
            "pass one weight per sample."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError(f"{name} contains NaN or infinity; pass finite weights.")
    if np.any(weights < 0):
        raise ValueError(f"Negative values in {name}; sample weights must be >= 0.")
    if not np.any(weights > 0):
        raise ValueError(
            f"Sample weights must contain at least one non-zero number; all weights in "
            f"{name} are zero."
        )
    return weights


def scale_sample_weight(weights, dtype):
    """``(weights / scale, scale)`` in ``dtype``, with ``scale`` a power of two near the largest.

    Only ratios of weights matter to the weighted mean of the loss, so dividing by an
    exact power of two changes no result; it keeps tiny or huge (but finite) float64
    weights from underflowing to 0 or overflowing to inf when cast to float32. The
    penalty's ``n`` multiplies ``scale`` back (``Network.loss_and_gradient``).
    """
    largest = 0.0 if weights is None else float(weights.max())
    if largest == 0.0:  # no weights, or all zero (the training loop says so)
        return weights if weights is None else weights.astype(dtype), 1.0
    # 2**(exponent of the largest - 1): exact, and finite even for weights near 1.8e308
    scale = float(np.ldexp(1.0, np.frexp(largest)[1] - 1))
    return (weights / scale).astype(dtype, copy=False), scale


def raise_if_diverged(loss, params, where, learning_rate_init=None, *, reference_loss=None,
                      factor=np.inf):
    """Raise ValueError when training diverged.

    It has when the loss or the parameters are not finite, or when the loss grew past
    ``factor`` times ``reference_loss`` (the loss at initialization): a loss that
    explodes by orders of magnitude is as broken as one that overflows.
    ``params`` is the parameter array, or whether it is all finite (a stack tests all
    its models in one pass). ``learning_rate_init`` is named in the advice for the
    solvers that use it.
    """
    exploded = bool(reference_loss) and reference_loss > 0 and loss > factor * reference_loss
    params_finite = params if isinstance(params, (bool, np.bool_)) else \
        bool(np.all(np.isfinite(params)))
    if np.isfinite(loss) and params_finite and not exploded:
        return
    # scikit-learn's sentence for non-finite parameters, so code matching it keeps working
    what = (f"the loss grew from {reference_loss:.3g} at initialization to {loss:.3g}"
            if exploded and np.isfinite(loss) else
            "the loss or the parameters became inf or NaN. Solver produced non-finite "
            "parameter weights. The input data may contain large values and need to be "
            "preprocessed")
    rate_advice = (
        f"The learning rate (learning_rate_init={learning_rate_init}) is probably too high "
        "for this problem, or the inputs are not scaled: lower learning_rate_init, or "
        if learning_rate_init is not None
        else "The inputs are probably not scaled: "
    )
    raise ValueError(
        f"Training diverged ({where}): {what}. "
        f"{rate_advice}scale X (e.g. StandardScaler in a Pipeline) and, for regression, y."
    )
