"""Backpropagation against finite differences, and loss values against SPEC.md."""

import numpy as np
import pytest
from scipy.special import expit, softmax, xlogy

from skmlp._network import Network, Penalty
from skmlp.activations import ACTIVATIONS
from skmlp.losses import _RESOLVED_ONLY, LOSSES

#: every loss a fit can train with: the names users pass and what log_loss resolves to
ALL_LOSSES = {**LOSSES, **_RESOLVED_ONLY}

N_SAMPLES, N_FEATURES, HIDDEN, N_OUTPUTS = 7, 4, (5, 3), 3


def _targets(loss_name, rng, n_outputs=N_OUTPUTS):
    if loss_name == "categorical_crossentropy":
        return np.eye(n_outputs)[rng.integers(0, n_outputs, N_SAMPLES)]
    if loss_name in ("binary_crossentropy", "binary_log_loss"):
        return rng.integers(0, 2, (N_SAMPLES, n_outputs)).astype(float)
    if loss_name == "poisson":
        return rng.poisson(2.0, (N_SAMPLES, n_outputs)).astype(float)
    return rng.normal(size=(N_SAMPLES, n_outputs)) * 2


def _network(activation, loss_name, seed=0):
    sizes = [N_FEATURES, *HIDDEN, N_OUTPUTS]
    network = Network(sizes, activation, ALL_LOSSES[loss_name].output_activation, np.float64)
    network.params[0] = np.random.default_rng(seed).normal(scale=0.5,
                                                           size=network.params.shape[1])
    return network


def _loss_and_grad(network, params, X, Y, weights, loss, dropout, **penalty):
    """One model's loss and gradient (a stack of one)."""
    network.params[0] = params
    values, _ = network.loss_and_gradient(
        X, Y[np.newaxis], None if weights is None else weights[np.newaxis], loss,
        dropout=[dropout], rngs=[np.random.RandomState(42)], penalty=Penalty(**penalty),
    )
    return values[0], network.grad[0].copy()


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss_name", sorted(ALL_LOSSES))
@pytest.mark.parametrize(
    "alpha, alpha_l1, penalize_intercepts, weighted, dropout",
    [
        (0.0, 0.0, False, False, 0.0),
        (0.3, 0.2, False, True, 0.0),
        (0.3, 0.2, True, True, 0.0),
        (0.1, 0.0, False, True, 0.4),
    ],
    ids=["plain", "l1-l2-weights", "penalize-intercepts", "dropout"],
)
def test_gradient_matches_finite_differences(
    activation, loss_name, alpha, alpha_l1, penalize_intercepts, weighted, dropout
):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = _targets(loss_name, rng)
    weights = rng.uniform(0.1, 3.0, N_SAMPLES) if weighted else None
    loss = ALL_LOSSES[loss_name]()
    network = _network(activation, loss_name)
    params = network.params[0].copy()
    penalty = dict(alpha=alpha, alpha_l1=alpha_l1, penalize_intercepts=penalize_intercepts)
    rates = [dropout] * len(HIDDEN)

    _, analytic = _loss_and_grad(network, params, X, Y, weights, loss, rates, **penalty)

    def objective(at):
        value, _ = _loss_and_grad(network, at, X, Y, weights, loss, rates, **penalty)
        if loss_name != "squared_error":
            return value
        # scikit-learn's squared error steps along the sum over the outputs of its data
        # term (the value is their mean), plus the penalty's own gradient
        unpenalized, _ = _loss_and_grad(network, at, X, Y, weights, loss, rates,
                                        alpha=0.0, alpha_l1=0.0, penalize_intercepts=False)
        return value + (N_OUTPUTS - 1) * unpenalized

    h = 1e-6
    numeric = np.empty_like(params)
    for j in range(params.size):
        step = np.zeros_like(params)
        step[j] = h
        numeric[j] = (objective(params + step) - objective(params - step)) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-6)
    assert np.abs(analytic).max() > 1e-3  # the check compared something


