"""Uploading assets and datapoints.

- Text datapoints are never uploaded (they travel inline as ``TextAssetInput``).
- URLs go through the batch endpoint (``POST /asset/batch-upload``), ``batchSize`` URLs per batch, polled
  every ``batchPollInterval`` seconds; the returned ``fileName`` is cached in memory per process.
- Local files go to ``POST /asset/file`` in parallel (``maxWorkers`` threads), retried with backoff up to
  ``maxRetries`` times on transient errors. The returned ``fileName`` is cached on disk (SQLite under
  ``cacheLocation``) keyed by ``{environment}@{path}:{size}:{mtime_ns}{compression}``, so a file that did not
  change is not sent again in a later session.
- Datapoints are created ``DATAPOINT_BATCH_SIZE`` at a time with ``POST /dataset/{id}/datapoints`` (our
  server's batch path). The server applies a batch all or none and names every invalid item; those items
  become ``FailedUpload`` records with the server's message and the rest of the batch is sent again, so
  the outcome is the same as one request per datapoint: the bad items fail, the others are stored. When
  the server has no batch path (404/405, e.g. the hosted API) the client falls back to one
  ``POST /dataset/{id}/datapoint`` per datapoint over ``maxWorkers`` threads.

``RapidataDataset.add_datapoints(datapoints) -> (successful, failed)`` is the entry point; failures are
``FailedUpload`` records, never exceptions, so the caller decides what to do with partial success.
"""

from __future__ import annotations

import mimetypes
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rapidata_nb._gc import collection_paused
from rapidata_nb.client._datapoint import Datapoint, existing_asset, is_url
from rapidata_nb.client.exceptions import FailedUpload, RapidataError
from rapidata_nb.config import logger, rapidata_config

if TYPE_CHECKING:
    from rapidata_nb.client._context import ClientContext

__all__ = ["AssetUploader", "RapidataDataset", "UploadCache"]

