"""Per-epoch training history: losses, learning rate, time and per-layer statistics.

The history is a plain ``dict`` of lists, one entry per epoch (per iteration
for L-BFGS), so that ``pandas.DataFrame`` and the :mod:`skmlp.plot` displays
can read it directly and it pickles with the estimator.
"""

import math

import numpy as np

from ._network import row_dots

#: Scalar entries, one float per epoch.
SCALAR_KEYS = ("loss", "validation_loss", "validation_score", "learning_rate", "time")
#: Per epoch, the name of the metric ``validation_score`` holds (the ``scoring``), or None.
SCORING_KEY = "scoring"
#: Per-layer entries, one list of ``n_layers - 1`` floats per epoch.
LAYER_KEYS = (
    "weight_mean", "weight_std", "weight_norm",
    "bias_mean", "bias_std", "bias_norm",
    "weight_grad_norm", "bias_grad_norm",
)
HISTORY_KEYS = SCALAR_KEYS + (SCORING_KEY,) + LAYER_KEYS


def new_history():
    """An empty history with every key present."""
    return {key: [] for key in HISTORY_KEYS}


class GradientNorms:
    """Mean over an epoch's minibatches of each layer's gradient norm, for each model.

    One row-wise dot product per layer and parameter kind per minibatch, over the
    whole stack at once: a few microseconds against the milliseconds a minibatch's
    matrix products take.
    """

    def __init__(self, network):
        weights, biases = network.blocks(network.grad)  # views, filled in place every batch
        self._segments = weights + biases
        self._sums = np.zeros((len(self._segments), network.n_models))
        self._n_batches = np.zeros(network.n_models)
        self._single = [0.0] * len(self._segments) if network.n_models == 1 else None
        self._segments_1d = [segment[0] for segment in self._segments]
        # the segments tile each gradient row in order (weights, then biases): a stack
        # sums their squares with one reduceat over a scratch row of squares
        self._grad = network.grad
        self._starts = np.cumsum([0] + [s.shape[1] for s in self._segments[:-1]])
        self._squares = None

    def add_batch(self, rows=None):
        """Accumulate the norms of the gradient the network holds now (of models ``rows``)."""
        if self._single is not None:  # one model: Python floats and BLAS's dot
            sums = self._single
            for i, segment in enumerate(self._segments_1d):
                sums[i] += math.sqrt(segment @ segment)
            self._n_batches += 1
            return
        if self._squares is None:
            self._squares = np.empty_like(self._grad)
        np.square(self._grad, out=self._squares)
        norms = np.sqrt(np.add.reduceat(self._squares, self._starts, axis=1)).T
        if rows is None:
            self._sums += norms
            self._n_batches += 1
        else:
            self._sums[:, rows] += norms[:, rows]
            self._n_batches[rows] += 1

    def epoch_means(self):
        """Per-model, per-layer mean norms since the last call (NaN if no batch); resets.

        Returns ``(weight, bias)``, each of shape ``(K, n_layers)``.
        """
        n_layers = len(self._segments) // 2
        if self._single is not None:
            self._sums[:, 0] = self._single
            self._single = [0.0] * len(self._segments)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = (self._sums / self._n_batches).T
        self._sums[...] = 0.0
        self._n_batches[...] = 0
        return means[:, :n_layers], means[:, n_layers:]


def layer_statistics(network, grad_norms):
    """Each model's per-layer statistics at the end of an epoch: key of ``LAYER_KEYS``
    -> one list per model of one float per layer.

    ``grad_norms`` is :meth:`GradientNorms.epoch_means`. Computed for the whole stack at
    once, and made Python lists once, not per model.
    """
    weights, biases = network.blocks(network.params)
    stats = {}
    for kind, blocks in (("weight", weights), ("bias", biases)):
        stats[f"{kind}_mean"] = np.stack([b.mean(axis=1) for b in blocks], axis=1)
        stats[f"{kind}_std"] = np.stack([b.std(axis=1) for b in blocks], axis=1)
        stats[f"{kind}_norm"] = np.stack([np.sqrt(row_dots(b)) for b in blocks], axis=1)
    stats["weight_grad_norm"], stats["bias_grad_norm"] = grad_norms
    return {key: stats[key].tolist() for key in LAYER_KEYS}


def record_epoch(history, statistics, k, *, loss, learning_rate, seconds,
                 validation_loss=np.nan, validation_score=np.nan, scoring=None):
    """Append one epoch of model ``k`` of a stack to ``history``.

    Parameters
    ----------
    history : dict of lists
        From :func:`new_history`.
    statistics : dict
        From :func:`layer_statistics` at the end of the epoch.
    k : int
        The model's row in the stack.
    loss, learning_rate, seconds, validation_loss, validation_score : float
        NaN where not applicable (no validation set; L-BFGS has no learning rate).
    scoring : str or None
        The name of the validation score's metric; None without a validation set.
    """
    history["loss"].append(float(loss))
    history["validation_loss"].append(float(validation_loss))
    history["validation_score"].append(float(validation_score))
    history[SCORING_KEY].append(scoring)
    history["learning_rate"].append(float(learning_rate))
    history["time"].append(float(seconds))
    for key in LAYER_KEYS:
        history[key].append(statistics[key][k])
