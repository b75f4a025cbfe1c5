"""rapidata_nb: human feedback, native to Jupyter."""

from __future__ import annotations

__version__ = "0.1.0"

# --- client public surface (client owner edits this block; keep __all__ sorted) ---
from rapidata_nb.client import *  # noqa: E402,F403
from rapidata_nb.client import __all__ as _client_all  # noqa: E402
from rapidata_nb.config import CompressionConfig, logger, managed_print, rapidata_config  # noqa: E402

__all__ = sorted([*_client_all, "CompressionConfig", "logger", "managed_print", "rapidata_config"])
# --- end client block ---
