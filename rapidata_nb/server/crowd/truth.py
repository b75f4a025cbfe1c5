"""Truth for the simulated crowd: latent truth per content and registered oracles.

Without ground truth every task gets a *latent* truth derived from a stable hash of its content (DESIGN §7):

- compare / ranking: a latent quality ``q ~ N(0, 1)`` per asset identity (plus a taste axis ``t ~ N(0, 1)``),
  so preferences are transitive and the same asset has the same quality in every job;
- classify: the true option (an option whose name appears in the asset's identity wins, e.g. ``dog.jpeg`` and
  "Dog", otherwise a hash picks one);
- locate / draw: one or two target boxes;
- select words: the wrong words (none in 40 % of sentences: the trailing ``[No_mistakes]`` token is right);
- free text: a generated answer.

What a customer told the crowd wins over the latent truth, in this order (:func:`known_truths`):

1. an oracle (``client.simulation``) for the content, registered by the job's owner — the row's key is
   :func:`owned_key`, so one customer's truth never steers another's jobs on the same content; a compare
   oracle may also give a preference probability (``{"pA": 0.6}``) to plan studies;
2. a truth given with the job (the accessor's ``truth=`` column, ``client.simulation.set_truths``), stored
   under the job's dataset (:func:`dataset_scope`); a ranking item's truth is a score, and the item with the
   higher score wins its matchups;
3. the truth of one of the owner's qualification examples or validation tasks on the same assets — with
   the same context when several disagree; a compared pair shown the other way round counts, its winner
   mirrored;
4. only then the latent truth.

Canonical truth shapes (ratios 0..1, indices in datapoint order):
``{"winner": 0|1, "qualities": [qa, qb], "clarity": c}`` · ``{"categories": [label, ...]}`` ·
``{"boxes": [{"xMin", "yMin", "xMax", "yMax"}]}`` · ``{"wordIndices": [i, ...]}`` · ``{"text": str}``.
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import exists, select, tuple_
from sqlalchemy.orm import Session

from rapidata_nb.server.dispatch.context import (
    JobSpec,
    Material,
    context_text,
    no_mistake_on,
    revision_spec,
    words_of,
)
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.labeling.content import NO_MISTAKES, content_key, stable_hash
from rapidata_nb.server.labeling.grading import tokens
from rapidata_nb.server.labeling.qualification import example_truth
from rapidata_nb.server.labeling.views import TaskView
from rapidata_nb.server.store.datasets import list_datapoints
from rapidata_nb.server.store.labeling import Audience, AudienceExample, JobTask, OracleTruth, utcnow
from rapidata_nb.server.store.models import Datapoint, DefinitionRevision
from rapidata_nb.server.store.validation import ValidationRapid, ValidationSet

__all__ = [
    "Subject",
    "asset_quality",
    "check_truth",
    "dataset_scope",
    "give_job_truths",
    "known_truths",
    "latent_truth",
    "named_option",
    "oracles_for",
    "owned_key",
    "register_oracle",
    "subject_of",
    "with_known",
]

_WORDS = (
    "clear",
    "bright",
    "small",
    "large",
    "red",
    "blue",
    "green",
    "quiet",
    "fast",
    "old",
    "new",
    "round",
    "cat",
    "dog",
    "house",
    "tree",
    "river",
    "car",
    "book",
    "flower",
    "street",
    "sign",
    "cloud",
    "light",
)


@functools.lru_cache(maxsize=65536)
def asset_quality(seed: int, identity: str) -> tuple[float, float]:
    """Latent ``(quality, taste axis)`` of one asset: two standard normals from a stable hash."""
    rng = random.Random(stable_hash(seed, "quality", identity))
    return rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)


def _box(rng: np.random.Generator) -> dict[str, float]:
    w, h = rng.uniform(0.12, 0.35, size=2)
    x, y = rng.uniform(0.05, 0.95 - w), rng.uniform(0.05, 0.95 - h)
    return {
        "xMin": round(float(x), 4),
        "yMin": round(float(y), 4),
        "xMax": round(float(x + w), 4),
        "yMax": round(float(y + h), 4),
    }


def named_option(options: Sequence[str], identities: Sequence[str]) -> str | None:
    """The one option whose words all appear in the asset's identity (``dog.jpeg`` → "Dog"), if unique."""
    words = tokens(" ".join(identities))
    named = [o for o in options if tokens(o) and tokens(o) <= words]
    return named[0] if len(named) == 1 else None


