"""Paging, sorting and the owner's mail for the programs' list endpoints."""

from __future__ import annotations

import math
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.store.models import Customer

__all__ = ["owner_mail", "page_of", "total_pages"]

T = TypeVar("T")


def total_pages(total: int, page_size: int) -> int:
    """Number of pages (at least 1)."""
    return max(1, math.ceil(total / page_size))


def page_of(
    *,
    session: Session,
    stmt: Select[Any],
    columns: dict[str, Any],
    sort: list[str],
    default: str,
    page: int,
    page_size: int,
) -> tuple[int, list[Any]]:
    """Count, sort (``-key`` descending) and slice a select of ORM rows."""
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    order = []
    for key in sort or [default]:
        column = columns.get(key.lstrip("-"))
        if column is None:
            raise BadRequestError(f"sort: unknown sort key '{key}' (use {', '.join(sorted(columns))})")
        order.append(column.desc() if key.startswith("-") else column.asc())
    rows = list(session.scalars(stmt.order_by(*order).offset((page - 1) * page_size).limit(page_size)))
    return total, rows


def owner_mail(session: Session, owner_id: str) -> str:
    """The owner's e-mail address ('' when unknown)."""
    customer = session.get(Customer, owner_id)
    return customer.email if customer is not None else ""
