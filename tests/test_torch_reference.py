"""Activations, AdamW, gradient clipping and one-cycle against PyTorch (test-only).

SPEC.md defines the ``silu``/``swish``, ``mish``, ``softplus`` and ``selu`` activations,
``solver="adamw"`` (``torch.optim.AdamW``), ``clip_norm``
(``torch.nn.utils.clip_grad_norm_``) and ``learning_rate="one_cycle"``
(``torch.optim.lr_scheduler.OneCycleLR``) as PyTorch's; these tests run both side by
side, in float64.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skmlp import MLPRegressor
from skmlp.activations import ACTIVATIONS
from skmlp.optimizers import AdamW, clip_gradient_norm
from skmlp.schedules import OneCycle

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def test_adamw_steps_are_torchs():
    # three models of a stack, each with its own constants and decayed parameters
    K, P, n_decayed = 3, 7, 5
    settings = [dict(lr=0.05, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
                dict(lr=0.2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.3),
                dict(lr=0.01, betas=(0.5, 0.9), eps=1e-3, weight_decay=0.0)]
    decay_bias = [False, True, True]
    params = RNG.normal(size=(K, P))
    decayed = np.ones((K, P))
    decayed[:, n_decayed:] = np.array(decay_bias, dtype=float)[:, None]
    column = lambda key, i=None: np.array(  # noqa: E731
        [[s[key] if i is None else s[key][i]] for s in settings])
    ours = AdamW(beta_1=column("betas", 0), beta_2=column("betas", 1), epsilon=column("eps"),
                 weight_decay=column("weight_decay"), decayed=decayed)
    theirs = []
    for k, s in enumerate(settings):
        weights = torch.tensor(params[k, :n_decayed], requires_grad=True)
        biases = torch.tensor(params[k, n_decayed:], requires_grad=True)
        groups = [{"params": [weights]},
                  {"params": [biases], "weight_decay": s["weight_decay"] * decay_bias[k]}]
        theirs.append(((weights, biases), torch.optim.AdamW(groups, **s)))
    schedule = [1.0, 0.5, 2.0, 1.0, 0.1]  # the learning rate varies between steps
    for step in range(10):
        grad = RNG.normal(size=(K, P))
        factor = schedule[step % len(schedule)]
        ours.step(params, grad, column("lr") * factor)
        for k, ((weights, biases), optimizer) in enumerate(theirs):
            for group in optimizer.param_groups:
                group["lr"] = settings[k]["lr"] * factor
            weights.grad = torch.tensor(grad[k, :n_decayed])
            biases.grad = torch.tensor(grad[k, n_decayed:])
            optimizer.step()
            expected = np.concatenate([weights.detach().numpy(), biases.detach().numpy()])
            np.testing.assert_allclose(params[k], expected, rtol=1e-6, atol=1e-9,
                                       err_msg=f"model {k}, step {step}")


def test_clipping_is_torchs_clip_grad_norm():
    grad = RNG.normal(size=(4, 9)) * np.array([[0.01], [1.0], [10.0], [3.0]])
    max_norm = np.array([0.5, 0.5, 2.0, np.inf])
    ours = grad.copy()
    clip_gradient_norm(ours, max_norm)
    for k in range(4):
        tensor = torch.zeros(9, dtype=torch.float64, requires_grad=True)
        tensor.grad = torch.tensor(grad[k])
        total = torch.nn.utils.clip_grad_norm_([tensor], max_norm[k])
        np.testing.assert_allclose(ours[k], tensor.grad.numpy(), rtol=1e-12)
        assert float(total) == pytest.approx(np.linalg.norm(grad[k]))
    assert np.array_equal(ours[3], grad[3])  # inf: no clipping
    assert np.array_equal(ours[0], grad[0])  # under its norm: unchanged


@pytest.mark.parametrize("penalize_intercepts", [False, True])
def test_an_adamw_fit_with_clipping_is_a_torch_training_loop(penalize_intercepts):
    X = RNG.normal(size=(30, 4))
    y = X @ RNG.normal(size=4) + 0.1 * RNG.normal(size=30)
    W0, b0 = RNG.normal(size=(4, 5)), RNG.normal(size=5)
    W1, b1 = RNG.normal(size=(5, 1)), RNG.normal(size=1)
    # full-batch steps in the data's order, mse = torch's MSELoss, no L2: one step an epoch
    params = dict(hidden_layer_sizes=(5,), loss="mse", solver="adamw", alpha=0.0,
                  batch_size=30, shuffle=False, learning_rate_init=0.05, weight_decay=0.2,
                  clip_norm=0.7, penalize_intercepts=penalize_intercepts, random_state=0)
    model = MLPRegressor(max_iter=1, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
        model.coefs_, model.intercepts_ = [W0.copy(), W1.copy()], [b0.copy(), b1.copy()]
        model.set_params(warm_start=True, max_iter=4).fit(X, y)  # a fresh optimizer

    tensors = [torch.tensor(a, requires_grad=True) for a in (W0, b0, W1, b1)]
    weights, biases = tensors[0::2], tensors[1::2]
    optimizer = torch.optim.AdamW(
        [{"params": weights},
         {"params": biases, "weight_decay": 0.2 if penalize_intercepts else 0.0}],
        lr=0.05, weight_decay=0.2)
    Xt, yt = torch.tensor(X), torch.tensor(y[:, None])
    for _ in range(4):
        optimizer.zero_grad()
        hidden = torch.relu(Xt @ tensors[0] + tensors[1])
        loss = torch.nn.functional.mse_loss(hidden @ tensors[2] + tensors[3], yt)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(tensors, 0.7)
        optimizer.step()
    ours = model.coefs_[0], model.intercepts_[0], model.coefs_[1], model.intercepts_[1]
    for a, b in zip(ours, tensors):
        np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("n_epochs, steps_per_epoch, max_lr", [(7, 5, 0.1), (3, 1, 2.0),
                                                               (10, 13, 1e-3)])
def test_one_cycle_rates_are_torchs(n_epochs, steps_per_epoch, max_lr):
    tensor = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([tensor], lr=max_lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=max_lr, epochs=n_epochs, steps_per_epoch=steps_per_epoch,
        anneal_strategy="cos", cycle_momentum=False)
    ours = OneCycle(max_lr, n_epochs, steps_per_epoch)
    for step in range(n_epochs * steps_per_epoch):
        assert ours.learning_rate == pytest.approx(optimizer.param_groups[0]["lr"],
                                                   rel=1e-9), step
        optimizer.step()
        scheduler.step()
        ours.end_batch()
        if (step + 1) % steps_per_epoch == 0:
            ours.end_epoch(step + 1)  # between epochs the rate is the next minibatch's
    assert ours.learning_rate == pytest.approx(max_lr / 25 / 1e4)  # and stays there


def test_a_one_cycle_fit_is_a_torch_training_loop():
    X = RNG.normal(size=(30, 3))
    y = X @ RNG.normal(size=3)
    W0, b0 = RNG.normal(size=(3, 4)), RNG.normal(size=4)
    W1, b1 = RNG.normal(size=(4, 1)), RNG.normal(size=1)
    # three minibatches an epoch in the data's order, Adam (torch's), mse, no L2
    params = dict(hidden_layer_sizes=(4,), loss="mse", alpha=0.0, batch_size=10,
                  shuffle=False, learning_rate="one_cycle", learning_rate_init=0.05,
                  random_state=0)
    model = MLPRegressor(max_iter=1, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
        model.coefs_, model.intercepts_ = [W0.copy(), W1.copy()], [b0.copy(), b1.copy()]
        model.set_params(warm_start=True, max_iter=4).fit(X, y)
    tensors = [torch.tensor(a, requires_grad=True) for a in (W0, b0, W1, b1)]
    optimizer = torch.optim.Adam(tensors, lr=0.05)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.05, epochs=4, steps_per_epoch=3, cycle_momentum=False)
    Xt, yt = torch.tensor(X), torch.tensor(y[:, None])
    first_rates = []
    for _ in range(4):
        first_rates.append(optimizer.param_groups[0]["lr"])
        for start in range(0, 30, 10):
            optimizer.zero_grad()
            hidden = torch.relu(Xt[start:start + 10] @ tensors[0] + tensors[1])
            out = hidden @ tensors[2] + tensors[3]
            torch.nn.functional.mse_loss(out, yt[start:start + 10]).backward()
            optimizer.step()
            scheduler.step()
    ours = model.coefs_[0], model.intercepts_[0], model.coefs_[1], model.intercepts_[1]
    for a, b in zip(ours, tensors):
        np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-6, atol=1e-9)
    # history_ records each epoch's first minibatch's rate
    np.testing.assert_allclose(model.history_["learning_rate"][-4:], first_rates, rtol=1e-9)


@pytest.mark.parametrize("name, reference", [
    ("silu", "silu"), ("swish", "silu"), ("mish", "mish"), ("softplus", "softplus"),
    ("selu", "selu"), ("gelu", "gelu"), ("elu", "elu"), ("tanh", "tanh"),
])
def test_activations_and_their_derivatives_are_torchs(name, reference):
    z = np.concatenate([np.linspace(-30, 30, 601), [-1e-9, 0.0, 1e-9, 50.0, -50.0]])
    zt = torch.tensor(z, requires_grad=True)
    expected = getattr(torch.nn.functional, reference)(zt)
    expected.sum().backward()
    activation = ACTIVATIONS[name]
    A = activation.forward(z.copy(), out=np.empty_like(z))
    np.testing.assert_allclose(A, expected.detach().numpy(), rtol=1e-6, atol=1e-12)
    delta = activation.backward(A, np.ones_like(z), z)
    np.testing.assert_allclose(delta, zt.grad.numpy(), rtol=1e-6, atol=1e-12)