def latent_truth(
    *,
    seed: int,
    kind: str,
    key: str,
    identities: Sequence[str] = (),
    options: Sequence[str] = (),
    words: Sequence[str] = (),
    no_mistake: bool = True,
) -> dict[str, Any]:
    """The latent truth of a task (pure function of its content).

    Args:
        seed: The crowd seed.
        kind: Task kind (``compare``, ``ranking``, ``classify``, ``locate``, ``draw``, ``select_words``,
            ``free_text``).
        key: The task's content key.
        identities: Asset identities (one per compared side; the asset otherwise).
        options: Classification option labels.
        words: Select-words sentence split on single spaces (without the no-mistakes token).
        no_mistake: Whether the sentence offers ``[No_mistakes]``; without it some word is always wrong.

    Returns:
        The canonical truth dict (module docstring).
    """
    rng = np.random.default_rng(stable_hash(seed, "truth", kind, key))
    if kind in ("compare", "ranking"):
        qa, qb = (asset_quality(seed, i)[0] for i in identities[:2])
        return {
            "winner": 0 if qa >= qb else 1,
            "qualities": [qa, qb],
            "clarity": float(np.tanh(1.2 * abs(qa - qb))),
        }
    if kind == "classify":
        named = named_option(options, identities)
        if named is not None:
            return {"categories": [named]}
        return {"categories": [options[int(rng.integers(len(options)))]] if options else []}
    if kind in ("locate", "draw"):
        return {"boxes": [_box(rng) for _ in range(1 if rng.random() < 0.75 else 2)]}
    if kind == "select_words":
        if not words or (rng.random() < 0.4 and no_mistake):
            return {"wordIndices": []}
        n = 1 if rng.random() < 0.7 or len(words) < 4 else 2
        return {"wordIndices": sorted(int(i) for i in rng.choice(len(words), size=n, replace=False))}
    if kind == "free_text":
        return {
            "text": " ".join(_WORDS[int(i)] for i in rng.integers(len(_WORDS), size=int(rng.integers(2, 5))))
        }
    raise ValueError(f"unknown task kind {kind!r}")


def owned_key(owner_id: str | None, content_key: str) -> str:
    """The oracle row key of ``content_key`` as registered by ``owner_id`` (a sha256, like content keys)."""
    return hashlib.sha256(f"oracle:{owner_id or ''}:{content_key}".encode()).hexdigest()


def register_oracle(
    *, session: Session, owner_id: str, kind: str, key: str, truth: Mapping[str, Any]
) -> None:
    """Register (or replace) ``owner_id``'s known truth of a content key; the crowd answers their jobs against
    it from now on."""
    row_key = owned_key(owner_id, key)
    row = session.get(OracleTruth, (row_key, kind))
    if row is None:
        session.add(OracleTruth(content_key=row_key, kind=kind, truth=dict(truth), created_at=utcnow()))
    else:
        row.truth = dict(truth)


def with_known(latent: Mapping[str, Any], known: Mapping[str, Any] | None, kind: str) -> dict[str, Any]:
    """A latent truth overridden by a known one (:func:`known_truths`; a given winner is given with
    certainty)."""
    if known is None:
        return dict(latent)
    truth = {**latent, **known}
    if kind in ("compare", "ranking") and "pA" not in known and "winner" in known:
        truth["clarity"] = 1.0
    return truth


def oracles_for(
    *, session: Session, keys: Iterable[tuple[str | None, str, str]]
) -> dict[tuple[str | None, str, str], dict[str, Any]]:
    """Registered oracle truths of ``(owner id, content key, kind)`` triples, in one query."""
    by_row = {(owned_key(owner, key), kind): (owner, key, kind) for owner, key, kind in set(keys)}
    if not by_row:
        return {}
    rows = session.scalars(
        select(OracleTruth).where(tuple_(OracleTruth.content_key, OracleTruth.kind).in_(list(by_row)))
    )
    return {by_row[(row.content_key, row.kind)]: dict(row.truth) for row in rows}


def dataset_scope(dataset_id: str) -> str:
    """The owner under which the truths given with a job's dataset are kept (beside customers' oracles)."""
    return f"dataset:{dataset_id}"


def check_truth(kind: str, truth: Mapping[str, Any], *, where: str = "truth") -> None:
    """Refuse a truth that is not in its kind's canonical shape (module docstring), naming ``where``."""
    if kind in ("compare", "ranking"):
        if "pA" in truth:
            if not isinstance(truth["pA"], (int, float)) or not 0.0 <= float(truth["pA"]) <= 1.0:
                raise BadRequestError(f"{where}.pA must be a probability in 0..1")
        elif truth.get("winner") not in (0, 1):
            raise BadRequestError(
                f"{where} needs winner (0 or 1) or pA (probability that side A is preferred)"
            )
    elif kind == "classify":
        if not isinstance(truth.get("categories"), list) or not truth["categories"]:
            raise BadRequestError(f"{where}.categories must be a non-empty list of option labels")
    elif kind in ("locate", "draw"):
        boxes = truth.get("boxes")
        if not isinstance(boxes, list) or not boxes:
            raise BadRequestError(
                f"{where}.boxes must be a non-empty list of {{xMin, yMin, xMax, yMax}} in 0..1"
            )
        for i, b in enumerate(boxes):
            try:
                ok = 0 <= b["xMin"] < b["xMax"] <= 1 and 0 <= b["yMin"] < b["yMax"] <= 1
            except (KeyError, TypeError):
                ok = False
            if not ok:
                raise BadRequestError(f"{where}.boxes[{i}] must have 0 <= min < max <= 1")
    elif kind == "select_words":
        if not isinstance(truth.get("wordIndices"), list):
            raise BadRequestError(f"{where}.wordIndices must be a list of word indices ([] = no mistakes)")
    elif not isinstance(truth.get("text"), str):
        raise BadRequestError(f"{where}.text must be a string")


