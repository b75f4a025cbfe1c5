"""Client test fixtures: a scripted API behind ``httpx.MockTransport``, and isolation of config/HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapidata_nb import rapidata_config
from tests.utils.fakeapi import FakeApi, make_client


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own HOME (credentials file, upload cache) and default config."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in (
        "RAPIDATA_ENVIRONMENT",
        "RAPIDATA_CLIENT_ID",
        "RAPIDATA_CLIENT_SECRET",
        "RAPIDATA_TOKEN_FILE",
    ):
        monkeypatch.delenv(var, raising=False)
    upload = rapidata_config.upload.model_copy()
    logging_cfg = rapidata_config.logging.model_dump()
    object.__setattr__(rapidata_config, "upload", type(upload)(cacheLocation=home / "cache"))
    rapidata_config.logging.silent_mode = True
    from rapidata_nb.client.upload import AssetUploader

    AssetUploader._url_cache.clear()
    AssetUploader._memory_file_cache.clear()
    yield
    object.__setattr__(rapidata_config, "upload", upload)
    for key, value in logging_cfg.items():
        setattr(rapidata_config.logging, key, value)


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi) -> Any:
    return make_client(api)
