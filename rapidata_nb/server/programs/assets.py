"""The human-readable key of a stored asset in program results.

A result names an asset by its source URL, else its original file name, else its identifier (wire notes
§1.5, the same fallback the official SDK applies to flow results).
"""

from __future__ import annotations

from typing import Any

__all__ = ["asset_key"]


def asset_key(stored: dict[str, Any], *, fallback: str) -> str:
    """Source URL, else original file name, else text/identifier, else ``fallback``."""
    metadata = stored.get("metadata") or {}
    url = (metadata.get("sourceUrl") or {}).get("url")
    original = (metadata.get("originalFilename") or {}).get("originalFilename")
    return str(url or original or stored.get("text") or stored.get("identifier") or fallback)
