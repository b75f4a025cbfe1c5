"""Asset uploads (``/asset/...``) and stored asset files (``/assets/{fileName}``)."""

from __future__ import annotations

import re
from typing import Annotated

import orjson
from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from rapidata_nb.api.models import (
    BatchUploadResult,
    BatchUploadStatus,
    CreateBatchUploadInput,
    CreateBatchUploadOutput,
    UploadAssetOutput,
)
from rapidata_nb.server.deps import CurrentUser, OptionalUser, SessionDep
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.loaders import BatchUploadDep
from rapidata_nb.server.security import check_upload
from rapidata_nb.server.store import assets as store
from rapidata_nb.server.store.models import BatchUpload

router = APIRouter(tags=["asset"])

_MAX_FILE_BYTES = 200 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _batch_result(session: SessionDep, batch: BatchUpload) -> Response:
    """The ``BatchUploadResult`` of one batch, encoded directly: up to 5,000 items, and validating each
    through the response model cost more than reading them (issue 14)."""
    items = store.batch_items(session=session, batch_id=batch.id)
    completed = sum(status == "Completed" for _, status, _, _ in items)
    failed = sum(status == "Failed" for _, status, _, _ in items)
    document = {
        "batchUploadId": batch.id,
        "status": "Completed",
        "totalCount": len(items),
        "completedCount": completed,
        "failedCount": failed,
        "items": [
            {
                "url": url,
                "fileName": file_name,
                "warnings": [],
                "status": status,
                "errorMessage": error_message,
                "stage": "Validation" if status == "Failed" else None,
                "upstreamHttpStatus": None,
            }
            for url, status, file_name, error_message in items
        ],
    }
    return Response(orjson.dumps(document), media_type="application/json")


@router.post("/asset/file")
def upload_file(
    file: Annotated[UploadFile, File()], session: SessionDep, user: CurrentUser
) -> UploadAssetOutput:
    """Store an uploaded file (content-addressed) and return its ``fileName``."""
    data = file.file.read(_MAX_FILE_BYTES + 1)
    if len(data) > _MAX_FILE_BYTES:
        raise BadRequestError(f"file: larger than {_MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data:
        raise BadRequestError("file: the uploaded file is empty")
    check_upload(file.filename or "file", file.content_type, data[:512])
    asset = store.store_file(
        session=session,
        owner_id=user.customer_id,
        data=data,
        filename=file.filename or "file",
        content_type=file.content_type,
    )
    return UploadAssetOutput(
        file_name=asset.file_name, original_size_bytes=len(data), final_size_bytes=len(data)
    )


@router.post("/asset/url")
def upload_url(url: Annotated[str, Query()], session: SessionDep, user: CurrentUser) -> UploadAssetOutput:
    """Register a URL asset by reference (it is never downloaded)."""
    if not store.is_http_url(url):
        raise BadRequestError(f"url: '{url}' is not an http(s) URL")
    asset = store.store_url(session=session, owner_id=user.customer_id, url=url)
    return UploadAssetOutput(file_name=asset.file_name)


@router.post("/asset/batch-upload")
def create_batch_upload(
    body: CreateBatchUploadInput, session: SessionDep, user: CurrentUser
) -> CreateBatchUploadOutput:
    """Register a batch of URLs; the batch completes immediately."""
    batch = store.create_batch_upload(
        session=session, owner_id=user.customer_id, urls=body.urls, correlation_id=body.correlation_id
    )
    return CreateBatchUploadOutput(batch_upload_id=batch.id)


@router.get("/asset/batch-upload/status")
def batch_upload_status(
    session: SessionDep, user: CurrentUser, correlation_id: Annotated[str, Query(alias="correlationId")]
) -> BatchUploadStatus:
    """Progress of every batch submitted under one correlation id."""
    batches = store.batches_for_correlation(
        session=session, owner_id=user.customer_id, correlation_id=correlation_id
    )
    if not batches:
        raise NotFoundError(f"correlationId: no batch upload with correlation id '{correlation_id}'")
    counts = store.batch_counts(session=session, batch_ids=[b.id for b in batches])
    return BatchUploadStatus(
        status="Completed",
        total_count=sum(counts.values()),
        completed_count=counts.get("Completed", 0),
        failed_count=counts.get("Failed", 0),
        completed_batches=[b.id for b in batches],
    )


@router.get("/asset/batch-upload/{batch_id}", response_model=BatchUploadResult)
def get_batch_upload(batch: BatchUploadDep, session: SessionDep) -> Response:
    """Items of one batch with their ``fileName``s."""
    return _batch_result(session, batch)


@router.post("/asset/batch-upload/{batch_id}/abort")
def abort_batch_upload(batch: BatchUploadDep) -> Response:
    """Abort a batch (batches complete immediately, so this only checks the id)."""
    return Response(status_code=204)


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, stop)`` of a single ``Range: bytes=a-b`` that fits the file; ``None`` for the whole file
    (no header, or several ranges, which a server may answer in full)."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        return max(size - int(last), 0), size
    start, stop = int(first), min(int(last) + 1 if last else size, size)
    return (start, stop) if start < stop else None


_MEDIA_DESTINATIONS = frozenset({"image", "video", "audio", "track"})
"""``Sec-Fetch-Dest`` values of a browser loading a file into a page (not navigating to it)."""


@router.get("/assets/{file_name}", response_model=None)
def get_asset_file(file_name: str, request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Serve a stored file (byte ranges for media players), or redirect to a URL asset.

    A URL asset redirects for its owner (bearer token) and for a browser loading it as an image or media
    (``Sec-Fetch-Dest``: the labeling app, widgets), never for a page navigation: our origin is no open
    redirect to whatever URL somebody registered.
    """
    asset = store.get_asset(session=session, file_name=file_name)
    if asset is None:
        raise NotFoundError(f"Asset '{file_name}' not found")
    if asset.kind == "url" and asset.url:
        owner = user is not None and user.customer_id == asset.owner_id
        if not owner and request.headers.get("sec-fetch-dest") not in _MEDIA_DESTINATIONS:
            raise NotFoundError(f"Asset '{file_name}' not found")
        return RedirectResponse(asset.url, status_code=302)
    assert asset.sha256 is not None
    if not store.chunk_count(session=session, sha256=asset.sha256):
        raise NotFoundError(f"Asset '{file_name}' has no stored file")
    size = int(asset.size or 0)
    span = _byte_range(request.headers.get("range"), size)
    start, stop = span or (0, size)
    headers = {
        "cache-control": "public, max-age=31536000, immutable",
        "accept-ranges": "bytes",
        "content-length": str(stop - start),
    }
    if span is not None:
        headers["content-range"] = f"bytes {start}-{stop - 1}/{size}"
    body = store.read_range(request.app.state.session_factory, sha256=asset.sha256, start=start, stop=stop)
    return StreamingResponse(
        body,
        status_code=206 if span else 200,
        media_type=asset.content_type or "application/octet-stream",
        headers=headers,
    )
