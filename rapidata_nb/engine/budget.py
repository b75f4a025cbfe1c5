"""Plan the human budget: how many human labels for a target interval width, with and without the judge.

From a pilot (items with a human label ``Y`` and the judge's ``Ŷ``) take ``σ² = Var(Y)`` and the correlation
``ρ``. People alone need ``n = σ² / v`` items for a half-width ``z·√v``. When the judge labels all ``M``
items and people ``n`` of them, the PPI++ variance (:mod:`.ppi`) with ``N = M − n`` judge-only items is::

    σ²(1 − ρ²)/n + σ²ρ²/M

so ``n_judge = σ²(1 − ρ²) / (v − σ²ρ²/M)``: about ``1/(1 − ρ²)`` times fewer items than people alone while
``M ≫ n``, and no number of human labels reaches a width below ``2z·σρ/√M`` (the judge's own noise on ``M``
items then dominates: label more items). The forecast is then checked by simulation: populations of ``M``
items are resampled from the pilot pairs, ``n_judge`` of them get their human label, and the PPI++
intervals of :func:`~rapidata_nb.engine.ppi.ppi_mean` are measured (mean width and coverage of the
population's mean).

Money: ``n × responses_per_item`` responses at ``price_per_1000`` per 1,000 responses.

Examples:
    >>> rng = np.random.default_rng(0)
    >>> yhat = rng.integers(0, 2, 400).astype(float)
    >>> y = np.where(rng.random(400) < 0.8, yhat, 1 - yhat)
    >>> plan = plan_budget(y, yhat, width=0.05, n_items=20_000, n_simulations=0)
    >>> plan.human_only, plan.with_judge  # ρ ≈ 0.6: about 1/(1 − 0.36) = 1.56 times fewer
    (1068, 704)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checks import as_count, as_float
from .ppi import _correlation, _z, ppi_mean

__all__ = ["BudgetPlan", "plan_budget"]


@dataclass(frozen=True)
class BudgetPlan:
    """Human items needed for an interval of the target width.

    Attributes:
        width: Target full width of the interval.
        ci: Its coverage.
        sd: ``σ`` of the human labels in the pilot.
        correlation: ``ρ`` between human and judge labels in the pilot.
        n_items: ``M``, items the judge labels.
        human_only: Human-labelled items needed without the judge.
        with_judge: Human-labelled items needed with the judge (``-1``: unreachable on ``M`` items).
        gain: ``human_only / with_judge``; ``1/(1 − ρ²)`` is its limit for ``M ≫ n``.
        simulated_width: Mean PPI++ width at ``with_judge`` over the simulations (NaN if none were run).
        simulated_coverage: Share of simulated intervals covering the population mean.
        responses_human_only: Responses to buy without the judge.
        responses_with_judge: Responses to buy with it.
        cost_human_only: Their price (NaN without ``price_per_1000``).
        cost_with_judge: Likewise.
    """

    width: float
    ci: float
    sd: float
    correlation: float
    n_items: int
    human_only: int
    with_judge: int
    gain: float
    simulated_width: float
    simulated_coverage: float
    responses_human_only: int
    responses_with_judge: int
    cost_human_only: float
    cost_with_judge: float


def _simulate(
    y: Any, yhat: Any, n: int, n_items: int, ci: float, rounds: int, random_state: Any
) -> tuple[float, float]:
    rng = np.random.default_rng(random_state)
    widths, covered = [], []
    for _ in range(rounds):
        pick = rng.integers(0, y.shape[0], n_items)
        pop_y, pop_yhat = y[pick], yhat[pick]
        human = np.zeros(n_items, dtype=bool)
        human[rng.choice(n_items, n, replace=False)] = True
        est = ppi_mean(pop_y[human], pop_yhat[human], pop_yhat[~human], ci=ci, cross_fit=False).ppi
        widths.append(est.upper - est.lower)
        covered.append(est.covers(float(pop_y.mean())))
    return float(np.mean(widths)), float(np.mean(covered))


def plan_budget(
    y: Any,
    yhat: Any,
    *,
    width: float,
    n_items: int,
    ci: float = 0.9,
    responses_per_item: int = 1,
    price_per_1000: float | None = None,
    n_simulations: int = 200,
    random_state: Any = 0,
) -> BudgetPlan:
    """Forecast the human labels for an interval of full width ``width`` (module docstring).

    Args:
        y: Pilot human labels (one per item, e.g. the share of votes for A).
        yhat: The judge's labels of the pilot items.
        width: Target full width of the interval (e.g. 0.05 for ±2.5 points).
        n_items: ``M``, items the judge will label (the pilot's included or not).
        ci: Coverage of the interval.
        responses_per_item: Responses people give per labelled item (to count responses and money).
        price_per_1000: Price per 1,000 responses; ``None`` leaves the costs NaN.
        n_simulations: Simulated studies to check the forecast (0: skip).
        random_state: Seed of the simulations.
    """
    yy = as_float(y, "y")
    yh = as_float(yhat, "yhat", length=yy.shape[0])
    if yy.shape[0] < 3:
        raise ValueError(f"a pilot needs at least 3 items with both labels, got {yy.shape[0]}")
    if not width > 0:
        raise ValueError(f"width must be > 0, got {width!r}")
    m = as_count(n_items, "n_items", 2)
    per_item = as_count(responses_per_item, "responses_per_item", 1)
    z = _z(ci)
    var = float(np.var(yy, ddof=1))
    rho = _correlation(yy, yh)
    rho2 = float(rho**2) if np.isfinite(rho) and rho > 0 else 0.0
    v = (width / (2.0 * z)) ** 2
    human_only = int(np.ceil(var / v))
    reachable = v - var * rho2 / m
    with_judge = int(np.ceil(var * (1.0 - rho2) / reachable)) if reachable > 0 else -1
    if with_judge > m:
        with_judge = -1
    sim_width = sim_cover = float("nan")
    rounds = as_count(n_simulations, "n_simulations")
    if rounds and with_judge >= 2 and m - with_judge >= 1:
        sim_width, sim_cover = _simulate(yy, yh, with_judge, m, ci, rounds, random_state)
    price = float("nan") if price_per_1000 is None else float(price_per_1000)
    return BudgetPlan(
        width=float(width),
        ci=float(ci),
        sd=float(np.sqrt(var)),
        correlation=float(rho),
        n_items=m,
        human_only=human_only,
        with_judge=with_judge,
        gain=float(human_only / with_judge) if with_judge > 0 else float("nan"),
        simulated_width=sim_width,
        simulated_coverage=sim_cover,
        responses_human_only=human_only * per_item,
        responses_with_judge=max(with_judge, 0) * per_item,
        cost_human_only=human_only * per_item / 1000.0 * price,
        cost_with_judge=max(with_judge, 0) * per_item / 1000.0 * price,
    )
