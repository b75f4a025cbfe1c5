"""Repository of audiences and their qualification examples: lookups, rules, creation, listing, members.

The routes in ``server/routes/audience.py`` parse and validate HTTP input and shape responses; every query
they need lives here. Recruiting itself (who joins, graduates or drops) stays in ``server/qualification.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from rapidata_nb.server.errors import BadRequestError, ForbiddenError
from rapidata_nb.server.store.labeling import (
    DEFAULT_QUALIFICATION_FEEDBACK,
    Audience,
    AudienceExample,
    AudienceMember,
    ExampleAnswer,
    Labeler,
    LabelerSession,
    Response,
    new_id,
    utcnow,
)
from rapidata_nb.server.store.models import Customer

__all__ = [
    "PUBLIC_KINDS",
    "add_example",
    "answer_counts",
    "count_examples",
    "create_custom",
    "create_filtered_view",
    "create_unlisted",
    "delete_audience",
    "delete_example",
    "find_audiences",
    "find_example",
    "find_unlisted",
    "find_visible",
    "list_unlisted",
    "live",
    "live_base",
    "member_profiles",
    "member_state_counts",
    "owner_email",
    "population_size",
    "quiet_humans",
    "require_custom",
    "require_owner",
    "update_audience",
]

PUBLIC_KINDS = ("global", "curated")
"""Seeded audiences every caller may use (and nobody may change)."""

_SORT_COLUMNS = {"created_at": Audience.created_at, "name": Audience.name}


# --- lookups ------------------------------------------------------------------------------------------------


def find_visible(*, session: Session, audience_id: str, owner_id: str) -> Audience | None:
    """A listed audience the owner may see: seeded/public ones and its own (never deleted or unlisted)."""
    row = session.get(Audience, audience_id)
    if row is None or row.deleted or row.kind == "unlisted":
        return None
    if row.kind in PUBLIC_KINDS or row.is_public or row.owner_id == owner_id:
        return row
    return None


def find_unlisted(*, session: Session, audience_id: str, owner_id: str) -> Audience | None:
    """One of the owner's own unlisted audiences (unlisted audiences are never shared through the API)."""
    row = session.get(Audience, audience_id)
    if row is None or row.deleted or row.kind != "unlisted" or row.owner_id != owner_id:
        return None
    return row


def live(*, session: Session, audience_id: str) -> Audience | None:
    """The audience, unless it does not exist or was deleted."""
    row = session.get(Audience, audience_id)
    return row if row is not None and not row.deleted else None


def live_base(*, session: Session, audience: Audience) -> Audience | None:
    """The audience a filtered view narrows (``None`` once it is gone); other audiences are their own base."""
    if audience.kind != "filtered":
        return audience
    return live(session=session, audience_id=audience.base_audience_id) if audience.base_audience_id else None


def owner_email(*, session: Session, owner_id: str | None) -> str | None:
    """The owning customer's e-mail, or ``None`` for seeded audiences and unknown owners."""
    owner = session.get(Customer, owner_id) if owner_id else None
    return owner.email if owner is not None else None


# --- rules --------------------------------------------------------------------------------------------------


def require_owner(audience: Audience, *, owner_id: str, action: str) -> None:
    """Only the owner changes an audience; seeded ones have none (``action``: "delete", "recruit for"...).

    Raises:
        ForbiddenError: The audience is not the caller's.
    """
    if audience.owner_id != owner_id:
        raise ForbiddenError(f"Audience '{audience.id}' is a seeded audience; you cannot {action} it")


def require_custom(audience: Audience, *, action: str) -> None:
    """Examples, recruiting and graduation rules belong to custom audiences, not to views of them.

    Raises:
        BadRequestError: The audience is a filtered view, a seeded or an unlisted audience.
    """
    if audience.kind == "filtered":
        raise BadRequestError(
            f"Audience '{audience.id}' is a filtered view of '{audience.base_audience_id}'; "
            f"{action} on the base audience instead"
        )
    if audience.kind != "custom":
        raise BadRequestError(
            f"Audience '{audience.id}' is a {audience.kind} audience; only custom audiences "
            f"support this ({action})"
        )


# --- creation -----------------------------------------------------------------------------------------------


def create_unlisted(*, session: Session, owner_id: str, name: str) -> Audience:
    """An unlisted audience: ``Ready`` at once, since only invited humans (no recruiting) label for it."""
    audience = Audience(
        id=new_id("ula"),
        owner_id=owner_id,
        name=name,
        kind="unlisted",
        filters=[],
        status="Ready",
        is_public=False,
        recruiting_done=True,
        created_at=utcnow(),
    )
    session.add(audience)
    return audience


