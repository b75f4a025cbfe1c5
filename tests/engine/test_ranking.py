"""Tests for rapidata_nb.engine.ranking (Bradley–Terry, Elo scale, bootstrap, win matrix)."""

from __future__ import annotations

import numpy as np
import pytest

from rapidata_nb.engine.ranking import (
    ELO_PER_LOG,
    better_than,
    bootstrap_intervals,
    bootstrap_samples,
    bradley_terry,
    pair_counts,
    rank_groups,
    to_elo,
    win_matrix,
)


def _gradient(theta: np.ndarray, w: np.ndarray, lo: np.ndarray, alpha: float) -> np.ndarray:
    """Gradient of the penalised log-likelihood written per comparison (independent of the kernel)."""
    p = 1.0 / (1.0 + np.exp(-(theta[w] - theta[lo])))
    g = -alpha * theta
    np.add.at(g, w, 1.0 - p)
    np.add.at(g, lo, -(1.0 - p))
    return g


def test_chain_matches_closed_form_mle() -> None:
    # 0 beats 1 two games to one, 1 beats 2 two to one: the MLE has θ0 - θ1 = θ1 - θ2 = log 2
    w, lo = [0, 0, 1, 1, 1, 2], [1, 1, 0, 2, 2, 1]
    step = 400 * np.log10(2)
    exact = to_elo(bradley_terry(w, lo, 3, alpha=1e-10))
    np.testing.assert_allclose(exact, [1200 + step, 1200, 1200 - step], atol=1e-4)
    # the default ridge (1e-4) moves these 3-game estimates by 0.02 points
    np.testing.assert_allclose(to_elo(bradley_terry(w, lo, 3)), exact, atol=0.05)


def test_ties_count_half_a_win() -> None:
    # one win and one tie: 1.5 wins to 0.5, so p0 / p1 = 3
    theta = bradley_terry([0, 0], [1, 1], 2, ties=[False, True])
    assert theta[0] - theta[1] == pytest.approx(np.log(3.0), abs=1e-3)
    # a tie only: equal strengths
    assert bradley_terry([1], [0], 2, ties=[True]).tolist() == pytest.approx([0.0, 0.0], abs=1e-12)


def test_fit_satisfies_the_optimality_condition() -> None:
    rng = np.random.default_rng(5)
    n, m = 30, 600
    a = rng.integers(0, n, m)
    b = (a + rng.integers(1, n, m)) % n
    strength = rng.normal(0, 1, n)
    win = rng.random(m) < 1 / (1 + np.exp(-(strength[a] - strength[b])))
    w, lo = np.where(win, a, b), np.where(win, b, a)
    theta = bradley_terry(w, lo, n)
    assert np.abs(_gradient(theta, w, lo, 1e-4)).max() < 1e-6
    assert np.corrcoef(theta, strength)[0, 1] > 0.8


def test_never_compared_disconnected_and_perfect_records_are_finite() -> None:
    # items 0-1 form one component, 2-3 another (2 won everything), 4 never played
    theta = bradley_terry([0, 1, 0, 2, 2], [1, 0, 1, 3, 3], 5)
    assert np.all(np.isfinite(theta))
    assert theta[4] == pytest.approx(0.0, abs=1e-9)
    assert theta.sum() == pytest.approx(0.0, abs=1e-6)  # the ridge centres the solution
    assert theta[2] > theta[0] > theta[1] > theta[3]
    assert to_elo(theta)[4] == pytest.approx(1200.0, abs=1e-6)


