"""Optimizer steps and learning-rate schedules against references written from SPEC.md."""

import numpy as np
import pytest

from skmlp.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from skmlp.schedules import Adaptive, Cosine, InvScaling, Schedule, Warmup

RNG = np.random.default_rng(0)
W0 = RNG.normal(size=6)
GRADS = [RNG.normal(size=6) for _ in range(3)]
LR = 0.05


def _run(optimizer):
    W = W0.copy()
    trajectory = []
    for g in GRADS:
        optimizer.step(W, g, LR)
        trajectory.append(W.copy())
    return trajectory


def _reference_sgd(mu, nesterov):
    W, v, out = W0.copy(), np.zeros(6), []
    for g in GRADS:
        v = mu * v - LR * g
        W = W + (mu * v - LR * g if nesterov else v)
        out.append(W)
    return out


def _reference_adam(b1, b2, eps):
    """scikit-learn's Adam (Kingma & Ba's efficient form: eps added to sqrt(v))."""
    W, m, v, out = W0.copy(), np.zeros(6), np.zeros(6), []
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = LR * np.sqrt(1 - b2**t) / (1 - b1**t)
        W = W - lr_t * m / (np.sqrt(v) + eps)
        out.append(W)
    return out


def _reference_torch_adam(b1, b2, eps):
    """PyTorch's Adam, AdamW's step: eps added to sqrt(v_hat)."""
    W, m, v, out = W0.copy(), np.zeros(6), np.zeros(6), []
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        W = W - LR * m_hat / (np.sqrt(v_hat) + eps)
        out.append(W)
    return out


def _reference_rmsprop(rho, eps):
    W, s, out = W0.copy(), np.zeros(6), []
    for g in GRADS:
        s = rho * s + (1 - rho) * g * g
        W = W - LR * g / (np.sqrt(s) + eps)
        out.append(W)
    return out


def _reference_adagrad(eps):
    W, s, out = W0.copy(), np.zeros(6), []
    for g in GRADS:
        s = s + g * g
        W = W - LR * g / (np.sqrt(s) + eps)
        out.append(W)
    return out


@pytest.mark.parametrize(
    "optimizer, reference",
    [
        (SGD(momentum=0.9, nesterov=False), _reference_sgd(0.9, False)),
        (SGD(momentum=0.8, nesterov=True), _reference_sgd(0.8, True)),
        (SGD(momentum=0.0, nesterov=False), _reference_sgd(0.0, False)),
        (Adam(0.9, 0.999, 1e-8), _reference_adam(0.9, 0.999, 1e-8)),
        (Adam(0.5, 0.9, 0.1), _reference_adam(0.5, 0.9, 0.1)),
        (RMSprop(0.9, 1e-8), _reference_rmsprop(0.9, 1e-8)),
        (RMSprop(0.5, 0.1), _reference_rmsprop(0.5, 0.1)),
        (Adagrad(1e-8), _reference_adagrad(1e-8)),
        (Adagrad(0.5), _reference_adagrad(0.5)),
    ],
    ids=["sgd", "nesterov", "sgd-no-momentum", "adam", "adam-params", "rmsprop",
         "rmsprop-params", "adagrad", "adagrad-eps"],
)
def test_steps_match_reference(optimizer, reference):
    for got, expected in zip(_run(optimizer), reference):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("b1, b2, eps", [(0.9, 0.999, 1e-8), (0.5, 0.9, 0.1)])
def test_adam_steps_are_sklearns_adam_optimizer(b1, b2, eps):
    """scikit-learn's own AdamOptimizer (its MLP's), step for step."""
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

    theirs = [W0.copy()]
    reference = AdamOptimizer(theirs, LR, b1, b2, eps)
    ours = W0.copy()
    optimizer = Adam(b1, b2, eps)
    for g in GRADS:
        reference.update_params(theirs, [g])
        optimizer.step(ours, g, LR)
        np.testing.assert_allclose(ours, theirs[0], rtol=1e-12, atol=1e-14)


def test_adam_first_step_is_sign_times_lr():
    # With bias correction the first Adam step is lr * g / (|g| + eps): a classic check.
    W = W0.copy()
    Adam(epsilon=0.0).step(W, GRADS[0], LR)
    np.testing.assert_allclose(W, W0 - LR * np.sign(GRADS[0]))


def test_float32_state_and_params_stay_float32():
    W = W0.astype(np.float32)
    optimizer = Adam()
    optimizer.step(W, GRADS[0].astype(np.float32), LR)
    assert W.dtype == np.float32 and optimizer.first_moment.dtype == np.float32


