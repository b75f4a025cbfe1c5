"""Stored-asset dicts for program results, and the human-readable key of an asset.

A result names an asset by its source URL, else its original file name, else its identifier (wire notes
§1.5, the same fallback the official SDK applies to flow results).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from rapidata_nb.server.store.models import Asset

__all__ = ["asset_key", "stored_asset"]


def stored_asset(*, session: Session, asset: dict[str, Any]) -> dict[str, Any]:
    """The stored form (``FileAsset``/``TextAsset``/``MultiAsset``) of a wire asset input dict."""
    kind = asset.get("_t")
    if kind == "TextAssetInput":
        text = str(asset.get("text", ""))
        return {"_t": "TextAsset", "text": text, "metadata": {}, "identifier": text}
    if kind == "MultiAssetInput":
        inner = [stored_asset(session=session, asset=a) for a in asset.get("assets", [])]
        return {
            "_t": "MultiAsset",
            "assets": inner,
            "metadata": {},
            "identifier": ",".join(a["identifier"] for a in inner),
        }
    if kind == "ExistingAssetInput":
        name = str(asset.get("name", ""))
        row = session.get(Asset, name)
        metadata: dict[str, Any] = {}
        if row is not None and row.url:
            metadata["sourceUrl"] = {"_t": "SourceUrlMetadataModel", "url": row.url}
        elif row is not None:
            metadata["originalFilename"] = {
                "_t": "OriginalFilenameMetadata",
                "originalFilename": row.original_name,
            }
        return {"_t": "FileAsset", "fileName": name, "metadata": metadata, "identifier": name}
    return {"_t": "NullAsset", "metadata": {}, "identifier": ""}


def asset_key(stored: dict[str, Any], *, fallback: str) -> str:
    """Source URL, else original file name, else text/identifier, else ``fallback``."""
    metadata = stored.get("metadata") or {}
    url = (metadata.get("sourceUrl") or {}).get("url")
    original = (metadata.get("originalFilename") or {}).get("originalFilename")
    return str(url or original or stored.get("text") or stored.get("identifier") or fallback)
