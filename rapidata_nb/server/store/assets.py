"""Repository of stored assets and batch uploads.

Files are content-addressed, and their bytes live in the database as chunks (:class:`AssetChunk`), so
replicas on one PostgreSQL serve each other's uploads and a backup of the database is a backup of the files.
URLs are stored by reference and never downloaded (DESIGN §7), so the server works offline with the docs'
``https://assets.rapidata.ai/...`` URLs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models.asset import (
    ExistingAssetInput,
    FileAsset,
    MultiAsset,
    MultiAssetInput,
    NullAsset,
    OriginalFilenameMetadata,
    SourceUrlMetadata,
    TextAsset,
    TextAssetInput,
    parse_asset_input,
)
from rapidata_nb.server.store.db import insert_ignoring_duplicates
from rapidata_nb.server.store.labeling import new_id
from rapidata_nb.server.store.models import Asset, AssetChunk, BatchUpload, BatchUploadItem

__all__ = [
    "CHUNK_BYTES",
    "batch_counts",
    "batch_items",
    "batches_for_correlation",
    "chunk_count",
    "create_batch_upload",
    "get_asset",
    "import_disk_files",
    "is_http_url",
    "original_name_of",
    "read_range",
    "store_file",
    "stored_asset",
    "store_url",
    "url_basename",
]

logger = logging.getLogger("rapidata_nb.server.store")

CHUNK_BYTES = 1 << 20
"""Bytes per stored chunk: a large file is written and served one chunk (one short query) at a time."""

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


def _store_bytes(session: Session, sha256: str, data: bytes) -> None:
    """The chunks of ``data``, once per content (a concurrent upload of the same bytes is a no-op)."""
    if chunk_count(session=session, sha256=sha256):
        return
    rows = [
        {"sha256": sha256, "seq": seq, "data": data[offset : offset + CHUNK_BYTES]}
        for seq, offset in enumerate(range(0, len(data), CHUNK_BYTES))
    ]
    insert_ignoring_duplicates(session, AssetChunk, rows)


def chunk_count(*, session: Session, sha256: str) -> int:
    """How many chunks of this content are stored (0: none)."""
    return int(session.scalar(select(func.count()).where(AssetChunk.sha256 == sha256)) or 0)


def read_range(
    session_factory: Callable[[], Session], *, sha256: str, start: int, stop: int
) -> Iterator[bytes]:
    """Bytes ``start`` to ``stop`` (exclusive) of a stored file, one chunk per short transaction, so that
    serving a large file holds no lock and no connection while the client reads."""
    for seq in range(start // CHUNK_BYTES, (stop - 1) // CHUNK_BYTES + 1):
        with session_factory() as session:
            data = session.scalar(
                select(AssetChunk.data).where(AssetChunk.sha256 == sha256, AssetChunk.seq == seq)
            )
        if data is None:
            return
        base = seq * CHUNK_BYTES
        yield data[max(start - base, 0) : stop - base]


def import_disk_files(*, session: Session, assets_dir: Path) -> list[Path]:
    """Copy the files a server before asset chunks kept as ``<data_dir>/assets/<sha256>`` into the database.

    Returns the files whose bytes the database now holds: the caller deletes them once it has committed.
    """
    held = []
    for path in sorted(assets_dir.glob("*")) if assets_dir.is_dir() else []:
        if _SHA.match(path.name):
            _store_bytes(session, path.name, path.read_bytes())
            held.append(path)
    if held:
        logger.info("moved %d stored files from %s into the database", len(held), assets_dir)
    return held


def store_file(
    *, session: Session, owner_id: str, data: bytes, filename: str, content_type: str | None
) -> Asset:
    """Store a file's bytes (once per content) and return its asset row (one per content + name)."""
    sha = hashlib.sha256(data).hexdigest()
    file_name = f"{sha[:32]}_{_safe_name(filename)}"
    _store_bytes(session, sha, data)
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


def _url_file_name(url: str, basename: str) -> str:
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"{digest[:32]}_{_safe_name(basename)}"


