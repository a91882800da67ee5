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


def test_invscaling_divides_by_epoch_to_the_power_t():
    schedule = InvScaling(0.1, power_t=0.25)
    rates = [schedule.learning_rate]
    for _ in range(4):
        schedule.end_epoch()
        rates.append(schedule.learning_rate)
    np.testing.assert_allclose(rates, [0.1 / t**0.25 for t in range(1, 6)], rtol=1e-15)


def test_adaptive_divides_by_five_and_stops_at_1e_6_as_sklearn():
    schedule = Adaptive(1e-5)
    assert not schedule.stalled()
    assert schedule.learning_rate == pytest.approx(2e-6)
    assert not schedule.stalled()  # 2e-6 > 1e-6: divided again, training goes on
    assert schedule.learning_rate == pytest.approx(4e-7)
    assert schedule.stalled()  # already at most 1e-6: stop


def test_constant_stops_when_stalled():
    schedule = Schedule(0.01)
    schedule.end_epoch()
    assert schedule.learning_rate == 0.01 and schedule.stalled()


def test_cosine_anneals_to_zero_over_max_iter():
    schedule = Cosine(0.2, max_iter=10)
    rates = [schedule.learning_rate]
    for _ in range(1, 12):
        schedule.end_epoch()
        rates.append(schedule.learning_rate)
    expected = [0.2 * 0.5 * (1 + np.cos(np.pi * min(e, 10) / 10)) for e in range(12)]
    np.testing.assert_allclose(rates, expected, atol=1e-15)
    assert rates[10] == pytest.approx(0.0, abs=1e-15) and rates[5] == pytest.approx(0.1)


def test_adamw_without_decay_is_adam():
    adam, adamw = _run(Adam(0.8, 0.99, 1e-6)), _run(AdamW(0.8, 0.99, 1e-6, weight_decay=0.0))
    for a, b in zip(adam, adamw):
        np.testing.assert_array_equal(a, b)


def test_adamw_decays_the_decayed_parameters_first():
    decayed = np.array([1.0, 1, 1, 1, 0, 0])
    W = W0.copy()
    AdamW(weight_decay=0.5, decayed=decayed).step(W, GRADS[0], LR)
    reference = _reference_adam(0.9, 0.999, 1e-8)[0] - LR * 0.5 * W0 * decayed
    np.testing.assert_allclose(W, reference, rtol=1e-12)


def _rates(schedule, n_epochs):
    rates = []
    for _ in range(n_epochs):
        rates.append(schedule.learning_rate)
        schedule.end_epoch()
    return rates


def test_warmup_rises_linearly_then_starts_the_schedule():
    assert _rates(Warmup(Schedule(0.4), 3), 5) == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4])
    # the schedule counts its epochs from the end of the warmup
    assert _rates(Warmup(InvScaling(1.0, power_t=1.0), 1), 4) == \
        pytest.approx([0.5, 1.0, 1 / 2, 1 / 3])
    assert _rates(Warmup(Cosine(1.0, max_iter=2), 2), 5) == \
        pytest.approx([1 / 3, 2 / 3, 1.0, 0.5, 0.0])


def test_a_stall_during_warmup_neither_stops_nor_lowers_the_rate():
    warmup = Warmup(Adaptive(1.0), 2)
    assert warmup.stalled() is False and warmup.learning_rate == pytest.approx(1 / 3)
    _rates(warmup, 2)
    assert warmup.stalled() is False and warmup.learning_rate == pytest.approx(0.2)
    assert Warmup(Schedule(1.0), 1).stalled() is False
    constant = Warmup(Schedule(1.0), 1)
    constant.end_epoch()
    assert constant.stalled() is True
