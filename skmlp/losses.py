"""Training losses.

A loss pairs a per-sample value with its gradient with respect to the raw
network output ``z`` (the "delta" that starts backpropagation), and names the
output activation ``p = out(z)`` it is defined on. Each loss is paired with its
canonical link (identity for squared error, sigmoid for binary cross-entropy,
softmax for categorical cross-entropy, exp for Poisson), which is why most
deltas reduce to ``p - y``: the derivative of the link cancels the derivative
of the loss.

The batch loss is a (weighted) mean of per-sample values over samples. The
names follow one rule: scikit-learn's names compute scikit-learn's math
(``squared_error`` is half the mean squared error, ``log_loss`` sums the binary
cross-entropy over the labels of a multilabel target), so a migrating user's
``alpha`` and learning rate mean the same; Keras'/PyTorch's names compute theirs
(``mse``, ``binary_crossentropy``, ``categorical_crossentropy`` and ``huber``
equal PyTorch's losses with ``reduction="mean"``).

Users write their own losses as subclasses of :class:`Loss`, with two plain
functions of arrays; the built-in ones compute in place on the training buffers.
"""

import numpy as np
from scipy.special import xlogy
from sklearn.base import BaseEstimator

from .activations import OUTPUT_ACTIVATIONS, call_users_function


