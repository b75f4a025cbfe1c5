"""Does the judge's leaderboard tell the humans' story? Rank correlations, separability, agreement, Brier.

Both leaderboards score the same ``K`` models (e.g. Bradley–Terry on the Elo-like scale) and come with
bootstrap replicates ``[B, K]``; the human one is the reference.

- **Spearman ρ and Kendall τ_b** between the two score vectors (scipy).
- **Separability with confidence** (Li et al. 2024, Arena-Hard): the share of the ``K(K−1)/2`` model pairs
  whose intervals do not overlap, i.e. the pairs a leaderboard can order with confidence.
- **Agreement with confidence**: per pair ``+1`` when both leaderboards separate it in the same order,
  ``−1`` when both separate it in opposite orders, ``0`` when either cannot separate it; averaged over all
  pairs.
- **Pair-rank Brier score**: on the pairs the reference separates, the judge's probability that ``a`` ranks
  above ``b`` (its share of bootstrap replicates with ``score_a > score_b``) against the reference's order;
  ``mean (p − o)²``, 0 for confident correct calls, 0.25 for coin flips, 1 for confident wrong ones.

Intervals are the percentile intervals of the replicates at coverage ``ci``.

References: Li, Chiang, Frick, Dunlap, Wu, Zhu, Gonzalez & Stoica (2024), "From Crowdsourced Data to
High-Quality Benchmarks: Arena-Hard and BenchBuilder Pipeline"; Kendall (1945), "The treatment of ties in
ranking problems", Biometrika 33.

Examples:
    >>> judge = np.array([[3.0, 2.0, 1.0], [3.1, 1.9, 1.2], [2.9, 2.1, 0.8]])
    >>> human = np.array([[3.0, 1.0, 2.0], [3.2, 0.9, 2.1], [2.8, 1.1, 1.9]])
    >>> cmp = compare_leaderboards(judge.mean(0), judge, human.mean(0), human, ci=0.9)
    >>> cmp.separability_judge, cmp.agreement  # all pairs separated; (0,1), (0,2) agree, (1,2) disagrees
    (1.0, 0.3333333333333333)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checks import BoolArray, FloatArray

__all__ = ["LeaderboardComparison", "compare_leaderboards", "separated"]


def separated(samples: Any, ci: float = 0.95) -> tuple[BoolArray, FloatArray]:
    """``(sep, order)`` for every model pair: ``sep[a, b]`` when the intervals of ``a`` and ``b`` do not
    overlap, ``order[a, b] = sign(median_a − median_b)``."""
    s = np.asarray(samples, dtype=np.float64)
    if s.ndim != 2:
        raise ValueError(f"samples must be [rounds, models], got shape {s.shape}")
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must lie strictly between 0 and 1, got {ci!r}")
    q = (1.0 - ci) / 2.0
    lower, upper = np.quantile(s, [q, 1.0 - q], axis=0)
    sep = (lower[:, None] > upper[None, :]) | (upper[:, None] < lower[None, :])
    centre = np.median(s, axis=0)
    return sep, np.sign(centre[:, None] - centre[None, :])


@dataclass(frozen=True)
class LeaderboardComparison:
    """The judge's leaderboard measured against the humans' (module docstring).

    Attributes:
        spearman: Spearman's ρ between the score vectors.
        kendall: Kendall's τ_b.
        separability_judge: Share of pairs the judge's leaderboard separates.
        separability_human: Share of pairs the humans' leaderboard separates.
        agreement: Agreement with confidence, in [−1, 1].
        brier: Pair-rank Brier score over the pairs the humans separate (NaN if none).
        n_pairs: ``K(K−1)/2``.
        n_human_separated: Pairs the humans separate.
    """

    spearman: float
    kendall: float
    separability_judge: float
    separability_human: float
    agreement: float
    brier: float
    n_pairs: int
    n_human_separated: int


def compare_leaderboards(
    judge_scores: Any, judge_samples: Any, human_scores: Any, human_samples: Any, *, ci: float = 0.95
) -> LeaderboardComparison:
    """Compare two leaderboards of the same models (module docstring).

    Args:
        judge_scores: ``[K]`` point scores from the judge's labels.
        judge_samples: ``[B, K]`` bootstrap replicates of them.
        human_scores: ``[K]`` point scores from the human labels.
        human_samples: ``[B', K]`` replicates.
        ci: Interval coverage for separability.
    """
    from scipy import stats  # here, not at import: scipy.stats takes most of a second to load

    js = np.asarray(judge_scores, dtype=np.float64).reshape(-1)
    hs = np.asarray(human_scores, dtype=np.float64).reshape(-1)
    jb = np.asarray(judge_samples, dtype=np.float64)
    hb = np.asarray(human_samples, dtype=np.float64)
    k = js.shape[0]
    if hs.shape[0] != k or jb.ndim != 2 or hb.ndim != 2 or jb.shape[1] != k or hb.shape[1] != k:
        raise ValueError(f"scores must have {k} models and samples shape [rounds, {k}] on both sides")
    upper = np.triu(np.ones((k, k), dtype=bool), 1)
    n_pairs = int(upper.sum())
    nan = float("nan")
    if n_pairs == 0:
        return LeaderboardComparison(nan, nan, nan, nan, nan, nan, 0, 0)
    j_sep, j_order = separated(jb, ci)
    h_sep, h_order = separated(hb, ci)
    both = j_sep & h_sep & upper
    agree = float((both & (j_order == h_order)).sum() - (both & (j_order != h_order)).sum()) / n_pairs
    truth = h_sep & upper
    brier = nan
    if truth.any():
        above = (jb[:, :, None] > jb[:, None, :]).mean(axis=0)
        outcome = (h_order > 0).astype(np.float64)
        brier = float(((above - outcome)[truth] ** 2).mean())
    return LeaderboardComparison(
        spearman=float(stats.spearmanr(js, hs).statistic),
        kendall=float(stats.kendalltau(js, hs).statistic),
        separability_judge=float(j_sep[upper].mean()),
        separability_human=float(h_sep[upper].mean()),
        agreement=agree,
        brier=brier,
        n_pairs=n_pairs,
        n_human_separated=int(truth.sum()),
    )
