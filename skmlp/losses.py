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
"""

import numpy as np


class Loss:
    """Base class: a per-sample loss and its gradient with respect to ``z``.

    Attributes
    ----------
    name : str
        Registry name.
    task : {"classification", "regression"}
        Which estimator accepts it.
    output_activation : str
        Key of :data:`skmlp.activations.OUTPUT_ACTIVATIONS` giving ``p = out(z)``.
    estimator_params : dict
        Loss constructor argument -> estimator parameter that sets it.
    nonnegative : bool
        Whether every per-sample value is >= 0.
    """

    name = None
    task = None
    output_activation = "identity"
    estimator_params = {}
    #: whether every per-sample value is >= 0 (the divergence test compares ratios)
    nonnegative = True

    def value(self, Y, Z, P):
        """Per-sample losses, shape ``(..., n_samples)``.

        Parameters
        ----------
        Y : ndarray of shape (..., n_samples, n_outputs)
            Targets (one-hot or 0/1 indicators for classification); a stack of
            models has them on a leading axis.
        Z : ndarray of shape (..., n_samples, n_outputs)
            Raw network outputs.
        P : ndarray of shape (..., n_samples, n_outputs)
            Predictions ``out(Z)``.
        """
        raise NotImplementedError

    def gradient(self, Y, P, out):
        """Write the per-sample gradient ``d loss_i / d z`` to ``out`` and return it."""
        raise NotImplementedError


class SquaredError(Loss):
    """scikit-learn's: half the mean over outputs of ``(y - p)**2``; ``p = z``."""

    name = "squared_error"
    task = "regression"
    #: the per-sample value is ``scale`` times the mean squared error over outputs
    scale = 0.5

    def value(self, Y, Z, P):
        return self.scale * np.mean((Y - P) ** 2, axis=-1)

    def gradient(self, Y, P, out):
        np.subtract(P, Y, out=out)
        out *= 2.0 * self.scale / Y.shape[-1]
        return out


class MeanSquaredError(SquaredError):
    """PyTorch's and Keras': the mean over outputs of ``(y - p)**2``; ``p = z``."""

    name = "mse"
    scale = 1.0


class AbsoluteError(Loss):
    """Mean over outputs of ``|y - p|``; ``p = z``."""

    name = "absolute_error"
    task = "regression"

    def value(self, Y, Z, P):
        return np.mean(np.abs(Y - P), axis=-1)

    def gradient(self, Y, P, out):
        np.subtract(P, Y, out=out)
        np.sign(out, out=out)
        out *= 1.0 / Y.shape[-1]
        return out


class Huber(Loss):
    """Mean over outputs of ``r**2 / 2`` if ``|r| <= delta`` else ``delta (|r| - delta / 2)``.

    ``r = y - p`` and ``p = z``.
    """

    name = "huber"
    task = "regression"
    estimator_params = {"delta": "huber_delta"}

    def __init__(self, delta=1.0):
        self.delta = delta

    def value(self, Y, Z, P):
        abs_residual = np.abs(Y - P)
        quadratic = 0.5 * abs_residual**2
        linear = self.delta * (abs_residual - 0.5 * self.delta)
        return np.mean(np.where(abs_residual <= self.delta, quadratic, linear), axis=-1)

    def gradient(self, Y, P, out):
        np.subtract(P, Y, out=out)
        np.clip(out, -self.delta, self.delta, out=out)
        out *= 1.0 / Y.shape[-1]
        return out


class Poisson(Loss):
    """Mean over outputs of ``p - y z`` with ``p = exp(z)`` (Poisson deviance up to a constant)."""

    name = "poisson"
    task = "regression"
    output_activation = "exp"
    nonnegative = False  # p - y z drops the constant of the deviance

    def value(self, Y, Z, P):
        return np.mean(P - Y * Z, axis=-1)

    def gradient(self, Y, P, out):
        np.subtract(P, Y, out=out)
        out *= 1.0 / Y.shape[-1]
        return out


class BinaryCrossEntropy(Loss):
    """Mean over outputs of ``-[y log p + (1 - y) log(1 - p)]``; ``p = sigmoid(z)``.

    The value is computed from the logits, ``max(z, 0) - y z + log(1 + exp(-|z|))``,
    which equals the formula above without ever taking the log of 0.
    """

    name = "binary_crossentropy"
    task = "classification"
    output_activation = "logistic"

    #: ``mean`` over the outputs (Keras, PyTorch) or ``sum`` (scikit-learn's log_loss)
    reduce_outputs = "mean"

    def value(self, Y, Z, P):
        per_output = np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
        if self.reduce_outputs == "sum":
            return np.sum(per_output, axis=-1)
        return np.mean(per_output, axis=-1)

    def gradient(self, Y, P, out):
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


class CategoricalCrossEntropy(Loss):
    """``-sum_c y_c log p_c`` with ``p = softmax(z)``.

    Computed as ``sum_c y_c (logsumexp(z) - z_c)``, which never takes the log of 0.
    """

    name = "categorical_crossentropy"
    task = "classification"
    output_activation = "softmax"

    def value(self, Y, Z, P):
        return _logsumexp_rows(Z) * Y.sum(axis=-1) - np.einsum("...j,...j->...", Y, Z)

    def gradient(self, Y, P, out):
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


def make_loss(name, estimator):
    """Instantiate loss ``name`` with the estimator parameters it reads.

    ``estimator`` may be a list of the estimators of a stack of models: a parameter
    that differs between them becomes a ``(K, 1, 1)`` array, one value per model.
    """
    loss_class = LOSSES.get(name) or _RESOLVED_ONLY[name]
    estimators = estimator if isinstance(estimator, list) else [estimator]
    kwargs = {}
    for arg, param in loss_class.estimator_params.items():
        values = [getattr(e, param) for e in estimators]
        kwargs[arg] = values[0] if len(set(values)) == 1 else \
            np.array(values, dtype=float)[:, np.newaxis, np.newaxis]
    return loss_class(**kwargs)