class Loss(BaseEstimator):
    """Base class of losses: subclass it to write your own.

    A loss is a per-sample value of the targets ``y`` and the raw network outputs
    ``z``, and its gradient with respect to ``z`` (the "delta" that starts
    backpropagation). The predictions are ``p = out(z)``, with ``out`` named by
    :attr:`output_activation`. The training loss is the (sample-weighted) mean of
    the per-sample values, plus the penalties.

    Write a loss as plain functions of 2D arrays, :meth:`value` and
    :meth:`gradient`; skmlp calls them on every minibatch (a stack of models has
    its models' rows one after another) and copies their results into its own
    buffers. The arrays they get are read-only. Constructor parameters follow
    scikit-learn's rules (stored under their own names, no logic in
    ``__init__``), so a loss object clones, pickles and is tuned by grid search
    like a nested estimator (``loss__quantile``)::

        class Pinball(Loss):
            def __init__(self, quantile=0.5):
                self.quantile = quantile

            def value(self, y, z):
                r = y - z
                return np.mean(np.maximum(self.quantile * r, (self.quantile - 1) * r),
                               axis=1)

            def gradient(self, y, z):
                return np.where(y > z, -self.quantile, 1 - self.quantile) / y.shape[1]

    :func:`skmlp.utils.check_gradients` compares :meth:`gradient` with finite
    differences of :meth:`value`.

    Attributes
    ----------
    output_activation : {"identity", "exp"} for a regressor, {"logistic", "softmax"} \
            for a classifier, default="identity"
        The output activation ``p = out(z)``: what ``predict`` (and a classifier's
        ``predict_proba``) return. A classifier's targets are one-hot rows for
        ``softmax`` (two units for two classes) and 0/1 indicators for
        ``logistic`` (one unit for two classes, one per class otherwise).
    nonnegative : bool, default=False
        Declare that every value is >= 0: skmlp then also stops a fit whose loss
        grows past 1e4 times its value at initialization (it always stops at
        non-finite values).
    """

    _parameter_constraints: dict = {}
    output_activation = "identity"
    nonnegative = False
    #: registry name of the built-in losses (None for users' own)
    name = None
    #: "classification" or "regression" for the built-in losses
    task = None
    #: loss constructor argument -> the estimator parameter that sets it (built-ins)
    estimator_params = {}

    def value(self, y, z):
        """Per-sample losses.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets (for a classifier, one-hot rows or 0/1 indicators).
        z : ndarray of shape (n_samples, n_outputs)
            Raw network outputs.

        Returns
        -------
        values : ndarray of shape (n_samples,)
        """
        raise NotImplementedError(
            f"{type(self).__name__} must define value(y, z), returning one loss per sample."
        )

    def gradient(self, y, z):
        """Gradient of each sample's loss with respect to its raw outputs.

        Parameters
        ----------
        y, z : ndarray of shape (n_samples, n_outputs)
            As for :meth:`value`.

        Returns
        -------
        gradient : ndarray of shape (n_samples, n_outputs)
            ``d value(y, z)[i] / d z[i, j]``.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must define gradient(y, z), of the shape of z."
        )

    # What the training engine calls, on its buffers: arrays of shape
    # (..., n_samples, n_outputs), with the models of a stack on a leading axis.
    def per_sample(self, Y, Z, P):
        """Per-sample losses of the engine's (stacked) arrays, shape ``(..., n_samples)``."""
        values = np.asarray(call_users_function(self, "value", y=_rows(Y), z=_rows(Z)))
        expected = (int(np.prod(Z.shape[:-1])),)
        if values.shape != expected:
            raise ValueError(
                f"{self!r}.value(y, z) returned an array of shape {values.shape} for y and z "
                f"of shape {(expected[0], Z.shape[-1])}: it must return one loss per sample, "
                f"shape {expected} (average over the outputs yourself)."
            )
        return values.reshape(Z.shape[:-1])

    def output_delta(self, Y, Z, P, out):
        """Write the per-sample gradients with respect to ``Z`` to ``out`` and return it.

        ``out`` may be ``Z`` itself: the gradient is computed before it is written.
        """
        gradient = np.asarray(call_users_function(self, "gradient", y=_rows(Y), z=_rows(Z)))
        rows = (int(np.prod(Z.shape[:-1])), Z.shape[-1])
        if gradient.shape != rows:
            raise ValueError(
                f"{self!r}.gradient(y, z) returned an array of shape {gradient.shape} for "
                f"z of shape {rows}: it must return d loss / d z of the shape of z."
            )
        self._check_finite("gradient", gradient, Y, Z)
        out[...] = gradient.reshape(Z.shape)
        return out

    def _check_finite(self, method, result, Y, Z):
        """Raise, naming this loss, where ``result`` of ``method`` is not finite for finite
        ``Y`` and ``Z`` (the training's own arrays): the loss, not the learning rate, is
        then to blame. Where ``Z`` is not finite training diverged, which the training
        loop reports. The engine calls it on the training values (:meth:`per_sample`
        also scores validation rows, padded with zeros that need not be targets).
        """
        not_finite = ~np.isfinite(result)
        if not not_finite.any():
            return
        y, z = _rows(Y), _rows(Z)
        found = result.reshape(len(z), -1)
        blamed = (not_finite.reshape(found.shape).any(axis=1)
                  & np.isfinite(y).all(axis=1) & np.isfinite(z).all(axis=1))
        if not blamed.any():
            return
        i = int(np.flatnonzero(blamed)[0])
        what = "NaN" if np.isnan(found[i]).any() else "inf"
        raise ValueError(
            f"loss={self!r}: its {method}(y, z) returned {what} for finite y and z (e.g. "
            f"y={_brief(y[i])}, z={_brief(z[i])} gave {_brief(found[i])}): the loss itself is "
            f"not finite there, the learning rate is not the cause. Make {method} finite for "
            "every finite y and z (take the logs of probabilities from z stably, e.g. with "
            "np.logaddexp or scipy.special.log_expit, and divide by nothing that can be 0). "
            "If |z| is huge there, the fit diverged first: lower learning_rate_init or "
            "scale the inputs."
        )


def _rows(A):
    """``A`` as a 2D ``(rows, n_outputs)`` array (a view), for users' functions."""
    return A.reshape(-1, A.shape[-1])


def _brief(row):
    return np.array2string(np.asarray(row), precision=4, threshold=6)


class _InPlaceLoss(Loss):
    """A built-in loss: it computes in place on the engine's buffers (:meth:`per_sample`,
    :meth:`output_delta`), and :meth:`value` and :meth:`gradient` wrap those."""

    nonnegative = True

    def _check_finite(self, method, result, Y, Z):
        """The built-in losses are computed stably: a non-finite value or gradient comes
        from non-finite (or overflowing) outputs, a diverged fit the training reports."""

    def value(self, y, z):
        y, z = _as_rows(y), _as_rows(z)
        return self.per_sample(y, z, _predict(self, z))

    def gradient(self, y, z):
        y, z = _as_rows(y), _as_rows(z)
        return self.output_delta(y, z, _predict(self, z), np.empty_like(z))