ASSET_FAILED = "One or more required assets failed to upload"
DATAPOINT_BATCH_SIZE = 1000
"""Datapoints per ``POST /dataset/{id}/datapoints`` request (our server takes up to 5,000)."""
_BATCH_WORKERS = 2
_BATCH_PREFIX = re.compile(r"^datapoints\[\d+\]\.")
_BATCH_DEADLINE_S = 600.0


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar (auto: widget in notebooks, text elsewhere), disabled in silent mode."""
    from tqdm.auto import tqdm

    return tqdm(
        total=total, desc=desc, disable=rapidata_config.logging.silent_mode or total == 0, leave=False
    )


class UploadCache:
    """A tiny persistent key → fileName cache in one SQLite file (WAL), safe across threads and processes.

    Any cache error (locked past ``cacheTimeout``, unreadable file) only disables the cache for that call.
    """

    def __init__(self, location: Path, timeout: float) -> None:
        self.path = Path(location).expanduser() / "uploads.sqlite3"
        self.timeout = timeout
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS uploads (key TEXT PRIMARY KEY, file_name TEXT, at REAL)")
            self._local.conn = conn
        return conn

    def get(self, key: str) -> str | None:
        """The cached fileName, or ``None``."""
        try:
            row = self._conn().execute("SELECT file_name FROM uploads WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            logger.debug("upload cache read failed: %s", exc)
            return None
        return row[0] if row else None

    def set(self, key: str, file_name: str) -> None:
        """Remember ``file_name`` for ``key``."""
        try:
            self._conn().execute(
                "INSERT OR REPLACE INTO uploads (key, file_name, at) VALUES (?, ?, ?)",
                (key, file_name, time.time()),
            )
        except sqlite3.Error as exc:
            logger.debug("upload cache write failed: %s", exc)

    def clear(self) -> None:
        """Forget everything."""
        try:
            self._conn().execute("DELETE FROM uploads")
        except sqlite3.Error as exc:
            logger.debug("upload cache clear failed: %s", exc)


class AssetUploader:
    """Uploads media once and remembers the server's ``fileName`` for each."""

    _url_cache: ClassVar[dict[str, str]] = {}
    _memory_file_cache: ClassVar[dict[str, str]] = {}
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, ctx: ClientContext) -> None:
        self.ctx = ctx
        self._disk: UploadCache | None = None

    # --- cache keys ---------------------------------------------------------------------------------

    @property
    def _namespace(self) -> str:
        return self.ctx.cache_namespace or self.ctx.environment

    @staticmethod
    def _compression_suffix() -> str:
        c = rapidata_config.upload.compression
        return c.cache_suffix() if c is not None else ""

    @staticmethod
    def _compression_params() -> dict[str, str]:
        c = rapidata_config.upload.compression
        return c.query_params() if c is not None else {}

    def _url_key(self, url: str) -> str:
        return f"{self._namespace}@{url}{self._compression_suffix()}"

    def _file_key(self, path: Path) -> str:
        stat = path.stat()
        identity = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        return f"{self._namespace}@{identity}{self._compression_suffix()}"

    def _disk_cache(self) -> UploadCache | None:
        if not rapidata_config.upload.cacheToDisk:
            return None
        if self._disk is None:
            self._disk = UploadCache(
                rapidata_config.upload.cacheLocation, rapidata_config.upload.cacheTimeout
            )
        return self._disk

    def _file_cache_get(self, key: str) -> str | None:
        disk = self._disk_cache()
        if disk is not None:
            return disk.get(key)
        with self._cache_lock:
            return self._memory_file_cache.get(key)

    def _file_cache_set(self, key: str, name: str) -> None:
        disk = self._disk_cache()
        if disk is not None:
            disk.set(key, name)
            return
        with self._cache_lock:
            self._memory_file_cache[key] = name

    def clear_cache(self) -> None:
        """Forget every cached upload (memory and disk)."""
        with self._cache_lock:
            self._url_cache.clear()
            self._memory_file_cache.clear()
        disk = self._disk_cache()
        if disk is not None:
            disk.clear()

    # --- single assets (examples, group contexts) -------------------------------------------------

    def upload(self, asset: str) -> str:
        """Upload one asset (URL via ``/asset/url``, file via ``/asset/file``) and return its fileName."""
        if is_url(asset):
            key = self._url_key(asset)
            with self._cache_lock:
                cached = self._url_cache.get(key)
            if cached:
                return cached
            body = self.ctx.transport.request(
                "POST",
                "/asset/url",
                params={"url": asset, **self._compression_params()},
                max_retries=rapidata_config.upload.maxRetries,
            )
            name = _file_name(body, asset)
            with self._cache_lock:
                self._url_cache[key] = name
            return name
        return self._upload_file(asset)

    def _upload_file(self, asset: str) -> str:
        path = Path(asset).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"File not found: {asset!r}. Pass an existing local path, an http(s) URL, "
                "or data_type='text' "
                "for text datapoints."
            )
        key = self._file_key(path)
        cached = self._file_cache_get(key)
        if cached:
            return cached
        content = path.read_bytes()
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = self.ctx.transport.request(
            "POST",
            "/asset/file",
            files={"file": (path.name, content, mime)},
            params=self._compression_params(),
            max_retries=rapidata_config.upload.maxRetries,
        )
        name = _file_name(body, asset)
        self._file_cache_set(key, name)
        return name

    # --- many assets ----------------------------------------------------------------------------------

    def upload_many(
        self, assets: Sequence[str], on_done: Callable[[str, str | FailedUpload[str]], None] | None = None
    ) -> dict[str, str | FailedUpload[str]]:
        """Upload unique ``assets``: asset → fileName or ``FailedUpload`` (one asset never raises)."""
        unique = list(dict.fromkeys(assets))
        results: dict[str, str | FailedUpload[str]] = {}
        lock = threading.Lock()

        def done(asset: str, outcome: str | FailedUpload[str]) -> None:
            with lock:
                results[asset] = outcome
            if on_done is not None:
                on_done(asset, outcome)

        urls = [a for a in unique if is_url(a)]
        files = [a for a in unique if not is_url(a)]
        url_thread: threading.Thread | None = None
        if urls:
            url_thread = threading.Thread(target=self._upload_urls, args=(urls, done), daemon=True)
            url_thread.start()
        if files:
            with ThreadPoolExecutor(max_workers=rapidata_config.upload.maxWorkers) as pool:
                futures = {pool.submit(self._upload_file, f): f for f in files}
                for future in as_completed(futures):
                    asset = futures[future]
                    try:
                        done(asset, future.result())
                    except Exception as exc:  # one asset failing must not stop the others
                        done(asset, FailedUpload.from_exception(asset, exc, stage="asset"))
        if url_thread is not None:
            url_thread.join()
        return results

    def _upload_urls(self, urls: list[str], done: Callable[[str, str | FailedUpload[str]], None]) -> None:
        pending: list[str] = []
        for url in urls:
            with self._cache_lock:
                cached = self._url_cache.get(self._url_key(url))
            if cached:
                done(url, cached)
            else:
                pending.append(url)
        if not pending:
            return
        try:
            self._batch_upload(pending, done)
        except Exception as exc:
            for url in pending:
                done(url, FailedUpload.from_exception(url, exc, stage="asset"))

    def _batch_upload(self, urls: list[str], done: Callable[[str, str | FailedUpload[str]], None]) -> None:
        transport = self.ctx.transport
        size = rapidata_config.upload.batchSize
        correlation_id = str(uuid.uuid4())
        compression = rapidata_config.upload.compression
        batch_ids: list[str] = []
        for start in range(0, len(urls), size):
            body: dict[str, Any] = {"urls": urls[start : start + size], "correlationId": correlation_id}
            if compression is not None and compression.is_set():
                body["compression"] = {
                    "enabled": compression.enabled,
                    "quality": compression.quality,
                    "maxDimension": compression.max_dimension,
                }
            with collection_paused():  # one batch of at most 5,000 URLs (rapidata_nb._gc)
                answer = transport.request("POST", "/asset/batch-upload", json=body)
            batch_ids.append(str((answer or {}).get("batchUploadId")))
        remaining = set(urls)
        fetched: set[str] = set()
        deadline = time.monotonic() + _BATCH_DEADLINE_S
        while len(fetched) < len(batch_ids):
            status = (
                transport.request(
                    "GET", "/asset/batch-upload/status", params={"correlationId": correlation_id}
                )
                or {}
            )
            for batch_id in status.get("completedBatches") or []:
                batch_id = str(batch_id)
                if batch_id in fetched or batch_id not in batch_ids:
                    continue
                fetched.add(batch_id)
                with collection_paused():
                    items = (transport.request("GET", f"/asset/batch-upload/{batch_id}") or {}).get(
                        "items"
                    ) or []
                for item in items:
                    url = item.get("url")
                    if url not in remaining:
                        continue
                    remaining.discard(url)
                    if item.get("status") == "Completed" and item.get("fileName"):
                        with self._cache_lock:
                            self._url_cache[self._url_key(url)] = item["fileName"]
                        done(url, item["fileName"])
                    else:
                        done(
                            url,
                            FailedUpload(
                                item=url,
                                error_message=item.get("errorMessage")
                                or f"URL upload {item.get('status', 'failed')}",
                                error_type="AssetUploadFailed",
                                stage=item.get("stage") or "asset",
                                http_status=item.get("upstreamHttpStatus"),
                            ),
                        )
            if len(fetched) >= len(batch_ids):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Batch upload {correlation_id} did not finish within {_BATCH_DEADLINE_S:.0f}s"
                )
            time.sleep(rapidata_config.upload.batchPollInterval)
        for url in remaining:
            done(
                url,
                FailedUpload(
                    item=url,
                    error_message="The batch upload did not report this URL",
                    error_type="AssetUploadFailed",
                    stage="asset",
                ),
            )


