"""Bradley–Terry strengths, the Elo-like scale, bootstrap intervals and the win matrix (DESIGN §6, issue 6).

Model. Item ``i`` has log-strength ``θ_i`` and beats ``j`` with probability ``σ(θ_i - θ_j) =
p_i / (p_i + p_j)``, ``p_i = exp(θ_i)``. A tie counts as half a win for each side. Comparisons are first
deduplicated into, per unordered pair ``{i, j}``, the number of games ``n_ij`` and the wins of ``i``,
``w_ij``.
We maximise the penalised log-likelihood::

    ℓ(θ) = Σ_{i<j} [ w_ij (θ_i - θ_j) - n_ij log(1 + exp(θ_i - θ_j)) ] - (α/2) Σ_i θ_i²

The ridge ``α`` (default 1e-4, i.e. a ``N(0, 100²)`` prior on each log-strength) is negligible next to the
information of even a handful of games (on 1,000 items × 100,000 comparisons it moves no score by more than
0.02 Elo points), but it makes the optimum unique and finite when the comparison graph is disconnected, when
an item was never compared (it gets θ = 0), or when an item won every game (the plain MLE is then infinite;
with the ridge such an item sits some 1,000+ points above the rest, so pass a larger ``alpha`` such as 0.1,
a real prior, when small rankings should look modest). ``ℓ`` is strictly concave, so the maximiser is
unique; we find it with Newton's method (Hessian = graph Laplacian with weights ``n_ij p_ij (1 - p_ij)``
plus ``α I``), each step solved by Jacobi-preconditioned conjugate gradients on a sparse matrix and
guarded by a backtracking line search. Convergence: the largest gradient component (in units of games)
falls below ``tol`` (default 1e-7), typically in 5–8 steps from zero and 2–3 from a warm start.

The Elo-like scale is ``1200 + 400·log10(p_i / geomean(p))``, i.e. ``1200 + (400 / ln 10)(θ_i - mean θ)``: an
item 400 points above another is preferred 10 times as often.

Bootstrap intervals resample the comparisons with replacement. Since only outcome counts matter, a replicate
is a multinomial draw of the deduplicated outcome counts (``a`` beat ``b``, or ``a`` tied ``b``),
refitted from the point estimate (warm start); intervals are percentiles of the replicates on the Elo
scale. Two items are ranked apart only when their intervals do not overlap (:func:`rank_groups`).

References: Bradley & Terry (1952), "Rank analysis of incomplete block designs: I", Biometrika 39; Hunter
(2004), "MM algorithms for generalized Bradley–Terry models", Annals of Statistics 32; Efron & Tibshirani
(1993), "An Introduction to the Bootstrap".

Examples:
    >>> theta = bradley_terry([0, 0, 1, 1, 1, 2], [1, 1, 0, 2, 2, 1], 3)  # 0 beats 1 2:1, 1 beats 2 2:1
    >>> np.round(to_elo(theta), 1).tolist()  # 400·log10(2) = 120.4 points per step
    [1320.4, 1200.0, 1079.6]
    >>> win_matrix([0, 0, 1], [1, 2, 2], 3).tolist()
    [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from ._checks import BoolArray, FloatArray, IntArray, as_count, as_index, weighted_bincount

__all__ = [
    "DISPLAY_ALPHA",
    "ELO_PER_LOG",
    "PairCounts",
    "better_than",
    "bootstrap_intervals",
    "bootstrap_samples",
    "bradley_terry",
    "elo_scores",
    "fit_pair_counts",
    "pair_counts",
    "rank_groups",
    "to_elo",
    "win_matrix",
]

#: Elo points per unit of natural log-strength: ``400 / ln(10)``.
ELO_PER_LOG = 400.0 / np.log(10.0)

#: Ridge of the scores we show people: a ``N(0, 10)`` prior on each log-strength. Next to a few games it
#: keeps an item that won everything within a few hundred points of the rest instead of 1,000+, and it
#: fades as comparisons accumulate.
DISPLAY_ALPHA = 0.1


@dataclass(frozen=True)
class PairCounts:
    """Comparisons deduplicated per unordered pair ``i < j``, plus the outcome table used by the bootstrap.

    Attributes:
        n_items: Number of items.
        i: First item of each pair (``i < j``).
        j: Second item of each pair.
        wins: Wins of ``i`` over ``j`` (ties count 0.5).
        games: Comparisons of the pair.
        outcome_pair: For each distinct outcome, the pair it belongs to.
        outcome_share: For each distinct outcome, the win share of ``i`` (1, 0 or 0.5).
        outcome_count: How often each distinct outcome occurred.
    """

    n_items: int
    i: IntArray
    j: IntArray
    wins: FloatArray
    games: FloatArray
    outcome_pair: IntArray
    outcome_share: FloatArray
    outcome_count: FloatArray

    def resampled(self, counts: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(wins, games)`` per pair for new outcome counts (one bootstrap replicate)."""
        n_pairs = self.i.shape[0]
        games = weighted_bincount(self.outcome_pair, counts, n_pairs)
        wins = weighted_bincount(self.outcome_pair, counts * self.outcome_share, n_pairs)
        return wins, games


