"""Forward and backward passes of a fully connected network.

All parameters live in one flat vector: every layer's weights first, then every
layer's biases. ``coefs[i]`` and ``intercepts[i]`` are views into it, so the
optimizers update all layers with a few vectorized operations, L-BFGS sees the
vector scipy expects without packing, and the penalized part (weights, or
weights and biases) is one contiguous slice. Gradients share the same layout.

Per-batch work happens in buffers allocated once for the largest batch and
sliced for smaller ones.
"""

import numpy as np
import scipy.sparse as sp

from .activations import ACTIVATIONS, OUTPUT_ACTIVATIONS

#: Rows per chunk when predicting, which bounds the extra memory of predict.
PREDICT_CHUNK_ROWS = 4096


def _layer_views(flat, layer_sizes):
    """Views ``(coefs, intercepts)`` of a flat vector laid out weights-then-biases."""
    coefs, intercepts = [], []
    start = 0
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        coefs.append(flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out))
        start += fan_in * fan_out
    for fan_out in layer_sizes[1:]:
        intercepts.append(flat[start : start + fan_out])
        start += fan_out
    return coefs, intercepts


def n_weights(layer_sizes):
    """Number of weights (not biases) of a network with these layer sizes."""
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def n_parameters(layer_sizes):
    """Number of weights and biases of a network with these layer sizes."""
    return n_weights(layer_sizes) + sum(layer_sizes[1:])


def _matmul_into(A, W, out):
    """``out[...] = A @ W`` for dense or sparse ``A``."""
    if sp.issparse(A):
        out[...] = A @ W
    else:
        np.matmul(A, W, out=out)
    return out


