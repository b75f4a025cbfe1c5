"""Alias of ``rapidata_nb.client`` under the official SDK's module path (``rapidata.rapidata_client``)."""

from __future__ import annotations

from rapidata_nb.client import *  # noqa: F403
from rapidata_nb.client import __all__ as _client_all
from rapidata_nb.config import CompressionConfig, logger, managed_print, rapidata_config

__all__ = sorted([*_client_all, "CompressionConfig", "logger", "managed_print", "rapidata_config"])