def _check_pairs(
    winners: Any, losers: Any, n_items: int, ties: Any
) -> tuple[int, IntArray, IntArray, BoolArray]:
    n = as_count(n_items, "n_items")
    w = as_index(winners, "winners", size=n)
    lo = as_index(losers, "losers", size=n, length=w.shape[0])
    if np.any(w == lo):
        raise ValueError("winners and losers must differ in every comparison (an item cannot meet itself)")
    if ties is None:
        tie = np.zeros(w.shape[0], dtype=bool)
    else:
        tie = np.asarray(ties).astype(bool).reshape(-1)
        if tie.shape[0] != w.shape[0]:
            raise ValueError(f"ties has length {tie.shape[0]}, expected {w.shape[0]}")
    return n, w, lo, tie


def pair_counts(winners: Any, losers: Any, n_items: int, ties: Any = None) -> PairCounts:
    """Deduplicate comparisons into per-pair wins and games.

    Args:
        winners: Winner of each comparison (for a tie: either side).
        losers: Loser of each comparison (for a tie: the other side).
        n_items: Number of items.
        ties: Optional boolean mask marking comparisons that ended in a tie.

    Returns:
        A :class:`PairCounts`.
    """
    n, w, lo, tie = _check_pairs(winners, losers, n_items, ties)
    a, b = np.minimum(w, lo), np.maximum(w, lo)
    # outcome code: 0 = a won, 1 = b won, 2 = tie; one row per distinct (pair, outcome)
    kind = np.where(tie, 2, np.where(w == a, 0, 1))
    codes, outcome_count = np.unique((a * n + b) * 3 + kind, return_counts=True)
    pair_code, kind_u = codes // 3, codes % 3
    pairs, outcome_pair = np.unique(pair_code, return_inverse=True)
    share = np.array([1.0, 0.0, 0.5])[kind_u]
    cnt = outcome_count.astype(np.float64)
    wins = weighted_bincount(outcome_pair, cnt * share, pairs.shape[0])
    games = weighted_bincount(outcome_pair, cnt, pairs.shape[0])
    return PairCounts(
        n_items=n,
        i=(pairs // max(n, 1)).astype(np.int64),
        j=(pairs % max(n, 1)).astype(np.int64),
        wins=wins,
        games=games,
        outcome_pair=outcome_pair.astype(np.int64),
        outcome_share=share,
        outcome_count=cnt,
    )


class _Hessian:
    """Off-diagonal part of the Newton matrix for a fixed pair set, as an upper-triangular CSR matrix ``U``.

    ``pair_counts`` returns pairs sorted by ``(i, j)``, which is exactly CSR order, so updating the values is
    a plain copy (no gather) and ``(U + Uᵀ) v`` is two sparse products that share one data array. Sums per
    item (gradient, diagonal) are the same products with a vector of ones, several times faster than
    ``np.bincount`` with weights.
    """

    def __init__(self, n: int, i: IntArray, j: IntArray) -> None:
        if i.size and np.any(np.diff(i * n + j) <= 0):
            raise ValueError("pairs must be sorted by (i, j) and unique")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(i, minlength=n))]).astype(np.int64)
        self.upper = sp.csr_matrix((np.zeros(i.shape[0]), j.astype(np.int64), indptr), shape=(n, n))
        self.lower = self.upper.T  # a CSC view sharing ``upper.data``
        self.ones = np.ones(n)

    def item_sums(self, values: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Per item, the sum of ``values`` over pairs where it is ``i`` and where it is ``j``."""
        self.upper.data[:] = values
        return self.upper @ self.ones, self.lower @ self.ones

    def offdiag_matvec(self, v: FloatArray) -> FloatArray:
        """``-(U + Uᵀ) v`` for the values last passed to :meth:`item_sums` (the pair weights ``c``)."""
        out: FloatArray = -(self.upper @ v + self.lower @ v)
        return out


#: Bootstrap refits stop once the next Newton step would move no log-strength by more than this (0.017 Elo).
_BOOTSTRAP_XTOL = 1e-4

#: Newton steps no longer than this (in log-strength, about 174 Elo points) skip the line search.
_SAFE_STEP = 1.0


def _dot(a: FloatArray, b: FloatArray) -> float:
    # Not np.dot: multithreaded BLAS on 1-D vectors is up to 1000x slower on a busy machine (threads spin).
    return float(np.multiply(a, b).sum())


def _softplus(d: FloatArray) -> FloatArray:
    out: FloatArray = np.maximum(d, 0.0) + np.log1p(np.exp(-np.abs(d)))
    return out


def _objective(
    theta: FloatArray, pc_i: IntArray, pc_j: IntArray, wins: FloatArray, games: FloatArray, alpha: float
) -> tuple[float, FloatArray]:
    d = theta[pc_i] - theta[pc_j]
    value = _dot(wins, d) - _dot(games, _softplus(d)) - 0.5 * alpha * _dot(theta, theta)
    return value, d


def _cg(mat: _Hessian, diag: FloatArray, rhs: FloatArray, rtol: float, max_iter: int) -> FloatArray:
    """Jacobi-preconditioned conjugate gradients for ``(mat + diag) x = rhs`` (symmetric pos. definite)."""
    x = np.zeros_like(rhs)
    r = rhs.copy()
    inv = 1.0 / diag
    z = r * inv
    p = z.copy()
    rz = _dot(r, z)
    stop = rtol * np.sqrt(_dot(rhs, rhs))
    for _ in range(max_iter):
        q = mat.offdiag_matvec(p) + diag * p
        step = rz / _dot(p, q)
        x += step * p
        r -= step * q
        if np.sqrt(_dot(r, r)) <= stop:
            break
        z = r * inv
        rz_new = _dot(r, z)
        p *= rz_new / rz
        p += z
        rz = rz_new
    return x


def fit_pair_counts(
    pc: PairCounts,
    wins: FloatArray | None = None,
    games: FloatArray | None = None,
    *,
    alpha: float = 1e-4,
    init: FloatArray | None = None,
    tol: float = 1e-7,
    max_iter: int = 100,
    xtol: float | None = None,
    _hessian: _Hessian | None = None,
) -> FloatArray:
    """Penalised Bradley–Terry MLE on deduplicated counts (module docstring); returns log-strengths.

    Args:
        pc: Pair table from :func:`pair_counts`.
        wins: Override of ``pc.wins`` (bootstrap replicates).
        games: Override of ``pc.games``.
        alpha: Ridge on the log-strengths (> 0).
        init: Starting point (warm start); zeros by default.
        tol: Stop when the largest gradient component is below ``tol``.
        max_iter: Maximum Newton steps.
        xtol: Also stop when ``max |g_i / H_ii| < xtol``, i.e. when the next step would move no log-strength
            by more than about ``xtol`` (the bootstrap uses 1e-4, about 0.02 Elo points).

    Returns:
        ``θ``, one log-strength per item.
    """
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    n = pc.n_items
    w = pc.wins if wins is None else wins
    g_n = pc.games if games is None else games
    theta = np.zeros(n) if init is None else np.array(init, dtype=np.float64)
    if n == 0 or pc.i.shape[0] == 0:
        return np.zeros(n)
    hess = _hessian or _Hessian(n, pc.i, pc.j)
    d = theta[pc.i] - theta[pc.j]
    last_gmax = np.inf
    for _ in range(max_iter):
        p = 0.5 * (1.0 + np.tanh(0.5 * d))  # σ(d) without overflow (faster than scipy expit)
        expected = g_n * p
        as_i, as_j = hess.item_sums(w - expected)
        grad = as_i - as_j - alpha * theta
        gmax = float(np.abs(grad).max())
        if gmax < tol:
            break
        c = expected * (1.0 - p)
        as_i, as_j = hess.item_sums(c)
        diag = as_i + as_j + alpha
        if xtol is not None and float(np.abs(grad / diag).max()) < xtol:
            break  # the next Newton step would move no log-strength by more than about xtol
        step = _cg(hess, diag, grad, rtol=min(0.1, np.sqrt(gmax)) * 1e-2, max_iter=4 * n + 10)
        if float(np.abs(step).max()) <= _SAFE_STEP and gmax < last_gmax:
            # Near the optimum the full Newton step is safe (the likelihood is smooth on this scale), so we
            # skip the line search while the gradient keeps shrinking; it comes back as soon as it does not.
            last_gmax = gmax
            theta = theta + step
            d = theta[pc.i] - theta[pc.j]
            continue
        value = _objective(theta, pc.i, pc.j, w, g_n, alpha)[0]
        slope = _dot(grad, step)
        t = 1.0
        while True:
            cand = theta + t * step
            cand_value, cand_d = _objective(cand, pc.i, pc.j, w, g_n, alpha)
            # Armijo test, with slack for rounding: near the optimum ℓ changes by less than its last digits.
            if cand_value >= value + 1e-4 * t * slope - 1e-12 * abs(value) or t < 1e-10:
                break
            t *= 0.5
        theta, d, last_gmax = cand, cand_d, gmax
    return theta


def bradley_terry(
    winners: Any,
    losers: Any,
    n_items: int,
    ties: Any = None,
    *,
    alpha: float = 1e-4,
    tol: float = 1e-7,
    max_iter: int = 100,
) -> FloatArray:
    """Bradley–Terry log-strengths by penalised maximum likelihood (module docstring).

    Args:
        winners: Winner of each comparison, in ``[0, n_items)``.
        losers: Loser of each comparison.
        n_items: Number of items (items never compared get 0).
        ties: Optional boolean mask of tied comparisons (half a win each).
        alpha: Ridge on the log-strengths (``N(0, 1/α)`` prior); keeps every estimate finite.
        tol: Convergence tolerance on the gradient.
        max_iter: Maximum Newton steps.

    Returns:
        ``float64`` log-strengths ``θ``; :func:`to_elo` maps them to the Elo-like scale.

    Raises:
        ValueError: On out-of-range items, self-comparisons or length mismatches.

    Examples:
        >>> np.round(bradley_terry([0, 1], [1, 0], 2), 6).tolist()
        [0.0, 0.0]
    """
    pc = pair_counts(winners, losers, n_items, ties)
    return fit_pair_counts(pc, alpha=alpha, tol=tol, max_iter=max_iter)


def elo_scores(
    winners: Any, losers: Any, n_items: int, ties: Any = None, *, base: float = 1200.0
) -> FloatArray:
    """Scores on the Elo-like scale as results, flows and leaderboards report them.

    The Bradley–Terry fit with the :data:`DISPLAY_ALPHA` prior, mapped by :func:`to_elo`; every item sits
    at ``base`` when there are no comparisons.

    Examples:
        >>> np.round(elo_scores([0, 0, 0], [1, 1, 1], 2), 1).tolist()
        [1457.0, 943.0]
    """
    if len(winners) == 0:
        return np.full(n_items, float(base))
    return to_elo(bradley_terry(winners, losers, n_items, ties, alpha=DISPLAY_ALPHA), base=base)


def to_elo(log_strengths: Any, base: float = 1200.0) -> FloatArray:
    """Map log-strengths to ``base + 400·log10(p_i / geomean p)``.

    Examples:
        >>> to_elo([np.log(10.0), 0.0]).tolist()
        [1400.0, 1000.0]
    """
    theta = np.asarray(log_strengths, dtype=np.float64)
    if theta.size == 0:
        return theta.copy()
    out: FloatArray = base + ELO_PER_LOG * (theta - theta.mean(axis=-1, keepdims=True))
    return out


def bootstrap_samples(
    winners: Any,
    losers: Any,
    n_items: int,
    n_rounds: int = 100,
    random_state: Any = None,
    *,
    ties: Any = None,
    alpha: float = 1e-4,
    base: float = 1200.0,
) -> FloatArray:
    """Elo-scale scores of ``n_rounds`` bootstrap replicates, shape ``[n_rounds, n_items]``.

    Each replicate draws the deduplicated outcome counts from ``Multinomial(N, counts / N)`` (the same as
    resampling the ``N`` comparisons with replacement) and refits from the point estimate.
    """
    pc = pair_counts(winners, losers, n_items, ties)
    rounds = as_count(n_rounds, "n_rounds", 1)
    rng = np.random.default_rng(random_state)
    out = np.empty((rounds, pc.n_items))
    total = int(pc.outcome_count.sum())
    if total == 0:
        out[:] = base
        return out
    hess = _Hessian(pc.n_items, pc.i, pc.j)
    point = fit_pair_counts(pc, alpha=alpha, _hessian=hess)
    # A multinomial draw of the deduplicated counts, done as N uniform draws from the expanded outcome list:
    # the same distribution as rng.multinomial(total, counts / total), several times faster.
    expanded = np.repeat(np.arange(pc.outcome_count.shape[0]), pc.outcome_count.astype(np.int64))
    n_outcomes = pc.outcome_count.shape[0]
    for b in range(rounds):
        drawn = expanded[rng.integers(0, total, total)]
        counts = np.bincount(drawn, minlength=n_outcomes).astype(np.float64)
        wins, games = pc.resampled(counts)
        theta = fit_pair_counts(pc, wins, games, alpha=alpha, init=point, xtol=_BOOTSTRAP_XTOL, _hessian=hess)
        out[b] = to_elo(theta, base)
    return out


def bootstrap_intervals(
    winners: Any,
    losers: Any,
    n_items: int,
    n_rounds: int = 100,
    random_state: Any = None,
    *,
    ties: Any = None,
    ci: float = 0.95,
    alpha: float = 1e-4,
    scale: Literal["elo", "log"] = "elo",
) -> tuple[FloatArray, FloatArray]:
    """Percentile bootstrap interval of every item's score.

    Args:
        winners: Winner of each comparison.
        losers: Loser of each comparison.
        n_items: Number of items.
        n_rounds: Bootstrap replicates.
        random_state: Seed or ``numpy.random.Generator``.
        ties: Optional tie mask.
        ci: Coverage of the interval (0.95 gives the 2.5 % and 97.5 % percentiles).
        alpha: Ridge of the fits.
        scale: ``"elo"`` (default, same scale as ``to_elo(bradley_terry(...))``) or ``"log"`` (centred
            natural log-strengths).

    Returns:
        ``(lower, upper)`` arrays of length ``n_items``.

    Examples:
        >>> lo, hi = bootstrap_intervals([0] * 8 + [1] * 2, [1] * 8 + [0] * 2, 2, random_state=0)
        >>> bool(lo[0] < 1200 + 120 < hi[0])
        True
    """
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must lie strictly between 0 and 1, got {ci!r}")
    samples = bootstrap_samples(
        winners, losers, n_items, n_rounds, random_state, ties=ties, alpha=alpha, base=0.0
    )
    if scale == "log":
        samples = samples / ELO_PER_LOG
    elif scale == "elo":
        samples = samples + 1200.0
    else:
        raise ValueError(f"scale must be 'elo' or 'log', got {scale!r}")
    q = (1.0 - ci) / 2.0
    lower, upper = np.quantile(samples, [q, 1.0 - q], axis=0)
    return lower, upper


def better_than(lower: Any, upper: Any) -> BoolArray:
    """``m[a, b]`` is True when ``a`` is better than ``b`` beyond doubt: ``lower[a] > upper[b]``."""
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    out: BoolArray = lo[:, None] > hi[None, :]
    return out


def rank_groups(lower: Any, upper: Any) -> IntArray:
    """Rank of each item counting only items that are better beyond doubt: ``1 + #{b : lower[b] > upper[a]}``.

    Items whose intervals overlap share a rank (standard competition ranking on separated intervals).

    Examples:
        >>> rank_groups([1300, 1250, 1000], [1400, 1350, 1100]).tolist()
        [1, 1, 3]
    """
    out: IntArray = 1 + better_than(lower, upper).sum(axis=0).astype(np.int64)
    return out


def win_matrix(winners: Any, losers: Any, n_items: int, ties: Any = None) -> IntArray:
    """``m[a, b]`` = number of times ``a`` beat ``b`` (tied comparisons are left out).

    Examples:
        >>> win_matrix([1, 1, 0], [0, 0, 1], 2).tolist()
        [[0, 1], [2, 0]]
    """
    n, w, lo, tie = _check_pairs(winners, losers, n_items, ties)
    key = w[~tie] * n + lo[~tie]
    return np.bincount(key, minlength=n * n).astype(np.int64).reshape(n, n)
