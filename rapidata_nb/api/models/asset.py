"""Assets: upload answers, batch uploads, asset inputs (what datapoints reference) and stored assets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from rapidata_nb.api.models._base import WireModel

__all__ = [
    "AssetInput",
    "AssetPart",
    "BatchUploadItem",
    "BatchUploadResult",
    "BatchUploadStatus",
    "CreateBatchUploadInput",
    "CreateBatchUploadOutput",
    "ExistingAssetInput",
    "FileAsset",
    "MultiAsset",
    "MultiAssetInput",
    "NullAsset",
    "OriginalFilenameMetadata",
    "SourceUrlMetadata",
    "StoredAsset",
    "TextAsset",
    "TextAssetInput",
    "UploadAssetOutput",
    "asset_parts",
    "parse_asset_input",
]


# --- inputs: how datapoints and examples reference assets -------------------------------------------------


class ExistingAssetInput(WireModel):
    """An uploaded asset, referenced by the ``fileName`` the upload returned."""

    t: Literal["ExistingAssetInput"] = Field("ExistingAssetInput", alias="_t")
    name: str
    metadata: dict[str, Any] | None = None
    identifier: str | None = None


class TextAssetInput(WireModel):
    """A text datapoint; never uploaded."""

    t: Literal["TextAssetInput"] = Field("TextAssetInput", alias="_t")
    text: str
    metadata: dict[str, Any] | None = None
    identifier: str | None = None


class MultiAssetInput(WireModel):
    """Several assets shown together (a compare pair, several media contexts)."""

    t: Literal["MultiAssetInput"] = Field("MultiAssetInput", alias="_t")
    assets: list[AssetInput]
    metadata: dict[str, Any] | None = None
    identifier: str | None = None


AssetInput = Annotated[ExistingAssetInput | TextAssetInput | MultiAssetInput, Field(discriminator="t")]


# --- outputs: stored assets as the API shows them ----------------------------------------------------------


class FileAsset(WireModel):
    """A stored file (or URL reference) as returned by the API."""

    t: Literal["FileAsset"] = Field("FileAsset", alias="_t")
    file_name: str
    metadata: dict[str, Any] = {}
    identifier: str


class TextAsset(WireModel):
    """A stored text asset."""

    t: Literal["TextAsset"] = Field("TextAsset", alias="_t")
    text: str
    metadata: dict[str, Any] = {}
    identifier: str


class MultiAsset(WireModel):
    """Several stored assets."""

    t: Literal["MultiAsset"] = Field("MultiAsset", alias="_t")
    assets: list[StoredAsset]
    metadata: dict[str, Any] = {}
    identifier: str


class NullAsset(WireModel):
    """No asset."""

    t: Literal["NullAsset"] = Field("NullAsset", alias="_t")
    metadata: dict[str, Any] = {}
    identifier: str = ""


StoredAsset = Annotated[FileAsset | TextAsset | MultiAsset | NullAsset, Field(discriminator="t")]

MultiAssetInput.model_rebuild()
MultiAsset.model_rebuild()


# --- reading stored asset inputs (server: datapoint segments, examples, validation rapids) ------------------

AssetPart = ExistingAssetInput | TextAssetInput
"""One shown asset: what a multi asset input flattens to."""

_ASSET_INPUT: TypeAdapter[ExistingAssetInput | TextAssetInput | MultiAssetInput] = TypeAdapter(AssetInput)


def parse_asset_input(
    raw: Mapping[str, Any] | BaseModel | None,
) -> ExistingAssetInput | TextAssetInput | MultiAssetInput | None:
    """A stored asset input (its wire dict, or the model itself) as its model; ``None`` for none or ``{}``."""
    if isinstance(raw, ExistingAssetInput | TextAssetInput | MultiAssetInput):
        return raw
    if not raw:
        return None
    return _ASSET_INPUT.validate_python(raw)


def asset_parts(raw: Mapping[str, Any] | BaseModel | None) -> list[AssetPart]:
    """The parts of an asset input in order: a multi asset's leaves (flattened), else the asset itself."""
    asset = parse_asset_input(raw)
    if asset is None:
        return []
    if isinstance(asset, MultiAssetInput):
        return [part for inner in asset.assets for part in asset_parts(inner)]
    return [asset]


# --- metadata of stored file assets (the tags the official SDK reads) ---------------------------------------


class SourceUrlMetadata(WireModel):
    """``metadata.sourceUrl`` of a file asset uploaded from a URL."""

    t: Literal["SourceUrlMetadataModel"] = Field("SourceUrlMetadataModel", alias="_t")
    url: str


class OriginalFilenameMetadata(WireModel):
    """``metadata.originalFilename`` of a stored file asset."""

    t: Literal["OriginalFilenameMetadata"] = Field("OriginalFilenameMetadata", alias="_t")
    original_filename: str | None = None


# --- uploads ------------------------------------------------------------------------------------------------


class UploadAssetOutput(WireModel):
    """Answer of ``POST /asset/file`` and ``POST /asset/url``."""

    file_name: str
    warnings: list[str] = []
    was_compressed: bool = False
    original_size_bytes: int | None = None
    final_size_bytes: int | None = None


class CreateBatchUploadInput(WireModel):
    """Body of ``POST /asset/batch-upload``."""

    urls: list[str] = Field(min_length=1, max_length=5000)
    correlation_id: str | None = None
    compression: dict[str, Any] | None = None


class CreateBatchUploadOutput(WireModel):
    """Answer of ``POST /asset/batch-upload``."""

    batch_upload_id: str


class BatchUploadStatus(WireModel):
    """Answer of ``GET /asset/batch-upload/status?correlationId=``."""

    status: Literal["Processing", "Completed", "Aborted"]
    total_count: int
    completed_count: int
    failed_count: int
    completed_batches: list[str]


class BatchUploadItem(WireModel):
    """One URL of a batch upload."""

    url: str
    file_name: str | None = None
    warnings: list[str] = []
    status: Literal["Pending", "Completed", "Failed"]
    error_message: str | None = None
    stage: str | None = None
    upstream_http_status: int | None = None


class BatchUploadResult(WireModel):
    """Answer of ``GET /asset/batch-upload/{id}``."""

    batch_upload_id: str
    status: Literal["Processing", "Completed", "Aborted"]
    total_count: int
    completed_count: int
    failed_count: int
    items: list[BatchUploadItem]
