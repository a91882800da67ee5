"""Forward and backward passes of a stack of fully connected networks of one shape.

A stack holds ``K`` models (``K = 1`` for a plain fit); every array has the models on
its first axis, and each layer is one batched matrix product for all of them:
activations are ``(K, m, width)`` and ``coefs[i]`` is ``(K, fan_in, fan_out)``.

Each model's parameters live in one row of ``params`` (shape ``(K, P)``): every
layer's weights first, then every layer's biases. ``coefs[i]`` and
``intercepts[i]`` are views into it, so the optimizers update all layers of all
models with a few vectorized operations, L-BFGS sees the vector scipy expects
without packing, and the penalized part (weights, or weights and biases) is one
contiguous slice of each row. Gradients share the same layout.

Per-batch work happens in buffers allocated once for the largest batch; a batch of
``m`` rows views their first ``K * m * width`` entries, so it is contiguous.
"""

import numpy as np
import scipy.sparse as sp

from .activations import OUTPUT_ACTIVATIONS, resolve_activation

#: Rows per chunk when predicting, which bounds the extra memory of predict.
PREDICT_CHUNK_ROWS = 4096


def _layer_views(flat, layer_sizes):
    """Views ``(coefs, intercepts)`` of ``(K, P)`` rows laid out weights-then-biases."""
    n_models = flat.shape[0]
    coefs, intercepts = [], []
    start = 0
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        block = flat[:, start : start + fan_in * fan_out]
        coefs.append(block.reshape(n_models, fan_in, fan_out))
        start += fan_in * fan_out
    for fan_out in layer_sizes[1:]:
        intercepts.append(flat[:, start : start + fan_out])
        start += fan_out
    return coefs, intercepts


def _transposed(A):
    """The last two axes of ``A`` swapped (a view)."""
    return A.T if A.ndim == 2 else A.transpose(0, 2, 1)


def _affine_into(A, W, b, out):
    """``out = A @ W + b`` for dense or sparse ``A`` (one model's or a stack's)."""
    if sp.issparse(A):
        out[...] = A @ W
    else:
        np.matmul(A, W, out=out)
    out += b
    return out


def n_weights(layer_sizes):
    """Number of weights (not biases) of a network with these layer sizes."""
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def n_parameters(layer_sizes):
    """Number of weights and biases of a network with these layer sizes."""
    return n_weights(layer_sizes) + sum(layer_sizes[1:])


def row_dots(A):
    """``sum(A[k] * A[k])`` for each row of a 2D array, shape ``(K,)``."""
    if A.shape[0] == 1:  # one model: BLAS's dot beats einsum's loop
        return np.array([A[0] @ A[0]])
    return np.einsum("kp,kp->k", A, A)


class Dropout:
    """Dropout rates of each model of a stack, one per hidden layer.

    Parameters
    ----------
    rates : array-like of shape (K, n_hidden), or (n_hidden,) for every model
    n_models, n_hidden : int
    dtype : dtype
        The network's, for the mask thresholds and scales.
    """

    def __init__(self, rates, n_models, n_hidden, dtype):
        rates = np.zeros((n_models, 0)) if n_hidden == 0 else np.broadcast_to(
            np.asarray(rates, dtype=float).reshape(-1, n_hidden), (n_models, n_hidden))
        self.rates = rates
        #: whether any model drops units of hidden layer i
        self.dropping = tuple(bool(np.any(rates[:, i] > 0)) for i in range(n_hidden))
        # a unit is kept where its uniform draw is >= its model's rate, then scaled by
        # 1 / (1 - rate); a stack of one uses numbers, a stack (K, 1, 1) columns
        if n_models == 1:
            self.threshold = [float(r) for r in rates[0]]
            self.scale = [1.0 / (1.0 - float(r)) for r in rates[0]]
        else:
            self.threshold = [rates[:, i, None, None].astype(dtype) for i in range(n_hidden)]
            self.scale = [(1.0 / (1.0 - rates[:, i]))[:, None, None].astype(dtype)
                          for i in range(n_hidden)]


