"""Tests for rapidata_nb.engine.ppi, .active and .budget: ppi-python as the reference, coverage, the gain."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from rapidata_nb.engine.active import inclusion_probabilities, poisson_sample, ppi_mean_sampled
from rapidata_nb.engine.budget import plan_budget
from rapidata_nb.engine.ppi import (
    bradley_terry_design,
    ppi_bradley_terry,
    ppi_logistic,
    ppi_mean,
    ppi_win_rates,
)
from rapidata_nb.server.crowd.judge import JudgeProfile
from tests.utils.judge_crowd import make_arena


def _reference(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``ppi_py.<name>``: the dev-only reference, whose import turns warnings off process-wide and whose
    logistic fit warns about sklearn deprecations, so both stay inside a ``catch_warnings`` block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ppi_py

        return getattr(ppi_py, name)(*args, **kwargs)


@pytest.fixture(scope="module")
def arena_pairs() -> tuple[np.ndarray, np.ndarray]:
    """1,000 items with 5 human votes (Y = share for A) and a judge at ρ ≈ 0.5 that sees A first and picks
    the first answer on 15 % of the items (a 7-point lean towards A)."""
    profile = JudgeProfile(accuracy=0.9, position_bias=0.15, order="ab")
    arena = make_arena(n_items=1000, profile=profile, seed=1)
    results = arena.results
    y = (results["votes_a"] / (results["votes_a"] + results["votes_b"])).to_numpy()
    verdicts = arena.verdicts.set_index("item").loc[results.index]
    return y, (verdicts["choice"] == "A").to_numpy(dtype=float)


def test_mean_matches_ppi_python(arena_pairs: tuple[np.ndarray, np.ndarray]) -> None:
    y, yhat = arena_pairs
    for n in (100, 300):
        ours = ppi_mean(y[:n], yhat[:n], yhat[n:], ci=0.9, cross_fit=False)
        lo, hi = _reference("ppi_mean_ci", y[:n], yhat[:n], yhat[n:], alpha=0.1)
        assert ours.method == "ppi++"
        assert abs(ours.ppi.lower - float(lo[0])) < 1e-6 and abs(ours.ppi.upper - float(hi[0])) < 1e-6
        lo0, hi0 = _reference("ppi_mean_ci", y[:n], yhat[:n], yhat[n:], alpha=0.1, lam=0)
        assert abs(ours.human.lower - float(lo0[0])) < 1e-6 and abs(ours.human.upper - float(hi0[0])) < 1e-6


def test_bradley_terry_design_matches_ppi_python() -> None:
    rng = np.random.default_rng(3)
    k, n, big_n = 5, 250, 2500
    a = rng.integers(0, k, n + big_n)
    b = (a + rng.integers(1, k, n + big_n)) % k
    theta = np.array([0.8, 0.3, 0.0, -0.2, -0.9])
    y = (rng.random(n + big_n) < 1 / (1 + np.exp(theta[b] - theta[a]))).astype(float)
    yhat = np.where(rng.random(n + big_n) < 0.8, y, 1 - y)
    x = bradley_terry_design(a, b, k)
    ours = ppi_logistic(x[:n], y[:n], yhat[:n], x[n:], yhat[n:], ci=0.9, cross_fit=False)
    lo, hi = _reference("ppi_logistic_ci", x[:n], y[:n], yhat[:n], x[n:], yhat[n:], alpha=0.1)
    assert ours.method == "ppi++"
    np.testing.assert_allclose(ours.lower, lo, atol=1e-3)
    np.testing.assert_allclose(ours.upper, hi, atol=1e-3)
    # the leaderboard is the same fit, centred on the Elo-like scale
    y_items = np.where(np.arange(n + big_n) < n, y, np.nan)
    board = ppi_bradley_terry(a, b, k, y_items, yhat, ci=0.9, cross_fit=False, ridge=0.0)
    theta_hat = np.r_[ours.coef, 0.0]
    np.testing.assert_allclose(
        board.ppi[:, 0], 1200 + 400 / np.log(10) * (theta_hat - theta_hat.mean()), atol=1e-6
    )
    assert np.all(np.argsort(-board.ppi[:, 0]) == np.arange(k))


def test_coverage_gain_and_judge_only(arena_pairs: tuple[np.ndarray, np.ndarray]) -> None:
    y, yhat = arena_pairs
    target = float(y.mean())  # the full-data human value
    rho = float(np.corrcoef(y, yhat)[0, 1])
    assert 0.45 < rho < 0.55
    rng = np.random.default_rng(0)
    n = 100
    covered, judge_covered, gain = [], [], []
    for _ in range(200):
        human = np.zeros(y.shape[0], dtype=bool)
        human[rng.choice(y.shape[0], n, replace=False)] = True
        est = ppi_mean(y[human], yhat[human], yhat[~human], ci=0.9, cross_fit=False, min_correlation=0.0)
        covered.append(est.ppi.covers(target))
        judge_covered.append(est.judge.covers(target))
        gain.append((est.human.se / est.ppi.se) ** 2)
    coverage, judge_coverage = float(np.mean(covered)), float(np.mean(judge_covered))
    print(
        f"PPI++ coverage {coverage:.3f}, judge-only coverage {judge_coverage:.3f}, gain {np.mean(gain):.3f}"
    )
    assert coverage >= 0.88
    assert judge_coverage < 0.5  # the position-biased judge alone misses the human value
    expected = 1.0 / (1.0 - rho**2)
    assert abs(float(np.mean(gain)) - expected) <= 0.1 * expected


def test_small_samples_cross_fit_and_weak_judges_fall_back(
    arena_pairs: tuple[np.ndarray, np.ndarray],
) -> None:
    y, yhat = arena_pairs
    small = ppi_mean(y[:40], yhat[:40], yhat[40:])
    assert small.method == "ppi++ cross-fit" and 0.0 < small.lam <= 1.0
    noise = np.random.default_rng(5).random(y.shape[0])
    weak = ppi_mean(y[:300], noise[:300], noise[300:])
    assert weak.method == "human-only" and weak.lam == 0.0 and weak.ppi == weak.human
    assert ppi_mean(y[:300], yhat[:300], yhat[:0]).method == "human-only"  # no judge-only items
    with pytest.raises(ValueError, match="at least 2"):
        ppi_mean([1.0], [1.0], [0.0])
    with pytest.raises(ValueError, match="lam"):
        ppi_mean(y[:10], yhat[:10], yhat[10:], lam=2.0)


def test_win_rates_per_model() -> None:
    # models 0 and 1 meet on 4 items (2 with human votes), model 2 never has two human-labelled items
    a, b = [0, 0, 1, 0, 2], [1, 1, 0, 1, 0]
    y = [1.0, 0.8, np.nan, np.nan, np.nan]
    rates = ppi_win_rates(a, b, 3, y, [1.0, 1.0, 0.0, 1.0, 0.0], cross_fit=False)
    assert rates[2] is None and rates[0] is not None and rates[1] is not None
    assert rates[0].human.estimate == pytest.approx(0.9) and rates[1].human.estimate == pytest.approx(0.1)


def test_budget_rule_and_its_simulation(arena_pairs: tuple[np.ndarray, np.ndarray]) -> None:
    y, yhat = arena_pairs
    plan = plan_budget(
        y[:300], yhat[:300], width=0.04, n_items=20_000, responses_per_item=5, price_per_1000=40.0
    )
    rho2 = plan.correlation**2
    assert plan.gain == pytest.approx(1.0 / (1.0 - rho2), rel=0.05)
    assert plan.simulated_width == pytest.approx(0.04, rel=0.05)
    assert plan.simulated_coverage >= 0.85
    assert plan.cost_with_judge == pytest.approx(plan.with_judge * 5 * 40.0 / 1000)
    assert plan_budget(y[:300], yhat[:300], width=0.001, n_items=2_000, n_simulations=0).with_judge == -1


def test_active_sampling_is_unbiased_and_uses_its_weights() -> None:
    rng = np.random.default_rng(7)
    big_n = 4000
    p = rng.beta(0.4, 0.4, big_n)  # many easy items, some toss-ups
    y = (rng.random((big_n, 5)) < p[:, None]).mean(axis=1)
    uncertainty = np.sqrt(p * (1 - p))
    pi = inclusion_probabilities(uncertainty, 300, floor=0.1)
    assert pi.sum() == pytest.approx(300) and pi.max() <= 1.0
    estimates = []
    for seed in range(300):
        sampled = poisson_sample(pi, seed)
        estimates.append(ppi_mean_sampled(np.where(sampled, y, np.nan), p, sampled, pi).ppi.estimate)
    assert np.mean(estimates) == pytest.approx(y.mean(), abs=3 * np.std(estimates) / np.sqrt(300))
    with pytest.raises(ValueError, match="probability > 0"):
        ppi_mean_sampled(y, p, np.ones(big_n, dtype=bool), np.zeros(big_n))
