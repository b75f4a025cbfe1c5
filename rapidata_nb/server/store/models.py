"""Tables of the customer side: credentials, tokens, assets, datasets, definitions, revisions, jobs.

Every resource row has ``owner_id`` (the customer whose client created it). Ids are opaque prefixed random
strings (``ds_``, ``dp_``, ``def_``, ``job_``...). The labeling tables live in ``store/labeling.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rapidata_nb.server.store.base import Base, UtcDateTime
from rapidata_nb.server.store.labeling import utcnow

__all__ = [
    "AccessToken",
    "Asset",
    "BridgeToken",
    "BatchUpload",
    "BatchUploadItem",
    "ClientCredential",
    "Customer",
    "Datapoint",
    "Dataset",
    "DatasetGroup",
    "DefinitionRevision",
    "Job",
    "JobDefinition",
    "UserAccount",
]


class Customer(Base):
    """An account; owns every resource its clients create."""

    __tablename__ = "customer"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ClientCredential(Base):
    """An OAuth2 client (``client_credentials`` grant); the secret is stored as a salted PBKDF2 hash."""

    __tablename__ = "client_credential"

    client_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AccessToken(Base):
    """An issued bearer token, stored as its sha256."""

    __tablename__ = "access_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("client_credential.client_id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str | None] = mapped_column(String(500))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Asset(Base):
    """A stored asset, addressed by the ``fileName`` the upload returned.

    Files are content-addressed: their bytes are the :class:`AssetChunk` rows of ``sha256`` and ``file_name``
    is ``<sha256[:32]>_<original name>``. URL assets are kept by reference (``url``), never downloaded.
    """

    __tablename__ = "asset"

    file_name: Mapped[str] = mapped_column(String(400), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    """``file`` or ``url``."""
    sha256: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    original_name: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AssetChunk(Base):
    """One piece (at most ``store.assets.CHUNK_BYTES``) of a stored file's bytes, in ``seq`` order.

    File bytes live in the database, not in a replica's data directory, so every replica serves every file
    (docs/team-server.md); chunks let a large file be written and served piece by piece.
    """

    __tablename__ = "asset_chunk"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BatchUpload(Base):
    """A batch of URL uploads (``POST /asset/batch-upload``)."""

    __tablename__ = "batch_upload"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    correlation_id: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), default="Completed")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BatchUploadItem(Base):
    """One URL of a batch upload."""

    __tablename__ = "batch_upload_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batch_upload.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str | None] = mapped_column(String(400))
    error_message: Mapped[str | None] = mapped_column(Text)


class Dataset(Base):
    """A dataset of datapoints (the data of one job definition revision)."""

    __tablename__ = "dataset"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    schema: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Datapoint(Base):
    """One datapoint: wire segments, order, ranking group, private metadata and a stable content key."""

    __tablename__ = "datapoint"
    __table_args__ = (Index("ix_datapoint_dataset_sort", "dataset_id", "sort_index"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("dataset.id"), index=True)
    owner_id: Mapped[str] = mapped_column(String(64))
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    sort_index: Mapped[int] = mapped_column(Integer, default=0)
    group: Mapped[str | None] = mapped_column(String(64))
    private_metadata: Mapped[dict[str, str] | None] = mapped_column(JSON)
    content_key: Mapped[str] = mapped_column(String(64), index=True)
    """sha256 of the identities of the datapoint's assets (URL, file sha256 or text), DESIGN §7."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DatasetGroup(Base):
    """Shared context of a ranking group."""

    __tablename__ = "dataset_group"
    __table_args__ = (UniqueConstraint("dataset_id", "group", name="uq_dataset_group"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("dataset.id"), index=True)
    group: Mapped[str] = mapped_column(String(64))
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class JobDefinition(Base):
    """What to label: a name, a type and its revisions."""

    __tablename__ = "job_definition"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    definition_type: Mapped[str] = mapped_column(String(32))
    latest_revision: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DefinitionRevision(Base):
    """An immutable snapshot of a definition: workflow, referee, feature flags and dataset."""

    __tablename__ = "definition_revision"
    __table_args__ = (UniqueConstraint("definition_id", "revision_number", name="uq_definition_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    definition_id: Mapped[str] = mapped_column(ForeignKey("job_definition.id"), index=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    base_revision_number: Mapped[int | None] = mapped_column(Integer)
    workflow: Mapped[dict[str, Any]] = mapped_column(JSON)
    referee: Mapped[dict[str, Any]] = mapped_column(JSON)
    rapid_feature_flags: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    campaign_feature_flags: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("dataset.id"))
    aggregator_type: Mapped[str | None] = mapped_column(String(64))
    validation_set_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="Completed")
    pipeline_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Job(Base):
    """A run of one definition revision with one audience."""

    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    definition_id: Mapped[str] = mapped_column(ForeignKey("job_definition.id"), index=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    audience_id: Mapped[str] = mapped_column(String(64), index=True)
    preceding_job_id: Mapped[str | None] = mapped_column(String(64))
    pipeline_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default="Submitted")
    """An ``AudienceJobState``: Submitted, Running, Completed, Failed, Paused, ..."""
    failure_message: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class UserAccount(Base):
    """A person who signs in on the team server's sign-in page (created by an admin, issue 10).

    Each account belongs to a customer; clients it creates at ``POST /Client`` own resources as that customer.
    The password is stored as a salted hash (``store.identity.hash_password``), never in clear.
    """

    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    """Lower-cased; the sign-in name."""
    password_hash: Mapped[str] = mapped_column(String(300))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BridgeToken(Base):
    """One pending browser login: the CLI polls with ``read_key``, the sign-in page completes ``write_key``.

    Both keys are stored as sha256. ``user_id`` records who signed in; the bearer token is issued only when
    the CLI reads it (then the row is deleted), so no token is ever stored in clear. Rows expire after a few
    minutes.
    """

    __tablename__ = "bridge_token"

    read_key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    write_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class RateLimitState(Base):
    """One budget of a limit shared by every replica (``store.limits``): a GCRA "theoretical arrival time".

    ``key`` is the sha256 of what is limited (an address, an account), so no address or email is kept here.
    A row whose ``tat`` is past is a full budget and may be deleted at any time.
    """

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tat: Mapped[float] = mapped_column(Float, index=True)
    """Seconds since the epoch at which the budget is full again."""
