"""A simulated pairwise judge (an "LLM as a judge") drawn from the crowd's latent truth (issue 16).

The judge sees the same latent truth as the simulated people (``crowd.truth``: a winner and a clarity per
pair), so its *accuracy* means agreement with that truth. On each item one mechanism decides the verdict,
tried in this order:

1. **position** (share ``position_bias``): the judge picks whichever answer it is shown first, in every
   order it is shown, so ``P(first) − P(second)`` is ``position_bias`` and every such item flips when the
   order is swapped;
2. **length** (share ``length_bias`` of the items whose answers differ by more than 30 characters): it picks
   the longer answer;
3. **self-preference** (share ``self_preference`` of the items where one side is the judge's own model): it
   picks its own model;
4. **content** (everything else): it picks the true winner on a share ``accuracy`` of these items and the
   other side on the rest.

Shares are realised exactly up to rounding: items are ranked in a seeded order per mechanism and every
``1/share``-th one is chosen (systematic sampling), so a report's estimate can be checked against the
configured value without binomial noise, and the result depends only on the seed and the items' content keys.
The judge also reports its probability of A: ``½ ± ½·clarity`` towards its pick on content items (sure on
clear pairs, unsure on close ones) and ½ where position, length or self-preference decided.

Shown order (``order``): ``"random"``, a seeded coin per item; ``"ab"``, always A first (how a judge is often
prompted, and why its position bias then shifts every estimate towards A); ``"both"``, every item twice, A
first and then B first.

A classification judge (:func:`classify_verdicts`) has two mechanisms: **position** (it picks the first option
listed) and **content** (the true category on a share ``accuracy``, a seeded other option on the rest).

:func:`judge_job` runs either judge on a job's datapoints, on the truth the crowd answers that job against
(what its owner told the crowd, else the latent truth), so a notebook can validate a judge against the crowd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.server.crowd.truth import known_truths, latent_truth, subject_of, with_known
from rapidata_nb.server.dispatch.context import load_context, load_material, task_view
from rapidata_nb.server.labeling.content import stable_hash
from rapidata_nb.server.labeling.views import TaskView
from rapidata_nb.server.store import datasets as dataset_store
from rapidata_nb.server.store.labeling import JobTask
from rapidata_nb.server.store.models import Job

__all__ = [
    "JUDGED_KINDS",
    "ClassifyItem",
    "JudgeItem",
    "JudgeProfile",
    "JudgedDatapoint",
    "Verdict",
    "classify_verdicts",
    "judge_job",
    "judge_verdicts",
]

JUDGED_KINDS = ("compare", "classify")
"""Task kinds the simulated judge answers."""

_LENGTH_MARGIN = 30


@dataclass(frozen=True)
class JudgeProfile:
    """How the simulated judge behaves.

    Attributes:
        accuracy: Share of content-decided items on which it picks the true winner, in [0, 1].
        position_bias: Share of items it decides by position (picks the side shown first), in [0, 1].
        length_bias: Share of the items with a clearly longer answer that it decides by length, in [0, 1].
        self_preference: Share of the items showing its own model that it decides for that model, in [0, 1].
        model: The judge's own model name (for self-preference), or ``None``.
        order: Which side it sees first: ``"random"``, ``"ab"`` (always A) or ``"both"`` (twice per item).
    """

    accuracy: float = 0.8
    position_bias: float = 0.0
    length_bias: float = 0.0
    self_preference: float = 0.0
    model: str | None = None
    order: Literal["random", "ab", "both"] = "random"

    def __post_init__(self) -> None:
        for name in ("accuracy", "position_bias", "length_bias", "self_preference"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
        if self.order not in ("random", "ab", "both"):
            raise ValueError(f"order must be 'random', 'ab' or 'both', got {self.order!r}")
        if self.position_bias + self.length_bias + self.self_preference > 1.0:
            raise ValueError("position_bias + length_bias + self_preference must not exceed 1")


@dataclass(frozen=True)
class JudgeItem:
    """One pair as the judge sees it.

    Attributes:
        key: The pair's content key.
        winner: The latent true winner (0 = A, 1 = B).
        clarity: How clear the pair is, in [0, 1] (``crowd.truth``: ``tanh(1.2·|qa − qb|)``).
        length_a: Length of answer A in characters (0 when unknown).
        length_b: Length of answer B.
        model_a: Model behind A, if known.
        model_b: Model behind B.
    """

    key: str
    winner: int
    clarity: float
    length_a: int = 0
    length_b: int = 0
    model_a: str | None = None
    model_b: str | None = None


@dataclass(frozen=True)
class Verdict:
    """One verdict of the judge.

    Attributes:
        item: Position of the item in the input.
        shown_first: ``"A"`` or ``"B"``.
        choice: ``"A"`` or ``"B"``.
        probability_a: The judge's probability that A is better.
        mechanism: ``"position"``, ``"length"``, ``"self"`` or ``"content"`` (for tests and tutorials).
    """

    item: int
    shown_first: str
    choice: str
    probability_a: float
    mechanism: str


def _systematic(seed: int, salt: str, keys: Sequence[str], eligible: np.ndarray, share: float) -> np.ndarray:
    """Exactly ``⌊m·share⌋`` (or one more) of the ``m`` eligible items, evenly spread in a seeded order."""
    chosen = np.zeros(len(keys), dtype=bool)
    idx = np.flatnonzero(eligible)
    if share <= 0.0 or idx.size == 0:
        return chosen
    order = sorted(idx, key=lambda i: stable_hash(seed, "judge", salt, keys[i]))
    rank = np.empty(idx.size, dtype=np.int64)
    rank[np.searchsorted(idx, order)] = np.arange(idx.size)
    offset = (stable_hash(seed, "judge-offset", salt) % 1_000_000) / 1_000_000
    hits = np.floor((rank + 1) * share + offset) > np.floor(rank * share + offset)
    chosen[idx[hits]] = True
    return chosen


def _own_side(item: JudgeItem, model: str | None) -> int:
    if model is None:
        return -1
    return 0 if item.model_a == model else 1 if item.model_b == model else -1


def judge_verdicts(*, seed: int, items: Sequence[JudgeItem], profile: JudgeProfile) -> list[Verdict]:
    """The judge's verdicts on ``items`` (module docstring); two per item with ``order="both"``."""
    keys = [it.key for it in items]
    n = len(items)
    winner = np.array([it.winner for it in items], dtype=np.int64)
    clarity = np.clip(np.array([it.clarity for it in items], dtype=np.float64), 0.0, 1.0)
    la = np.array([it.length_a for it in items])
    lb = np.array([it.length_b for it in items])
    longer = np.where(la - lb > _LENGTH_MARGIN, 0, np.where(lb - la > _LENGTH_MARGIN, 1, -1))
    own = np.array([_own_side(it, profile.model) for it in items], dtype=np.int64)
    undecided = np.ones(n, dtype=bool)
    by_position = _systematic(seed, "position", keys, undecided, profile.position_bias)
    undecided &= ~by_position
    by_length = _systematic(seed, "length", keys, longer >= 0, profile.length_bias) & undecided
    undecided &= ~by_length
    by_self = _systematic(seed, "self", keys, own >= 0, profile.self_preference) & undecided
    undecided &= ~by_self
    right = _systematic(seed, "accuracy", keys, undecided, profile.accuracy)
    content_pick = np.where(right, winner, 1 - winner)
    pick = np.where(by_length, longer, np.where(by_self, own, content_pick))

    def shown(key: str) -> list[int]:
        if profile.order == "both":
            return [0, 1]
        return [0] if profile.order == "ab" else [stable_hash(seed, "judge-shown", key) % 2]

    orders = [shown(key) for key in keys]
    out: list[Verdict] = []
    for i in range(n):
        for first in orders[i]:
            if by_position[i]:
                choice, p_a, mechanism = first, 0.5, "position"
            else:
                choice = int(pick[i])
                mechanism = "length" if by_length[i] else "self" if by_self[i] else "content"
                sure = 0.5 * clarity[i] if mechanism == "content" else 0.0
                p_a = 0.5 + sure if choice == 0 else 0.5 - sure
            out.append(
                Verdict(
                    item=i,
                    shown_first="AB"[first],
                    choice="AB"[choice],
                    probability_a=round(float(p_a), 6),
                    mechanism=mechanism,
                )
            )
    return out


