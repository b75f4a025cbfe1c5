"""Issue 6: does the close-matchup pair maker rank better than random pairs at the same budget?

For each of 200 seeds: true log-strengths ~ N(0, 1); the pair maker (``PairMaker``, batches of n/2 pairs,
refit before every batch, as the dispatcher runs it) and all-random pairs (``next_pairs`` with
``random_ratio=1``: every pair uniform over the n(n-1) ordered pairs, independent draws) each spend the same
budget; the same simulated judge decides every comparison from the true Bradley–Terry model; the final
``bradley_terry`` fit (same estimator for both arms) gives Kendall's τ against the true order. We report the
mean τ of each arm, the mean paired difference and its standard error, for the documented default
``random_ratio=0.5`` and for smaller random shares.

Common random numbers (the default). Both arms of a seed share the latent scores *and* the judge's dice:
the k-th comparison of the pair {a, b} (a < b) is decided by the same pre-drawn uniform ``u[a, b, k]`` in
every arm (a wins when ``u < σ(θ_a - θ_b)``). Each arm alone still sees independent Bradley–Terry outcomes,
so every mean τ is unchanged in distribution; only noise that has nothing to do with the choice of pairs
cancels in the paired difference. ``--independent`` also runs the 12-item case with independent dice per arm.

Run: ``.venv/bin/python bench/bench_pairmaker.py [--independent]`` (about 2.5 CPU minutes)
"""

from __future__ import annotations

import sys

import _common  # noqa: F401  (pins BLAS threads before numpy loads)
import numpy as np
from _common import best_of, header
from scipy.stats import kendalltau

from rapidata_nb.engine import PairMaker, bradley_terry, next_pairs

N_SEEDS = 200
#: Pre-drawn games per pair; later games of the same pair draw from a stream keyed by (seed, pair, k).
DRAWS_PER_PAIR = 64


class Judge:
    """Simulated judge: decides comparisons from the true Bradley–Terry model.

    Args:
        truth: True log-strengths.
        seed: Benchmark seed.
        arm: ``None`` for common random numbers (every arm with the same seed shares the dice); an arm number
            for dice of its own.
    """

    def __init__(self, truth: np.ndarray, seed: int, arm: int | None = None) -> None:
        n = truth.shape[0]
        self.key = [seed, 1] if arm is None else [seed, 1, 1000 + arm]
        self.p_first = 1.0 / (1.0 + np.exp(truth[None, :] - truth[:, None]))  # P(a beats b)
        self.draws = np.random.default_rng(self.key).random((n, n, DRAWS_PER_PAIR))
        self.played = np.zeros((n, n), dtype=np.int64)

    def play(self, pairs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
        """``(winners, losers)`` of ``pairs``."""
        winners, losers = [], []
        for i, j in pairs:
            a, b = min(i, j), max(i, j)
            k = int(self.played[a, b])
            self.played[a, b] += 1
            u = (
                self.draws[a, b, k]
                if k < DRAWS_PER_PAIR
                else np.random.default_rng([*self.key, a, b, k]).random()
            )
            a_wins = u < self.p_first[a, b]
            winners.append(a if a_wins else b)
            losers.append(b if a_wins else a)
        return winners, losers


def run_pair_maker(truth: np.ndarray, budget: int, seed: int, ratio: float, judge: Judge) -> float:
    n = len(truth)
    pm = PairMaker(n, budget, random_ratio=ratio, random_state=[seed, 2])
    while pm.remaining:
        pm.record(*judge.play(pm.propose(max(1, n // 2))))
    return float(kendalltau(pm.scores, truth)[0])


def run_random(truth: np.ndarray, budget: int, seed: int, judge: Judge) -> float:
    n = len(truth)
    pairs = next_pairs(np.zeros(n), np.zeros(n), budget, random_ratio=1.0, random_state=[seed, 4])
    winners, losers = judge.play(pairs)
    return float(kendalltau(bradley_terry(winners, losers, n), truth)[0])


def compare(n_items: int, budget: int, ratios: list[float], crn: bool = True) -> dict[float, float]:
    """Print the comparison; return the paired difference in SE units per ratio."""
    rnd = np.empty(N_SEEDS)
    pm = {r: np.empty(N_SEEDS) for r in ratios}

    def judge(truth: np.ndarray, seed: int, arm: int) -> Judge:
        return Judge(truth, seed, None if crn else arm)

    def run() -> None:
        for seed in range(N_SEEDS):
            truth = np.random.default_rng([seed, 0]).normal(0.0, 1.0, n_items)
            rnd[seed] = run_random(truth, budget, seed, judge(truth, seed, 0))
            for arm, r in enumerate(ratios, 1):
                pm[r][seed] = run_pair_maker(truth, budget, seed, r, judge(truth, seed, arm))

    cpu, _ = best_of(run, 1)
    dice = "common random numbers" if crn else "independent dice per arm"
    print(f"\n{n_items} items, {budget} comparisons, {N_SEEDS} seeds, {dice} ({cpu:.1f} CPU s)")
    print(f"  all random pairs            mean τ {rnd.mean():.4f}")
    z_of = {}
    for r in ratios:
        diff = pm[r] - rnd
        se = diff.std(ddof=1) / np.sqrt(N_SEEDS)
        z_of[r] = diff.mean() / se
        print(
            f"  pair maker, random_ratio {r:<4} mean τ {pm[r].mean():.4f}  Δτ {diff.mean():+.4f} ± {se:.4f} "
            f"= {z_of[r]:+.1f} SE  (better in {(diff > 0).mean():.0%}, worse in {(diff < 0).mean():.0%})"
        )
    return z_of


def main() -> None:
    header("close-matchup pair maker vs all-random pairs at equal budgets")
    small = compare(12, 50, [0.5, 0.25, 0.0])
    large = compare(100, 2_000, [0.5, 0.0])
    if "--independent" in sys.argv:
        compare(12, 50, [0.5, 0.0], crn=False)
    print("\ntargets (Δτ > 2 paired SE):")
    for name, z_of in (("12 items / 50", small), ("100 items / 2,000", large)):
        for r in (0.5, 0.0):
            print(f"  {name}, random_ratio {r}: {z_of[r]:+.1f} SE -> {'MET' if z_of[r] > 2 else 'NOT MET'}")


if __name__ == "__main__":
    main()
