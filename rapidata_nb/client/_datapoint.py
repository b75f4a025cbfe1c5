"""``Datapoint``: one item to label, and its wire form (dataset segments)."""

from __future__ import annotations

import mimetypes
import re
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, PrivateAttr, field_validator, model_validator

from rapidata_nb.api.models.asset import ExistingAssetInput, MultiAssetInput, TextAssetInput
from rapidata_nb.api.models.validation import AssetType, PromptType

__all__ = ["AssetInputModel", "Datapoint", "existing_asset", "is_url", "one_or_multi"]

AssetInputModel = ExistingAssetInput | TextAssetInput | MultiAssetInput

_URL = re.compile(r"^https?://", re.IGNORECASE)
_MEDIA_TYPES = {"image": AssetType.IMAGE, "video": AssetType.VIDEO, "audio": AssetType.AUDIO}


def is_url(value: str) -> bool:
    """Whether ``value`` is an http(s) URL (as opposed to a local path or text)."""
    return bool(_URL.match(value))


def existing_asset(names: list[str]) -> ExistingAssetInput | MultiAssetInput:
    """The asset input of uploaded files: the one file, or several shown together."""
    return one_or_multi([ExistingAssetInput(name=n) for n in names])


def one_or_multi(inputs: list[AssetInputModel]) -> AssetInputModel:
    """One asset input as it is, several as a ``MultiAssetInput``."""
    return inputs[0] if len(inputs) == 1 else MultiAssetInput(assets=inputs)


class Datapoint(BaseModel):
    """One item to label.

    Attributes:
        asset: The media (URL or local path) or text; a list for compare pairs.
        data_type: ``"media"`` or ``"text"``.
        context: Text shown with the item.
        media_context: Media shown with the item.
        sentence: The sentence of a select-words task.
        private_metadata: Your own key/value strings, returned with the results.
        group: Ranking group index (as a string).
        answer_options: Per-datapoint answer options (classification).
    """

    asset: str | list[str]
    data_type: Literal["text", "media"]
    context: str | None = None
    media_context: list[str] | None = None
    sentence: str | None = None
    private_metadata: dict[str, str] | None = None
    group: str | None = None
    answer_options: list[str] | None = None

    _sort_index: int | None = PrivateAttr(default=None)

    @field_validator("media_context", mode="before")
    @classmethod
    def _wrap_media_context(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        return value

    @model_validator(mode="after")
    def _check(self) -> Datapoint:
        if self.context == "":
            self.context = None
        if self.media_context is not None and not 1 <= len(self.media_context) <= 10:
            raise ValueError("media_context needs between 1 and 10 entries per datapoint")
        return self

    def get_asset_type(self) -> AssetType:
        """Text, or the kind of media the (first) asset's file name or URL path says it is."""
        if self.data_type == "text":
            return AssetType.TEXT
        first = self.asset[0] if isinstance(self.asset, list) else self.asset
        mime = mimetypes.guess_type(urlparse(first).path or first)[0] or ""
        return _MEDIA_TYPES.get(mime.split("/")[0], AssetType.NONE)

    def get_prompt_type(self) -> list[PromptType]:
        """What is shown beside the asset: a text context, context media, both, or nothing."""
        shown = [PromptType.TEXT] * bool(self.context) + [PromptType.ASSET] * bool(self.media_context)
        return shown or [PromptType.NONE]

    def media_assets(self) -> list[str]:
        """The assets of this datapoint that must be uploaded (media, not text)."""
        assets: list[str] = []
        if self.data_type == "media":
            assets.extend([self.asset] if isinstance(self.asset, str) else self.asset)
        assets.extend(self.media_context or [])
        return assets

    def _segments(self, names: dict[str, str]) -> list[dict[str, Any]]:
        """The dataset segments, given ``names`` mapping each uploaded asset to its ``fileName``."""
        segments: list[dict[str, Any]] = [
            {"key": "asset", "kind": "Asset", "asset": self._asset_input(names)}
        ]
        if self.context is not None:
            segments.append({"key": "context", "kind": "Text", "text": self.context})
        if self.media_context:
            segments.append(
                {"key": "context_asset", "kind": "Asset", "asset": _media_input(self.media_context, names)}
            )
        if self.sentence is not None:
            segments.append({"key": "transcription", "kind": "Text", "text": self.sentence})
        if self.answer_options is not None:
            segments.append(
                {
                    "key": "answer_options",
                    "kind": "OptionList",
                    "options": [{"label": o, "value": o} for o in self.answer_options],
                }
            )
        return segments

    def _asset_input(self, names: dict[str, str]) -> AssetInputModel:
        items = [self.asset] if isinstance(self.asset, str) else self.asset
        inputs: list[AssetInputModel]
        if self.data_type == "text":
            inputs = [TextAssetInput(text=t) for t in items]
        else:
            inputs = [ExistingAssetInput(name=names[a]) for a in items]
        if isinstance(self.asset, str):
            return inputs[0]
        return MultiAssetInput(assets=inputs)

    def _to_wire(self, names: dict[str, str]) -> dict[str, Any]:
        return {
            "segments": self._segments(names),
            "sortIndex": self._sort_index,
            "group": self.group,
            "privateMetadata": self.private_metadata,
        }

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if v is not None)
        return f"Datapoint({fields})"

    __str__ = __repr__


def _media_input(assets: list[str], names: dict[str, str]) -> ExistingAssetInput | MultiAssetInput:
    return existing_asset([names[a] for a in assets])
