"""Which pairs to compare next in a ranking (DESIGN §6 "Ranking").

Groups of at most 10 items compare every pair once (:func:`all_pairs`, 45 pairs for 10 items). Larger groups
spend a comparison budget online with :func:`next_pairs`: a share ``random_ratio`` of the pairs is drawn
uniformly at random (this keeps the comparison graph connected and the estimates unbiased), and the rest are
*close matchups*: the least-compared item is paired with one of the ``window`` items whose current score is
nearest to its own, preferring pairs (then partners) that have been compared least. Close games carry the most
information about the order (a comparison's Fisher information ``p(1 - p)`` peaks at ``p = 1/2``), which is
why the mix beats all-random pairs at equal budgets (see ``bench/RESULTS.md``).

Everything random comes from ``random_state`` (an ``int`` seed or a ``numpy.random.Generator``), so a seed
gives the same pairs every run. :class:`PairMaker` wraps the loop "propose → observe → refit" around
:func:`.ranking.bradley_terry`.

Assumption: ``scores`` are the current Bradley–Terry estimates (any monotone scale works); nothing iterates
here, the refit between batches is :func:`.ranking.bradley_terry`'s.

Reference: the active-sampling argument follows Glickman & Jensen (2005), "Adaptive paired comparison
design", J. Statistical Planning and Inference 127.

Examples:
    >>> all_pairs(3)
    [(0, 1), (0, 2), (1, 2)]
    >>> next_pairs([0.0, 0.1, 5.0, 5.2], [1, 1, 1, 1], 2, random_ratio=0.0, random_state=0)
    [(2, 3), (1, 0)]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import FloatArray, IntArray, as_count, as_float
from .ranking import bradley_terry

__all__ = ["PairMaker", "all_pairs", "next_pairs"]


def all_pairs(n: int) -> list[tuple[int, int]]:
    """Every unordered pair ``(i, j)`` with ``i < j``, in lexicographic order.

    Examples:
        >>> len(all_pairs(10)), all_pairs(1)
        (45, [])
    """
    k = as_count(n, "n")
    return [(i, j) for i in range(k) for j in range(i + 1, k)]


def _n_random(n_pairs: int, random_ratio: float, rng: np.random.Generator) -> int:
    # Stochastic rounding keeps the share right in expectation even when pairs are asked for one at a time.
    x = n_pairs * random_ratio
    base = int(np.floor(x))
    return min(n_pairs, base + int(rng.random() < x - base))


def next_pairs(
    scores: Any,
    counts: Any,
    n_pairs: int,
    random_ratio: float = 0.5,
    random_state: Any = None,
    *,
    window: int = 3,
) -> list[tuple[int, int]]:
    """Choose the next ``n_pairs`` comparisons.

    Args:
        scores: Current score per item (log-strength or Elo; only the order and distances matter).
        counts: Comparisons so far, either per item (length ``n``) or per pair (``[n, n]`` matrix, symmetric
            or not; per-item counts are its row plus column sums).
        n_pairs: Number of pairs to return.
        random_ratio: Share of uniformly random pairs, in [0, 1].
        random_state: Seed or generator.
        window: Number of nearest-scored candidates a close matchup chooses among.

    Returns:
        ``n_pairs`` pairs ``(i, j)`` with ``i != j`` (random pairs first, then close matchups). Side order is
        not meaningful; the dispatcher shuffles sides.

    Raises:
        ValueError: With fewer than 2 items, or on bad arguments.

    Examples:
        >>> len(next_pairs(np.zeros(20), np.zeros(20), 7, random_state=1))
        7
    """
    s = as_float(scores, "scores")
    n = s.shape[0]
    k = as_count(n_pairs, "n_pairs")
    if not 0.0 <= random_ratio <= 1.0:
        raise ValueError(f"random_ratio must lie in [0, 1], got {random_ratio!r}")
    if k == 0:
        return []
    if n < 2:
        raise ValueError(f"need at least 2 items to make pairs, got {n}")
    c = np.asarray(counts, dtype=np.float64)
    if c.shape == (n, n):
        pair_seen = c + c.T
        item_seen = pair_seen.sum(axis=1)
    elif c.shape == (n,):
        pair_seen = np.zeros((n, n))
        item_seen = c.copy()
    else:
        raise ValueError(f"counts must have shape ({n},) or ({n}, {n}), got {c.shape}")
    rng = np.random.default_rng(random_state)
    win = max(1, min(as_count(window, "window", 1), n - 1))
    out: list[tuple[int, int]] = []
    n_rand = _n_random(k, random_ratio, rng)
    for _ in range(n_rand):
        i = int(rng.integers(n))
        j = int(rng.integers(n - 1))
        j += j >= i
        out.append((i, j))
        item_seen[[i, j]] += 1
        pair_seen[i, j] += 1
        pair_seen[j, i] += 1
    jitter = rng.random(n) * 1e-9  # deterministic tie-breaking between equal counts / scores
    for _ in range(k - n_rand):
        i = int(np.argmin(item_seen + jitter))
        dist = np.abs(s - s[i]) + jitter
        dist[i] = np.inf
        near = np.argpartition(dist, win - 1)[:win]
        # prefer the least compared pair, then the least compared partner, then the closest score
        best = min(near.tolist(), key=lambda j: (pair_seen[i, j], item_seen[j], dist[j]))
        out.append((i, best))
        item_seen[[i, best]] += 1
        pair_seen[i, best] += 1
        pair_seen[best, i] += 1
    return out


class PairMaker:
    """Online pair maker spending a comparison budget on one ranking.

    Call :meth:`propose` for the next batch, :meth:`record` the outcomes, repeat until :attr:`remaining` is 0.
    Scores are refitted with :func:`.ranking.bradley_terry` before each batch.

    Args:
        n_items: Items in the ranking (>= 2).
        budget: Total comparisons to spend.
        random_ratio: Share of random pairs (DESIGN §6, the SDK's ``random_comparisons_ratio``).
        random_state: Seed or generator.
        window: See :func:`next_pairs`.

    Examples:
        >>> pm = PairMaker(4, budget=3, random_state=0)
        >>> pairs = pm.propose(2)
        >>> pm.record([p[0] for p in pairs], [p[1] for p in pairs])
        >>> pm.remaining
        1
    """

    def __init__(
        self,
        n_items: int,
        budget: int,
        random_ratio: float = 0.5,
        random_state: Any = None,
        *,
        window: int = 3,
    ) -> None:
        self.n_items = as_count(n_items, "n_items", 2)
        self.budget = as_count(budget, "budget")
        self.random_ratio = random_ratio
        self.window = window
        self._rng = np.random.default_rng(random_state)
        self._winners: list[int] = []
        self._losers: list[int] = []
        self._proposed = 0
        self.pair_counts = np.zeros((self.n_items, self.n_items), dtype=np.int64)

    @property
    def remaining(self) -> int:
        """Comparisons of the budget not yet proposed."""
        return self.budget - self._proposed

    @property
    def scores(self) -> FloatArray:
        """Current Bradley–Terry log-strengths from the recorded outcomes."""
        return bradley_terry(self._winners, self._losers, self.n_items)

    def propose(self, n_pairs: int | None = None) -> list[tuple[int, int]]:
        """Next pairs (at most ``remaining``; all of it when ``n_pairs`` is None)."""
        k = self.remaining if n_pairs is None else min(as_count(n_pairs, "n_pairs"), self.remaining)
        pairs = next_pairs(self.scores, self.pair_counts, k, self.random_ratio, self._rng, window=self.window)
        self._proposed += len(pairs)
        return pairs

    def record(self, winners: Any, losers: Any) -> None:
        """Record outcomes (``winners[k]`` beat ``losers[k]``)."""
        w: IntArray = np.asarray(winners, dtype=np.int64).reshape(-1)
        lo: IntArray = np.asarray(losers, dtype=np.int64).reshape(-1)
        if w.shape != lo.shape:
            raise ValueError("winners and losers must have the same length")
        np.add.at(self.pair_counts, (w, lo), 1)
        self._winners.extend(w.tolist())
        self._losers.extend(lo.tolist())
