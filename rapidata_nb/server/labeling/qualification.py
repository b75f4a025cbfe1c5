"""Qualification: candidates take an audience's examples and graduate or drop (DESIGN §6).

Recruiting starts explicitly (``POST /audience/{id}/recruit``) or when a job is assigned to a custom audience
that has examples (``dispatch.open_job``). Every simulated labeler matching the audience's filters then joins
as ``Distilling``; the simulated crowd (``crowd.recruiting``) lets a batch of them answer the examples, and
the ``TaskAccuracy`` rule decides: graduate when at least ``needed`` examples were
answered with accuracy ``>= targetAccuracy``, drop otherwise. ``needed`` is ``min(minTasks, examples)`` so an
audience with a single example (the docs' early-stopping examples) can graduate labelers; without a rule the
defaults are ``targetAccuracy = 0.75`` and ``minTasks = 3``. Humans distill one example at a time through the
``/labeler`` feed (:func:`record_example_answer`).

A member's ``user_score`` is ``engine.scores.user_score`` over its qualification answers, each with its
example's ``randomCorrectProbability``; the prior is centred on the labeler's global score (worth 8 answers),
so one example refines the global estimate instead of replacing it.

The crowd serves a custom audience's jobs only once recruiting of the simulated candidates is done, so the
graduated pool never depends on timing.

What a person learns about their own qualification answers is the audience's ``qualification_feedback``
(:func:`example_feedback`, :func:`disclosed_standing`): a verdict and the example's explanation after each
example (``immediate``, as Rapidata teaches its crowd), only pass or fail once the rule decides
(``after_decision``, the default) or nothing (``none``). Anyone can open a labeling link, so per-example
verdicts would let throwaway labelers collect the examples' truths and a fresh one graduate at 100 %.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from rapidata_nb.api.models.asset import TextAssetInput, asset_parts
from rapidata_nb.engine.scores import user_score
from rapidata_nb.server.labeling.content import offers_no_mistake, sentence_words
from rapidata_nb.server.labeling.filters import matches
from rapidata_nb.server.labeling.grading import grade
from rapidata_nb.server.labeling.views import TaskView
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store.labeling import (
    Audience,
    AudienceExample,
    AudienceMember,
    ExampleAnswer,
    Labeler,
    utcnow,
)
from rapidata_nb.server.store.models import Job

__all__ = [
    "DEFAULT_RULE",
    "INACTIVE_AFTER",
    "example_truth",
    "example_view",
    "examples_of",
    "graduation_rule",
    "join_by_invitation",
    "qualified",
    "decide",
    "disclosed_standing",
    "example_feedback",
    "feedback_mode",
    "mark_jobs",
    "member_score",
    "record_example_answer",
    "refresh_status",
    "reset_recruiting",
    "start_recruiting",
    "user_metrics",
]

DEFAULT_RULE = {"targetAccuracy": 0.75, "minTasks": 3, "maxTasks": None}
_PRIOR_WEIGHT = 8.0


def graduation_rule(audience: Audience) -> dict[str, Any]:
    """The audience's ``TaskAccuracy`` rule with defaults filled in."""
    rule = {**DEFAULT_RULE, **{k: v for k, v in (audience.graduation_rule or {}).items() if v is not None}}
    rule.setdefault("maxTasks", None)
    return rule


def examples_of(session: Session, audience_id: str) -> list[AudienceExample]:
    """The audience's live examples in serving order."""
    return list(
        session.scalars(
            select(AudienceExample)
            .where(AudienceExample.audience_id == audience_id, AudienceExample.deleted.is_(False))
            .order_by(AudienceExample.sort_index, AudienceExample.created_at, AudienceExample.id)
        )
    )


def _asset_labels(asset: dict[str, Any]) -> list[str]:
    """Names (fileName or text) of an example's asset input, one per side for multi assets."""
    return [a.text if isinstance(a, TextAssetInput) else a.name for a in asset_parts(asset)]