def store_urls(*, session: Session, owner_id: str, urls: Sequence[str]) -> list[str]:
    """Register URL assets by reference (one insert for all that are new); their ``fileName``s in order."""
    bases = [url_basename(url) for url in urls]
    names = [_url_file_name(url, base) for url, base in zip(urls, bases, strict=True)]
    rows = {
        name: {"file_name": name, "owner_id": owner_id, "kind": "url", "url": url, "original_name": base}
        for name, url, base in zip(names, urls, bases, strict=True)
    }
    insert_ignoring_duplicates(session, Asset, list(rows.values()))
    return names


def store_url(*, session: Session, owner_id: str, url: str) -> Asset:
    """Register a URL asset by reference and return its row."""
    (file_name,) = store_urls(session=session, owner_id=owner_id, urls=[url])
    asset = session.get(Asset, file_name)
    assert asset is not None
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
    session.flush()
    fetchable = [url for url in urls if is_http_url(url)]
    names = dict(zip(fetchable, store_urls(session=session, owner_id=owner_id, urls=fetchable), strict=True))
    items = [
        {
            "batch_id": batch.id,
            "position": position,
            "url": url,
            "status": "Completed",
            "file_name": names[url],
            "error_message": None,
        }
        if url in names
        else {
            "batch_id": batch.id,
            "position": position,
            "url": url,
            "status": "Failed",
            "file_name": None,
            "error_message": "Not an http(s) URL",
        }
        for position, url in enumerate(urls)
    ]
    if items:
        session.execute(insert(BatchUploadItem.__table__), items)
    return batch


def batch_items(*, session: Session, batch_id: str) -> list[tuple[str, str, str | None, str | None]]:
    """``(url, status, file_name, error_message)`` of a batch's items in submission order (plain rows: a
    batch holds up to 5,000 and its answer needs no ORM object)."""
    stmt = (
        select(
            BatchUploadItem.url,
            BatchUploadItem.status,
            BatchUploadItem.file_name,
            BatchUploadItem.error_message,
        )
        .where(BatchUploadItem.batch_id == batch_id)
        .order_by(BatchUploadItem.position)
    )
    return [tuple(row) for row in session.execute(stmt)]  # type: ignore[misc]


def batch_counts(*, session: Session, batch_ids: Sequence[str]) -> dict[str, int]:
    """Items of the given batches by status (``{"Completed": n, "Failed": m}``), counted in the database."""
    if not batch_ids:
        return {}
    stmt = (
        select(BatchUploadItem.status, func.count())
        .where(BatchUploadItem.batch_id.in_(list(batch_ids)))
        .group_by(BatchUploadItem.status)
    )
    return {status: int(n) for status, n in session.execute(stmt)}


def batches_for_correlation(*, session: Session, owner_id: str, correlation_id: str) -> list[BatchUpload]:
    """Batches submitted under one correlation id."""
    stmt = (
        select(BatchUpload)
        .where(BatchUpload.correlation_id == correlation_id, BatchUpload.owner_id == owner_id)
        .order_by(BatchUpload.created_at)
    )
    return list(session.scalars(stmt))


def stored_asset(*, session: Session, asset: Mapping[str, Any] | None) -> dict[str, Any]:
    """The API's stored form (``FileAsset``/``TextAsset``/``MultiAsset``/``NullAsset``) of an asset input.

    One builder for every route that shows stored assets (examples, flows, benchmarks, participants), with
    the metadata tags the official SDK reads: ``sourceUrl`` for URL assets, ``originalFilename`` for every
    file.
    """
    return _stored(session, parse_asset_input(asset)).wire()


def _stored(
    session: Session, asset: ExistingAssetInput | TextAssetInput | MultiAssetInput | None
) -> FileAsset | TextAsset | MultiAsset | NullAsset:
    if asset is None:
        return NullAsset()
    if isinstance(asset, TextAssetInput):
        return TextAsset(text=asset.text, identifier=asset.text)
    if isinstance(asset, MultiAssetInput):
        inner = [_stored(session, a) for a in asset.assets]
        return MultiAsset(assets=inner, identifier=",".join(a.identifier for a in inner))
    row = session.get(Asset, asset.name)
    metadata: dict[str, Any] = {}
    if row is not None and row.url:
        metadata["sourceUrl"] = SourceUrlMetadata(url=row.url)
    if row is not None:
        metadata["originalFilename"] = OriginalFilenameMetadata(original_filename=row.original_name)
    return FileAsset(file_name=asset.name, metadata=metadata, identifier=asset.name)
