"""Which pairs to compare next in a ranking (DESIGN §6 "Ranking").

Groups of at most 10 items compare every pair once (:func:`all_pairs`, 45 pairs for 10 items). Larger groups
spend a comparison budget online with :func:`next_pairs`: a share ``random_ratio`` of the pairs is drawn
uniformly at random (this keeps the comparison graph connected and guards against a wrong early fit), and the
rest are *close matchups* chosen by expected information.

Information rule. Around the current log-strengths ``θ`` the Bradley–Terry posterior is approximately normal
with precision ``H = L + prior·I``, where ``L`` is the graph Laplacian with weights ``n_ij p_ij (1 - p_ij)``
(``n_ij`` games so far between ``i`` and ``j``, ``p_ij = σ(θ_i - θ_j)``) and ``prior`` the precision of a
``N(0, 1/prior)`` prior on each log-strength. One more game between ``i`` and ``j`` adds ``w_ij e eᵀ`` to
``H`` (``e = e_i - e_j``, ``w_ij = p_ij (1 - p_ij)``), which gains ``½ log(1 + w_ij v_ij)`` nats of
information, ``v_ij = Var(θ_i - θ_j)``. Each close matchup is the pair with the largest gain; the covariance
is then updated in place (Sherman–Morrison), so one batch spreads over the items instead of repeating a pair.
The gain favours close games (``w_ij`` peaks at ``p = 1/2``) between items whose order is still uncertain
(large ``v_ij``: few games, or games only against far-off opponents), so never-compared items come first, and
a pair already played needs to be much more informative than a fresh one to be played again.

When ``counts`` is a per-item vector the partners are unknown, and ``H`` is approximated by its diagonal, each
past game counting as an even one (``w = 1/4``). Pass the ``[n, n]`` pair-count matrix for the exact rule.

Everything random comes from ``random_state`` (an ``int`` seed or a ``numpy.random.Generator``), so a seed
gives the same pairs every run. :class:`PairMaker` wraps the loop "propose → observe → refit" around
:func:`.ranking.bradley_terry`: it refits with the same prior before each batch and passes the pair-count
matrix.

Assumption: ``scores`` are natural log-strengths (``bradley_terry``'s output, not the Elo scale); a fit with a
real prior (``alpha=prior``) gives better pairs early on than the near-flat default ridge, whose estimates
jump to extremes after a handful of games.

Cost: one ``n × n`` inverse per call and ``O(n²)`` per pair; beyond 200 items each item only considers its 32
nearest-scored partners (see ``window``).

References: Glickman & Jensen (2005), "Adaptive paired comparison design", J. Statistical Planning and
Inference 127; Chen et al. (2013), "Pairwise ranking aggregation in a crowdsourced setting", WSDM.

Examples:
    >>> all_pairs(3)
    [(0, 1), (0, 2), (1, 2)]
    >>> next_pairs([0.0, 0.1, 5.0, 5.2], [1, 1, 1, 1], 2, random_ratio=0.0, random_state=0)
    [(0, 1), (2, 3)]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import FloatArray, IntArray, as_count, as_float
from .ranking import bradley_terry

__all__ = ["PairMaker", "all_pairs", "next_pairs"]

#: Groups larger than this consider only each item's ``_WIDE_WINDOW`` nearest-scored partners by default.
_ALL_PAIRS_MAX = 200
_WIDE_WINDOW = 32

#: Information weight of one past game when only per-item counts are known (an even game, ``p = 1/2``).
_EVEN_GAME = 0.25


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


def _games(counts: Any, n: int) -> FloatArray:
    """``counts`` checked: a symmetric ``[n, n]`` matrix of games per pair, or a vector of games per item."""
    c = np.asarray(counts, dtype=np.float64)
    if c.shape == (n, n):
        c = c + c.T
        np.fill_diagonal(c, 0.0)
    elif c.shape != (n,):
        raise ValueError(f"counts must have shape ({n},) or ({n}, {n}), got {c.shape}")
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise ValueError("counts must be finite and non-negative")
    return c


def _covariance(s: FloatArray, games: FloatArray, prior: float) -> tuple[FloatArray, FloatArray]:
    """``(Σ, w)``: approximate posterior covariance of the log-strengths, and ``w_ij = p_ij (1 - p_ij)``."""
    p = 0.5 * (1.0 + np.tanh(0.5 * (s[:, None] - s[None, :])))  # σ(θ_i - θ_j) without overflow
    w: FloatArray = p * (1.0 - p)
    if games.ndim == 2:
        info = games * w
        precision = np.diag(info.sum(axis=1) + prior) - info
    else:
        precision = np.diag(_EVEN_GAME * games + prior)
    cov: FloatArray = np.asarray(np.linalg.inv(precision), dtype=np.float64)
    return cov, w


def _candidates(s: FloatArray, window: int | None, jitter: FloatArray) -> tuple[IntArray, IntArray]:
    """Candidate pairs ``(i < j)``: all of them, or each item with its ``window`` nearest-scored items."""
    n = s.shape[0]
    if window is None and n <= _ALL_PAIRS_MAX:
        ci, cj = np.triu_indices(n, 1)
        return ci.astype(np.int64), cj.astype(np.int64)
    win = max(1, min(_WIDE_WINDOW if window is None else window, n - 1))
    dist = np.abs(s[:, None] - s[None, :]) + jitter[None, :]
    np.fill_diagonal(dist, np.inf)
    near = np.argpartition(dist, win - 1, axis=1)[:, :win]
    rows = np.repeat(np.arange(n), win)
    a, b = np.minimum(rows, near.ravel()), np.maximum(rows, near.ravel())
    code = np.unique(a * n + b)
    return (code // n).astype(np.int64), (code % n).astype(np.int64)


def next_pairs(
    scores: Any,
    counts: Any,
    n_pairs: int,
    random_ratio: float = 0.5,
    random_state: Any = None,
    *,
    window: int | None = None,
    prior: float = 1.0,
) -> list[tuple[int, int]]:
    """Choose the next ``n_pairs`` comparisons (module docstring: random share, then the information rule).

    Args:
        scores: Current log-strength per item (:func:`.ranking.bradley_terry`'s scale).
        counts: Comparisons so far, either per pair (``[n, n]`` matrix, symmetric or not:
            ``c[i, j] + c[j, i]`` games between ``i`` and ``j``; the exact rule) or per item (length ``n``; a
            diagonal approximation).
        n_pairs: Number of pairs to return.
        random_ratio: Share of uniformly random pairs, in [0, 1].
        random_state: Seed or generator.
        window: When set, a close matchup pairs an item only with one of its ``window`` nearest-scored items.
            ``None``: every pair for up to 200 items, the 32 nearest beyond.
        prior: Precision of the ``N(0, 1/prior)`` prior on each log-strength (> 0); it sets how uncertain a
            never-compared item is.

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
    if not prior > 0:
        raise ValueError(f"prior must be > 0, got {prior!r}")
    if window is not None:
        window = as_count(window, "window", 1)
    games = _games(counts, n)
    if k == 0:
        return []
    if n < 2:
        raise ValueError(f"need at least 2 items to make pairs, got {n}")
    rng = np.random.default_rng(random_state)
    out: list[tuple[int, int]] = []
    for _ in range(_n_random(k, random_ratio, rng)):
        i = int(rng.integers(n))
        j = int(rng.integers(n - 1))
        out.append((i, j + (j >= i)))
    if len(out) == k:
        return out  # all random: the scores and counts play no part
    cov, w = _covariance(s, games, prior)
    for i, j in out:
        _add_game(cov, w, i, j)
    ci, cj = _candidates(s, window, np.asarray(rng.random(n)) * 1e-9)
    w_c = w[ci, cj]
    jitter = rng.random(ci.shape[0]) * 1e-9  # deterministic tie-breaking between equal gains
    while len(out) < k:
        var = np.diagonal(cov)
        v = var[ci] + var[cj] - 2.0 * cov[ci, cj]
        best = int(np.argmax(np.log1p(w_c * v) + jitter))
        i, j = int(ci[best]), int(cj[best])
        out.append((i, j))
        _add_game(cov, w, i, j)
    return out


def _add_game(cov: FloatArray, w: FloatArray, i: int, j: int) -> None:
    """Sherman–Morrison, in place: the covariance after one more game between ``i`` and ``j``, any outcome."""
    u = cov[:, i] - cov[:, j]
    cov -= np.outer(u, u) * (w[i, j] / (1.0 + w[i, j] * (u[i] - u[j])))


class PairMaker:
    """Online pair maker spending a comparison budget on one ranking.

    Call :meth:`propose` for the next batch, :meth:`record` the outcomes, repeat until :attr:`remaining` is 0.
    Before each batch the outcomes are refitted with :func:`.ranking.bradley_terry` under the pair maker's
    prior (``alpha=prior``) and :func:`next_pairs` gets the pair-count matrix. :attr:`scores`, the ranking's
    estimate, is the ordinary near-flat fit.

    Args:
        n_items: Items in the ranking (>= 2).
        budget: Total comparisons to spend.
        random_ratio: Share of random pairs (DESIGN §6, the SDK's ``random_comparisons_ratio``).
        random_state: Seed or generator.
        window: See :func:`next_pairs`.
        prior: See :func:`next_pairs`.

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
        window: int | None = None,
        prior: float = 1.0,
    ) -> None:
        self.n_items = as_count(n_items, "n_items", 2)
        self.budget = as_count(budget, "budget")
        if not 0.0 <= random_ratio <= 1.0:
            raise ValueError(f"random_ratio must lie in [0, 1], got {random_ratio!r}")
        if not prior > 0:
            raise ValueError(f"prior must be > 0, got {prior!r}")
        self.random_ratio = random_ratio
        self.window = window
        self.prior = prior
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
        if k == 0:
            return []
        guide = bradley_terry(self._winners, self._losers, self.n_items, alpha=self.prior)
        pairs = next_pairs(
            guide, self.pair_counts, k, self.random_ratio, self._rng, window=self.window, prior=self.prior
        )
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