def create_custom(
    *,
    session: Session,
    owner_id: str,
    name: str,
    filters: list[dict[str, Any]],
    graduation_rule: dict[str, Any] | None,
    qualification_feedback: str | None = None,
) -> Audience:
    """A custom audience, ``Created`` until it recruits (filters and rule already validated)."""
    audience = Audience(
        id=new_id("aud"),
        owner_id=owner_id,
        name=name,
        kind="custom",
        filters=filters,
        graduation_rule=graduation_rule,
        qualification_feedback=qualification_feedback or DEFAULT_QUALIFICATION_FEEDBACK,
        status="Created",
        is_public=False,
        created_at=utcnow(),
    )
    session.add(audience)
    return audience


def create_filtered_view(
    *, session: Session, base: Audience, owner_id: str, audience_filter: dict[str, Any]
) -> Audience:
    """A filtered view of ``base``'s graduated pool (it recruits nobody; its status mirrors the base's)."""
    view = Audience(
        id=new_id("aud"),
        owner_id=owner_id,
        name=f"{base.name} (filtered)",
        kind="filtered",
        base_audience_id=base.id,
        filters=[audience_filter],
        status=base.status,
        is_public=False,
        created_at=utcnow(),
    )
    session.add(view)
    return view


def update_audience(
    *,
    audience: Audience,
    name: str | None = None,
    filters: list[dict[str, Any]] | None = None,
    graduation_rule: dict[str, Any] | None = None,
    qualification_feedback: str | None = None,
) -> None:
    """Apply the validated changes; ``None`` keeps a field (the wire cannot clear a name, filters or rule)."""
    if name is not None:
        audience.name = name
    if filters is not None:
        audience.filters = filters
    if graduation_rule is not None:
        audience.graduation_rule = graduation_rule
    if qualification_feedback is not None:
        audience.qualification_feedback = qualification_feedback


def delete_audience(*, audience: Audience) -> None:
    """Soft-delete: the row stays for the jobs and answers that point at it; its jobs stop being served."""
    audience.deleted = True


# --- listing ------------------------------------------------------------------------------------------------


def list_unlisted(
    *, session: Session, owner_id: str, page: int, page_size: int
) -> tuple[int, list[Audience]]:
    """The total and one page (newest first) of the owner's unlisted audiences."""
    stmt = select(Audience).where(
        Audience.kind == "unlisted", Audience.owner_id == owner_id, Audience.deleted.is_(False)
    )
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = session.scalars(
        stmt.order_by(Audience.created_at.desc(), Audience.id).offset((page - 1) * page_size).limit(page_size)
    )
    return total, list(rows)


def find_audiences(
    *, session: Session, owner_id: str, name: str, sort: Sequence[str], page: int, page_size: int
) -> tuple[int, list[Audience]]:
    """The total and one page of the listed audiences the owner can use.

    Args:
        name: Substring of the name (matched literally: ``%`` and ``_`` are escaped); empty for all.
        sort: Keys ``created_at`` or ``name``, ``-`` prefixed for descending; ties break on the id.

    Raises:
        BadRequestError: For an unknown sort key.
    """
    stmt = select(Audience).where(
        Audience.deleted.is_(False),
        Audience.kind != "unlisted",
        (Audience.owner_id == owner_id) | Audience.kind.in_(PUBLIC_KINDS),
    )
    if name:
        stmt = stmt.where(Audience.name.contains(name, autoescape=True))
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    order = []
    for key in sort:
        column = _SORT_COLUMNS.get(key.lstrip("-"))
        if column is None:
            raise BadRequestError(f"sort: unknown sort key '{key}' (use created_at or name)")
        order.append(column.desc() if key.startswith("-") else column)
    rows = session.scalars(stmt.order_by(*order, Audience.id).offset((page - 1) * page_size).limit(page_size))
    return total, list(rows)


# --- qualification examples ---------------------------------------------------------------------------------


def count_examples(*, session: Session, audience_id: str) -> int:
    """How many examples the audience ever had, deleted ones included (the next default ``sortIndex``)."""
    stmt = select(func.count()).select_from(AudienceExample).where(AudienceExample.audience_id == audience_id)
    return int(session.scalar(stmt) or 0)


def add_example(
    *,
    session: Session,
    audience_id: str,
    kind: str,
    payload: dict[str, Any],
    truth: dict[str, Any],
    asset: dict[str, Any],
    context: str | None,
    context_asset: dict[str, Any] | None,
    explanation: str | None,
    feature_flags: list[dict[str, Any]],
    random_correct_probability: float,
    content_key: str,
    sort_index: int | None,
) -> AudienceExample:
    """Store a validated qualification example; without a ``sort_index`` it goes after all earlier ones."""
    if sort_index is None:
        sort_index = count_examples(session=session, audience_id=audience_id)
    example = AudienceExample(
        id=new_id("ex"),
        audience_id=audience_id,
        kind=kind,
        payload=payload,
        truth=truth,
        asset=asset,
        context=context,
        context_asset=context_asset,
        explanation=explanation,
        feature_flags=feature_flags,
        random_correct_probability=random_correct_probability,
        content_key=content_key,
        sort_index=sort_index,
        created_at=utcnow(),
    )
    session.add(example)
    session.flush()
    return example


