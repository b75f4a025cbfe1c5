"""Repository of stored assets and batch uploads.

Files are content-addressed on disk (``<data_dir>/assets/<sha256>``); URLs are stored by reference and never
downloaded (DESIGN §7), so the server works offline with the docs' ``https://assets.rapidata.ai/...`` URLs.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.server.store.labeling import new_id
from rapidata_nb.server.store.models import Asset, BatchUpload, BatchUploadItem

__all__ = [
    "batch_items",
    "batches_for_correlation",
    "blob_path",
    "create_batch_upload",
    "get_asset",
    "is_http_url",
    "original_name_of",
    "store_file",
    "store_url",
    "url_basename",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _safe_name(name: str) -> str:
    name = _UNSAFE.sub("_", PurePosixPath(name.replace("\\", "/")).name).strip("._") or "file"
    return name[-120:]


def is_http_url(url: str) -> bool:
    """True for ``http(s)://host/...`` URLs."""
    parsed = urlparse(url)
    return parsed.scheme.lower() in ("http", "https") and bool(parsed.netloc)


def url_basename(url: str) -> str:
    """The last path element of a URL (``https://x/a/cat.jpg?x=1`` → ``cat.jpg``), else the host."""
    parsed = urlparse(url)
    name = unquote(PurePosixPath(parsed.path).name)
    return name or parsed.netloc


def blob_path(assets_dir: Path, sha256: str) -> Path:
    """Where the blob with this sha256 lives."""
    if not _SHA.match(sha256):
        raise ValueError("not a sha256")
    return assets_dir / sha256


def store_file(
    *, session: Session, assets_dir: Path, owner_id: str, data: bytes, filename: str, content_type: str | None
) -> Asset:
    """Store a file blob (once per content) and return its asset row (one per content + name)."""
    sha = hashlib.sha256(data).hexdigest()
    file_name = f"{sha[:32]}_{_safe_name(filename)}"
    path = blob_path(assets_dir, sha)
    if not path.exists():
        assets_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    asset = session.get(Asset, file_name)
    if asset is None:
        asset = Asset(
            file_name=file_name,
            owner_id=owner_id,
            kind="file",
            sha256=sha,
            original_name=PurePosixPath(filename.replace("\\", "/")).name or "file",
            content_type=content_type,
            size=len(data),
        )
        session.add(asset)
        session.flush()
    return asset


def store_url(*, session: Session, owner_id: str, url: str) -> Asset:
    """Register a URL asset by reference and return its row."""
    digest = hashlib.sha256(url.encode()).hexdigest()
    file_name = f"{digest[:32]}_{_safe_name(url_basename(url))}"
    asset = session.get(Asset, file_name)
    if asset is None:
        asset = Asset(
            file_name=file_name, owner_id=owner_id, kind="url", url=url, original_name=url_basename(url)
        )
        session.add(asset)
        session.flush()
    return asset


def get_asset(*, session: Session, file_name: str) -> Asset | None:
    """The asset with this ``fileName``, if any."""
    return session.get(Asset, file_name)


def original_name_of(asset: Asset) -> str:
    """The name results use as the asset's key: original file name or URL basename."""
    return asset.original_name


def create_batch_upload(
    *, session: Session, owner_id: str, urls: list[str], correlation_id: str | None
) -> BatchUpload:
    """Register every URL of a batch (by reference, so the batch completes at once)."""
    batch = BatchUpload(id=new_id("bu"), owner_id=owner_id, correlation_id=correlation_id, status="Completed")
    session.add(batch)
    for position, url in enumerate(urls):
        if is_http_url(url):
            asset = store_url(session=session, owner_id=owner_id, url=url)
            item = BatchUploadItem(
                batch_id=batch.id, position=position, url=url, status="Completed", file_name=asset.file_name
            )
        else:
            item = BatchUploadItem(
                batch_id=batch.id,
                position=position,
                url=url,
                status="Failed",
                error_message="Not an http(s) URL",
            )
        session.add(item)
    session.flush()
    return batch


def batch_items(*, session: Session, batch_id: str) -> list[BatchUploadItem]:
    """Items of a batch in submission order."""
    stmt = (
        select(BatchUploadItem).where(BatchUploadItem.batch_id == batch_id).order_by(BatchUploadItem.position)
    )
    return list(session.scalars(stmt))


def batches_for_correlation(*, session: Session, owner_id: str, correlation_id: str) -> list[BatchUpload]:
    """Batches submitted under one correlation id."""
    stmt = (
        select(BatchUpload)
        .where(BatchUpload.correlation_id == correlation_id, BatchUpload.owner_id == owner_id)
        .order_by(BatchUpload.created_at)
    )
    return list(session.scalars(stmt))
