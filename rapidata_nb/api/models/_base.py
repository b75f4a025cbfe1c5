"""Base class of every wire model: snake_case in Python, camelCase on the wire.

Polymorphic objects carry a ``_t`` tag. Each variant declares
``t: Literal["CountryFilter"] = Field("CountryFilter", alias="_t")`` and unions are discriminated on ``t``.
Dump with ``model_dump(by_alias=True, mode="json")`` (or :func:`dump`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_camel

__all__ = ["WireModel", "dump"]


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

    def wire(self, *, exclude_unset: bool = False) -> dict[str, Any]:
        """Return the JSON-ready wire dict (camelCase keys, `_t` tags)."""
        return self.model_dump(by_alias=True, mode="json", exclude_unset=exclude_unset)


def dump(model: BaseModel, *, exclude_unset: bool = False) -> dict[str, Any]:
    """Dump any wire model as a JSON-ready dict with wire aliases."""
    return model.model_dump(by_alias=True, mode="json", exclude_unset=exclude_unset)
