"""Tools for users' own losses and activations."""

from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS, Activation, _InPlaceActivation
from .losses import _RESOLVED_ONLY, LOSSES, Loss

__all__ = ["GradientCheck", "check_gradients"]


class GradientCheck(NamedTuple):
    """What :func:`check_gradients` found at the entry where the gradient is worst.

    Attributes
    ----------
    error : float
        ``|analytic - numeric| / max(1, |numeric|)``: the absolute error where the
        derivative is small, the relative error where it is large.
    z : float
        The raw output (loss) or input (activation) of that entry.
    analytic : float
        The object's gradient there.
    numeric : float
        The central finite difference there.
    """

    error: float
    z: float
    analytic: float
    numeric: float


def check_gradients(obj, *, n_samples=64, n_outputs=3, step=1e-6, random_state=0):
    """Compare the gradient of a loss or activation with finite differences.

    Draws raw outputs ``z`` (and, for a loss, targets ``y`` that suit its output
    activation: one-hot rows for ``softmax``, 0/1 for ``logistic``, counts for
    ``exp``), evaluates ``obj.gradient`` and the central differences
    ``(value(z + h) - value(z - h)) / 2h`` with ``h = step * max(1, |z|)``, and
    reports the worst entry. A correct gradient gives errors around 1e-8 (the
    differences' own error); a wrong one, errors near the size of the gradient.

    Parameters
    ----------
    obj : Loss, Activation or str
        A loss or activation object (users' own or built-in), or the name of a
        built-in one.
    n_samples, n_outputs : int, default=64, 3
        Shape of the ``z`` drawn (an activation gets ``(n_samples, n_outputs)``
        entries too).
    step : float, default=1e-6
        Relative finite-difference step.
    random_state : int, numpy Generator or None, default=0
        Seeds the draws.

    Returns
    -------
    result : GradientCheck
        ``result.error`` is the worst error; the other fields say where.

    Examples
    --------
    >>> from skmlp.utils import check_gradients
    >>> check_gradients("gelu").error < 1e-6
    True
    >>> check_gradients("huber").error < 1e-6
    True
    """
    obj = _resolve(obj)
    rng = np.random.default_rng(random_state)
    z = rng.normal(scale=2.0, size=(n_samples, n_outputs))
    h = step * np.maximum(1.0, np.abs(z))
    if _is_activation(obj):
        analytic = np.asarray(obj.gradient(z), dtype=float)
        numeric = (np.asarray(obj.value(z + h)) - np.asarray(obj.value(z - h))) / (2 * h)
    else:
        y = _targets(obj.output_activation, z.shape, rng)
        analytic = np.asarray(obj.gradient(y, z), dtype=float)
        numeric = np.empty_like(z)
        # each sample's loss depends on its own row only: one column at a time
        for j in range(n_outputs):
            up, down = z.copy(), z.copy()
            up[:, j] += h[:, j]
            down[:, j] -= h[:, j]
            numeric[:, j] = (np.asarray(obj.value(y, up)) - np.asarray(obj.value(y, down))) \
                / (2 * h[:, j])
    if analytic.shape != z.shape:
        raise ValueError(f"{obj!r}.gradient returned shape {analytic.shape}, expected "
                         f"{z.shape} (the shape of z).")
    errors = np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))
    errors[np.isnan(errors)] = np.inf  # a NaN gradient or value is the worst error
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    return GradientCheck(float(errors[worst]), float(z[worst]), float(analytic[worst]),
                         float(numeric[worst]))


def _resolve(obj):
    if isinstance(obj, str):
        if obj in ACTIVATIONS:
            return ACTIVATIONS[obj]
        if obj in LOSSES or obj in _RESOLVED_ONLY:
            return (LOSSES.get(obj) or _RESOLVED_ONLY[obj])()
        raise ValueError(f"{obj!r} names no built-in loss or activation: "
                         f"losses {sorted(LOSSES)}, activations {sorted(ACTIVATIONS)}.")
    if _is_activation(obj) or isinstance(obj, Loss):
        return obj
    raise TypeError(f"check_gradients takes a Loss, an Activation or a name, not {obj!r}.")


def _is_activation(obj):
    return isinstance(obj, (Activation, _InPlaceActivation))


def _targets(output_activation, shape, rng):
    """Targets a loss on ``output_activation`` is trained on."""
    if output_activation == "softmax":
        return np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    if output_activation == "logistic":
        return rng.integers(0, 2, shape).astype(float)
    if output_activation == "exp":
        return rng.poisson(2.0, shape).astype(float)
    return rng.normal(scale=2.0, size=shape)
