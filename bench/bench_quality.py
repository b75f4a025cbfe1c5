"""Issue 6: labeler-quality model on 1M labels — our one-coin Dawid–Skene vs crowd-kit.

Crowd: 100,000 datapoints × 10 responses, 5,000 labelers with chance-corrected skills uniform in [0.2, 0.9],
3 categories (seeded). We time our ``one_coin_dawid_skene`` on flat arrays, and crowd-kit's ``DawidSkene``
and ``OneCoinDawidSkene`` on the equivalent frame, and report accuracy against the latent truth and how well
each recovers the skills.

Run: ``.venv/bin/python bench/bench_quality.py``
"""

from __future__ import annotations

import _common  # noqa: F401  (pins BLAS threads before numpy loads)
import numpy as np
import pandas as pd
from _common import best_of, header, verdict
from _crowd import make_crowd
from crowdkit.aggregation import DawidSkene, MajorityVote, OneCoinDawidSkene

from rapidata_nb.engine import one_coin_dawid_skene, vote_counts, winners


def main() -> None:
    header("labeler-quality model on 1M labels")
    c = make_crowd(n_tasks=100_000, per_task=10, n_labelers=5_000, n_choices=3, seed=1)
    frame = pd.DataFrame({"task": c.task, "worker": c.labeler, "label": c.choice})
    print(f"responses {c.task.size:,}, datapoints {c.n_tasks:,}, labelers {c.n_labelers:,}, categories 3")

    t_ours, fit = best_of(
        lambda: one_coin_dawid_skene(c.task, c.labeler, c.choice, c.n_tasks, c.n_labelers, c.n_choices), 3
    )
    t_ds, ds = best_of(lambda: DawidSkene(n_iter=100).fit(frame), 1)
    t_oc, oc = best_of(lambda: OneCoinDawidSkene(n_iter=100).fit(frame), 1)
    t_mv, mv = best_of(lambda: MajorityVote().fit_predict(frame), 1)

    counts, _ = vote_counts(c.task, c.choice, c.n_tasks, c.n_choices)
    acc = {
        "engine one-coin DS": float((fit.labels == c.truth).mean()),
        "crowd-kit DawidSkene": float((ds.labels_.sort_index().to_numpy() == c.truth).mean()),
        "crowd-kit OneCoinDawidSkene": float((oc.labels_.sort_index().to_numpy() == c.truth).mean()),
        "crowd-kit MajorityVote": float((mv.sort_index().to_numpy() == c.truth).mean()),
        "engine majority (ties wrong)": float((winners(counts) == c.truth).mean()),
    }
    times = {
        "engine one-coin DS": t_ours,
        "crowd-kit DawidSkene": t_ds,
        "crowd-kit OneCoinDawidSkene": t_oc,
        "crowd-kit MajorityVote": t_mv,
    }
    print(f"\n{'method':32s} {'CPU s':>9s} {'accuracy':>9s}")
    for name, a in acc.items():
        t = times.get(name)
        print(f"{name:32s} {'' if t is None else f'{t:9.3f}':>9s} {a:9.4f}")
    corr = float(np.corrcoef(fit.skills, c.skill)[0, 1])
    mae = float(np.abs(fit.skills - c.skill).mean())
    oc_skills = oc.skills_.sort_index().to_numpy()
    oc_corr = float(np.corrcoef(oc_skills, c.skill)[0, 1])
    print(f"\nengine: {fit.n_iter} EM iterations, converged={fit.converged}")
    print(f"skill recovery: engine corr {corr:.4f}, mean |s - s_true| {mae:.4f}")
    print(f"                crowd-kit one-coin corr {oc_corr:.4f}")

    gap = (acc["engine one-coin DS"] - acc["crowd-kit DawidSkene"]) * 100
    speed = t_ds / t_ours
    print("\ntargets:")
    ok_gap = verdict(gap >= -0.5)
    print(f"  accuracy within 0.5 points of crowd-kit DS: engine - DS = {gap:+.3f} points -> {ok_gap}")
    print(f"  >= 5× faster than crowd-kit DS: {speed:.1f}× -> {verdict(speed >= 5)}")


if __name__ == "__main__":
    main()
