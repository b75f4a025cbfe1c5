"""``rapidata.rapidata_client.exceptions`` under our package name (the docs import it from there)."""

from __future__ import annotations

from rapidata_nb.client.exceptions import (
    AssetWarning,
    FailedUpload,
    FailedUploadException,
    RapidataError,
    RevisionConflictError,
)

__all__ = ["AssetWarning", "FailedUpload", "FailedUploadException", "RapidataError", "RevisionConflictError"]