class Penalty:
    """L2 and L1 strengths of each model of a stack.

    ``alpha / (2 n) * sum(W**2) + alpha_l1 / n * sum(|W|)`` per model, with ``n`` the
    batch's sample count or weight sum (scikit-learn's scaling of alpha); the
    intercepts join both sums for the models with ``penalize_intercepts``.
    """

    def __init__(self, alpha, alpha_l1, penalize_intercepts):
        self.alpha = np.atleast_1d(np.asarray(alpha, dtype=float))
        self.alpha_l1 = np.atleast_1d(np.asarray(alpha_l1, dtype=float))
        self.penalize_intercepts = np.atleast_1d(np.asarray(penalize_intercepts, dtype=bool))
        self.has_l2 = bool(np.any(self.alpha > 0))
        self.has_l1 = bool(np.any(self.alpha_l1 > 0))
        self.any = self.has_l2 or self.has_l1
        self.any_intercepts = bool(np.any(self.penalize_intercepts))
        # a stack of one penalizes the weights (None) or all parameters (Ellipsis)
        self.single_part = Ellipsis if self.penalize_intercepts[0] else None

    @classmethod
    def of(cls, estimators):
        """The penalty of each estimator's parameters, stacked."""
        return cls([e.alpha for e in estimators], [e.alpha_l1 for e in estimators],
                   [e.penalize_intercepts for e in estimators])


class _BatchViews:
    """The buffers of one batch size, as views (see :meth:`Network._batch`)."""

    def __init__(self, **views):
        self.__dict__.update(views)


