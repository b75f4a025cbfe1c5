"""Global configuration: ``rapidata_config``, the ``rapidata`` logger and ``managed_print``.

Every field can be set three ways; the first that applies wins:

1. in code (``rapidata_config.upload.maxWorkers = 10``),
2. the environment variable ``RAPIDATA_<field>`` (``RAPIDATA_maxWorkers=10``), read when the config
   object is created,
3. the built-in default.

Booleans read from the environment accept ``1``, ``true`` or ``yes`` (any case) as true; anything else
is false. An empty value for an optional field counts as unset.

Nothing here talks to the network: ``enable_otlp`` is off unless an OTLP exporter endpoint is configured
(``OTEL_EXPORTER_OTLP_ENDPOINT``), and even then no exporter ships with this package.
"""

from __future__ import annotations

import logging
import os
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CompressionConfig",
    "LoggingConfig",
    "RapidataConfig",
    "UploadConfig",
    "logger",
    "managed_print",
    "rapidata_config",
]

_ENV_PREFIX = "RAPIDATA_"
_TRUE = frozenset({"1", "true", "yes"})

logger = logging.getLogger("rapidata")
"""The package logger. Its level, format and file handler follow ``rapidata_config.logging`` live."""


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in _TRUE


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _env_overrides(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Fill fields missing from ``data`` with ``RAPIDATA_<field>`` values (code > env > default)."""
    for name, info in model.model_fields.items():
        if name in data:
            continue
        raw = os.environ.get(_ENV_PREFIX + name)
        if raw is None:
            continue
        base, optional = _unwrap_optional(info.annotation)
        if raw == "" and optional:
            continue
        if base is bool:
            data[name] = _parse_bool(raw)
        elif base is Path:
            data[name] = Path(raw).expanduser()
        elif base in (str, int, float):
            data[name] = raw
        # complex fields (CompressionConfig) are configured in code only
    return data


class _EnvModel(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return _env_overrides(cls, dict(data))
        return data


class CompressionConfig(BaseModel):
    """Per-upload override of the asset service's image compression.

    A field left as ``None`` defers to the server default.

    Attributes:
        enabled: Force compression on (``True``) or off (``False``).
        quality: WebP quality, 1..100.
        max_dimension: Largest width or height in pixels, at least 1.
    """

    model_config = ConfigDict(validate_assignment=True)

    enabled: bool | None = None
    quality: int | None = Field(default=None, ge=1, le=100)
    max_dimension: int | None = Field(default=None, ge=1)

    def is_set(self) -> bool:
        """Whether any field overrides the server default."""
        return any(v is not None for v in (self.enabled, self.quality, self.max_dimension))

    def query_params(self) -> dict[str, str]:
        """The query parameters of ``/asset/file`` and ``/asset/url`` for this override."""
        params: dict[str, str] = {}
        if self.enabled is not None:
            params["compress"] = "true" if self.enabled else "false"
        if self.quality is not None:
            params["quality"] = str(self.quality)
        if self.max_dimension is not None:
            params["maxdim"] = str(self.max_dimension)
        return params

    def cache_suffix(self) -> str:
        """A suffix for upload-cache keys so different compressions never share an entry."""
        if not self.is_set():
            return ""
        return f"|c={self.enabled}/{self.quality}/{self.max_dimension}"


def _default_enable_otlp() -> bool:
    # Off by default: a local-first package never phones home. Only an explicitly configured
    # exporter endpoint turns it on by default.
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


class LoggingConfig(_EnvModel):
    """Logging and console output.

    Attributes:
        level: Level of the ``rapidata`` logger (DEBUG, INFO, WARNING, ERROR, CRITICAL).
        log_file: Also write log records to this file.
        format: ``logging`` format string.
        silent_mode: Suppress prints (links, notices) and progress bars; logging is unaffected.
        enable_otlp: Export traces/logs over OTLP. Off unless an exporter endpoint is configured.
    """

    level: str = "WARNING"
    log_file: str | None = None
    format: str = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
    silent_mode: bool = False
    enable_otlp: bool = Field(default_factory=_default_enable_otlp)

    @field_validator("level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError(f"level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {value!r}")
        return level

    def model_post_init(self, __context: Any) -> None:
        _apply_logging(self)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        _apply_logging(self)


class UploadConfig(_EnvModel):
    """Asset upload behaviour.

    Attributes:
        maxWorkers: Parallel uploads of local files.
        maxRetries: Retries of a failed upload (transient errors only).
        cacheToDisk: Remember uploaded local files across sessions (key: path, size, mtime).
        cacheTimeout: Seconds to wait for the on-disk cache before skipping it.
        cacheLocation: Directory of the on-disk cache (immutable).
        cacheShards: Accepted for compatibility (immutable); the cache is one SQLite file.
        batchSize: URLs per batch upload request (100..5000).
        batchPollInterval: Seconds between batch status polls.
        compression: Per-upload compression override, or ``None`` for the server default.
        autoShortenContext: Shorten contexts over 400 characters through the server before upload.
        failureTolerance: Fraction of datapoints allowed to fail while still creating a definition.
        checkForExplicitContent: Opt in/out of the explicit-content check on assignment.
    """

    maxWorkers: int = Field(default=25, ge=1)
    maxRetries: int = Field(default=3, ge=0)
    cacheToDisk: bool = True
    cacheTimeout: float = Field(default=1, ge=0)
    cacheLocation: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "rapidata_nb" / "upload_cache", frozen=True
    )
    cacheShards: int = Field(default=128, ge=1, frozen=True)
    batchSize: int = Field(default=1000, ge=100, le=5000)
    batchPollInterval: float = Field(default=0.5, gt=0)
    compression: CompressionConfig | None = None
    autoShortenContext: bool = False
    failureTolerance: float = Field(default=0.0, ge=0.0, le=1.0)
    checkForExplicitContent: bool | None = None


class RapidataConfig(_EnvModel):
    """The global configuration object, ``rapidata_config``.

    Attributes:
        enableBetaFeatures: Unlock beta features.
        upload: Upload settings.
        logging: Logging and output settings.
    """

    enableBetaFeatures: bool = False
    upload: UploadConfig = Field(default_factory=UploadConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)


class _FileHandler(logging.FileHandler):
    """Marks the handler we own so live reconfiguration only replaces ours."""


_console_handler = logging.StreamHandler()


def _apply_logging(cfg: LoggingConfig) -> None:
    level = getattr(logging, cfg.level, logging.WARNING)
    formatter = logging.Formatter(cfg.format)
    logger.setLevel(level)
    logger.propagate = False
    if _console_handler not in logger.handlers:
        logger.addHandler(_console_handler)
    _console_handler.setFormatter(formatter)
    for handler in [h for h in logger.handlers if isinstance(h, _FileHandler)]:
        if cfg.log_file and Path(handler.baseFilename) == Path(cfg.log_file).resolve():
            handler.setFormatter(formatter)
            continue
        logger.removeHandler(handler)
        handler.close()
    if cfg.log_file and not any(isinstance(h, _FileHandler) for h in logger.handlers):
        path = Path(cfg.log_file).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = _FileHandler(path, encoding="utf-8")
        file_handler.setFormatter(formatter)
        logger.addHandler(file_handler)


rapidata_config = RapidataConfig()
"""The process-wide configuration."""


def managed_print(*args: Any, **kwargs: Any) -> None:
    """``print`` unless ``rapidata_config.logging.silent_mode`` is on."""
    if not rapidata_config.logging.silent_mode:
        print(*args, **kwargs)
