"""Shapes shared by every resource: paged results and the error body."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import ConfigDict

from rapidata_nb.api.models._base import WireModel

__all__ = ["ErrorBody", "FeatureFlag", "PagedResult"]

T = TypeVar("T")


class PagedResult(WireModel, Generic[T]):
    """One page of a list endpoint: ``{total, page, pageSize, totalPages, items}``."""

    total: int
    page: int
    page_size: int
    total_pages: int | None = None
    items: list[T]


class ErrorBody(WireModel):
    """Every non-2xx response body: ``{message, traceId}`` (extra keys such as ``latestRevisionNumber``
    allowed)."""

    model_config = ConfigDict(extra="allow")

    message: str
    trace_id: str | None = None


class FeatureFlag(WireModel):
    """A setting on the wire: ``{key, value}``, both strings."""

    key: str
    value: str