def find_example(
    *, session: Session, example_id: str, owner_id: str
) -> tuple[AudienceExample, Audience] | None:
    """A live example with its audience, if the audience belongs to the owner."""
    example = session.get(AudienceExample, example_id)
    audience = session.get(Audience, example.audience_id) if example is not None else None
    if example is None or example.deleted or audience is None or audience.owner_id != owner_id:
        return None
    return example, audience


def delete_example(*, session: Session, example: AudienceExample) -> None:
    """Soft-delete an example; flushed so that re-qualification right after no longer sees it."""
    example.deleted = True
    session.flush()


def answer_counts(*, session: Session, example_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """``(correct, incorrect)`` qualification answers per example, in one query for a page of examples."""
    counts = {example_id: (0, 0) for example_id in example_ids}
    if not counts:
        return counts
    rows = session.execute(
        select(ExampleAnswer.example_id, ExampleAnswer.correct, func.count())
        .where(ExampleAnswer.example_id.in_(list(counts)))
        .group_by(ExampleAnswer.example_id, ExampleAnswer.correct)
    )
    for example_id, correct, n in rows:
        right, wrong = counts[example_id]
        counts[example_id] = (right + int(n), wrong) if correct else (right, wrong + int(n))
    return counts


# --- members ------------------------------------------------------------------------------------------------

_PROFILE = (
    Labeler.id,
    Labeler.kind,
    Labeler.country,
    Labeler.language,
    Labeler.age,
    Labeler.gender,
    Labeler.occupation,
    Labeler.device,
)


def population_size(*, session: Session) -> int:
    """How many labelers exist, simulated and human (the global audience's members)."""
    return int(session.scalar(select(func.count()).select_from(Labeler)) or 0)


def member_profiles(*, session: Session, audience_id: str | None) -> list[dict[str, Any]]:
    """Members of an audience as profile dicts with a ``state`` (what ``crowd.filters.matches`` reads).

    Args:
        audience_id: An audience with member rows; ``None`` for the whole population (the global audience),
            where everyone is ``Graduated``.
    """
    if audience_id is None:
        rows = session.execute(select(*_PROFILE)).mappings()
        return [{**row, "state": "Graduated"} for row in rows]
    rows = session.execute(
        select(*_PROFILE, AudienceMember.state)
        .join(AudienceMember, AudienceMember.labeler_id == Labeler.id)
        .where(AudienceMember.audience_id == audience_id)
    ).mappings()
    return [dict(row) for row in rows]


def member_state_counts(*, session: Session, audience_id: str) -> dict[str, int]:
    """How many members of an audience are in each state (states without members are absent)."""
    rows = session.execute(
        select(AudienceMember.state, func.count())
        .where(AudienceMember.audience_id == audience_id)
        .group_by(AudienceMember.state)
    )
    return {str(state): int(n) for state, n in rows}


def quiet_humans(*, session: Session, audience_id: str | None, since: datetime) -> set[str]:
    """Graduated human labelers with no activity at or after ``since``.

    Activity is everything the store timestamps for a labeler: joining (``Labeler.created_at``), opening a
    labeling session, answering a task (``Response``) or any qualification example (``ExampleAnswer``), and,
    in a custom or curated audience, a change of standing there (``AudienceMember.updated_at``: joining,
    graduating). Simulated labelers are never quiet: the crowd serves them whenever there is work.

    Args:
        audience_id: Only graduated members of this audience; ``None`` for the whole population (the global
            audience, where everyone is graduated).
        since: The start of the activity window.
    """
    stmt = select(Labeler.id).where(
        Labeler.kind == "human",
        Labeler.created_at < since,
        ~exists().where(LabelerSession.labeler_id == Labeler.id, LabelerSession.created_at >= since),
        ~exists().where(Response.labeler_id == Labeler.id, Response.created_at >= since),
        ~exists().where(ExampleAnswer.labeler_id == Labeler.id, ExampleAnswer.created_at >= since),
    )
    if audience_id is not None:
        stmt = stmt.join(AudienceMember, AudienceMember.labeler_id == Labeler.id).where(
            AudienceMember.audience_id == audience_id,
            AudienceMember.state == "Graduated",
            AudienceMember.updated_at < since,
        )
    return set(session.scalars(stmt))