def test_invscaling_divides_by_samples_seen_to_the_power_t_as_sklearn():
    """scikit-learn's SGD optimizer: lr_init / (t_ + 1)**power_t after each epoch."""
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    schedule = InvScaling(0.1, power_t=0.25)
    reference = SGDOptimizer([W0.copy()], 0.1, "invscaling", power_t=0.25)
    rates, expected = [schedule.learning_rate], [reference.learning_rate]
    for epoch in range(1, 5):
        schedule.end_epoch(30 * epoch)  # 30 samples per epoch
        reference.iteration_ends(30 * epoch)
        rates.append(schedule.learning_rate)
        expected.append(reference.learning_rate)
    np.testing.assert_allclose(rates, expected, rtol=1e-15)
    np.testing.assert_allclose(rates, [0.1] + [0.1 / (30 * e + 1) ** 0.25 for e in range(1, 5)])


def test_adaptive_divides_by_five_and_stops_at_1e_6_as_sklearn():
    schedule = Adaptive(1e-5)
    assert not schedule.stalled()
    assert schedule.learning_rate == pytest.approx(2e-6)
    assert not schedule.stalled()  # 2e-6 > 1e-6: divided again, training goes on
    assert schedule.learning_rate == pytest.approx(4e-7)
    assert schedule.stalled()  # already at most 1e-6: stop


def test_constant_stops_when_stalled():
    schedule = Schedule(0.01)
    schedule.end_epoch(10)
    assert schedule.learning_rate == 0.01 and schedule.stalled()


def test_cosine_anneals_to_zero_over_max_iter():
    schedule = Cosine(0.2, max_iter=10)
    rates = [schedule.learning_rate]
    for epoch in range(1, 12):
        schedule.end_epoch(10 * epoch)
        rates.append(schedule.learning_rate)
    expected = [0.2 * 0.5 * (1 + np.cos(np.pi * min(e, 10) / 10)) for e in range(12)]
    np.testing.assert_allclose(rates, expected, atol=1e-15)
    assert rates[10] == pytest.approx(0.0, abs=1e-15) and rates[5] == pytest.approx(0.1)


def test_adamw_without_decay_is_pytorchs_adam():
    """AdamW adds eps where PyTorch does (to sqrt(v_hat)); Adam where scikit-learn does."""
    for got, expected in zip(_run(AdamW(0.8, 0.99, 1e-6, weight_decay=0.0)),
                             _reference_torch_adam(0.8, 0.99, 1e-6)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    adam, adamw = _run(Adam(0.8, 0.99, 0.0)), _run(AdamW(0.8, 0.99, 0.0, weight_decay=0.0))
    for a, b in zip(adam, adamw):  # without eps the two forms are one
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_adamw_decays_the_decayed_parameters_first():
    decayed = np.array([1.0, 1, 1, 1, 0, 0])
    W = W0.copy()
    AdamW(weight_decay=0.5, decayed=decayed).step(W, GRADS[0], LR)
    reference = _reference_torch_adam(0.9, 0.999, 1e-8)[0] - LR * 0.5 * W0 * decayed
    np.testing.assert_allclose(W, reference, rtol=1e-12)


def _rates(schedule, n_epochs, samples_per_epoch=1):
    rates = []
    for epoch in range(1, n_epochs + 1):
        rates.append(schedule.learning_rate)
        schedule.end_epoch(epoch * samples_per_epoch)
    return rates


def test_warmup_rises_linearly_then_starts_the_schedule():
    assert _rates(Warmup(Schedule(0.4), 3), 5) == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4])
    # the schedule counts the samples it sees from the end of the warmup
    assert _rates(Warmup(InvScaling(1.0, power_t=1.0), 1), 4) == \
        pytest.approx([0.5, 1.0, 1 / 2, 1 / 3])
    assert _rates(Warmup(InvScaling(1.0, power_t=1.0), 2), 5, samples_per_epoch=10) == \
        pytest.approx([1 / 3, 2 / 3, 1.0, 1 / 11, 1 / 21])
    assert _rates(Warmup(Cosine(1.0, max_iter=2), 2), 5) == \
        pytest.approx([1 / 3, 2 / 3, 1.0, 0.5, 0.0])


def test_a_stall_during_warmup_neither_stops_nor_lowers_the_rate():
    warmup = Warmup(Adaptive(1.0), 2)
    assert warmup.stalled() is False and warmup.learning_rate == pytest.approx(1 / 3)
    _rates(warmup, 2)
    assert warmup.stalled() is False and warmup.learning_rate == pytest.approx(0.2)
    assert Warmup(Schedule(1.0), 1).stalled() is False
    constant = Warmup(Schedule(1.0), 1)
    constant.end_epoch(5)
    assert constant.stalled() is True
