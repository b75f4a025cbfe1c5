"""A numpy arena for the judge tests: models, pairs with a latent truth, human votes and a simulated judge.

The people follow the crowd's compare model (``server.crowd.behaviour``): a labeler with skill ``s`` sees the
better side with probability ``½(1 + s)·clarity`` and otherwise guesses, leaning towards the side shown
first by its own position bias. The judge is the product's simulated judge (``server.crowd.judge``) on the
same latent truth. Everything is a pure function of the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rapidata_nb.server.crowd.judge import JudgeItem, JudgeProfile, judge_verdicts

__all__ = ["Arena", "make_arena"]


@dataclass(frozen=True)
class Arena:
    """A simulated study.

    Attributes:
        results: One row per item, like ``job.results()`` joined with its source: ``model_a, model_b,
            length_a, length_b, votes_a, votes_b, truth`` (``"A"``/``"B"``).
        responses: One row per human vote, like ``job.responses()``: ``item, labeler_id, choice,
            side_shown``.
        verdicts: One row per judge verdict: ``item, shown_first, choice, probability_a, mechanism``.
        strength: True log-strength per model name.
    """

    results: pd.DataFrame
    responses: pd.DataFrame
    verdicts: pd.DataFrame
    strength: pd.Series


def make_arena(
    *,
    n_items: int = 1000,
    votes: int = 5,
    n_labelers: int = 20,
    n_models: int = 6,
    profile: JudgeProfile | None = None,
    seed: int = 0,
) -> Arena:
    """A seeded arena of ``n_items`` model pairs with ``votes`` human votes each and judge verdicts."""
    rng = np.random.default_rng(seed)
    names = [f"model_{chr(97 + m)}" for m in range(n_models)]
    strength = np.sort(rng.normal(0.0, 0.6, n_models))[::-1]
    a = rng.integers(0, n_models, n_items)
    b = (a + rng.integers(1, n_models, n_items)) % n_models
    quality = np.column_stack([strength[a], strength[b]]) + rng.normal(0.0, 0.6, (n_items, 2))
    winner = (quality[:, 1] > quality[:, 0]).astype(np.int64)
    clarity = np.tanh(1.2 * np.abs(quality[:, 0] - quality[:, 1]))
    lengths = rng.integers(200, 600, (n_items, 2))
    skill = rng.beta(4.0, 3.0, n_labelers)
    lean = rng.uniform(0.0, 0.1, n_labelers)
    labeler = np.array([rng.choice(n_labelers, votes, replace=False) for _ in range(n_items)]).reshape(-1)
    item = np.repeat(np.arange(n_items), votes)
    first = rng.integers(0, 2, item.size)
    sees = rng.random(item.size) < 0.5 * (1.0 + skill[labeler]) * clarity[item]
    guess_first = rng.random(item.size) < 0.5 + lean[labeler]
    choice = np.where(sees, winner[item], np.where(guess_first, first, 1 - first))
    votes_b = np.bincount(item, weights=choice, minlength=n_items).astype(np.int64)
    keys = [f"pair-{seed}-{i}" for i in range(n_items)]
    results = pd.DataFrame(
        {
            "model_a": np.array(names)[a],
            "model_b": np.array(names)[b],
            "length_a": lengths[:, 0],
            "length_b": lengths[:, 1],
            "votes_a": votes - votes_b,
            "votes_b": votes_b,
            "truth": np.array(["A", "B"])[winner],
        },
        index=pd.Index(keys, name="pair"),
    )
    responses = pd.DataFrame(
        {
            "item": np.array(keys)[item],
            "labeler_id": [f"lab_{k:03d}" for k in labeler],
            "choice": np.array(["A", "B"])[choice],
            "side_shown": np.array(["A", "B"])[first],
        }
    )
    judged = judge_verdicts(
        seed=seed,
        items=[
            JudgeItem(
                key=keys[i],
                winner=int(winner[i]),
                clarity=float(clarity[i]),
                length_a=int(lengths[i, 0]),
                length_b=int(lengths[i, 1]),
                model_a=names[a[i]],
                model_b=names[b[i]],
            )
            for i in range(n_items)
        ],
        profile=profile or JudgeProfile(),
    )
    verdicts = pd.DataFrame(
        {
            "item": [keys[v.item] for v in judged],
            "shown_first": [v.shown_first for v in judged],
            "choice": [v.choice for v in judged],
            "probability_a": [v.probability_a for v in judged],
            "mechanism": [v.mechanism for v in judged],
        }
    )
    return Arena(results, responses, verdicts, pd.Series(strength, index=names, name="strength"))
