"""Issue 6: how many responses confidence stopping needs, against quorum and a fixed 10, on one crowd.

Two-class task, 20,000 datapoints. Labelers answer correctly 95 % of the time; their user scores are spread
uniformly over [0.3, 0.85] (so the confidence model, which reads a score of 0.3 as "right 65 % of the time",
is conservative). Every datapoint gets the same 10 candidate responses under every rule; a rule stops after
its own number of them. A tie (no majority, or equal confidence) counts as wrong.

The rules are evaluated vectorised (cumulative log-odds / counts over the 10 responses) and cross-checked
against the engine's incremental ``StoppingTracker`` on the first 2,000 datapoints, whose O(1) per-response
cost is timed as well.

Run: ``.venv/bin/python bench/bench_stopping.py``
"""

from __future__ import annotations

import time

import _common  # noqa: F401  (pins BLAS threads before numpy loads)
import numpy as np
from _common import header, verdict

from rapidata_nb.engine import EarlyStoppingReferee, NaiveReferee, QuorumReferee, vote_log_odds

N_DATAPOINTS, MAX_VOTES, N_LABELERS = 20_000, 10, 2_000


def simulate(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Choices [N, 10], scores [N, 10] and the truth [N]."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, N_DATAPOINTS)
    user_score = rng.uniform(0.3, 0.85, N_LABELERS)
    labeler = rng.integers(0, N_LABELERS, (N_DATAPOINTS, MAX_VOTES))
    right = rng.random((N_DATAPOINTS, MAX_VOTES)) < 0.95
    choices = np.where(right, truth[:, None], 1 - truth[:, None])
    return choices, user_score[labeler], truth


def confidence_rule(
    choices: np.ndarray, scores: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Responses used and decision under confidence stopping (K = 2: confidence = σ(|Σ ±w|))."""
    signed = np.where(choices == 1, 1.0, -1.0) * vote_log_odds(scores.ravel(), 2).reshape(scores.shape)
    log_odds = np.cumsum(signed, axis=1)
    top = 1.0 / (1.0 + np.exp(-np.abs(log_odds)))
    done = top >= threshold
    done[:, -1] = True
    used = done.argmax(axis=1) + 1
    final = log_odds[np.arange(len(used)), used - 1]
    decision = np.where(final > 0, 1, np.where(final < 0, 0, -1))
    return used, decision


def quorum_rule(choices: np.ndarray, threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """Responses used and majority decision under quorum stopping."""
    ones = np.cumsum(choices == 1, axis=1)
    k = np.arange(1, MAX_VOTES + 1)[None, :]
    zeros = k - ones
    top = np.maximum(ones, zeros)
    done = (top >= threshold) | (top + (MAX_VOTES - k) < threshold) | (k >= MAX_VOTES)
    used = done.argmax(axis=1) + 1
    o = ones[np.arange(len(used)), used - 1]
    z = used - o
    return used, np.where(o > z, 1, np.where(o < z, 0, -1))


def check_tracker(choices: np.ndarray, scores: np.ndarray, referee: object, expected: np.ndarray) -> float:
    """Replay responses through the incremental tracker; assert the stopping points; return µs per add."""
    n = 2_000
    tracker = referee.tracker(n, 2)  # type: ignore[attr-defined]
    used = np.zeros(n, dtype=np.int64)
    adds = 0
    start = time.process_time()
    for t in range(n):
        for r in range(MAX_VOTES):
            adds += 1
            if tracker.add(t, int(choices[t, r]), float(scores[t, r])):
                used[t] = r + 1
                break
    elapsed = time.process_time() - start
    assert (used == expected[:n]).all(), "incremental tracker disagrees with the vectorised rule"
    return elapsed / adds * 1e6


def main() -> None:
    header("confidence stopping vs quorum vs fixed 10 (two classes, labelers right 95 %)")
    choices, scores, truth = simulate(0)
    rows = []
    used, dec = confidence_rule(choices, scores, 0.99)
    us_conf = check_tracker(choices, scores, EarlyStoppingReferee(0.99, MAX_VOTES), used)
    rows.append(("confidence 0.99, max 10", used, dec))
    for t in (3, 4, 6, 7):
        q_used, q_dec = quorum_rule(choices, t)
        if t == 7:
            us_quorum = check_tracker(choices, scores, QuorumReferee(t, MAX_VOTES), q_used)
        rows.append((f"quorum {t} of 10", q_used, q_dec))
    n_used = np.full(N_DATAPOINTS, MAX_VOTES)
    ones = (choices == 1).sum(axis=1)
    n_dec = np.where(2 * ones > MAX_VOTES, 1, np.where(2 * ones < MAX_VOTES, 0, -1))
    check_tracker(choices, scores, NaiveReferee(MAX_VOTES), n_used)
    rows.append(("fixed 10 (naive)", n_used, n_dec))

    print(f"datapoints {N_DATAPOINTS:,}, labelers {N_LABELERS:,}, user scores U[0.3, 0.85]\n")
    columns = f"{'rule':24s} {'mean resp.':>10s} {'accuracy':>9s} {'errors':>6s} {'ties':>5s}"
    print(columns + "  share stopping after 1..10")
    for name, u, d in rows:
        hist = np.bincount(u, minlength=MAX_VOTES + 1)[1:]
        share = " ".join(f"{h / len(u):.2f}" for h in hist)
        errors, ties = int((d != truth).sum()), int((d == -1).sum())
        print(f"{name:24s} {u.mean():10.3f} {(d == truth).mean():9.5f} {errors:6d} {ties:5d}  {share}")
    print(f"\nincremental tracker: {us_conf:.1f} µs per response (confidence), {us_quorum:.1f} µs (quorum)")
    mean_used = float(rows[0][1].mean())
    acc = float((rows[0][2] == truth).mean())
    print("\ntargets:")
    print(f"  confidence 0.99 uses <= 5 responses on average: {mean_used:.3f} -> {verdict(mean_used <= 5)}")
    print(f"  with >= 99.5 % accuracy: {acc * 100:.3f} % -> {verdict(acc >= 0.995)}")


if __name__ == "__main__":
    main()