class Network:
    """A stack of multilayer perceptrons: parameters, gradients and work buffers.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``, the same for every model.
    activation : str or Activation
        Hidden activation: a key of ``ACTIVATIONS`` or a user's activation object.
    output_activation : str
        A key of ``OUTPUT_ACTIVATIONS``.
    dtype : dtype
        float32 or float64, for parameters and buffers.
    n_models : int, default=1
        ``K``, the number of models in the stack.
    params : ndarray of shape (n_models, n_parameters), optional
        Parameters to adopt (not copied).
    """

    def __init__(self, layer_sizes, activation, output_activation, dtype, n_models=1,
                 params=None):
        self.layer_sizes = list(layer_sizes)
        #: the option as given (name or object), and the object computing it
        self.activation_option = activation
        self.activation = resolve_activation(activation)
        self.output_activation_name = output_activation
        self.output_activation = OUTPUT_ACTIVATIONS[output_activation]
        self.dtype = np.dtype(dtype)
        size = n_parameters(self.layer_sizes)
        if params is None:
            params = np.zeros((n_models, size), dtype=self.dtype)
        self.params = params
        self.n_models = params.shape[0]
        self.grad = np.zeros_like(params)
        self.coefs, self.intercepts = _layer_views(self.params, self.layer_sizes)
        self.grad_coefs, self.grad_intercepts = _layer_views(self.grad, self.layer_sizes)
        self.n_weights = n_weights(self.layer_sizes)
        #: model 0's (coefs, intercepts) as 2D views, made once: a fitted estimator's
        #: ``coefs_``/``intercepts_`` (identity tells that they still are this network's)
        self.model_views = self.model(0)
        self._arrays = self._layer_arrays()
        self._scratch = None
        self._capacity = 0
        self._dropout_layout = None

    def __reduce__(self):
        # a network pickles as its parameters: the layer views are rebuilt over them (a
        # pickled view would be a copy), the gradient and work buffers anew
        return (type(self), (self.layer_sizes, self.activation_option,
                             self.output_activation_name, self.dtype, self.n_models,
                             self.params))

    @property
    def n_layers(self):
        """Number of weight layers (hidden layers + output)."""
        return len(self.layer_sizes) - 1

    def model(self, k):
        """Model ``k``'s ``(coefs, intercepts)``: lists of 2D views into ``params``."""
        return [c[k] for c in self.coefs], [b[k] for b in self.intercepts]

    def blocks(self, flat):
        """Each layer's weights and biases as 2D ``(K, size)`` slices of ``flat`` (the
        parameters or the gradient): ``(weight_blocks, bias_blocks)``."""
        weights, biases, start = [], [], 0
        sizes = self.layer_sizes
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            weights.append(flat[:, start : start + fan_in * fan_out])
            start += fan_in * fan_out
        for fan_out in sizes[1:]:
            biases.append(flat[:, start : start + fan_out])
            start += fan_out
        return weights, biases

    def select(self, rows):
        """A new stack of the models ``rows`` (their parameters copied)."""
        return Network(self.layer_sizes, self.activation_option, self.output_activation_name,
                       self.dtype, params=self.params[rows])

    # ------------------------------------------------------------------ buffers
    # The same code trains one model or K: arrays carry the models on an optional
    # leading axis. A stack of one computes on 2D views (``(m, width)`` activations,
    # ``(fan_in, fan_out)`` weights), so a plain fit pays nothing for the stack.
    def _layer_arrays(self):
        """Per layer: weights, biases (broadcastable to the activations), transposed
        weights, and the weight and bias gradients -- views into ``params``/``grad``."""
        if self.n_models == 1:
            coefs, intercepts = self.model_views
            return (coefs, intercepts, [c.T for c in coefs], [g[0] for g in self.grad_coefs],
                    [g[0] for g in self.grad_intercepts])
        return (self.coefs, [b[:, np.newaxis, :] for b in self.intercepts],
                [c.transpose(0, 2, 1) for c in self.coefs], self.grad_coefs,
                self.grad_intercepts)

    def _ensure_buffers(self, n_rows, dropping):
        if n_rows <= self._capacity and dropping == self._dropout_layout:
            return
        n_rows = max(n_rows, self._capacity)
        K, hidden = self.n_models, self.layer_sizes[1:-1]
        new = lambda width: np.empty(K * n_rows * width, dtype=self.dtype)  # noqa: E731
        self._activations = [new(width) for width in hidden]
        self._deltas = [new(width) for width in hidden]
        self._preactivations = (
            [new(width) for width in hidden] if self.activation.needs_preactivation else None
        )
        self._masks = [new(width) if drop else None for width, drop in zip(hidden, dropping)]
        self._dropped = [new(width) if drop else None for width, drop in zip(hidden, dropping)]
        self._out_raw = new(self.layer_sizes[-1])
        self._out_pred = new(self.layer_sizes[-1])
        self._ones = np.ones(n_rows, dtype=self.dtype)  # bias gradients as one GEMV
        self._capacity = n_rows
        self._dropout_layout = dropping
        self._views = {}

    def _batch(self, m):
        """Views of every buffer for a batch of ``m`` rows (made once per batch size):
        the first ``m`` rows of every model, contiguous, ``(K, m, width)`` or ``(m,
        width)`` for a stack of one."""
        views = self._views.get(m)
        if views is None:
            K = self.n_models

            def view(flat):
                if flat is None:
                    return None
                width = flat.size // (K * self._capacity)
                return flat[: K * m * width].reshape((m, width) if K == 1 else (K, m, width))

            views = self._views[m] = _BatchViews(
                activations=[view(f) for f in self._activations],
                preactivations=None if self._preactivations is None else
                [view(f) for f in self._preactivations],
                masks=[view(f) for f in self._masks],
                dropped=[view(f) for f in self._dropped],
                deltas=[view(f) for f in self._deltas],
                out_raw=view(self._out_raw), out_pred=view(self._out_pred),
                ones=self._ones[:m],
            )
        return views

    # ---------------------------------------------------------------- training
    def forward_train(self, X, dropout, rngs, counts=None):
        """Forward pass keeping what backward needs; returns ``(Z_out, P_out)``.

        Parameters
        ----------
        X : ndarray of shape (K, m, n_features), or 2D (or sparse) for a stack of one
        dropout : Dropout
            Kept units are scaled by ``1 / (1 - rate)`` (inverted dropout) so
            prediction needs no rescaling.
        rngs : list of K numpy RandomStates
            Model ``k``'s masks are drawn from ``rngs[k]`` (its fit's stream), only where
            its rate is > 0.
        counts : ndarray of shape (K,), optional
            Model ``k`` uses the first ``counts[k]`` rows (the rest is padding): it
            draws masks for those only, as a fit of that model alone would.
        """
        m = X.shape[-2]
        self._ensure_buffers(m, dropout.dropping)
        views = self._batch(m)
        coefs, intercepts, _, _, _ = self._arrays
        layer_input = X
        for i in range(self.n_layers - 1):
            out = views.activations[i]
            Z = out if views.preactivations is None else views.preactivations[i]
            _affine_into(layer_input, coefs[i], intercepts[i], Z)
            self.activation.forward(Z, out=out)
            if dropout.dropping[i]:
                out = self._drop(views, i, dropout, rngs, counts)
            layer_input = out
        Z = _affine_into(layer_input, coefs[-1], intercepts[-1], views.out_raw)
        P = views.out_pred
        np.copyto(P, Z)
        self.output_activation(P)
        return Z, P

    def _drop(self, views, i, dropout, rngs, counts):
        mask = views.masks[i]
        if self.n_models == 1:
            mask[...] = rngs[0].random_sample(mask.shape)
        else:
            m = mask.shape[1]
            for k, rate in enumerate(dropout.rates[:, i]):
                if rate > 0:
                    rows = m if counts is None else counts[k]
                    mask[k, :rows] = rngs[k].random_sample(mask[k, :rows].shape)
                else:  # nothing dropped: no draw, as in a fit of this model alone
                    mask[k].fill(1.0)
        np.greater_equal(mask, dropout.threshold[i], out=mask)
        mask *= dropout.scale[i]
        return np.multiply(views.activations[i], mask, out=views.dropped[i])

    def backward(self, X, delta):
        """Fill ``self.grad`` from the output delta ``d loss / d z_out`` (already averaged)."""
        views = self._batch(X.shape[-2])
        _, _, coefs_T, grad_coefs, grad_intercepts = self._arrays
        for i in range(self.n_layers - 1, -1, -1):
            if i == 0:
                layer_input = X
            elif self._dropout_layout[i - 1]:
                layer_input = views.dropped[i - 1]
            else:
                layer_input = views.activations[i - 1]
            if sp.issparse(layer_input):
                grad_coefs[i][...] = layer_input.T @ delta
            else:
                np.matmul(_transposed(layer_input), delta, out=grad_coefs[i])
            np.matmul(views.ones, delta, out=grad_intercepts[i])
            if i == 0:
                break
            if delta.shape[-1] == 1:
                # one output unit (binary classification, one target): an outer product,
                # which numpy's matmul with an inner dimension of 1 does about 2.5x
                # slower than a broadcast multiply (same products, bit for bit)
                previous = np.multiply(delta, coefs_T[i], out=views.deltas[i - 1])
            else:
                previous = np.matmul(delta, coefs_T[i], out=views.deltas[i - 1])
            if self._dropout_layout[i - 1]:
                previous *= views.masks[i - 1]
            Z = None if views.preactivations is None else views.preactivations[i - 1]
            self.activation.backward(views.activations[i - 1], previous, Z)
            delta = previous

    def loss_and_gradient(self, X, Y, sample_weight, loss, *, penalty, dropout, rngs,
                          weight_scale=1.0, counts=None, loss_scale=None):
        """Each model's batch loss (with penalties) and its gradient, written to ``self.grad``.

        Parameters
        ----------
        X : ndarray of shape (K, m, n_features), or 2D / sparse for a stack of one
        Y : ndarray of shape (K, m, n_outputs), or 2D for a stack of one
        sample_weight : ndarray of shape (K, m), (m,) for a stack of one, or None
            Weights divided by ``weight_scale`` (so that float32 holds them); zero on
            padding rows.
        loss : skmlp.losses.Loss
        penalty : Penalty
        dropout : Dropout or array-like of shape (K, n_hidden)
        rngs : list of K numpy RandomStates (or None without dropout)
        weight_scale : float or ndarray of shape (K,), default=1.0
            What ``sample_weight`` was divided by: the penalty's ``n`` is the batch's
            weight sum in the caller's units.
        counts : ndarray of shape (K,), optional
            Rows of the batch each model uses (see :meth:`forward_train`).
        loss_scale : float or ndarray of shape (K,), optional
            Each model's objective (penalties included) is multiplied by it: the class
            weights' scale (:func:`skmlp._class_weight.loss_scale`).

        Returns
        -------
        values : ndarray of shape (K,)
            The losses.
        total_weight : ndarray of shape (K,)
            Each model's batch weight; where it is 0 the model has nothing to learn
            from the batch, its value is NaN and its gradient must not be applied.
        """
        if not isinstance(dropout, Dropout):
            dropout = Dropout(dropout, self.n_models, self.n_layers - 1, self.dtype)
        if self.n_models == 1:  # a stack of one computes on 2D arrays
            X = X[0] if X.ndim == 3 else X
            Y = Y[0] if Y.ndim == 3 else Y
            if sample_weight is not None:
                sample_weight = sample_weight.reshape(-1)
        Z, P = self.forward_train(X, dropout, rngs, counts)
        per_sample = loss.per_sample(Y, Z, P)
        loss._check_finite("value", per_sample, Y, Z)  # a user's loss, before Z is overwritten
        delta = loss.output_delta(Y, Z, P, out=Z)
        m = Z.shape[-2]
        if self.n_models == 1:  # numbers, not arrays, for one model's small batches
            if sample_weight is None:
                total, value = float(m), float(per_sample.mean())
                delta *= 1.0 / m
            else:
                total = float(sample_weight.sum())
                if total <= 0:
                    return np.array([np.nan]), np.array([0.0])
                value = float(per_sample @ sample_weight) / total
                delta *= (sample_weight / total)[:, np.newaxis]
            self.backward(X, delta)
            n = total * float(np.asarray(weight_scale).reshape(-1)[0])
            values = np.array([value + self.add_penalty(penalty, n)])
            return self._scaled(values, loss_scale), np.array([total])
        if sample_weight is None:
            total_weight = np.full(self.n_models, float(m))
            values = per_sample.mean(axis=-1)
            delta *= 1.0 / m
        else:
            total_weight = np.sum(sample_weight, axis=1, dtype=np.float64)
            empty = total_weight <= 0
            safe_total = np.where(empty, 1.0, total_weight)
            values = np.einsum("km,km->k", per_sample, sample_weight) / safe_total
            values[empty] = np.nan
            delta *= (sample_weight / safe_total[:, np.newaxis].astype(self.dtype))[..., None]
        self.backward(X, delta)
        n = np.where(total_weight > 0, total_weight, 1.0) * weight_scale
        return self._scaled(values + self.add_penalty(penalty, n), loss_scale), total_weight

    def _scaled(self, values, loss_scale):
        """``values`` and the gradient times each model's ``loss_scale`` (None: as they are)."""
        if loss_scale is None or np.all(np.asarray(loss_scale) == 1.0):
            return values
        scale = np.broadcast_to(np.asarray(loss_scale, dtype=float), (self.n_models,))
        self.grad *= scale[:, np.newaxis].astype(self.dtype)
        return values * scale

    def add_penalty(self, penalty, total_weight):
        """Add each model's L2/L1 gradients to ``self.grad``; return its penalty values.

        ``total_weight`` is each model's ``n``: an array of shape ``(K,)``, or a number
        for a stack of one (which then gets a number back).
        """
        if not penalty.any:
            return 0.0
        if self._scratch is None:
            self._scratch = np.empty_like(self.params)
        value = 0.0
        for strength, active, kind in ((penalty.alpha, penalty.has_l2, "l2"),
                                       (penalty.alpha_l1, penalty.has_l1, "l1")):
            if not active:
                continue
            if self.n_models == 1:
                scale = float(strength[0]) / total_weight
                value += self._add_penalty_part(penalty.single_part, scale, kind)
                continue
            scale = strength / total_weight
            value += self._add_penalty_part(slice(0, self.n_weights), scale, kind)
            if penalty.any_intercepts:
                value += self._add_penalty_part(
                    slice(self.n_weights, None),
                    np.where(penalty.penalize_intercepts, scale, 0.0), kind)
        return value

    def _add_penalty_part(self, part, scale, kind):
        """``scale * (0.5 * sum(W**2) or sum(|W|))`` per model, and its gradient, on ``part``.

        A stack of one works on 1D rows with a number ``scale``; a stack on ``(K, size)``
        blocks with one scale per model.
        """
        if self.n_models == 1:
            if part is None:
                part = slice(0, self.n_weights)
            elif part is Ellipsis:
                part = slice(None)
            params, grad, scratch = self.params[0, part], self.grad[0, part], \
                self._scratch[0, part]
            column = scale
        else:
            params, grad, scratch = self.params[:, part], self.grad[:, part], \
                self._scratch[:, part]
            column = scale[:, np.newaxis].astype(self.dtype)
        if kind == "l2":
            value = 0.5 * scale * (float(params @ params) if params.ndim == 1
                                   else row_dots(params))
            np.multiply(params, column, out=scratch)
        else:
            total = np.abs(params, out=scratch).sum(axis=-1)
            value = scale * (float(total) if params.ndim == 1 else total)
            np.sign(params, out=scratch)
            scratch *= column
        grad += scratch
        return value


