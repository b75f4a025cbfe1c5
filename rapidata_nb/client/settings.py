"""Task settings: how a task is shown to labelers. Each becomes a feature flag ``{"key", "value"}``.

Settings with ``target="rapids"`` go into ``rapidFeatureFlags`` of a job definition, ``target="campaign"``
into ``campaignFeatureFlags``; audience examples send them as ``featureFlags``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from rapidata_nb.config import logger

__all__ = [
    "AllowNeitherBothSetting",
    "ClassifyEquirectangularSetting",
    "CompareEquirectangularSetting",
    "ComparePanoramaSetting",
    "CustomSetting",
    "DisableAutoloopSetting",
    "FreeTextMaxCharactersSetting",
    "FreeTextMinimumCharactersSetting",
    "KeyboardNumericSetting",
    "LocateMaxPointsSetting",
    "LocateMinPointsSetting",
    "MarkdownSetting",
    "MuteVideoSetting",
    "NoInstructionDisplaySetting",
    "NoMistakeOptionSetting",
    "NoShuffleSetting",
    "OriginalLanguageOnlySetting",
    "PinContextMediaSetting",
    "PlayPercentageVideoSetting",
    "RapidataSetting",
    "RapidataSettings",
    "ReferenceOverlaySetting",
    "SwapContextInstructionSetting",
    "TranslateTextAssetsSetting",
]

FeatureFlagTarget = Literal["rapids", "campaign"]


class RapidataSetting(BaseModel):
    """Base class of all settings.

    Attributes:
        key: Feature flag key.
        value: Feature flag value (sent as a string).
        target: ``"rapids"`` (task level) or ``"campaign"``.
    """

    key: str
    value: Any
    target: FeatureFlagTarget = "rapids"

    supported_rapid_types: ClassVar[tuple[str, ...] | Literal["all"]] = "all"
    """Task types that honour this setting (metadata only, never sent)."""

    def _to_feature_flag(self) -> dict[str, str]:
        value = self.value
        if isinstance(value, bool):
            value = "true" if value else "false"
        return {"key": self.key, "value": str(value)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, value={self.value!r}, target={self.target!r})"

    __str__ = __repr__


def _flag(key: str, doc: str, types: tuple[str, ...] | Literal["all"] = "all") -> type[RapidataSetting]:
    """Build a no-argument setting class that sends ``key=true``."""

    def __init__(self: RapidataSetting) -> None:
        RapidataSetting.__init__(self, key=key, value="true")

    return type(
        "", (RapidataSetting,), {"__init__": __init__, "__doc__": doc, "supported_rapid_types": types}
    )


def _named(cls: type[RapidataSetting], name: str) -> type[RapidataSetting]:
    cls.__name__ = cls.__qualname__ = name
    cls.__module__ = __name__
    return cls


NoShuffleSetting = _named(
    _flag(
        "no_shuffle",
        "Keep answer options (and compare sides) in the given order.",
        ("Classification", "Compare"),
    ),
    "NoShuffleSetting",
)
MarkdownSetting = _named(
    _flag("use_main_text_markdown", "Render text datapoints as limited markdown."), "MarkdownSetting"
)
ComparePanoramaSetting = _named(
    _flag("compare_panorama", "Show compared images as panoramas.", ("Compare",)), "ComparePanoramaSetting"
)
CompareEquirectangularSetting = _named(
    _flag("compare_equirectangular", "Show compared images as 360° equirectangular views.", ("Compare",)),
    "CompareEquirectangularSetting",
)
ClassifyEquirectangularSetting = _named(
    _flag("classify_equirectangular", "Show the image as a 360° equirectangular view.", ("Classification",)),
    "ClassifyEquirectangularSetting",
)
ReferenceOverlaySetting = _named(
    _flag("reference_overlay", "Overlay the reference media on the compared media.", ("Compare",)),
    "ReferenceOverlaySetting",
)
KeyboardNumericSetting = _named(
    _flag("keyboard_numeric", "Show a numeric keyboard.", ("Free Text",)), "KeyboardNumericSetting"
)
MuteVideoSetting = _named(_flag("mute_video_asset", "Play videos muted."), "MuteVideoSetting")
DisableAutoloopSetting = _named(_flag("disable_autoloop", "Do not loop videos."), "DisableAutoloopSetting")
NoInstructionDisplaySetting = _named(
    _flag("no_aux_text", "Hide the instruction text."), "NoInstructionDisplaySetting"
)
NoMistakeOptionSetting = _named(
    _flag("no_mistake", "Offer a 'No mistakes' choice: the labeler confirms nothing is wrong."),
    "NoMistakeOptionSetting",
)
OriginalLanguageOnlySetting = _named(
    _flag("force_original_language", "Never translate the task."), "OriginalLanguageOnlySetting"
)
SwapContextInstructionSetting = _named(
    _flag("swap_question_and_prompt", "Show the context above the instruction."),
    "SwapContextInstructionSetting",
)
TranslateTextAssetsSetting = _named(
    _flag("translate_text_assets", "Translate text datapoints for labelers."), "TranslateTextAssetsSetting"
)
PinContextMediaSetting = _named(
    _flag("media_context_persistent_thumbnail", "Keep the media context visible as a thumbnail."),
    "PinContextMediaSetting",
)


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return value


class AllowNeitherBothSetting(RapidataSetting):
    """Let labelers answer 'Neither' or 'Both' on compare tasks after ``delay_ms`` milliseconds."""

    supported_rapid_types: ClassVar[tuple[str, ...] | Literal["all"]] = ("Compare",)

    def __init__(self, delay_ms: int = 5000) -> None:
        if isinstance(delay_ms, bool) or not isinstance(delay_ms, int) or delay_ms < 0:
            raise ValueError(f"delay_ms must be a non-negative integer (milliseconds), got {delay_ms!r}")
        super().__init__(key="compare_unsure", value=delay_ms)


class LocateMaxPointsSetting(RapidataSetting):
    """At most ``value`` points per locate answer."""

    supported_rapid_types: ClassVar[tuple[str, ...] | Literal["all"]] = ("Locate",)

    def __init__(self, value: int = 3) -> None:
        super().__init__(key="locate_max_points", value=_positive_int(value, "LocateMaxPointsSetting value"))


class LocateMinPointsSetting(RapidataSetting):
    """At least ``value`` points per locate answer."""

    supported_rapid_types: ClassVar[tuple[str, ...] | Literal["all"]] = ("Locate",)

    def __init__(self, value: int = 1) -> None:
        super().__init__(key="locate_min_points", value=_positive_int(value, "LocateMinPointsSetting value"))


class FreeTextMinimumCharactersSetting(RapidataSetting):
    """Free-text answers need at least ``value`` characters."""

    supported_rapid_types: ClassVar[tuple[str, ...] | Literal["all"]] = ("Free Text",)

    def __init__(self, value: int) -> None:
        super().__init__(
            key="free_text_minimum_characters",
            value=_positive_int(value, "FreeTextMinimumCharactersSetting value"),
        )


class FreeTextMaxCharactersSetting(RapidataSetting):
    """Free-text answers have at most ``value`` characters."""

    supported_rapid_types: ClassVar[tuple[str, ...] | Literal["all"]] = ("Free Text",)

    def __init__(self, value: int = 1024) -> None:
        super().__init__(
            key="free_text_max_characters", value=_positive_int(value, "FreeTextMaxCharactersSetting value")
        )


class PlayPercentageVideoSetting(RapidataSetting):
    """Labelers must play ``percentage`` % of a video before answering."""

    def __init__(self, percentage: int = 95) -> None:
        if isinstance(percentage, bool) or not isinstance(percentage, int) or not 0 <= percentage <= 100:
            raise ValueError(f"percentage must be an integer between 0 and 100, got {percentage!r}")
        super().__init__(key="media_played_percentage", value=percentage)


class CustomSetting(RapidataSetting):
    """Any feature flag ``key=value``; ``target="campaign"`` sends it as a campaign flag."""

    def __init__(self, key: str, value: Any, target: FeatureFlagTarget = "rapids") -> None:
        if not isinstance(key, str) or not key:
            raise ValueError("CustomSetting key must be a non-empty string.")
        if target not in ("rapids", "campaign"):
            raise ValueError(f"CustomSetting target must be 'rapids' or 'campaign', got {target!r}")
        super().__init__(key=key, value=value, target=target)


class RapidataSettings:
    """All setting classes in one namespace, e.g. ``RapidataSettings.NoShuffle()``."""

    NoShuffle = NoShuffleSetting
    MuteVideo = MuteVideoSetting
    FreeTextMinimumCharacters = FreeTextMinimumCharactersSetting
    FreeTextMaxCharacters = FreeTextMaxCharactersSetting
    SwapContextInstruction = SwapContextInstructionSetting
    PlayPercentageVideo = PlayPercentageVideoSetting
    Markdown = MarkdownSetting
    AllowNeitherBoth = AllowNeitherBothSetting
    OriginalLanguageOnly = OriginalLanguageOnlySetting
    NoMistakeOption = NoMistakeOptionSetting
    DisableAutoloop = DisableAutoloopSetting
    NoInstructionDisplay = NoInstructionDisplaySetting
    KeyboardNumeric = KeyboardNumericSetting
    LocateMaxPoints = LocateMaxPointsSetting
    LocateMinPoints = LocateMinPointsSetting
    ReferenceOverlay = ReferenceOverlaySetting
    ComparePanorama = ComparePanoramaSetting
    CompareEquirectangular = CompareEquirectangularSetting
    ClassifyEquirectangular = ClassifyEquirectangularSetting
    TranslateTextAssets = TranslateTextAssetsSetting
    PinContextMedia = PinContextMediaSetting
    Custom = CustomSetting


def check_settings(settings: Sequence[RapidataSetting] | None, task_type: str) -> list[RapidataSetting]:
    """Validate a settings list; warn (do not fail) when a setting does not apply to ``task_type``."""
    if settings is None:
        return []
    if isinstance(settings, RapidataSetting) or not isinstance(settings, Iterable):
        raise ValueError("settings must be a list of settings, e.g. settings=[NoShuffleSetting()]")
    out = []
    for s in settings:
        if not isinstance(s, RapidataSetting):
            raise ValueError(f"settings: {s!r} is not a setting (use e.g. NoShuffleSetting())")
        types = s.supported_rapid_types
        if types != "all" and task_type not in types:
            logger.warning(
                "%s has no effect on %s tasks (it applies to: %s).",
                type(s).__name__,
                task_type,
                ", ".join(types),
            )
        out.append(s)
    return out


def split_feature_flags(
    settings: Sequence[RapidataSetting],
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(rapidFeatureFlags, campaignFeatureFlags)`` for a list of settings."""
    rapid = [s._to_feature_flag() for s in settings if s.target == "rapids"]
    campaign = [s._to_feature_flag() for s in settings if s.target == "campaign"]
    return rapid, campaign