def _check_given(spec: JobSpec, dp: Datapoint, truth: Mapping[str, Any], where: str) -> None:
    """A truth given with a job fits its datapoint: a ranking item's score, an option of the datapoint, a
    word of its sentence."""
    if spec.kind == "ranking":
        score = truth.get("score")
        if isinstance(score, bool) or not isinstance(score, (int, float)) or score != score:
            raise BadRequestError(f"{where} needs score: a number (the higher-scored item wins its matchups)")
        return
    check_truth(spec.kind, truth, where=where)
    if spec.kind == "classify":
        options = spec.options(dp)
        unknown = [c for c in truth["categories"] if c not in options]
        if unknown:
            raise BadRequestError(f"{where}.categories: {unknown} are not options of this job ({options})")
    if spec.kind == "select_words":
        n_words = len(words_of(dp))
        wrong = [
            i
            for i in truth["wordIndices"]
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n_words
        ]
        if wrong:
            raise BadRequestError(f"{where}.wordIndices: {wrong} are not word indices 0..{n_words - 1}")
        if not truth["wordIndices"] and not no_mistake_on(dp, spec.flags):
            raise BadRequestError(
                f"{where}.wordIndices is empty (no mistakes), but this job offers no {NO_MISTAKES} choice: "
                "add NoMistakeOptionSetting() or end the sentence with [No_mistakes]"
            )


def give_job_truths(
    *, session: Session, revision: DefinitionRevision, truths: Sequence[Mapping[str, Any] | None]
) -> int:
    """Keep the truths given with a job definition, one per datapoint in order (``None``: not known), under
    its dataset; all are checked before any is kept. Returns how many were kept."""
    spec = revision_spec(revision)
    datapoints = list_datapoints(session=session, dataset_id=revision.dataset_id)
    if len(truths) != len(datapoints):
        raise BadRequestError(
            f"truths: the definition has {len(datapoints)} datapoints, got {len(truths)} truths "
            "(one per datapoint in order, null where unknown)"
        )
    given = {}
    for i, (dp, truth) in enumerate(zip(datapoints, truths, strict=True)):
        if truth is not None:
            _check_given(spec, dp, truth, f"truths[{i}]")
            given[dp.content_key] = dict(truth)
    scope = dataset_scope(revision.dataset_id)
    for key, truth in given.items():
        register_oracle(session=session, owner_id=scope, kind=spec.kind, key=key, truth=truth)
    return len(given)


@dataclass(frozen=True)
class Subject:
    """A task as far as known truths go: whose job, which dataset, what it shows.

    Attributes:
        owner_id: The job's owner.
        dataset_id: The job's dataset.
        kind: Task kind.
        key: The task's content key.
        parts: The content keys of its datapoints (a ranking matchup's two items; otherwise the task's own).
        identities: Asset identities in datapoint order.
        context: The text shown with the task, if any.
    """

    owner_id: str | None
    dataset_id: str
    kind: str
    key: str
    parts: tuple[str, ...]
    identities: tuple[str, ...]
    context: str | None


def subject_of(
    material: Material, spec: JobSpec, task: JobTask, *, owner_id: str | None, view: TaskView
) -> Subject:
    """What known truths of ``task`` are looked up by."""
    return Subject(
        owner_id=owner_id,
        dataset_id=spec.dataset_id,
        kind=task.kind,
        key=task.content_key,
        parts=tuple(dp.content_key for dp in material.of(task)),
        identities=view.identities,
        context=context_text(material, spec, task),
    )


def _mirror_key(subject: Subject) -> str | None:
    """The content key of a compared pair shown the other way round."""
    if subject.kind != "compare" or len(subject.identities) != 2:
        return None
    return content_key(list(reversed(subject.identities)))