def _as_rows(A):
    A = np.asarray(A, dtype=float)
    return A.reshape(-1, 1) if A.ndim == 1 else A


def _predict(loss, Z):
    return OUTPUT_ACTIVATIONS[loss.output_activation](Z.copy())


class SquaredError(_InPlaceLoss):
    """scikit-learn's: half the mean over outputs of ``(y - p)**2``; ``p = z``.

    Its step is scikit-learn's too: the output delta is ``p - y`` whatever the number
    of outputs ``k``, the gradient of half the *sum* over outputs. With one output
    that is the gradient of the value; with ``k`` outputs the step is ``k`` times it
    (scikit-learn reports the mean but steps along the sum), which keeps a
    multi-output model scikit-learn's model. ``mse`` steps along its own gradient.
    """

    name = "squared_error"
    task = "regression"
    #: the per-sample value is ``scale`` times the mean squared error over outputs
    scale = 0.5

    def per_sample(self, Y, Z, P):
        return self.scale * np.mean((Y - P) ** 2, axis=-1)

    def output_delta(self, Y, Z, P, out):
        return np.subtract(P, Y, out=out)

    def gradient(self, y, z):
        # the plain-function view is the value's own gradient (check_gradients holds);
        # the engine steps along n_outputs times it (output_delta)
        gradient = super().gradient(y, z)
        return gradient / gradient.shape[1]


class MeanSquaredError(SquaredError):
    """PyTorch's and Keras': the mean over outputs of ``(y - p)**2``; ``p = z``."""

    name = "mse"
    scale = 1.0

    def output_delta(self, Y, Z, P, out):
        np.subtract(P, Y, out=out)
        out *= 2.0 / Y.shape[-1]
        return out

    def gradient(self, y, z):
        return _InPlaceLoss.gradient(self, y, z)


class AbsoluteError(_InPlaceLoss):
    """Mean over outputs of ``|y - p|``; ``p = z``."""

    name = "absolute_error"
    task = "regression"

    def per_sample(self, Y, Z, P):
        return np.mean(np.abs(Y - P), axis=-1)

    def output_delta(self, Y, Z, P, out):
        np.subtract(P, Y, out=out)
        np.sign(out, out=out)
        out *= 1.0 / Y.shape[-1]
        return out


class Huber(_InPlaceLoss):
    """Mean over outputs of ``r**2 / 2`` if ``|r| <= delta`` else ``delta (|r| - delta / 2)``.

    ``r = y - p`` and ``p = z``.
    """

    name = "huber"
    task = "regression"
    estimator_params = {"delta": "huber_delta"}

    def __init__(self, delta=1.0):
        self.delta = delta

    def per_sample(self, Y, Z, P):
        abs_residual = np.abs(Y - P)
        quadratic = 0.5 * abs_residual**2
        linear = self.delta * (abs_residual - 0.5 * self.delta)
        return np.mean(np.where(abs_residual <= self.delta, quadratic, linear), axis=-1)

    def output_delta(self, Y, Z, P, out):
        np.subtract(P, Y, out=out)
        np.clip(out, -self.delta, self.delta, out=out)
        out *= 1.0 / Y.shape[-1]
        return out


class Poisson(_InPlaceLoss):
    """scikit-learn's: half the Poisson deviance, ``y log(y / p) - y + p`` summed over
    the outputs, with ``p = exp(z)``; its step is along that sum (delta ``p - y``)."""

    name = "poisson"
    task = "regression"
    output_activation = "exp"

    def per_sample(self, Y, Z, P):
        # y log(y / p) = xlogy(y, y) - y z: no division by a p that underflowed to 0
        return np.sum(xlogy(Y, Y) - Y * Z - Y + P, axis=-1)

    def output_delta(self, Y, Z, P, out):
        return np.subtract(P, Y, out=out)