def test_empty_and_degenerate_inputs() -> None:
    assert bradley_terry([], [], 3).tolist() == [0.0, 0.0, 0.0]
    assert bradley_terry([], [], 0).tolist() == []
    assert to_elo([]).tolist() == []
    assert win_matrix([], [], 2).tolist() == [[0, 0], [0, 0]]
    lo, hi = bootstrap_intervals([], [], 2, n_rounds=3, random_state=0)
    assert lo.tolist() == [1200.0, 1200.0] and hi.tolist() == [1200.0, 1200.0]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0], [0], 2), "differ"),
        (([0], [2], 2), "losers"),
        (([0, 1], [1], 2), "losers"),
        (([-1], [1], 2), "winners"),
    ],
)
def test_bad_comparisons_are_rejected(args: tuple[object, ...], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        bradley_terry(*args)  # type: ignore[arg-type]


def test_to_elo_scale() -> None:
    assert to_elo([np.log(10.0), 0.0]).tolist() == [1400.0, 1000.0]
    assert to_elo([1.0, 1.0], base=1000).tolist() == [1000.0, 1000.0]
    assert ELO_PER_LOG == pytest.approx(400 / np.log(10))


def test_pair_counts_deduplicates_outcomes() -> None:
    pc = pair_counts([2, 0, 2, 1], [0, 2, 0, 0], 3, ties=[False, False, False, True])
    assert pc.i.tolist() == [0, 0] and pc.j.tolist() == [1, 2]
    assert pc.wins.tolist() == [0.5, 1.0] and pc.games.tolist() == [1.0, 3.0]
    assert sorted(pc.outcome_count.tolist()) == [1.0, 1.0, 2.0]


def test_win_matrix() -> None:
    m = win_matrix([1, 1, 0, 2], [0, 0, 1, 0], 3, ties=[False, False, False, True])
    assert m.tolist() == [[0, 1, 0], [2, 0, 0], [0, 0, 0]]


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(2)
    n, m = 8, 400
    a = rng.integers(0, n, m)
    b = (a + rng.integers(1, n, m)) % n
    strength = np.linspace(-1.5, 1.5, n)
    win = rng.random(m) < 1 / (1 + np.exp(-(strength[a] - strength[b])))
    w, lo = np.where(win, a, b), np.where(win, b, a)
    low1, high1 = bootstrap_intervals(w, lo, n, n_rounds=50, random_state=7)
    low2, high2 = bootstrap_intervals(w, lo, n, n_rounds=50, random_state=7)
    assert low1.tolist() == low2.tolist() and high1.tolist() == high2.tolist()
    point = to_elo(bradley_terry(w, lo, n))
    assert np.all(low1 <= point + 1e-9) and np.all(point <= high1 + 1e-9)
    assert np.all(high1 - low1 > 10)
    samples = bootstrap_samples(w, lo, n, n_rounds=5, random_state=7)
    assert samples.shape == (5, n)
    np.testing.assert_allclose(samples.mean(axis=1), 1200.0)
    log_lo, log_hi = bootstrap_intervals(w, lo, n, n_rounds=50, random_state=7, scale="log")
    np.testing.assert_allclose(log_lo * ELO_PER_LOG + 1200, low1)
    with pytest.raises(ValueError, match="scale"):
        bootstrap_intervals(w, lo, n, n_rounds=2, scale="pct")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ci"):
        bootstrap_intervals(w, lo, n, n_rounds=2, ci=1.0)


def test_rank_groups_only_separate_non_overlapping_intervals() -> None:
    lower = np.array([1300.0, 1250.0, 1000.0, 990.0])
    upper = np.array([1400.0, 1350.0, 1100.0, 1260.0])
    assert rank_groups(lower, upper).tolist() == [1, 1, 3, 2]
    m = better_than(lower, upper)
    assert m[0, 2] and not m[0, 1] and not m[1, 3] and m[0, 3]


@pytest.mark.parametrize("seed", range(40))
def test_fit_is_optimal_on_awkward_random_data(seed: int) -> None:
    """Perfect records, disconnected graphs, ties and large spreads all converge to a finite optimum."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 30)), int(rng.integers(0, 80))
    truth = rng.normal(0, float(rng.choice([0.1, 1.0, 5.0, 20.0])), n)
    a = rng.integers(0, n, m)
    b = (a + rng.integers(1, n, m)) % n
    if seed % 3 == 0:  # several components
        k = max(2, n // 3)
        a, b = a % k, (a % k + 1) % k
    win = rng.random(m) < 1 / (1 + np.exp(-np.clip(truth[a] - truth[b], -50, 50)))
    w, lo = np.where(win, a, b), np.where(win, b, a)
    ties = rng.random(m) < 0.1 if seed % 2 else None
    alpha = float(rng.choice([1e-4, 1e-2, 1.0]))
    theta = bradley_terry(w, lo, n, ties=ties, alpha=alpha)
    assert np.all(np.isfinite(theta))
    pc = pair_counts(w, lo, n, ties)
    p = 1 / (1 + np.exp(-(theta[pc.i] - theta[pc.j])))
    resid = pc.wins - pc.games * p
    grad = np.bincount(pc.i, resid, n) - np.bincount(pc.j, resid, n) - alpha * theta
    assert np.abs(grad).max() < 1e-6