class Network:
    """A multilayer perceptron's parameters, gradients and work buffers.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activation : str
        Hidden activation, a key of ``ACTIVATIONS``.
    output_activation : str
        A key of ``OUTPUT_ACTIVATIONS``.
    dtype : dtype
        float32 or float64, for parameters and buffers.
    params : ndarray, optional
        Flat parameter vector to adopt (not copied).
    """

    def __init__(self, layer_sizes, activation, output_activation, dtype, params=None):
        self.layer_sizes = list(layer_sizes)
        self.activation = ACTIVATIONS[activation]
        self.output_activation = OUTPUT_ACTIVATIONS[output_activation]
        self.dtype = np.dtype(dtype)
        size = n_parameters(self.layer_sizes)
        self.params = np.zeros(size, dtype=self.dtype) if params is None else params
        self.grad = np.zeros(size, dtype=self.dtype)
        self.coefs, self.intercepts = _layer_views(self.params, self.layer_sizes)
        self.grad_coefs, self.grad_intercepts = _layer_views(self.grad, self.layer_sizes)
        self.n_weights = n_weights(self.layer_sizes)
        self._penalty_scratch = None
        self._capacity = 0
        self._dropout_layout = None

    @property
    def n_layers(self):
        """Number of weight layers (hidden layers + output)."""
        return len(self.layer_sizes) - 1

    def penalized(self, flat, penalize_intercepts):
        """The part of a flat vector that L1 and L2 apply to."""
        return flat if penalize_intercepts else flat[: self.n_weights]

    # ------------------------------------------------------------------ buffers
    def _ensure_buffers(self, n_rows, dropout):
        dropout = tuple(dropout)
        if n_rows <= self._capacity and dropout == self._dropout_layout:
            return
        n_rows = max(n_rows, self._capacity)
        hidden = self.layer_sizes[1:-1]
        new = lambda width: np.empty((n_rows, width), dtype=self.dtype)  # noqa: E731
        self._activations = [new(width) for width in hidden]
        self._deltas = [new(width) for width in hidden]
        self._preactivations = (
            [new(width) for width in hidden] if self.activation.needs_preactivation else None
        )
        self._masks = [new(width) if rate > 0 else None for width, rate in zip(hidden, dropout)]
        self._dropped = [new(width) if rate > 0 else None for width, rate in zip(hidden, dropout)]
        self._out_raw = new(self.layer_sizes[-1])
        self._out_pred = new(self.layer_sizes[-1])
        self._ones = np.ones(n_rows, dtype=self.dtype)  # bias gradients as one GEMV
        self._capacity = n_rows
        self._dropout_layout = dropout

    # ---------------------------------------------------------------- training
    def forward_train(self, X, dropout, rng):
        """Forward pass keeping what backward needs; returns ``(Z_out, P_out)``.

        ``dropout`` has one rate per hidden layer; kept units are scaled by
        ``1 / (1 - rate)`` (inverted dropout) so prediction needs no rescaling.
        """
        m = X.shape[0]
        self._ensure_buffers(m, dropout)
        layer_input = X
        for i in range(self.n_layers - 1):
            out = self._activations[i][:m]
            if self._preactivations is not None:
                Z = _matmul_into(layer_input, self.coefs[i], self._preactivations[i][:m])
                Z += self.intercepts[i]
                self.activation.forward(Z, out=out)
            else:
                _matmul_into(layer_input, self.coefs[i], out)
                out += self.intercepts[i]
                self.activation.forward(out)
            rate = dropout[i]
            if rate > 0:
                mask = self._masks[i][:m]
                rng.random(out=mask, dtype=self.dtype)
                np.greater_equal(mask, rate, out=mask)
                mask *= 1.0 / (1.0 - rate)
                out = np.multiply(out, mask, out=self._dropped[i][:m])
            layer_input = out
        Z = _matmul_into(layer_input, self.coefs[-1], self._out_raw[:m])
        Z += self.intercepts[-1]
        P = self._out_pred[:m]
        np.copyto(P, Z)
        self.output_activation(P)
        return Z, P

    def _layer_input(self, X, i, m, dropout):
        if i == 0:
            return X
        if dropout[i - 1] > 0:
            return self._dropped[i - 1][:m]
        return self._activations[i - 1][:m]

    def backward(self, X, delta, dropout):
        """Fill ``self.grad`` from the output delta ``d loss / d z_out`` (already averaged)."""
        m = X.shape[0]
        for i in range(self.n_layers - 1, -1, -1):
            layer_input = self._layer_input(X, i, m, dropout)
            if sp.issparse(layer_input):
                self.grad_coefs[i][...] = layer_input.T @ delta
            else:
                np.matmul(layer_input.T, delta, out=self.grad_coefs[i])
            np.matmul(self._ones[:m], delta, out=self.grad_intercepts[i])
            if i == 0:
                break
            previous = np.matmul(delta, self.coefs[i].T, out=self._deltas[i - 1][:m])
            if dropout[i - 1] > 0:
                previous *= self._masks[i - 1][:m]
            Z = None if self._preactivations is None else self._preactivations[i - 1][:m]
            self.activation.backward(self._activations[i - 1][:m], previous, Z)
            delta = previous

    def loss_and_gradient(
        self, X, Y, sample_weight, loss, *, alpha, alpha_l1, penalize_intercepts, dropout, rng,
        weight_scale=1.0,
    ):
        """Batch loss (with penalties) and its gradient, written to ``self.grad``.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (m, n_features)
        Y : ndarray of shape (m, n_outputs)
        sample_weight : ndarray of shape (m,) or None
            Weights divided by ``weight_scale`` (so that float32 holds them).
        loss : skmlp.losses.Loss
        weight_scale : float, default=1.0
            What ``sample_weight`` was divided by: the penalty's ``n`` is the batch's
            weight sum in the caller's units.

        Returns
        -------
        value : float or None
            The loss; None when the batch's weights sum to zero (nothing to
            learn from it, and the gradient is left unset).
        """
        Z, P = self.forward_train(X, dropout, rng)
        per_sample = loss.value(Y, Z, P)
        delta = loss.gradient(Y, P, out=Z)
        if sample_weight is None:
            total_weight = X.shape[0]
            value = float(np.mean(per_sample))
            delta *= 1.0 / total_weight
        else:
            total_weight = float(np.sum(sample_weight))
            if total_weight <= 0:
                return None
            value = float(per_sample @ sample_weight) / total_weight
            delta *= (sample_weight / total_weight)[:, np.newaxis]
        self.backward(X, delta, dropout)
        return value + self.add_penalty(alpha, alpha_l1, penalize_intercepts,
                                        total_weight * weight_scale)

    def add_penalty(self, alpha, alpha_l1, penalize_intercepts, total_weight):
        """Add L2/L1 gradients to ``self.grad``; return the penalty value.

        ``alpha / (2 n) * sum(W**2) + alpha_l1 / n * sum(|W|)`` with ``n`` the
        batch's sample count or weight sum (scikit-learn's scaling of alpha).
        """
        params = self.penalized(self.params, penalize_intercepts)
        grad = self.penalized(self.grad, penalize_intercepts)
        if self._penalty_scratch is None:
            self._penalty_scratch = np.empty_like(self.params)
        scratch = self.penalized(self._penalty_scratch, penalize_intercepts)
        penalty = 0.0
        if alpha > 0:
            penalty += 0.5 * alpha / total_weight * float(params @ params)
            np.multiply(params, alpha / total_weight, out=scratch)
            grad += scratch
        if alpha_l1 > 0:
            penalty += alpha_l1 / total_weight * float(np.abs(params, out=scratch).sum())
            np.sign(params, out=scratch)
            scratch *= alpha_l1 / total_weight
            grad += scratch
        return penalty

    # --------------------------------------------------------------- inference
    def predict_raw(self, X, rows=None):
        """Raw outputs ``z`` of the deterministic network (no dropout)."""
        return forward(X, self.coefs, self.intercepts, self.activation, rows=rows)


def forward(X, coefs, intercepts, activation, rows=None):
    """Raw outputs ``z`` of a network without dropout, computed in row chunks.

    Chunking bounds the extra memory whatever ``len(X)``: each chunk is cast to
    the parameters' dtype on its own, and only its hidden activations exist at
    once. ``rows`` selects (and orders) the rows of ``X`` to predict, without
    copying them all.
    """
    dtype = coefs[-1].dtype
    n = X.shape[0] if rows is None else len(rows)
    out = np.empty((n, coefs[-1].shape[1]), dtype=dtype)
    for start in range(0, n, PREDICT_CHUNK_ROWS):
        chunk = slice(start, min(start + PREDICT_CHUNK_ROWS, n))
        hidden = X[chunk if rows is None else rows[chunk]].astype(dtype, copy=False)
        for W, b in zip(coefs[:-1], intercepts[:-1]):
            Z = hidden @ W
            Z += b
            if activation.needs_preactivation:
                hidden = activation.forward(Z, out=np.empty_like(Z))
            else:
                hidden = activation.forward(Z)
        _matmul_into(hidden, coefs[-1], out[chunk])
        out[chunk] += intercepts[-1]
    return out
