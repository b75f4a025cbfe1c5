"""rapidata_config: env precedence (code > env > default), boolean parsing, live logging, silent mode."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from rapidata_nb import CompressionConfig, logger, managed_print, rapidata_config
from rapidata_nb.config import LoggingConfig, RapidataConfig, UploadConfig


def test_defaults() -> None:
    cfg = RapidataConfig()
    assert cfg.logging.level == "WARNING"
    assert cfg.logging.silent_mode is False
    assert cfg.logging.enable_otlp is False
    assert cfg.upload.maxWorkers == 25 and cfg.upload.maxRetries == 3
    assert cfg.upload.cacheToDisk is True and cfg.upload.cacheTimeout == 1
    assert cfg.upload.cacheShards == 128 and cfg.upload.batchSize == 1000
    assert cfg.upload.batchPollInterval == 0.5 and cfg.upload.compression is None
    assert cfg.upload.autoShortenContext is False and cfg.upload.failureTolerance == 0.0
    assert cfg.upload.cacheLocation.parts[-2:] == ("rapidata_nb", "upload_cache")
    assert cfg.enableBetaFeatures is False


def test_env_overrides_default_and_code_overrides_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPIDATA_maxWorkers", "7")
    monkeypatch.setenv("RAPIDATA_batchPollInterval", "0.25")
    monkeypatch.setenv("RAPIDATA_level", "debug")
    monkeypatch.setenv("RAPIDATA_cacheLocation", "~/elsewhere")
    assert UploadConfig().maxWorkers == 7
    assert UploadConfig().batchPollInterval == 0.25
    assert UploadConfig().cacheLocation == Path("~/elsewhere").expanduser()
    assert UploadConfig(maxWorkers=3).maxWorkers == 3
    assert LoggingConfig().level == "DEBUG"
    cfg = RapidataConfig()
    cfg.upload.maxWorkers = 11
    assert cfg.upload.maxWorkers == 11


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("on", False),
        ("", False),
    ],
)
def test_boolean_env_parsing(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("RAPIDATA_cacheToDisk", raw)
    monkeypatch.setenv("RAPIDATA_silent_mode", raw)
    assert UploadConfig().cacheToDisk is expected
    assert LoggingConfig().silent_mode is expected


def test_empty_optional_env_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPIDATA_log_file", "")
    assert LoggingConfig().log_file is None


def test_enable_otlp_only_with_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert LoggingConfig().enable_otlp is False
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert LoggingConfig().enable_otlp is True
    monkeypatch.setenv("RAPIDATA_enable_otlp", "false")
    assert LoggingConfig().enable_otlp is False


def test_validation_and_immutable_fields() -> None:
    cfg = UploadConfig()
    with pytest.raises(ValidationError, match="batchSize"):
        cfg.batchSize = 50
    with pytest.raises(ValidationError, match="batchSize"):
        cfg.batchSize = 6000
    with pytest.raises(ValidationError, match="failureTolerance"):
        cfg.failureTolerance = 1.5
    with pytest.raises(ValidationError, match="frozen"):
        cfg.cacheLocation = Path("/tmp/x")
    with pytest.raises(ValidationError, match="frozen"):
        cfg.cacheShards = 4
    with pytest.raises(ValidationError, match="quality"):
        CompressionConfig(quality=0)
    with pytest.raises(ValidationError, match="level"):
        LoggingConfig(level="LOUD")


def test_live_logging_level_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rapidata_config.logging.level = "WARNING"
    logger.info("hidden")
    rapidata_config.logging.level = "INFO"
    assert logger.level == logging.INFO
    log_file = tmp_path / "sdk.log"
    rapidata_config.logging.log_file = str(log_file)
    logger.info("shown in file")
    rapidata_config.logging.log_file = None
    rapidata_config.logging.level = "WARNING"
    assert "shown in file" in log_file.read_text()
    assert "hidden" not in log_file.read_text()


def test_managed_print_respects_silent_mode(capsys: pytest.CaptureFixture[str]) -> None:
    rapidata_config.logging.silent_mode = True
    managed_print("quiet")
    rapidata_config.logging.silent_mode = False
    managed_print("loud")
    out = capsys.readouterr().out
    assert "quiet" not in out and "loud" in out


def test_compression_query_params() -> None:
    c = CompressionConfig(enabled=True, quality=70, max_dimension=1024)
    assert c.query_params() == {"compress": "true", "quality": "70", "maxdim": "1024"}
    assert CompressionConfig().cache_suffix() == ""
    assert c.cache_suffix() == "|c=True/70/1024"