def settings_from_flags(
    flags: Iterable[dict[str, Any]], target: FeatureFlagTarget = "rapids"
) -> list[RapidataSetting]:
    """Turn wire feature flags back into settings (known keys give their class, others ``CustomSetting``)."""
    known: dict[str, type[RapidataSetting]] = {}
    for cls in vars(RapidataSettings).values():
        if isinstance(cls, type) and issubclass(cls, RapidataSetting) and cls is not CustomSetting:
            try:
                known[cls().key] = cls  # type: ignore[call-arg]
            except TypeError:
                pass
    known_args = {
        "compare_unsure": AllowNeitherBothSetting,
        "locate_max_points": LocateMaxPointsSetting,
        "locate_min_points": LocateMinPointsSetting,
        "free_text_minimum_characters": FreeTextMinimumCharactersSetting,
        "free_text_max_characters": FreeTextMaxCharactersSetting,
        "media_played_percentage": PlayPercentageVideoSetting,
    }
    out: list[RapidataSetting] = []
    for flag in flags:
        key, value = str(flag.get("key")), flag.get("value")
        if target == "rapids" and key in known_args and str(value).isdigit():
            out.append(known_args[key](int(str(value))))
        elif target == "rapids" and key in known and str(value).lower() == "true":
            out.append(known[key]())  # type: ignore[call-arg]
        else:
            out.append(CustomSetting(key, value, target=target))
    return out
