"""Base class of every wire model: snake_case in Python, camelCase on the wire.

Polymorphic objects carry a ``_t`` tag. Each variant declares
``t: Literal["CountryFilter"] = Field("CountryFilter", alias="_t")`` and unions are discriminated on ``t``.
Dump with ``model_dump(by_alias=True, mode="json")`` (or :func:`dump`). The tag counts as set, so a dump with
``exclude_unset=True`` (what the client sends: only the fields it gave) still carries ``_t``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_camel

__all__ = ["TAG", "WireModel", "dump", "tag_of", "variant"]

TAG = "_t"
"""The wire key of a polymorphic object's type tag."""

M = TypeVar("M", bound=BaseModel)


class WireModel(BaseModel):
    """A pydantic model whose field names are camelCase on the wire and unknown fields are ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        # Every time on the wire is UTC and serialises with ``Z``; a time sent without an offset means UTC.
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    def model_post_init(self, context: Any, /) -> None:
        # The `_t` tag is part of the value, never "not given": count it as set (also under model_construct).
        if "t" in type(self).model_fields:
            self.model_fields_set.add("t")

    def wire(self, *, exclude_unset: bool = False) -> dict[str, Any]:
        """Return the JSON-ready wire dict (camelCase keys, `_t` tags)."""
        return self.model_dump(by_alias=True, mode="json", exclude_unset=exclude_unset)


def dump(model: BaseModel, *, exclude_unset: bool = False) -> dict[str, Any]:
    """Dump any wire model as a JSON-ready dict with wire aliases."""
    return model.model_dump(by_alias=True, mode="json", exclude_unset=exclude_unset)


# --- reading tags without a full parse ----------------------------------------------------------------------


def tag_of(model: type[BaseModel]) -> str | None:
    """The ``_t`` tag a model declares (``None`` for an untagged model)."""
    field = model.model_fields.get("t")
    return field.default if field is not None and field.alias == TAG else None


def variant(data: Any, *models: type[M]) -> type[M] | None:
    """Which of ``models`` the wire dict ``data`` is, by its tag alone (``None``: no tag, or another one).

    For replies that may hold fields or variants we do not model (a cloud's stored workflows and assets): the
    kind is told without validating the rest, and the dict can be sent back unchanged.
    """
    tag = data.get(TAG) if isinstance(data, Mapping) else None
    return next((m for m in models if tag is not None and tag_of(m) == tag), None)
