"""Send people where they matter: a human sample chosen from the judge's uncertainty, kept unbiased.

Design. The judge labels all ``N`` items; item ``i`` is sent to people with probability ``π_i`` (Poisson
sampling: independent draws ``ξ_i ~ Bernoulli(π_i)``, ``Σ π_i = n`` expected human items). Uniform
sampling is ``π_i = n/N``. Active sampling puts ``π_i ∝ u_i``, the judge's uncertainty (for a judge that
reports a probability ``p̂_i`` of A, ``u_i = √(p̂_i(1 − p̂_i))``, the spread of its verdict), mixed with a
uniform share ``floor`` so that no item is nearly impossible to draw, and capped at 1.

Estimator (active inference, Zrnic & Candès 2024). For any ``λ``::

    Z_i = λ Ŷ_i + (ξ_i / π_i)(Y_i − λ Ŷ_i)            θ̂ = mean_N Z_i

is unbiased for the mean of ``Y`` over the ``N`` items because ``E[ξ_i / π_i] = 1`` (the inverse-probability
weights are what keep the estimate honest about where people were sent). The interval is for that mean, the
value people would give if they labelled every item: its design-based (Horvitz–Thompson) variance under
Poisson sampling is ``Σ_i (1 − π_i)/π_i · R_i² / N²`` with ``R_i = Y_i − λŶ_i``, estimated without bias by
``Σ_sampled (1 − π_i)/π_i² · R_i² / N²``. ``λ`` minimises that estimate: a weighted least-squares fit of ``Y``
on ``Ŷ`` through the origin over the sampled items, weights ``(1 − π_i)/π_i²``, clipped to [0, 1]. The
variance is smallest when ``π_i ∝ |R_i|``: people on the items the judge cannot call, few on the ones it gets
right anyway. (Items drawn with ``π_i = 1`` are a census and add nothing.)

References: Zrnic & Candès (2024), "Active Statistical Inference", ICML; Horvitz & Thompson (1952), "A
generalization of sampling without replacement from a finite universe", JASA 47.

Examples:
    >>> inclusion_probabilities([0.0, 0.0, 1.0, 1.0], 2, floor=0.0).tolist()
    [0.0, 0.0, 1.0, 1.0]
    >>> inclusion_probabilities([0.0, 0.0, 1.0, 1.0], 2, floor=0.2).tolist()
    [0.1, 0.1, 0.9, 0.9]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import BoolArray, FloatArray, as_float
from .ppi import Interval, PPIMean, _correlation, _interval, _z

__all__ = ["inclusion_probabilities", "judge_uncertainty", "poisson_sample", "ppi_mean_sampled"]


def judge_uncertainty(probability: Any) -> FloatArray:
    """``√(p̂(1 − p̂))`` of the judge's probability of A (1 − p̂ is that of B): 0.5 at a toss-up, 0 when sure.

    Examples:
        >>> judge_uncertainty([0.5, 1.0, 0.9]).round(2).tolist()
        [0.5, 0.0, 0.3]
    """
    p = as_float(probability, "probability")
    if p.size and (p.min() < 0.0 or p.max() > 1.0):
        raise ValueError("probability must lie in [0, 1]")
    out: FloatArray = np.sqrt(p * (1.0 - p))
    return out


def inclusion_probabilities(uncertainty: Any, size: float, *, floor: float = 0.1) -> FloatArray:
    """``π_i ∝ (1 − floor)·u_i / Σu + floor / N``, scaled to sum to ``size`` and capped at 1.

    Capped items are fixed at 1 and the rest rescaled until no probability exceeds 1.

    Args:
        uncertainty: ``u_i ≥ 0`` per item (all equal, or ``floor=1``: uniform sampling).
        size: Expected number of human-labelled items, in (0, N].
        floor: Share of the budget spread uniformly, in [0, 1].
    """
    u = as_float(uncertainty, "uncertainty")
    big_n = u.shape[0]
    if big_n == 0:
        return np.zeros(0)
    if u.min() < 0.0:
        raise ValueError("uncertainty must be >= 0")
    if not 0.0 < size <= big_n:
        raise ValueError(f"size must lie in (0, {big_n}], got {size!r}")
    if not 0.0 <= floor <= 1.0:
        raise ValueError(f"floor must lie in [0, 1], got {floor!r}")
    total = u.sum()
    share = u / total if total > 0 else np.full(big_n, 1.0 / big_n)
    weight = (1.0 - floor) * share + floor / big_n
    pi = np.zeros(big_n)
    free = weight > 0
    budget = float(size)
    while True:
        pi[free] = budget * weight[free] / weight[free].sum()
        over = free & (pi > 1.0)
        if not over.any():
            return pi
        pi[over] = 1.0
        free &= ~over
        budget = float(size) - float((pi == 1.0).sum())
        if not free.any() or budget <= 0:
            return np.minimum(pi, 1.0)


def poisson_sample(probability: Any, random_state: Any = None) -> BoolArray:
    """Independent draws ``ξ_i ~ Bernoulli(π_i)``."""
    p = as_float(probability, "probability")
    if p.size and (p.min() < 0.0 or p.max() > 1.0):
        raise ValueError("probability must lie in [0, 1]")
    out: BoolArray = np.random.default_rng(random_state).random(p.shape[0]) < p
    return out


def ppi_mean_sampled(
    y: Any, yhat: Any, sampled: Any, probability: Any, *, ci: float = 0.9, lam: float | None = None
) -> PPIMean:
    """The inverse-probability-weighted PPI++ mean of a Poisson sample (module docstring).

    Args:
        y: Human label per item (read only where ``sampled``; NaN elsewhere is fine).
        yhat: The judge's label of every item.
        sampled: Which items people labelled.
        probability: ``π_i`` each item was drawn with (> 0 where ``sampled``).
        ci: Interval coverage.
        lam: A fixed ``λ`` in [0, 1]; ``None`` minimises the estimated variance.

    Returns:
        A :class:`PPIMean` for the mean over the ``N`` items; ``human`` is the weighted human-only
        (Horvitz–Thompson, ``λ = 0``) mean and ``judge`` the judge's naive mean over all items.
    """
    yh = as_float(yhat, "yhat")
    big_n = yh.shape[0]
    xi = np.asarray(sampled, dtype=bool).reshape(-1)
    pi = as_float(probability, "probability", length=big_n)
    yy = np.asarray(y, dtype=np.float64).reshape(-1)
    if xi.shape[0] != big_n or yy.shape[0] != big_n:
        raise ValueError(f"y, yhat, sampled and probability must all have length {big_n}")
    if np.any(xi & ~(pi > 0)) or np.any(xi & ~np.isfinite(yy)):
        raise ValueError("every sampled item needs a probability > 0 and a finite human label")
    n = int(xi.sum())
    if n < 2:
        raise ValueError(f"a prediction-powered mean needs at least 2 human labels, got {n}")
    z = _z(ci)
    ys, yhs, ps = yy[xi], yh[xi], pi[xi]
    w = (1.0 - ps) / ps**2
    rho = _correlation(ys, yhs)
    if lam is None:
        denom = float((w * yhs**2).sum())
        lam_used = float(np.clip((w * ys * yhs).sum() / denom, 0.0, 1.0)) if denom > 0 else 0.0
        method = "active ppi++"
    else:
        if not 0.0 <= lam <= 1.0:
            raise ValueError(f"lam must lie in [0, 1], got {lam!r}")
        lam_used, method = float(lam), "fixed λ"

    def estimate(lam_: float) -> Interval:
        resid = ys - lam_ * yhs
        value = (lam_ * yh.sum() + (resid / ps).sum()) / big_n
        return _interval(value, float(np.sqrt((w * resid**2).sum())) / big_n, z)

    ppi, human = estimate(lam_used), estimate(0.0)
    judge = _interval(yh.mean(), yh.std() / np.sqrt(big_n), z)
    return PPIMean(
        ppi=ppi,
        human=human,
        judge=judge,
        lam=lam_used,
        correlation=rho,
        method=method,
        n_labeled=n,
        n_unlabeled=big_n - n,
        effective_n=float(n * (human.se / ppi.se) ** 2) if ppi.se > 0 else float("inf"),
        judge_misses=not judge.covers(ppi.estimate),
    )