def example_view(example: AudienceExample) -> TaskView:
    """What a labeler sees of a qualification example."""
    payload = example.payload or {}
    flags = {str(f.get("key")): str(f.get("value")) for f in example.feature_flags or []}
    options = tuple(str(c.get("label")) for c in payload.get("categories", []))
    sentence = " ".join(str(w.get("word")) for w in payload.get("transcription", []))
    words, had_token = sentence_words(sentence)
    return TaskView(
        kind=example.kind,
        key=example.content_key,
        identities=tuple(_asset_labels(example.asset)),
        options=options,
        words=tuple(words),
        flags=flags,
        no_mistake=example.kind == "select_words"
        and offers_no_mistake(flags, has_token=had_token, n_words=len(words)),
    )


def example_truth(example: AudienceExample) -> dict[str, Any]:
    """The example's real truth in canonical shape (``crowd.truth``)."""
    truth = example.truth or {}
    if example.kind == "compare":
        return {"winner": _asset_labels(example.asset).index(str(truth.get("winnerId")))}
    if example.kind == "classify":
        return {"categories": list(truth.get("correctCategories", []))}
    if example.kind in ("locate", "draw"):
        boxes = [
            {k: float(b[k]) / 100.0 for k in ("xMin", "yMin", "xMax", "yMax")}
            for b in truth.get("boundingBoxes", [])
        ]
        return {
            "boxes": boxes,
            "requiredPrecision": truth.get("requiredPrecision"),
            "requiredCompleteness": truth.get("requiredCompleteness"),
        }
    if example.kind == "select_words":
        return {
            "wordIndices": sorted(int(w["wordIndex"]) for w in truth.get("correctWords", [])),
            "requiredPrecision": truth.get("requiredPrecision"),
            "requiredCompleteness": truth.get("requiredCompleteness"),
        }
    raise ValueError(f"unknown example kind {example.kind!r}")


def grade_example(example: AudienceExample, canonical_answer: dict[str, Any]) -> bool:
    """Whether an answer to ``example`` is correct."""
    view = example_view(example)
    return grade(example.kind, example_truth(example), canonical_answer, n_words=len(view.words))


def member_score(labeler: Labeler, correct: Sequence[bool], chance: Sequence[float]) -> float:
    g = float(labeler.global_score)
    prior = (1.0 + _PRIOR_WEIGHT * g, 1.0 + _PRIOR_WEIGHT * (1.0 - g))
    return round(float(user_score(np.asarray(correct, bool), np.asarray(chance, float), prior=prior)), 4)


def decide(member: AudienceMember, *, rule: dict[str, Any], n_examples: int, final: bool) -> None:
    cap = min(n_examples, int(rule["maxTasks"])) if rule.get("maxTasks") else n_examples
    needed = max(1, min(int(rule["minTasks"]), cap))
    if member.answered < needed:
        if final:
            member.state = "Dropped"
        return
    if member.correct / member.answered >= float(rule["targetAccuracy"]) - 1e-9:
        member.state = "Graduated"
    elif final or member.answered >= cap:
        member.state = "Dropped"


def _candidate(audience_id: str, labeler: Labeler) -> AudienceMember:
    """A labeler who starts taking an audience's examples, from their global score."""
    return AudienceMember(
        audience_id=audience_id,
        labeler_id=labeler.id,
        state="Distilling",
        user_score=labeler.global_score,
        answered=0,
        correct=0,
    )


def join_by_invitation(*, session: Session, audience_id: str, labeler: Labeler, seed: int) -> None:
    """A person who opened a custom audience's link (with examples, filters admitting them) becomes one of
    its candidates; the first such person starts the recruiting of the simulated candidates too."""
    audience = audience_store.live(session=session, audience_id=audience_id)
    if (
        audience is None
        or audience.kind != "custom"
        or not matches(audience.filters, labeler)
        or not examples_of(session, audience.id)
    ):
        return
    joined = session.scalar(
        select(AudienceMember.id).where(
            AudienceMember.audience_id == audience.id, AudienceMember.labeler_id == labeler.id
        )
    )
    if joined is not None:
        return
    session.add(_candidate(audience.id, labeler))
    session.flush()
    if audience.recruiting_started_at is None:
        start_recruiting(session=session, audience=audience, seed=seed)
    refresh_status(session=session, audience=audience)


