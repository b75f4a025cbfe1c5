"""Issue 6: aggregate 1M labels (100,000 datapoints × 10 responses) from flat arrays.

Compares, in one run: ``np.bincount`` on ``task * K + choice`` (the floor), our ``vote_counts`` and the full
``aggregate`` (counts, summed user scores, both ratios, winners, confidence per category), the tidy-frame path
(encoding the frame's columns, then ``aggregate``), and crowd-kit's ``MajorityVote`` and ``Wawa``.

Run: ``.venv/bin/python bench/bench_aggregate.py``
"""

from __future__ import annotations

import _common  # noqa: F401  (pins BLAS threads before numpy loads)
import numpy as np
import pandas as pd
from _common import best_of, header, ratio, verdict
from _crowd import make_crowd
from crowdkit.aggregation import MajorityVote, Wawa
from crowdkit.aggregation.classification import wawa as _wawa_module

from rapidata_nb.engine import aggregate_votes, vote_counts, winners

# crowd-kit 1.4's Wawa.predict calls sklearn's check_is_fitted, which fails on the installed scikit-learn
# (Wawa has no __sklearn_tags__). The check only asserts that fit() ran, so we replace it; timings are
# unchanged.
_wawa_module.check_is_fitted = lambda *args, **kwargs: None


def main() -> None:
    header("aggregation of 1M labels")
    c = make_crowd(n_tasks=100_000, per_task=10, n_labelers=5_000, n_choices=3, seed=0)
    k, n_t = c.n_choices, c.n_tasks
    scores = c.skill[c.labeler]  # user score of the labeler behind each response
    frame = pd.DataFrame({"task": c.task, "worker": c.labeler, "label": c.choice})
    print(f"responses {c.task.size:,}, datapoints {n_t:,}, labelers {c.n_labelers:,}, categories {k}")

    t_floor, floor = best_of(lambda: np.bincount(c.task * k + c.choice, minlength=n_t * k), 5)
    t_counts, (counts, _) = best_of(lambda: vote_counts(c.task, c.choice, n_t, k), 5)
    t_weighted, _ = best_of(lambda: vote_counts(c.task, c.choice, n_t, k, weights=scores), 5)
    t_full, agg = best_of(lambda: aggregate_votes(c.task, c.choice, scores, n_t, k), 5)

    def from_frame() -> object:
        _, t = np.unique(frame["task"].to_numpy(), return_inverse=True)
        _, ch = np.unique(frame["label"].to_numpy(), return_inverse=True)
        return aggregate_votes(t, ch, scores, n_t, k)

    t_frame, _ = best_of(from_frame, 3)
    t_mv, mv = best_of(lambda: MajorityVote().fit_predict(frame), 2)
    t_wawa, wawa = best_of(lambda: Wawa().fit_predict(frame), 2)

    identical = bool((counts.ravel() == floor).all())
    ours = winners(counts)
    decided = ours >= 0
    mv_labels = mv.sort_index().to_numpy()
    agree_mv = float((mv_labels[decided] == ours[decided]).mean())
    acc_ours = float((ours == c.truth).mean())
    acc_weighted = float((agg.weighted_winner == c.truth).mean())
    acc_conf = float((agg.confidence.argmax(1) == c.truth).mean())
    acc_mv = float((mv_labels == c.truth).mean())
    acc_wawa = float((wawa.sort_index().to_numpy() == c.truth).mean())

    rows = [
        ("np.bincount floor (counts only)", t_floor),
        ("engine vote_counts (counts)", t_counts),
        ("engine vote_counts (counts + summed scores)", t_weighted),
        ("engine aggregate (all outputs)", t_full),
        ("frame -> codes -> engine aggregate", t_frame),
        ("crowd-kit MajorityVote", t_mv),
        ("crowd-kit Wawa", t_wawa),
    ]
    print(f"\n{'method':46s} {'CPU s':>10s} {'vs bincount':>12s}")
    for name, t in rows:
        print(f"{name:46s} {t:10.4f} {ratio(t, t_floor):>12s}")
    print("\naccuracy vs latent truth (ties count as wrong for the engine):")
    print(f"  majority (engine winners) {acc_ours:.4f}   crowd-kit MV {acc_mv:.4f} (ties broken at random)")
    print(f"  weighted by user score    {acc_weighted:.4f}   confidence argmax {acc_conf:.4f}")
    print(f"  crowd-kit Wawa            {acc_wawa:.4f}")
    print(f"  engine winner == crowd-kit MV label on non-tied datapoints: {agree_mv:.4f}")
    print("\ntargets:")
    print(f"  counts identical to np.bincount: {identical} -> {verdict(identical)}")
    speed_mv = t_mv / t_full
    ok_mv = verdict(speed_mv >= 10)
    print(f"  full aggregate vs crowd-kit MajorityVote: {speed_mv:.0f}× faster (>= 10×) -> {ok_mv}")
    floor_gap = t_counts / t_floor
    print(f"  vote_counts within 10× of bincount: {floor_gap:.1f}× (<= 10×) -> {verdict(floor_gap <= 10)}")


if __name__ == "__main__":
    main()