@dataclass(frozen=True)
class ClassifyItem:
    """One classification datapoint as the judge sees it.

    Attributes:
        key: The datapoint's content key.
        options: The answer options, in the order listed.
        categories: The true option(s); the first is the one the judge names when it is right.
    """

    key: str
    options: tuple[str, ...]
    categories: tuple[str, ...]


def classify_verdicts(*, seed: int, items: Sequence[ClassifyItem], profile: JudgeProfile) -> list[Verdict]:
    """The classification judge's verdicts (module docstring): one per item, ``choice`` an option.

    ``shown_first`` is empty and ``probability_a`` is NaN: neither applies to classification.
    """
    keys = [it.key for it in items]
    everything = np.ones(len(items), dtype=bool)
    by_position = _systematic(seed, "position", keys, everything, profile.position_bias)
    right = _systematic(seed, "accuracy", keys, ~by_position, profile.accuracy)
    out = []
    for i, item in enumerate(items):
        truth = next((c for c in item.categories if c in item.options), None)
        others = [o for o in item.options if o != truth]
        if by_position[i]:
            choice, mechanism = item.options[0], "position"
        elif (right[i] and truth is not None) or not others:
            choice, mechanism = truth or item.options[0], "content"
        else:
            choice, mechanism = others[stable_hash(seed, "judge-wrong", item.key) % len(others)], "content"
        out.append(
            Verdict(item=i, shown_first="", choice=choice, probability_a=float("nan"), mechanism=mechanism)
        )
    return out