def _ranked(scores: Sequence[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    """A matchup's truth from its items' given scores (both needed; equal scores: a coin flip)."""
    if len(scores) != 2 or any(s is None or "score" not in s for s in scores):
        return None
    a, b = (float(s["score"]) for s in scores if s is not None)
    return {"pA": 0.5} if a == b else {"winner": 0 if a > b else 1}


def _example_rows(session: Session, subjects: Sequence[Subject]) -> list[Any]:
    """The owners' qualification examples and validation tasks on any of the subjects' contents."""
    owners = {s.owner_id for s in subjects if s.owner_id}
    keys = {k for s in subjects for k in (s.key, _mirror_key(s)) if k}
    kinds = {s.kind for s in subjects}
    if not owners or not keys:
        return []
    examples = (
        select(AudienceExample, Audience.owner_id)
        .join(Audience, Audience.id == AudienceExample.audience_id)
        .where(
            Audience.owner_id.in_(owners),
            Audience.deleted.is_(False),
            AudienceExample.deleted.is_(False),
            AudienceExample.content_key.in_(keys),
            AudienceExample.kind.in_(kinds),
        )
    )
    rapids = (
        select(ValidationRapid, ValidationSet.owner_id)
        .join(ValidationSet, ValidationSet.id == ValidationRapid.validation_set_id)
        .where(
            ValidationSet.owner_id.in_(owners),
            ValidationSet.deleted.is_(False),
            ValidationRapid.content_key.in_(keys),
            ValidationRapid.kind.in_(kinds),
        )
    )
    return [*session.execute(examples), *session.execute(rapids)]


def _example_truth(subject: Subject, rows: Sequence[Any]) -> dict[str, Any] | None:
    """The truth the owner's examples give the subject's content: the one with the subject's context, else
    the one all of them agree on."""
    found: list[tuple[str | None, dict[str, Any]]] = []
    mirror = _mirror_key(subject)
    for example, owner in rows:
        if owner != subject.owner_id or example.kind != subject.kind:
            continue
        if example.content_key == subject.key:
            found.append((example.context, example_truth(example)))
        elif example.content_key == mirror:
            truth = example_truth(example)
            found.append((example.context, {**truth, "winner": 1 - int(truth["winner"])}))
    same_context = [truth for context, truth in found if context == subject.context]
    for candidates in (same_context, [truth for _, truth in found]):
        if candidates and all(c == candidates[0] for c in candidates):
            return candidates[0]
    return None


def _which_known(session: Session, subjects: Sequence[Subject]) -> tuple[bool, bool]:
    """Whether any oracle of the subjects' kinds exists, and whether their owners have any qualification
    example or validation task of those kinds: one query of three index probes.

    It is asked afresh in every call, so a truth registered while a job runs counts from the next call on,
    and a job nobody told anything skips the lookups by content (the crowd's common case, issue 14).
    """
    owners = {s.owner_id for s in subjects if s.owner_id}
    kinds = {s.kind for s in subjects}
    if not kinds:
        return False, False
    oracle = exists().where(OracleTruth.kind.in_(kinds))
    if not owners:
        return bool(session.scalar(select(oracle))), False
    example = (
        exists()
        .where(Audience.id == AudienceExample.audience_id)
        .where(
            Audience.owner_id.in_(owners),
            Audience.deleted.is_(False),
            AudienceExample.deleted.is_(False),
            AudienceExample.kind.in_(kinds),
        )
    )
    rapid = (
        exists()
        .where(ValidationSet.id == ValidationRapid.validation_set_id)
        .where(
            ValidationSet.owner_id.in_(owners),
            ValidationSet.deleted.is_(False),
            ValidationRapid.kind.in_(kinds),
        )
    )
    has_oracle, has_example, has_rapid = session.execute(select(oracle, example, rapid)).one()
    return bool(has_oracle), bool(has_example or has_rapid)


def known_truths(*, session: Session, subjects: Sequence[Subject]) -> list[dict[str, Any] | None]:
    """What the subjects' owners told the crowd about each subject, by the order of the module docstring
    (``None``: nothing; the latent truth stands). One query when nobody told anything, four at most."""
    if not subjects:
        return []
    any_oracle, any_example = _which_known(session, subjects)
    if not any_oracle and not any_example:
        return [None] * len(subjects)
    rows: dict[tuple[str | None, str, str], dict[str, Any]] = {}
    if any_oracle:
        owned = {(s.owner_id, s.key, s.kind) for s in subjects}
        given = {(dataset_scope(s.dataset_id), part, s.kind) for s in subjects for part in s.parts}
        rows = oracles_for(session=session, keys=owned | given)
    examples = _example_rows(session, subjects) if any_example else []
    known: list[dict[str, Any] | None] = []
    for s in subjects:
        scope = dataset_scope(s.dataset_id)
        job = (
            _ranked([rows.get((scope, part, s.kind)) for part in s.parts])
            if s.kind == "ranking"
            else rows.get((scope, s.key, s.kind))
        )
        oracle = rows.get((s.owner_id, s.key, s.kind))
        known.append(next((t for t in (oracle, job) if t is not None), None) or _example_truth(s, examples))
    return known
