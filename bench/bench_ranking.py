"""Issue 6: Bradley–Terry on 1,000 items / 100,000 comparisons, and 100 bootstrap refits.

In one run: our ``bradley_terry`` (penalised MLE, α = 1e-4, Newton–CG on deduplicated pairs), choix's
``ilsr_pairwise`` (the speed reference; it converges to the unpenalised MLE), choix's ``opt_pairwise`` with
the same penalty (choix's ``alpha`` multiplies Σθ², ours (α/2)Σθ², so choix alpha = α/2: the identical
objective, the "same fit" check), a vectorised scipy L-BFGS MLE on the deduplicated counts and crowd-kit's
``BradleyTerry`` (for reference), then ``bootstrap_intervals`` with 100 rounds.

Run: ``.venv/bin/python bench/bench_ranking.py``
"""

from __future__ import annotations

import _common  # noqa: F401  (pins BLAS threads before numpy loads)
import choix
import numpy as np
import pandas as pd
from _common import best_of, header, ratio, verdict
from _crowd import comparisons
from crowdkit.aggregation import BradleyTerry
from scipy.optimize import minimize
from scipy.stats import kendalltau

from rapidata_nb.engine import bootstrap_intervals, bradley_terry, pair_counts, rank_groups, to_elo

ALPHA = 1e-4


def lbfgs_mle(winners: np.ndarray, losers: np.ndarray, n: int) -> np.ndarray:
    """Penalised MLE with scipy's L-BFGS on deduplicated counts (same objective as the engine)."""
    pc = pair_counts(winners, losers, n)

    def f(theta: np.ndarray) -> tuple[float, np.ndarray]:
        d = theta[pc.i] - theta[pc.j]
        sp = np.maximum(d, 0) + np.log1p(np.exp(-np.abs(d)))
        p = 0.5 * (1 + np.tanh(0.5 * d))
        r = pc.wins - pc.games * p
        grad = np.bincount(pc.i, r, n) - np.bincount(pc.j, r, n) - ALPHA * theta
        value = (pc.wins * d).sum() - (pc.games * sp).sum() - 0.5 * ALPHA * (theta * theta).sum()
        return -value, -grad

    res = minimize(f, np.zeros(n), jac=True, method="L-BFGS-B", options={"maxiter": 10_000, "gtol": 1e-9})
    return np.asarray(res.x)


def main() -> None:
    header("Bradley–Terry, 1,000 items / 100,000 comparisons")
    n, m = 1_000, 100_000
    w, lo, truth = comparisons(n, m, seed=0)
    data = list(zip(w.tolist(), lo.tolist(), strict=True))
    frame = pd.DataFrame({"worker": 0, "left": w, "right": lo, "label": w})

    t_ours, theta = best_of(lambda: bradley_terry(w, lo, n), 5)
    t_ilsr, ilsr = best_of(lambda: choix.ilsr_pairwise(n, data), 1)
    t_opt, opt = best_of(lambda: choix.opt_pairwise(n, data, alpha=ALPHA / 2, tol=1e-9), 1)
    t_lbfgs, lbfgs = best_of(lambda: lbfgs_mle(w, lo, n), 3)
    t_ck, ck = best_of(lambda: BradleyTerry(n_iter=100).fit_predict(frame), 1)
    ck_theta = np.log(ck.reindex(range(n)).to_numpy())

    elo = to_elo(theta)
    rows = [
        ("engine bradley_terry", t_ours, elo),
        ("choix ilsr_pairwise (MLE, alpha=0)", t_ilsr, to_elo(ilsr)),
        ("choix opt_pairwise (same penalty)", t_opt, to_elo(opt)),
        ("scipy L-BFGS (same objective)", t_lbfgs, to_elo(lbfgs)),
        ("crowd-kit BradleyTerry", t_ck, to_elo(ck_theta)),
    ]
    print(f"\n{'method':38s} {'CPU s':>9s} {'vs engine':>10s} {'max |Δ Elo|':>12s} {'Kendall τ':>10s}")
    for name, t, e in rows:
        tau = kendalltau(e, truth)[0]
        print(f"{name:38s} {t:9.3f} {ratio(t, t_ours):>10s} {np.abs(e - elo).max():12.4f} {tau:10.4f}")

    t_boot, (low, high) = best_of(lambda: bootstrap_intervals(w, lo, n, n_rounds=100, random_state=0), 1)
    width = high - low
    covered = float(((low <= to_elo(truth)) & (to_elo(truth) <= high)).mean())
    groups = rank_groups(low, high)
    print(f"\nbootstrap, 100 rounds: {t_boot:.2f} CPU s ({t_boot * 10:.1f} ms per refit)")
    print(f"  95% interval width: median {np.median(width):.1f} Elo; true score inside: {covered:.3f}")
    print(f"  distinct rank groups: {len(np.unique(groups))} of {n} items")

    same_fit = float(np.abs(to_elo(opt) - elo).max())
    speed = t_ilsr / t_ours
    print("\ntargets:")
    print(f"  same fit as choix MLE (max |Δ| <= 1 Elo): {same_fit:.4f} -> {verdict(same_fit <= 1)}")
    mle_gap = float(np.abs(to_elo(ilsr) - elo).max())
    print(f"    (vs the unpenalised ILSR MLE: {mle_gap:.4f} Elo)")
    print(f"  >= 20× faster than choix ilsr_pairwise: {speed:.1f}× -> {verdict(speed >= 20)}")
    print(f"  100 bootstrap refits < 2 s: {t_boot:.2f} s -> {verdict(t_boot < 2)}")


if __name__ == "__main__":
    main()