def start_recruiting(*, session: Session, audience: Audience, seed: int) -> bool:
    """Start recruiting: matching simulated candidates join as ``Distilling`` (idempotent).

    Returns:
        True when recruiting started now (False if it had already started or there are no examples).
    """
    if audience.kind != "custom":
        return False
    if audience.recruiting_started_at is None:
        audience.recruiting_started_at = utcnow()
    if not examples_of(session, audience.id):
        return False
    have = session.scalar(
        select(func.count())
        .select_from(AudienceMember)
        .join(Labeler, Labeler.id == AudienceMember.labeler_id)
        .where(AudienceMember.audience_id == audience.id, Labeler.kind == "sim")
    )
    if have:
        return False
    for lab in session.scalars(select(Labeler).where(Labeler.kind == "sim")):
        if matches(audience.filters, lab):
            session.add(_candidate(audience.id, lab))
    audience.recruiting_done = False
    mark_jobs(session, audience, None)  # jobs that waited for this audience to recruit can progress now
    session.flush()
    refresh_status(session=session, audience=audience)
    return True


def reset_recruiting(*, session: Session, audience: Audience, seed: int) -> None:
    """Examples changed after recruiting started: simulated candidates qualify again on the new set."""
    if audience.recruiting_started_at is None:
        return
    sim = select(Labeler.id).where(Labeler.kind == "sim")
    session.execute(
        delete(ExampleAnswer).where(
            ExampleAnswer.audience_id == audience.id, ExampleAnswer.labeler_id.in_(sim)
        )
    )
    session.execute(
        delete(AudienceMember).where(
            AudienceMember.audience_id == audience.id, AudienceMember.labeler_id.in_(sim)
        )
    )
    session.flush()
    start_recruiting(session=session, audience=audience, seed=seed)
    refresh_status(session=session, audience=audience)


def mark_jobs(session: Session, audience: Audience, message: str | None) -> None:
    """Set (or clear) the "cannot progress" note of the running jobs on an audience and its filtered views."""
    views = select(Audience.id).where(Audience.base_audience_id == audience.id)
    session.execute(
        update(Job)
        .where(or_(Job.audience_id == audience.id, Job.audience_id.in_(views)), Job.state.not_in(("Failed",)))
        .values(failure_message=message)
    )


def record_example_answer(
    *,
    session: Session,
    audience: Audience,
    member: AudienceMember,
    labeler: Labeler,
    example: AudienceExample,
    canonical_answer: dict[str, Any],
) -> bool:
    """Store a (human) qualification answer, rescore the member and apply the rule; returns correctness."""
    ok = grade_example(example, canonical_answer)
    session.add(
        ExampleAnswer(
            audience_id=audience.id,
            example_id=example.id,
            labeler_id=labeler.id,
            answer=canonical_answer,
            correct=ok,
        )
    )
    session.flush()
    rows = list(
        session.execute(
            select(ExampleAnswer.correct, AudienceExample.random_correct_probability)
            .join(AudienceExample, AudienceExample.id == ExampleAnswer.example_id)
            .where(ExampleAnswer.audience_id == audience.id, ExampleAnswer.labeler_id == labeler.id)
        )
    )
    member.answered, member.correct = len(rows), sum(bool(c) for c, _ in rows)
    member.user_score = member_score(labeler, [bool(c) for c, _ in rows], [float(r) for _, r in rows])
    member.updated_at = utcnow()
    decide(
        member, rule=graduation_rule(audience), n_examples=len(examples_of(session, audience.id)), final=False
    )
    refresh_status(session=session, audience=audience)
    return ok


def feedback_mode(audience: Audience) -> str:
    """The audience's qualification feedback; audiences without examples (global, curated) hide nothing."""
    return audience.qualification_feedback if audience.kind == "custom" else "immediate"


