"""Issue 6: does the close-matchup pair maker rank better than random pairs at the same budget?

For each of 200 seeds: true log-strengths ~ N(0, 1); the pair maker (``PairMaker``, random_ratio 0.5, batches
of n/2 pairs, Bradley–Terry refit before every batch, as the dispatcher runs it) and all-random pairs each
spend the same budget; outcomes are drawn from the true Bradley–Terry model; the final fit's Kendall τ against
the truth is recorded. We report the mean τ of each, the mean paired difference and its standard error.

Run: ``.venv/bin/python bench/bench_pairmaker.py``
"""

from __future__ import annotations

import _common  # noqa: F401  (pins BLAS threads before numpy loads)
import numpy as np
from _common import best_of, header
from scipy.stats import kendalltau

from rapidata_nb.engine import PairMaker, bradley_terry, next_pairs

N_SEEDS = 200


def play(
    pairs: list[tuple[int, int]], truth: np.ndarray, rng: np.random.Generator
) -> tuple[list[int], list[int]]:
    """Outcomes of ``pairs`` under the true Bradley–Terry model."""
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    a_wins = rng.random(len(pairs)) < 1.0 / (1.0 + np.exp(truth[b] - truth[a]))
    return np.where(a_wins, a, b).tolist(), np.where(a_wins, b, a).tolist()


def run_pair_maker(truth: np.ndarray, budget: int, seed: int, ratio: float = 0.5) -> float:
    n = len(truth)
    rng = np.random.default_rng([seed, 1])
    pm = PairMaker(n, budget, random_ratio=ratio, random_state=[seed, 2])
    while pm.remaining:
        winners, losers = play(pm.propose(max(1, n // 2)), truth, rng)
        pm.record(winners, losers)
    return float(kendalltau(pm.scores, truth)[0])


def run_random(truth: np.ndarray, budget: int, seed: int) -> float:
    n = len(truth)
    rng = np.random.default_rng([seed, 3])
    pairs = next_pairs(np.zeros(n), np.zeros(n), budget, random_ratio=1.0, random_state=[seed, 4])
    winners, losers = play(pairs, truth, rng)
    return float(kendalltau(bradley_terry(winners, losers, n), truth)[0])


def compare(n_items: int, budget: int) -> None:
    pm_tau, rnd_tau = np.empty(N_SEEDS), np.empty(N_SEEDS)

    def run() -> None:
        for seed in range(N_SEEDS):
            truth = np.random.default_rng([seed, 0]).normal(0.0, 1.0, n_items)
            pm_tau[seed] = run_pair_maker(truth, budget, seed)
            rnd_tau[seed] = run_random(truth, budget, seed)

    cpu, _ = best_of(run, 1)
    diff = pm_tau - rnd_tau
    se = diff.std(ddof=1) / np.sqrt(N_SEEDS)
    z = diff.mean() / se
    print(f"\n{n_items} items, {budget} comparisons, {N_SEEDS} seeds ({cpu:.1f} CPU s)")
    print(f"  mean Kendall τ: pair maker {pm_tau.mean():.4f}, all random {rnd_tau.mean():.4f}")
    print(
        f"  paired difference {diff.mean():+.4f} ± {se:.4f} (SE) = {z:+.1f} SE; pair maker better in "
        f"{(diff > 0).mean():.0%} of seeds, worse in {(diff < 0).mean():.0%}"
    )
    print(f"  difference > 2 SE: {bool(z > 2)}")


def main() -> None:
    header("close-matchup pair maker vs all-random pairs at equal budgets")
    compare(12, 50)
    compare(100, 2_000)


if __name__ == "__main__":
    main()
