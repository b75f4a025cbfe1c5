"""How a simulated labeler answers (DESIGN §6–§7).

Model: a labeler with skill ``s`` *knows* the answer with probability ``s`` and otherwise guesses uniformly,
so on a task with chance level ``r`` it is correct with probability ``r + (1 - r)·s`` — exactly the model
``engine.scores.user_score`` inverts. On compare/ranking tasks without real truth the labeler *sees* the
better side with probability ``½(1 + s)`` scaled by the pair's clarity (``tanh(1.2·|qa − qb|)``, close pairs
are near coin flips): telling two assets apart is easier than a qualification question, so even skill 0 looks
properly half the time (calibration in docs/crowd.md). The winner is judged on the
taste-shifted quality ``q + 0.35·taste·t`` (country-dependent preferences, still transitive per labeler) and a
guess leans towards the side shown first by the labeler's ``position_bias``.

Determinism (docs/architecture.md): the answer is a pure function of ``(seed, labeler, content_key, task
payload)``; the random generator is seeded from a stable hash of exactly these, and so is the shown order of
the sides (``labeling.views.shown_order``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

from rapidata_nb.server.crowd.truth import asset_quality
from rapidata_nb.server.labeling.content import stable_hash
from rapidata_nb.server.labeling.views import TaskView, shown_order

__all__ = ["answer"]

_TASTE_WEIGHT = 0.35


def _point_in(rng: random.Random, box: Mapping[str, float]) -> dict[str, float]:
    dx, dy = 0.1 * (box["xMax"] - box["xMin"]), 0.1 * (box["yMax"] - box["yMin"])
    return {
        "x": round(float(rng.uniform(box["xMin"] + dx, box["xMax"] - dx)), 4),
        "y": round(float(rng.uniform(box["yMin"] + dy, box["yMax"] - dy)), 4),
    }


def _random_point(rng: random.Random) -> dict[str, float]:
    return {"x": round(float(rng.random()), 4), "y": round(float(rng.random()), 4)}


def _int_flag(flags: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(flags.get(name, default))
    except ValueError:
        return default


def _compare(
    rng: random.Random,
    *,
    seed: int,
    labeler: Any,
    view: TaskView,
    truth: Mapping[str, Any],
    order: Sequence[int],
) -> dict[str, Any]:
    first = order[0] if order else 0
    bias = float(labeler.position_bias)
    if "pA" in truth:  # oracle preference: P(A) shifted by the position bias towards the first shown side
        p_a = float(truth["pA"]) + (bias if first == 0 else -bias)
        return {"winner": 0 if rng.random() < p_a else 1}
    if "qualities" in truth and truth.get("clarity", 1.0) < 1.0:
        q = [asset_quality(seed, i) for i in view.identities[:2]]
        shifted = [qi + _TASTE_WEIGHT * float(labeler.taste) * ti for qi, ti in q]
        winner, clarity = (
            (0 if shifted[0] >= shifted[1] else 1),
            math.tanh(1.2 * abs(shifted[0] - shifted[1])),
        )
        sees = 0.5 * (1.0 + float(labeler.skill)) * clarity
    else:
        winner, clarity = int(truth["winner"]), 1.0
        sees = float(labeler.skill)
    if rng.random() < sees:
        return {"winner": winner}
    if "compare_unsure" in view.flags and rng.random() < 0.25 * (1.0 - clarity):
        return {"winner": "Both" if rng.random() < 0.5 else "Neither"}
    return {"winner": first if rng.random() < 0.5 + bias else 1 - first}


def answer(
    *, seed: int, labeler: Any, view: TaskView, truth: Mapping[str, Any], shown: list[int] | None = None
) -> dict[str, Any]:
    """The labeler's answer to ``view`` in canonical shape (datapoint order, ratios 0..1).

    Args:
        seed: The crowd seed.
        labeler: A labeler row (``id``, ``skill``, ``position_bias``, ``taste``).
        view: The task as shown.
        truth: Its canonical truth (``crowd.truth``).
        shown: The order the labeler sees a pair's sides in, when the caller has it already
            (``views.order_shown``).

    Returns:
        ``{"winner": 0|1|"Both"|"Neither"}``, ``{"category": label}``, ``{"points": [...]}``,
        ``{"lines": [[...]]}``, ``{"wordIndices": [...]}`` or ``{"text": str}``.
    """
    rng = random.Random(stable_hash(seed, "answer", labeler.id, view.fingerprint()))
    knows = rng.random() < float(labeler.skill)
    kind = view.kind
    if kind in ("compare", "ranking"):
        order = shown if shown is not None else shown_order(seed=seed, labeler_id=labeler.id, view=view, n=2)
        return _compare(rng, seed=seed, labeler=labeler, view=view, truth=truth, order=order)
    if kind == "classify":
        categories = list(truth.get("categories") or [])
        if knows and categories:
            return {"category": categories[rng.randrange(len(categories))]}
        return {"category": view.options[rng.randrange(len(view.options))]}
    if kind == "locate":
        lo, hi = _int_flag(view.flags, "locate_min_points", 1), _int_flag(view.flags, "locate_max_points", 3)
        boxes = list(truth.get("boxes") or [])
        points = [_point_in(rng, b) for b in boxes[: max(hi, 1)]] if knows and boxes else []
        while len(points) < max(lo, 1):
            points.append(_random_point(rng) if not (knows and boxes) else _point_in(rng, boxes[0]))
        return {"points": points}
    if kind == "draw":
        boxes = list(truth.get("boxes") or [])
        if knows and boxes:
            return {"lines": [[_point_in(rng, b) for _ in range(4)] for b in boxes]}
        return {"lines": [[_random_point(rng) for _ in range(4)]]}
    if kind == "select_words":
        n, wrong = len(view.words), list(truth.get("wordIndices") or [])
        if knows and (wrong or view.no_mistake):
            return {"wordIndices": wrong or [n]}
        if (n == 0 or rng.random() < 0.5) and view.no_mistake:
            return {"wordIndices": [n]}
        return {"wordIndices": [rng.randrange(n)]}
    if kind == "free_text":
        text = (
            str(truth.get("text", ""))
            if knows
            else " ".join(
                rng.choice(("maybe", "not", "sure", "looks", "fine", "good", "bad")) for _ in range(3)
            )
        )
        lo = _int_flag(view.flags, "free_text_minimum_characters", 0)
        hi = _int_flag(view.flags, "free_text_max_characters", 1024)
        while len(text) < lo:
            text = f"{text} {text}" if text else "ok"
        return {"text": text[:hi]}
    raise ValueError(f"unknown task kind {kind!r}")
