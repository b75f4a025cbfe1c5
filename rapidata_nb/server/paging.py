"""Paged lists: the ``page``/``page_size`` query of every list endpoint and its ``PagedResult`` answer.

A list handler takes a :class:`Page` (``page: PageDep``, or ``Annotated[Page, Depends(page_query(100))]``
where the wire's default page is longer), picks its rows with :meth:`Page.select` (in SQL: count, sort,
offset and limit) or :meth:`Page.slice` (a list already in memory), and answers
``page.result(items, total=total)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import PagedResult
from rapidata_nb.server.errors import BadRequestError

__all__ = ["MAX_PAGE_SIZE", "Page", "PageDep", "page_query"]

T = TypeVar("T")

MAX_PAGE_SIZE = 1000
"""The largest ``page_size`` a list endpoint serves."""


@dataclass(frozen=True)
class Page:
    """The page a list request asks for: ``number`` counts from 1, ``size`` items per page."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.number - 1) * self.size

    def slice(self, rows: Sequence[T]) -> list[T]:
        """This page of a list held in memory."""
        return list(rows[self.offset : self.offset + self.size])

    def select(
        self,
        *,
        session: Session,
        stmt: Select[Any],
        columns: Mapping[str, Any],
        sort: Sequence[str] | None,
        default: str,
    ) -> tuple[int, list[Any]]:
        """The total and this page of a select of ORM rows, sorted by ``sort`` keys (``-key`` descending).

        Raises:
            BadRequestError: A sort key is not one of ``columns``.
        """
        total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
        order = []
        for key in sort or [default]:
            column = columns.get(key.lstrip("-"))
            if column is None:
                raise BadRequestError(f"sort: unknown sort key '{key}' (use {', '.join(sorted(columns))})")
            order.append(column.desc() if key.startswith("-") else column.asc())
        rows = session.scalars(stmt.order_by(*order).offset(self.offset).limit(self.size))
        return total, list(rows)

    def result(self, items: Iterable[T], *, total: int) -> PagedResult[T]:
        """The wire page: ``{total, page, pageSize, totalPages, items}``."""
        return PagedResult[T](
            total=total,
            page=self.number,
            page_size=self.size,
            total_pages=math.ceil(total / self.size),
            items=list(items),
        )


def page_query(default_size: int = 10) -> Callable[..., Page]:
    """A dependency reading the ``page`` (from 1) and ``page_size`` query parameters."""

    def page(
        page: Annotated[int, Query(ge=1)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = default_size,
    ) -> Page:
        """The requested page (``page_size`` defaults to the endpoint's usual page)."""
        return Page(number=page, size=page_size)

    return page


PageDep = Annotated[Page, Depends(page_query())]
"""The requested page, 10 items by default."""