class BinaryCrossEntropy(_InPlaceLoss):
    """Mean over outputs of ``-[y log p + (1 - y) log(1 - p)]``; ``p = sigmoid(z)``.

    The value is computed from the logits, ``max(z, 0) - y z + log(1 + exp(-|z|))``,
    which equals the formula above without ever taking the log of 0.
    """

    name = "binary_crossentropy"
    task = "classification"
    output_activation = "logistic"

    #: ``mean`` over the outputs (Keras, PyTorch) or ``sum`` (scikit-learn's log_loss)
    reduce_outputs = "mean"

    def per_sample(self, Y, Z, P):
        per_output = np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
        if self.reduce_outputs == "sum":
            return np.sum(per_output, axis=-1)
        return np.mean(per_output, axis=-1)

    def output_delta(self, Y, Z, P, out):
        np.subtract(P, Y, out=out)
        if self.reduce_outputs == "mean":
            out *= 1.0 / Y.shape[-1]
        return out


class SummedBinaryCrossEntropy(BinaryCrossEntropy):
    """scikit-learn's log loss for binary and multilabel targets: the binary
    cross-entropy **summed** over the outputs; ``p = sigmoid(z)``.

    Not a name users pass: ``loss="log_loss"`` resolves to it for binary and
    multilabel ``y`` (with one output it equals ``binary_crossentropy``).
    """

    name = "binary_log_loss"
    reduce_outputs = "sum"


class CategoricalCrossEntropy(_InPlaceLoss):
    """``-sum_c y_c log p_c`` with ``p = softmax(z)``.

    Computed as ``sum_c y_c (logsumexp(z) - z_c)``, which never takes the log of 0.
    """

    name = "categorical_crossentropy"
    task = "classification"
    output_activation = "softmax"

    def per_sample(self, Y, Z, P):
        return _logsumexp_rows(Z) * Y.sum(axis=-1) - np.einsum("...j,...j->...", Y, Z)

    def output_delta(self, Y, Z, P, out):
        # Targets are one-hot (rows sum to 1), so d/dz = p - y.
        np.subtract(P, Y, out=out)
        return out


def _logsumexp_rows(Z):
    """``log(sum(exp(Z), axis=-1))`` without overflow (scipy's is slow on small batches)."""
    row_max = Z.max(axis=-1)
    return row_max + np.log(np.exp(Z - row_max[..., np.newaxis]).sum(axis=-1))


LOSSES = {
    loss.name: loss
    for loss in (
        SquaredError,
        MeanSquaredError,
        AbsoluteError,
        Huber,
        Poisson,
        BinaryCrossEntropy,
        CategoricalCrossEntropy,
    )
}

#: Classifier alias resolved at fit from the type of target.
LOG_LOSS = "log_loss"

#: What ``log_loss`` resolves to, by target type (scikit-learn's math).
LOG_LOSS_BY_TARGET = {
    "multiclass": "categorical_crossentropy",
    "binary": SummedBinaryCrossEntropy.name,
    "multilabel-indicator": SummedBinaryCrossEntropy.name,
}

#: Losses that losses resolve to but users do not name.
_RESOLVED_ONLY = {SummedBinaryCrossEntropy.name: SummedBinaryCrossEntropy}

CLASSIFICATION_LOSSES = {LOG_LOSS} | {n for n, c in LOSSES.items() if c.task == "classification"}
REGRESSION_LOSSES = {n for n, c in LOSSES.items() if c.task == "regression"}


def make_loss(loss, estimator):
    """The loss object for ``loss``: a name's class instantiated with the estimator
    parameters it reads, or a user's :class:`Loss` object itself.

    ``estimator`` may be a list of the estimators of a stack of models: a parameter
    that differs between them becomes a ``(K, 1, 1)`` array, one value per model.
    """
    if isinstance(loss, Loss):
        return loss
    loss_class = LOSSES.get(loss) or _RESOLVED_ONLY[loss]
    estimators = estimator if isinstance(estimator, list) else [estimator]
    kwargs = {}
    for arg, param in loss_class.estimator_params.items():
        values = [getattr(e, param) for e in estimators]
        kwargs[arg] = values[0] if len(set(values)) == 1 else \
            np.array(values, dtype=float)[:, np.newaxis, np.newaxis]
    return loss_class(**kwargs)