def _spec_loss(loss_name, Y, Z, delta=1.0):
    """Per-sample losses written straight from SPEC.md's table."""
    if loss_name == "squared_error":  # scikit-learn's: half the MSE
        return 0.5 * np.mean((Y - Z) ** 2, axis=1)
    if loss_name == "mse":
        return np.mean((Y - Z) ** 2, axis=1)
    if loss_name == "absolute_error":
        return np.mean(np.abs(Y - Z), axis=1)
    if loss_name == "huber":
        r = np.abs(Y - Z)
        return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)), axis=1)
    if loss_name == "poisson":  # scikit-learn's: half the deviance, summed over outputs
        return np.sum(xlogy(Y, Y / np.exp(Z)) - Y + np.exp(Z), axis=1)
    if loss_name == "binary_crossentropy":
        p = expit(Z)
        return np.mean(-(Y * np.log(p) + (1 - Y) * np.log(1 - p)), axis=1)
    if loss_name == "binary_log_loss":  # scikit-learn's log_loss on multilabel y: summed
        p = expit(Z)
        return np.sum(-(Y * np.log(p) + (1 - Y) * np.log(1 - p)), axis=1)
    p = softmax(Z, axis=1)
    return -np.sum(Y * np.log(p), axis=1)


@pytest.mark.parametrize("loss_name", sorted(ALL_LOSSES))
@pytest.mark.parametrize("weighted", [False, True])
def test_batch_loss_matches_spec(loss_name, weighted):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = _targets(loss_name, rng)
    weights = rng.uniform(0.1, 3.0, N_SAMPLES) if weighted else None
    network = _network("tanh", loss_name)
    alpha, alpha_l1 = 0.7, 0.3
    value, _ = _loss_and_grad(network, network.params[0].copy(), X, Y, weights,
                              ALL_LOSSES[loss_name](), [0.0, 0.0], alpha=alpha,
                              alpha_l1=alpha_l1, penalize_intercepts=False)
    # independent forward pass
    coefs, intercepts = network.model_views
    A = X
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        A = np.tanh(A @ W + b)
    Z = A @ coefs[-1] + intercepts[-1]
    per_sample = _spec_loss(loss_name, Y, Z)
    n = N_SAMPLES if weights is None else weights.sum()
    data_loss = per_sample.mean() if weights is None else per_sample @ weights / n
    W2 = sum((W**2).sum() for W in coefs)
    W1 = sum(np.abs(W).sum() for W in coefs)
    expected = data_loss + alpha / (2 * n) * W2 + alpha_l1 / n * W1
    np.testing.assert_allclose(value, expected, rtol=1e-10)


@pytest.mark.parametrize("loss_name", ["squared_error", "huber", "categorical_crossentropy",
                                       "binary_log_loss"])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_each_model_of_a_stack_gets_its_own_gradient(loss_name, activation):
    # Three models with their own parameters, penalties, dropout rates and weights, and
    # minibatches of 7, 5 and 6 rows padded to 7 with zero weight: each model's loss and
    # gradient must be the ones it has alone, and its generator must draw the same masks.
    rng = np.random.default_rng(5)
    X = rng.normal(size=(3, N_SAMPLES, N_FEATURES))
    Y = np.stack([_targets(loss_name, rng) for _ in range(3)])
    counts = np.array([7, 5, 6])
    weights = rng.uniform(0.1, 3.0, (3, N_SAMPLES))
    weights[0] = 1.0  # unweighted
    for k, n in enumerate(counts):
        weights[k, n:] = 0.0  # padding
    penalties = [(0.0, 0.0, False), (0.3, 0.2, False), (0.3, 0.2, True)]
    dropout = np.array([[0.0, 0.0], [0.4, 0.0], [0.2, 0.5]])
    loss = ALL_LOSSES[loss_name]() if loss_name != "huber" else \
        ALL_LOSSES["huber"](delta=np.array([1.0, 0.5, 2.0])[:, None, None])
    singles = [_network(activation, loss_name, seed=k) for k in range(3)]
    stack = Network(singles[0].layer_sizes, activation, singles[0].output_activation_name,
                    np.float64, params=np.concatenate([s.params for s in singles]))
    values, _ = stack.loss_and_gradient(
        X, Y, weights, loss, penalty=Penalty(*zip(*penalties)), dropout=dropout,
        rngs=[np.random.RandomState(k) for k in range(3)], counts=counts)
    for k, single in enumerate(singles):
        n = counts[k]
        single_loss = loss if loss_name != "huber" else ALL_LOSSES["huber"](
            delta=loss.delta[k, 0, 0])
        alone, _ = single.loss_and_gradient(
            X[k, :n], Y[k, :n][np.newaxis], None if k == 0 else weights[k, :n][np.newaxis],
            single_loss, penalty=Penalty(*penalties[k]), dropout=dropout[k:k + 1],
            rngs=[np.random.RandomState(k)])
        np.testing.assert_allclose(values[k], alone[0], rtol=1e-12)
        np.testing.assert_allclose(stack.grad[k], single.grad[0], rtol=1e-10, atol=1e-13)
    assert not np.allclose(stack.grad[1], stack.grad[2])


