"""Per-epoch training history: losses, learning rate, time and per-layer statistics.

The history is a plain ``dict`` of lists, one entry per epoch (per iteration
for L-BFGS), so that ``pandas.DataFrame`` and the :mod:`skmlp.plot` displays
can read it directly and it pickles with the estimator.
"""

import math

import numpy as np

#: Scalar entries, one float per epoch.
SCALAR_KEYS = ("loss", "validation_loss", "validation_score", "learning_rate", "time")
#: Per-layer entries, one list of ``n_layers - 1`` floats per epoch.
LAYER_KEYS = (
    "weight_mean", "weight_std", "weight_norm",
    "bias_mean", "bias_std", "bias_norm",
    "weight_grad_norm", "bias_grad_norm",
)
HISTORY_KEYS = SCALAR_KEYS + LAYER_KEYS


def new_history():
    """An empty history with every key present."""
    return {key: [] for key in HISTORY_KEYS}


def _norm(array):
    """L2 norm of a contiguous array (no copy), as a Python float."""
    flat = array.reshape(-1)
    return math.sqrt(flat @ flat)


class GradientNorms:
    """Mean over an epoch's minibatches of each layer's gradient norm.

    One dot product per layer and parameter kind per minibatch, on flat views
    of the network's gradient made once: a few microseconds against the
    milliseconds a minibatch's matrix products take.
    """

    def __init__(self, network):
        # views into network.grad, which the network fills in place every batch
        self._segments = [g.reshape(-1) for g in network.grad_coefs + network.grad_intercepts]
        self._sums = [0.0] * len(self._segments)
        self._n_batches = 0

    def add_batch(self):
        """Accumulate the norms of the gradient the network holds now."""
        sums = self._sums
        for i, segment in enumerate(self._segments):
            sums[i] += _norm(segment)
        self._n_batches += 1

    def epoch_means(self):
        """Per-layer mean weight and bias norms since the last call (NaN if no batch); resets."""
        n_layers = len(self._segments) // 2
        n = self._n_batches
        means = [total / n if n else math.nan for total in self._sums]
        self._sums = [0.0] * len(self._segments)
        self._n_batches = 0
        return means[:n_layers], means[n_layers:]


def record_epoch(history, network, *, loss, learning_rate, seconds, grad_norms,
                 validation_loss=np.nan, validation_score=np.nan):
    """Append one epoch to ``history``.

    Parameters
    ----------
    history : dict of lists
        From :func:`new_history`.
    network : skmlp._network.Network
        Holds the parameters at the end of the epoch.
    loss, learning_rate, seconds, validation_loss, validation_score : float
        NaN where not applicable (no validation set; L-BFGS has no learning rate).
    grad_norms : tuple of two lists
        Per-layer weight and bias gradient norms, from :meth:`GradientNorms.epoch_means`.
    """
    history["loss"].append(float(loss))
    history["validation_loss"].append(float(validation_loss))
    history["validation_score"].append(float(validation_score))
    history["learning_rate"].append(float(learning_rate))
    history["time"].append(float(seconds))
    for kind, arrays in (("weight", network.coefs), ("bias", network.intercepts)):
        history[f"{kind}_mean"].append([float(a.mean()) for a in arrays])
        history[f"{kind}_std"].append([float(a.std()) for a in arrays])
        history[f"{kind}_norm"].append([_norm(a) for a in arrays])
    weight_grad, bias_grad = grad_norms
    history["weight_grad_norm"].append(weight_grad)
    history["bias_grad_norm"].append(bias_grad)