def forward(X, coefs, intercepts, activation, rows=None):
    """Raw outputs ``z`` of networks without dropout, computed in row chunks.

    ``coefs`` and ``intercepts`` are one model's 2D and 1D arrays, or a stack's 3D and
    2D ones (the result then has the models first). Chunking bounds the extra memory
    whatever ``len(X)``: each chunk is cast to the parameters' dtype on its own, and
    only its hidden activations exist at once. ``rows`` selects (and orders) the rows
    of a 2D ``X`` to predict, without copying them all.
    """
    dtype = coefs[-1].dtype
    n = X.shape[-2] if rows is None else len(rows)
    out = np.empty((*coefs[-1].shape[:-2], n, coefs[-1].shape[-1]), dtype=dtype)
    for start in range(0, n, PREDICT_CHUNK_ROWS):
        chunk = slice(start, min(start + PREDICT_CHUNK_ROWS, n))
        if X.ndim == 3:
            hidden = X[:, chunk].astype(dtype, copy=False)
        else:
            hidden = X[chunk if rows is None else rows[chunk]].astype(dtype, copy=False)
        for W, b in zip(coefs[:-1], intercepts[:-1]):
            Z = _matmul(hidden, W)
            Z += b[..., np.newaxis, :]
            if activation.needs_preactivation:
                hidden = activation.forward(Z, out=np.empty_like(Z))
            else:
                hidden = activation.forward(Z)
        out[..., chunk, :] = _matmul(hidden, coefs[-1])
        out[..., chunk, :] += intercepts[-1][..., np.newaxis, :]
    return out


def _matmul(A, W):
    """``A @ W`` for a dense or sparse 2D ``A`` against one or a stack of matrices."""
    if sp.issparse(A):
        if W.ndim == 2:
            return np.asarray(A @ W)
        return np.stack([np.asarray(A @ W_k) for W_k in W])
    return A @ W
