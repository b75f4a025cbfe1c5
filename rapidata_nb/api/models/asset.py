"""Assets: upload answers, batch uploads, asset inputs (what datapoints reference) and stored assets."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel

__all__ = [
    "AssetInput",
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
    "StoredAsset",
    "TextAsset",
    "TextAssetInput",
    "UploadAssetOutput",
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