def _item_errors(exc: RapidataError) -> dict[int, str] | None:
    """The per-item errors of a rejected batch (``{index: message}``), or ``None`` when there are none."""
    details = exc.details if isinstance(exc.details, dict) else {}
    items = details.get("errors")
    if exc.status_code != 400 or not isinstance(items, list) or not items:
        return None
    out: dict[int, str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("index"), int):
            return None
        index = item["index"]
        out[index] = _BATCH_PREFIX.sub("", str(item.get("message") or exc.message), count=1)
    return out


def _file_name(body: Any, asset: str) -> str:
    name = (body or {}).get("fileName") if isinstance(body, dict) else None
    if not name:
        raise RapidataError(message=f"The server returned no fileName for {asset!r}", details=body)
    return str(name)


class RapidataDataset:
    """The dataset behind a job definition.

    Attributes:
        id: The dataset id.
    """

    def __init__(self, dataset_id: str, ctx: ClientContext) -> None:
        self.id = dataset_id
        self._ctx = ctx

    def __repr__(self) -> str:
        return f"RapidataDataset(id={self.id!r})"

    def add_datapoints(
        self, datapoints: Sequence[Datapoint]
    ) -> tuple[list[Datapoint], list[FailedUpload[Datapoint]]]:
        """Upload the datapoints' assets and create the datapoints.

        Returns:
            ``(successful, failed)``: the datapoints created, and one ``FailedUpload`` per datapoint that
            was not.
        """
        datapoints = list(datapoints)
        if not datapoints:
            return [], []
        for i, dp in enumerate(datapoints):
            if dp._sort_index is None:
                dp._sort_index = i
        assets = [a for dp in datapoints for a in dp.media_assets()]
        bar = _progress(len(set(assets)), "Step 1/2: Uploading assets")
        try:
            outcomes = self._ctx.uploader.upload_many(assets, on_done=lambda _a, _o: bar.update(1))
        finally:
            bar.close()
        names = {a: o for a, o in outcomes.items() if isinstance(o, str)}
        ready: list[Datapoint] = []
        failed: list[FailedUpload[Datapoint]] = []
        for dp in datapoints:
            broken = [o for a in dp.media_assets() if isinstance(o := outcomes.get(a), FailedUpload)]
            if broken:
                failed.append(
                    FailedUpload(
                        item=dp,
                        error_message=ASSET_FAILED,
                        error_type="AssetUploadFailed",
                        exception=broken[0].exception,
                        stage="asset",
                        http_status=broken[0].http_status,
                        trace_id=broken[0].trace_id,
                    )
                )
            else:
                ready.append(dp)
        successful, creation_failures = self._create(ready, names)
        return successful, failed + creation_failures

    def _create(
        self, datapoints: list[Datapoint], names: dict[str, str]
    ) -> tuple[list[Datapoint], list[FailedUpload[Datapoint]]]:
        successful: list[Datapoint] = []
        failed: list[FailedUpload[Datapoint]] = []
        if not datapoints:
            return successful, failed
        bar = _progress(len(datapoints), "Step 2/2: Creating datapoints")
        try:
            chunks = [
                datapoints[start : start + DATAPOINT_BATCH_SIZE]
                for start in range(0, len(datapoints), DATAPOINT_BATCH_SIZE)
            ]
            # The first chunk probes for the batch endpoint; without it everything goes one by one.
            first = self._create_batch(chunks[0], names)
            if first is None:
                ok, bad = self._create_one_by_one(datapoints, names, bar)
                successful, failed = ok, bad
            else:
                successful.extend(first[0])
                failed.extend(first[1])
                bar.update(len(chunks[0]))
                with ThreadPoolExecutor(max_workers=_BATCH_WORKERS) as pool:
                    futures = {pool.submit(self._create_batch, chunk, names): chunk for chunk in chunks[1:]}
                    for future in as_completed(futures):
                        chunk = futures[future]
                        outcome = future.result()
                        if outcome is None:  # the server stopped answering the batch path: one by one
                            outcome = self._create_one_by_one(chunk, names, None)
                        successful.extend(outcome[0])
                        failed.extend(outcome[1])
                        bar.update(len(chunk))
        finally:
            bar.close()
        successful.sort(key=lambda d: d._sort_index or 0)
        return successful, failed

    def _create_batch(
        self, chunk: list[Datapoint], names: dict[str, str]
    ) -> tuple[list[Datapoint], list[FailedUpload[Datapoint]]] | None:
        """Create ``chunk`` with ``POST /dataset/{id}/datapoints``; ``None`` when the server lacks that path.

        The server applies a batch all or none and names every invalid item; those fail here with the
        server's message and the rest is sent again. A 4xx without per-item errors (e.g. a body the server
        cannot parse) returns ``None`` so the caller falls back to one request per datapoint, which reports
        each item's own error. Re-sending is safe: the server returns existing datapoints for repeats.
        """
        failed: list[FailedUpload[Datapoint]] = []
        pending = list(chunk)
        while pending:
            try:
                # up to DATAPOINT_BATCH_SIZE datapoints' wire dicts, and on the embedded backend the server's
                # parse of them: many acyclic containers, built without cyclic collections (rapidata_nb._gc)
                with collection_paused():
                    self._ctx.transport.request(
                        "POST",
                        f"/dataset/{self.id}/datapoints",
                        json={"datapoints": [dp._to_wire(names) for dp in pending]},
                        max_retries=rapidata_config.upload.maxRetries,
                    )
            except RapidataError as exc:
                errors = _item_errors(exc)
                if errors is None:
                    if exc.status_code is not None and 400 <= exc.status_code < 500:
                        return None  # no batch endpoint (404/405) or a body it rejects as a whole
                    return [], failed + [
                        FailedUpload.from_exception(dp, exc, stage="datapoint") for dp in pending
                    ]
                for index, message in errors.items():
                    failed.append(
                        FailedUpload(
                            item=pending[index],
                            error_message=message,
                            error_type="RapidataError",
                            exception=exc,
                            trace_id=exc.trace_id,
                            stage="datapoint",
                            http_status=exc.status_code,
                        )
                    )
                pending = [dp for i, dp in enumerate(pending) if i not in errors]
                continue
            return pending, failed
        return [], failed

    def _create_one_by_one(
        self, datapoints: list[Datapoint], names: dict[str, str], bar: Any
    ) -> tuple[list[Datapoint], list[FailedUpload[Datapoint]]]:
        """The official protocol: one ``POST /dataset/{id}/datapoint`` per datapoint, in parallel."""
        successful: list[Datapoint] = []
        failed: list[FailedUpload[Datapoint]] = []

        def create(dp: Datapoint) -> None:
            self._ctx.transport.request(
                "POST",
                f"/dataset/{self.id}/datapoint",
                json=dp._to_wire(names),
                max_retries=rapidata_config.upload.maxRetries,
            )

        with ThreadPoolExecutor(max_workers=rapidata_config.upload.maxWorkers) as pool:
            futures = {pool.submit(create, dp): dp for dp in datapoints}
            for future in as_completed(futures):
                dp = futures[future]
                try:
                    future.result()
                    successful.append(dp)
                except Exception as exc:
                    failed.append(FailedUpload.from_exception(dp, exc, stage="datapoint"))
                if bar is not None:
                    bar.update(1)
        return successful, failed

    def add_group_context(self, group: str, context: str | None, media_context: list[str] | None) -> None:
        """Attach a shared context (text and/or media) to a ranking group."""
        segments: list[dict[str, Any]] = []
        if context:
            segments.append({"key": "context", "kind": "Text", "text": context})
        if media_context:
            names = [self._ctx.uploader.upload(a) for a in media_context]
            segments.append({"key": "context_asset", "kind": "Asset", "asset": existing_asset(names)})
        if segments:
            self._ctx.transport.request(
                "POST", f"/dataset/{self.id}/group", json={"group": group, "segments": segments}
            )