def test_huber_delta_is_used():
    Y = np.array([[0.0], [0.0]])
    Z = np.array([[0.5], [4.0]])
    loss = LOSSES["huber"](delta=2.0)
    np.testing.assert_allclose(loss.value(Y, Z), [0.125, 2.0 * (4.0 - 1.0)])
    np.testing.assert_allclose(loss.gradient(Y, Z), [[0.5], [2.0]])


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_activation_formulas(activation):
    z = np.linspace(-3, 3, 13)
    expected = {
        "identity": z,
        "logistic": 1 / (1 + np.exp(-z)),
        "tanh": np.tanh(z),
        "relu": np.maximum(z, 0),
        "leaky_relu": np.where(z > 0, z, 0.01 * z),
        "elu": np.where(z > 0, z, np.exp(z) - 1),
        "gelu": z * 0.5 * (1 + np.vectorize(__import__("math").erf)(z / np.sqrt(2))),
        "silu": z / (1 + np.exp(-z)),
        "swish": z / (1 + np.exp(-z)),
        "mish": z * np.tanh(np.log1p(np.exp(z))),
        "softplus": np.log1p(np.exp(z)),
        "selu": 1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * np.expm1(z)),
    }[activation]
    act = ACTIVATIONS[activation]
    out = act.forward(z.copy(), out=np.empty_like(z))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "estimator_loss, target_type, sklearn_name",
    [
        ("squared_error", "continuous", "squared_error"),
        ("log_loss", "binary", "binary_log_loss"),
        ("log_loss", "multilabel-indicator", "binary_log_loss"),
        ("log_loss", "multiclass", "log_loss"),
    ],
)
def test_sklearn_loss_names_compute_sklearn_objective(estimator_loss, target_type, sklearn_name):
    """squared_error and log_loss are the objectives scikit-learn's MLP minimizes."""
    from sklearn.neural_network._base import LOSS_FUNCTIONS

    from skmlp.losses import LOG_LOSS_BY_TARGET, make_loss

    rng = np.random.default_rng(5)
    Z = rng.normal(size=(N_SAMPLES, N_OUTPUTS))
    name = LOG_LOSS_BY_TARGET.get(target_type, estimator_loss)
    loss = make_loss(name, None)
    if target_type == "multiclass":
        Y = np.eye(N_OUTPUTS)[rng.integers(0, N_OUTPUTS, N_SAMPLES)]
        P = softmax(Z, axis=1)
    elif target_type == "continuous":
        Y, P = rng.normal(size=Z.shape), Z
    else:
        if target_type == "binary":
            Z = Z[:, :1]
        Y = rng.integers(0, 2, Z.shape).astype(float)
        P = expit(Z)
    ours = loss.per_sample(Y, Z, P).mean()
    np.testing.assert_allclose(ours, LOSS_FUNCTIONS[sklearn_name](Y, P), rtol=1e-10)