@dataclass(frozen=True)
class JudgedDatapoint:
    """What :func:`judge_job` judged: a datapoint of the job, in result order, and its verdict(s)."""

    position: int
    datapoint_id: str
    verdicts: tuple[Verdict, ...]


def _text_length(identity: str) -> int:
    """The length of a text answer (``text:`` identity); media have no length the judge could read."""
    return len(identity.removeprefix("text:")) if identity.startswith("text:") else 0


def judge_job(
    session: Session,
    *,
    job: Job,
    crowd_seed: int,
    seed: int,
    profile: JudgeProfile,
    models: Sequence[tuple[str, str]] | None = None,
) -> list[JudgedDatapoint]:
    """The simulated judge's verdicts on every datapoint of a compare or classification job.

    Args:
        session: An open session.
        job: The job (the caller checked it is theirs).
        crowd_seed: The crowd's seed: the latent truth the people answer against.
        seed: The judge's own seed (which items each mechanism decides).
        profile: How the judge behaves.
        models: The models behind A and B of each datapoint, in result order (for self-preference).

    Raises:
        ValueError: The job is of another kind, or ``models`` does not have one pair per datapoint.
    """
    spec = load_context(session, job).spec
    if spec.kind not in JUDGED_KINDS:
        raise ValueError(f"the simulated judge answers compare and classification jobs, not {spec.kind} jobs")
    if spec.kind == "classify" and (profile.length_bias or profile.self_preference):
        raise ValueError("length_bias and self_preference apply to compare jobs; give 0 for classification")
    datapoints = dataset_store.list_datapoints(session=session, dataset_id=spec.dataset_id)
    if models is not None and len(models) != len(datapoints):
        raise ValueError(f"models must give one (model A, model B) pair per datapoint: {len(datapoints)}")
    tasks = {t.datapoint_id: t for t in session.scalars(select(JobTask).where(JobTask.job_id == job.id))}
    judged = [(i, dp, tasks[dp.id]) for i, dp in enumerate(datapoints) if dp.id in tasks]
    material = load_material(session, [t for _, _, t in judged], dataset_ids={job.id: spec.dataset_id})
    views = [task_view(material, spec, task) for _, _, task in judged]
    subjects = [
        subject_of(material, spec, task, owner_id=job.owner_id, view=view)
        for (_, _, task), view in zip(judged, views, strict=True)
    ]
    known = known_truths(session=session, subjects=subjects)
    truths: list[tuple[TaskView, dict[str, Any]]] = []
    for (_, _, task), view, told in zip(judged, views, known, strict=True):
        latent = latent_truth(
            seed=crowd_seed,
            kind=task.kind,
            key=task.content_key,
            identities=view.identities,
            options=view.options,
            words=view.words,
            no_mistake=view.no_mistake,
        )
        truths.append((view, with_known(latent, told, task.kind)))
    if spec.kind == "classify":
        verdicts = classify_verdicts(
            seed=seed,
            items=[
                ClassifyItem(
                    key=view.key, options=view.options, categories=tuple(truth.get("categories") or ())
                )
                for view, truth in truths
            ],
            profile=profile,
        )
    else:
        verdicts = judge_verdicts(
            seed=seed,
            items=[
                _compare_item(view, truth, models[i] if models else None)
                for (i, _, _), (view, truth) in zip(judged, truths, strict=True)
            ],
            profile=profile,
        )
    by_item: dict[int, list[Verdict]] = {}
    for verdict in verdicts:
        by_item.setdefault(verdict.item, []).append(verdict)
    return [
        JudgedDatapoint(position=i, datapoint_id=dp.id, verdicts=tuple(by_item[k]))
        for k, (i, dp, _) in enumerate(judged)
    ]


def _compare_item(view: TaskView, truth: dict[str, Any], models: tuple[str, str] | None) -> JudgeItem:
    """A compare datapoint as the judge sees it; a preference oracle (``pA``) names its likelier side."""
    if "pA" in truth:
        p_a = float(truth["pA"])
        winner, clarity = (0 if p_a >= 0.5 else 1), abs(2.0 * p_a - 1.0)
    else:
        winner, clarity = int(truth["winner"]), float(truth.get("clarity", 1.0))
    length_a, length_b = (_text_length(i) for i in (*view.identities, "", "")[:2])
    return JudgeItem(
        key=view.key,
        winner=winner,
        clarity=clarity,
        length_a=length_a,
        length_b=length_b,
        model_a=models[0] if models else None,
        model_b=models[1] if models else None,
    )