def example_feedback(
    *, audience: Audience, member: AudienceMember, correct: bool, explanation: str | None
) -> dict[str, Any]:
    """What a labeler is told after answering one of ``audience``'s examples (an ``ExampleGrade``)."""
    mode = feedback_mode(audience)
    if mode == "immediate":
        return {"feedback": mode, "correct": correct, "state": member.state, "explanation": explanation}
    return {"feedback": mode, "correct": None, "state": _visible_state(mode, member), "explanation": None}


def disclosed_standing(audience: Audience, member: AudienceMember) -> dict[str, Any]:
    """The member's standing as the labeler may see it: with feedback other than ``immediate`` neither the
    score nor the count of right answers, which would reveal each example's verdict one answer at a time."""
    mode = feedback_mode(audience)
    immediate = mode == "immediate"
    return {
        "feedback": mode,
        "state": _visible_state(mode, member),
        "user_score": round(float(member.user_score), 4) if immediate else None,
        "correct": member.correct if immediate else None,
    }


def _visible_state(mode: str, member: AudienceMember) -> str | None:
    return None if mode == "none" else member.state


INACTIVE_AFTER = timedelta(days=30)
"""A graduated human with no activity for this long counts as ``Inactive`` in :func:`user_metrics`."""


def user_metrics(session: Session, audience: Audience) -> dict[str, int]:
    """``usersPerState`` of the audience asked about, each labeler in exactly one state.

    Members: global, everyone (all graduated); custom and curated, the member rows; a filtered view, the
    members of its base passing the view's filters (nobody if the base is gone). ``Inactive`` are graduated
    *human* labelers with no activity for ``INACTIVE_AFTER`` (30 days) before now: no session, task answer or
    qualification answer, and no change of standing in the audience (``store.audiences.quiet_humans``). They
    are reported there instead of under ``Graduated`` but may still label when they come back. Simulated
    labelers are never inactive, since the crowd serves them whenever there is work.
    """
    since = utcnow() - INACTIVE_AFTER
    if audience.kind == "filtered":
        base = audience_store.live_base(session=session, audience=audience)
        if base is None:
            return {"Graduated": 0, "Distilling": 0, "Dropped": 0, "Inactive": 0}
        members_of = None if base.kind == "global" else base.id
        members = [
            m
            for m in audience_store.member_profiles(session=session, audience_id=members_of)
            if matches(audience.filters, m)
        ]
        quiet = audience_store.quiet_humans(session=session, audience_id=members_of, since=since)
        counts = Counter("Inactive" if m["id"] in quiet else m["state"] for m in members)
    elif audience.kind == "global":
        quiet = audience_store.quiet_humans(session=session, audience_id=None, since=since)
        counts = Counter(
            {
                "Graduated": audience_store.population_size(session=session) - len(quiet),
                "Inactive": len(quiet),
            }
        )
    else:
        counts = Counter(audience_store.member_state_counts(session=session, audience_id=audience.id))
        quiet = audience_store.quiet_humans(session=session, audience_id=audience.id, since=since)
        counts.update({"Graduated": -len(quiet), "Inactive": len(quiet)})
    return {state: int(counts[state]) for state in ("Graduated", "Distilling", "Dropped", "Inactive")}


def qualified(metrics: dict[str, int]) -> int:
    """Members who passed qualification: ``Inactive`` people graduated too and may come back."""
    return metrics["Graduated"] + metrics["Inactive"]


def refresh_status(*, session: Session, audience: Audience) -> str:
    """Recompute a custom audience's status from its funnel (Created → Recruiting → Ready)."""
    if audience.kind != "custom":
        return audience.status
    m = user_metrics(session, audience)
    if audience.recruiting_started_at is None or qualified(m) + m["Distilling"] + m["Dropped"] == 0:
        audience.status = "Created"
    elif qualified(m) > 0 or m["Distilling"] == 0:
        audience.status = "Ready"
    else:
        audience.status = "Recruiting"
    return audience.status
