"""Alias of the public surface under the official SDK's module path (``rapidata.rapidata_client``)."""

from __future__ import annotations

from rapidata_nb import *  # noqa: F403
from rapidata_nb import __all__  # noqa: F401
