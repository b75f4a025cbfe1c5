"""Simulated candidates qualifying for custom audiences (the crowd's side of ``labeling.qualification``).

Candidates are processed in the order of ``hash(seed, labeler_id)`` and answer with ``crowd.behaviour.answer``
against what is really true of each example's content (:func:`example_reality`); their answers are graded
against the example's own truth, so examples with wrong truths recruit the wrong labelers, as the docs warn.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models.asset import TextAssetInput, asset_parts
from rapidata_nb.server.crowd.behaviour import answer
from rapidata_nb.server.crowd.truth import named_option, oracles_for
from rapidata_nb.server.labeling.content import stable_hash
from rapidata_nb.server.labeling.grading import grade
from rapidata_nb.server.labeling.qualification import (
    decide,
    example_truth,
    example_view,
    examples_of,
    graduation_rule,
    mark_jobs,
    member_score,
    qualified,
    refresh_status,
    user_metrics,
)
from rapidata_nb.server.store.labeling import (
    Audience,
    AudienceExample,
    AudienceMember,
    ExampleAnswer,
    Labeler,
    utcnow,
)
from rapidata_nb.server.store.models import Asset

__all__ = ["example_reality", "recruit_step"]

_BATCH = 40
"""Candidates that answer per step (one short transaction)."""


def recruit_step(*, session: Session, seed: int, batch: int = _BATCH) -> bool:
    """Let one batch of distilling simulated candidates of one recruiting audience qualify.

    Returns:
        True if any work was done.
    """
    audience = session.scalars(
        select(Audience)
        .where(
            Audience.kind == "custom",
            Audience.deleted.is_(False),
            Audience.recruiting_started_at.is_not(None),
            Audience.recruiting_done.is_(False),
            exists().where(AudienceExample.audience_id == Audience.id, AudienceExample.deleted.is_(False)),
        )
        .order_by(Audience.recruiting_started_at, Audience.id)
    ).first()
    if audience is None:
        return False
    examples = examples_of(session, audience.id)
    rule = graduation_rule(audience)
    pending = list(
        session.execute(
            select(AudienceMember, Labeler)
            .join(Labeler, Labeler.id == AudienceMember.labeler_id)
            .where(
                AudienceMember.audience_id == audience.id,
                AudienceMember.state == "Distilling",
                Labeler.kind == "sim",
            )
        )
    )
    pending.sort(key=lambda row: (stable_hash(seed, "recruit", row[1].id), row[1].id))
    cap = min(len(examples), int(rule["maxTasks"])) if rule.get("maxTasks") else len(examples)
    realities = {ex.id: example_reality(session, ex) for ex in examples[:cap]}
    views = {ex.id: example_view(ex) for ex in examples[:cap]}
    truths = {ex.id: example_truth(ex) for ex in examples[:cap]}
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for member, lab in pending[:batch]:
        correct, chance = [], []
        for ex in examples[:cap]:
            given = answer(seed=seed, labeler=lab, view=views[ex.id], truth=realities[ex.id])
            ok = grade(ex.kind, truths[ex.id], given, n_words=len(views[ex.id].words))
            rows.append(
                {
                    "audience_id": audience.id,
                    "example_id": ex.id,
                    "labeler_id": lab.id,
                    "answer": given,
                    "correct": ok,
                    "created_at": now,
                }
            )
            correct.append(ok)
            chance.append(ex.random_correct_probability)
        member.answered, member.correct = len(correct), int(sum(correct))
        member.user_score = member_score(lab, correct, chance)
        member.updated_at = utcnow()
        decide(member, rule=rule, n_examples=len(examples), final=True)
    if rows:
        session.execute(insert(ExampleAnswer), rows)
    if len(pending) <= batch:
        audience.recruiting_done = True
    session.flush()
    refresh_status(session=session, audience=audience)
    if audience.recruiting_done and qualified(user_metrics(session, audience)) == 0:
        mark_jobs(
            session,
            audience,
            f"audience '{audience.name}' ({audience.id}): every candidate failed the "
            "qualification examples; check the examples' truths",
        )
    return True


def example_reality(session: Session, example: AudienceExample) -> dict[str, Any]:
    """What is actually true of an example's content, which simulated labelers answer by.

    A registered oracle for the content wins, then an unambiguous named option (``cat.jpeg`` → "Cat");
    otherwise the example's own truth is taken as real. Grading always uses the example's truth, so examples
    with wrong truths recruit the wrong labelers, as the docs warn.
    """
    audience = session.get(Audience, example.audience_id)
    owner = audience.owner_id if audience is not None else None
    oracle = oracles_for(session=session, keys=[(owner, example.content_key, example.kind)])
    if oracle:
        return {"clarity": 1.0, **next(iter(oracle.values()))}
    if example.kind == "classify":
        view = example_view(example)
        named = named_option(view.options, [*view.identities, *_identities(session, example.asset)])
        if named is not None:
            return {"categories": [named]}
    return example_truth(example)


def _identities(session: Session, asset: dict[str, Any]) -> list[str]:
    out = []
    for a in asset_parts(asset):
        if isinstance(a, TextAssetInput):
            out.append(a.text)
            continue
        row = session.get(Asset, a.name)
        out.append(str(row.url or row.original_name) if row is not None else "")
    return out
