"""Repository of datasets, datapoints and ranking groups.

Each datapoint gets a stable ``content_key``: the sha256 of the identities of its ``asset`` segment (file
sha256, URL or text, in order). The crowd derives latent truths and labeler order from it (DESIGN §7).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import (
    CreateDatapointInput,
    DatasetSegmentDefinition,
    DatasetSegmentInput,
    ExistingAssetInput,
    MultiAssetInput,
    TextAssetInput,
)
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.store.labeling import new_id, utcnow
from rapidata_nb.server.store.models import Asset, Datapoint, Dataset, DatasetGroup

__all__ = [
    "asset_identities",
    "count_datapoints",
    "create_datapoint",
    "create_datapoints",
    "create_dataset",
    "list_datapoints",
    "list_groups",
    "resolve_asset_input",
    "upsert_group",
]

AssetInputT = ExistingAssetInput | TextAssetInput | MultiAssetInput


def create_dataset(
    *, session: Session, owner_id: str, name: str, schema: list[DatasetSegmentDefinition] | None
) -> Dataset:
    """Create an empty dataset."""
    dataset = Dataset(
        id=new_id("ds"),
        owner_id=owner_id,
        name=name,
        schema=[s.wire() for s in schema] if schema is not None else None,
    )
    session.add(dataset)
    session.flush()
    return dataset


def asset_identities(*, session: Session, asset: AssetInputT, where: str) -> list[str]:
    """Identities of an asset input (``sha256:..``, ``url:..``, ``text:..``), checking every ``fileName``
    exists.

    Raises:
        BadRequestError: naming ``where`` when a ``fileName`` is unknown or a multi-asset is empty.
    """
    if isinstance(asset, TextAssetInput):
        return [f"text:{asset.text}"]
    if isinstance(asset, MultiAssetInput):
        if not asset.assets:
            raise BadRequestError(f"{where}.assets: a MultiAssetInput needs at least one asset")
        out: list[str] = []
        for i, inner in enumerate(asset.assets):
            out.extend(asset_identities(session=session, asset=inner, where=f"{where}.assets[{i}]"))
        return out
    preloaded: dict[str, str] | None = session.info.get(_PRELOADED)
    identity = preloaded.get(asset.name) if preloaded is not None else None
    if identity is None:
        row = session.get(Asset, asset.name)
        if row is None:
            raise BadRequestError(
                f"{where}.name: unknown fileName '{asset.name}' "
                "(upload it first with POST /asset/file or /asset/url)"
            )
        identity = _identity(row.kind, row.url, row.sha256)
    return [identity]


def _identity(kind: str, url: str | None, sha256: str | None) -> str:
    return f"url:{url}" if kind == "url" else f"sha256:{sha256}"


def resolve_asset_input(*, session: Session, asset: AssetInputT, where: str) -> dict[str, Any]:
    """Validate an asset input (every ``fileName`` must exist) and return its wire dict."""
    asset_identities(session=session, asset=asset, where=where)
    return asset.wire()


def _validate_segments(
    *, session: Session, segments: list[DatasetSegmentInput], where: str
) -> tuple[list[dict[str, Any]], list[str]]:
    seen: set[str] = set()
    identities: list[str] = []
    for i, seg in enumerate(segments):
        loc = f"{where}[{i}]"
        if seg.key in seen:
            raise BadRequestError(f"{loc}.key: duplicate segment key '{seg.key}'")
        seen.add(seg.key)
        if seg.kind == "Asset":
            if seg.asset is None:
                raise BadRequestError(f"{loc}.asset: a segment of kind Asset needs an asset")
            ids = asset_identities(session=session, asset=seg.asset, where=f"{loc}.asset")
            if seg.key == "asset":
                identities = ids
        elif seg.kind == "Text":
            if seg.text is None:
                raise BadRequestError(f"{loc}.text: a segment of kind Text needs text")
        elif not seg.options:
            raise BadRequestError(f"{loc}.options: a segment of kind OptionList needs at least one option")
    return [s.wire() for s in segments], identities


def _check_schema(schema: list[dict[str, Any]] | None, segments: list[DatasetSegmentInput]) -> None:
    if not schema:
        return
    by_key = {s.key: s for s in segments}
    for col in schema:
        seg = by_key.get(col["key"])
        if seg is None:
            if col.get("required"):
                raise BadRequestError(f"segments: the dataset schema requires a '{col['key']}' segment")
            continue
        if seg.kind != col["kind"]:
            raise BadRequestError(f"segments.{col['key']}.kind: expected '{col['kind']}', got '{seg.kind}'")
        max_length = col.get("maxLength")
        if max_length and seg.text is not None and len(seg.text) > max_length:
            raise BadRequestError(f"segments.{col['key']}.text: longer than {max_length} characters")


def _prepare(
    *, session: Session, dataset: Dataset, body: CreateDatapointInput
) -> tuple[list[dict[str, Any]], str]:
    """Validate one datapoint; return its wire segments and content key (raises ``BadRequestError``)."""
    segments, identities = _validate_segments(session=session, segments=body.segments, where="segments")
    if not any(s.key == "asset" for s in body.segments):
        raise BadRequestError("segments: a datapoint needs an 'asset' segment")
    _check_schema(dataset.schema, body.segments)
    return segments, hashlib.sha256(json.dumps(identities).encode()).hexdigest()


def _same(row: Datapoint, segments: list[dict[str, Any]], body: CreateDatapointInput) -> bool:
    """Whether ``row`` is what a retry of ``body`` would create (idempotent creation)."""
    return row.group == body.group and row.segments == segments


def create_datapoint(*, session: Session, dataset: Dataset, body: CreateDatapointInput) -> Datapoint:
    """Validate and add one datapoint (a retry with the same content and sort index returns the first one)."""
    segments, content_key = _prepare(session=session, dataset=dataset, body=body)
    if body.sort_index is not None:
        existing = session.scalars(
            select(Datapoint).where(
                Datapoint.dataset_id == dataset.id,
                Datapoint.sort_index == body.sort_index,
                Datapoint.content_key == content_key,
            )
        ).first()
        if existing is not None and _same(existing, segments, body):
            return existing
    sort_index = body.sort_index
    if sort_index is None:
        sort_index = count_datapoints(session=session, dataset_id=dataset.id)
    datapoint = _new_datapoint(dataset, body, segments, content_key, sort_index)
    session.add(datapoint)
    session.flush()
    return datapoint


def _new_datapoint(
    dataset: Dataset,
    body: CreateDatapointInput,
    segments: list[dict[str, Any]],
    content_key: str,
    sort_index: int,
) -> Datapoint:
    return Datapoint(
        id=new_id("dp"),
        dataset_id=dataset.id,
        owner_id=dataset.owner_id,
        segments=segments,
        sort_index=sort_index,
        group=body.group,
        private_metadata=body.private_metadata,
        content_key=content_key,
    )


def _asset_names(asset: AssetInputT | None) -> list[str]:
    if asset is None or isinstance(asset, TextAssetInput):
        return []
    if isinstance(asset, MultiAssetInput):
        return [name for inner in asset.assets for name in _asset_names(inner)]
    return [asset.name]


_PRELOADED = "asset_identities"
"""``session.info`` key of the identities :func:`_preload_assets` read (fileName → identity)."""


def _preload_assets(session: Session, bodies: Sequence[CreateDatapointInput]) -> None:
    """Read the identity of every asset the datapoints name, in a few queries of plain rows (no ORM
    objects: a batch names up to 10,000 assets), so that validating them reads none.

    They are kept in ``session.info`` for the session's lifetime (one request); assets are never changed
    or deleted, so an identity cannot go stale within it.
    """
    names = sorted({name for body in bodies for seg in body.segments for name in _asset_names(seg.asset)})
    found: dict[str, str] = session.info.setdefault(_PRELOADED, {})
    columns = (Asset.file_name, Asset.kind, Asset.url, Asset.sha256)
    for start in range(0, len(names), 5000):  # bound the parameters of one statement
        rows = session.execute(select(*columns).where(Asset.file_name.in_(names[start : start + 5000])))
        found.update((name, _identity(kind, url, sha)) for name, kind, url, sha in rows)


def create_datapoints(*, session: Session, dataset: Dataset, bodies: list[CreateDatapointInput]) -> list[str]:
    """Validate and add many datapoints at once, all or none; return their ids in the order given.

    Each item is validated exactly like ``create_datapoint``. When any item is invalid nothing is stored and
    the error lists every invalid item (``errors: [{index, message}]``) so the caller can drop them and send
    the rest again. Items that repeat an existing datapoint (same sort index, content, group and segments,
    e.g. a retried batch) return that datapoint's id instead of storing a copy, as the single endpoint does.
    The new rows go to the database in one Core ``INSERT`` (executemany; no per-row ORM bookkeeping).

    Raises:
        BadRequestError: naming each invalid item as ``datapoints[i].<field>``.
    """
    prepared: list[tuple[list[dict[str, Any]], str]] = []
    errors: list[dict[str, Any]] = []
    _preload_assets(session, bodies)
    for i, body in enumerate(bodies):
        try:
            prepared.append(_prepare(session=session, dataset=dataset, body=body))
        except BadRequestError as exc:
            errors.append({"index": i, "message": f"datapoints[{i}].{exc.message}"})
    if errors:
        first = errors[0]["message"]
        raise BadRequestError(
            f"{len(errors)} of {len(bodies)} datapoints are invalid and nothing was stored "
            f"(first: {first}); fix or drop them and send the batch again",
            errors=errors,
        )
    existing = _existing_by_sort_index(
        session=session, dataset_id=dataset.id, sort_indexes={b.sort_index for b in bodies}
    )
    next_index: int | None = None
    ids: list[str] = []
    new_rows: list[dict[str, Any]] = []
    for body, (segments, content_key) in zip(bodies, prepared, strict=True):
        if body.sort_index is not None:
            candidates = existing.get((body.sort_index, content_key), [])
            match = next(
                (dp_id for dp_id, group, segs in candidates if (group, segs) == (body.group, segments)), None
            )
            if match is not None:
                ids.append(match)
                continue
            sort_index = body.sort_index
        else:
            if next_index is None:
                next_index = count_datapoints(session=session, dataset_id=dataset.id)
            sort_index = next_index + len(new_rows)
        dp_id = new_id("dp")
        new_rows.append(
            {
                "id": dp_id,
                "dataset_id": dataset.id,
                "owner_id": dataset.owner_id,
                "segments": segments,
                "sort_index": sort_index,
                "group": body.group,
                "private_metadata": body.private_metadata,
                "content_key": content_key,
                "created_at": utcnow(),
            }
        )
        existing.setdefault((sort_index, content_key), []).append((dp_id, body.group, segments))
        ids.append(dp_id)
    if new_rows:
        session.execute(insert(Datapoint.__table__), new_rows)  # Core: no ORM bulk bookkeeping
    return ids


def _existing_by_sort_index(
    *, session: Session, dataset_id: str, sort_indexes: set[int | None]
) -> dict[tuple[int, str], list[tuple[str, str | None, list[dict[str, Any]]]]]:
    """``(id, group, segments)`` of the dataset's datapoints at the given sort indexes, by
    ``(sort_index, content_key)``."""
    wanted = sorted(i for i in sort_indexes if i is not None)
    found: dict[tuple[int, str], list[tuple[str, str | None, list[dict[str, Any]]]]] = {}
    columns = (Datapoint.id, Datapoint.sort_index, Datapoint.content_key, Datapoint.group, Datapoint.segments)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(*columns).where(Datapoint.dataset_id == dataset_id, Datapoint.sort_index.in_(chunk))
        )
        for dp_id, sort_index, content_key, group, segments in rows:
            found.setdefault((sort_index, content_key), []).append((dp_id, group, segments))
    return found


def upsert_group(
    *, session: Session, dataset: Dataset, group: str, segments: list[DatasetSegmentInput]
) -> DatasetGroup:
    """Set the shared context segments of a ranking group."""
    wire, _ = _validate_segments(session=session, segments=segments, where="segments")
    row = session.scalars(
        select(DatasetGroup).where(DatasetGroup.dataset_id == dataset.id, DatasetGroup.group == group)
    ).first()
    if row is None:
        row = DatasetGroup(dataset_id=dataset.id, group=group, segments=wire)
        session.add(row)
    else:
        row.segments = wire
    session.flush()
    return row


def list_datapoints(
    *, session: Session, dataset_id: str, offset: int = 0, limit: int | None = None
) -> list[Datapoint]:
    """Datapoints of a dataset in sort order (``limit`` of them from ``offset``: one page)."""
    stmt = (
        select(Datapoint)
        .where(Datapoint.dataset_id == dataset_id)
        .order_by(Datapoint.sort_index, Datapoint.created_at, Datapoint.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def list_groups(*, session: Session, dataset_id: str) -> dict[str, DatasetGroup]:
    """Ranking groups of a dataset by group name."""
    rows = session.scalars(select(DatasetGroup).where(DatasetGroup.dataset_id == dataset_id))
    return {r.group: r for r in rows}


def count_datapoints(*, session: Session, dataset_id: str) -> int:
    """Number of datapoints in a dataset."""
    return int(session.scalar(select(func.count()).where(Datapoint.dataset_id == dataset_id)) or 0)
