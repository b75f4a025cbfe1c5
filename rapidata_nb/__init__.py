"""rapidata_nb: human feedback, native to Jupyter."""

from __future__ import annotations

__version__ = "0.1.0"

# --- public surface: the client's names (one explicit, tested list in rapidata_nb.client) plus config ---
from rapidata_nb.client import *  # noqa: E402,F403
from rapidata_nb.client import __all__ as _client_names  # noqa: E402
from rapidata_nb.config import CompressionConfig, logger, managed_print, rapidata_config  # noqa: E402,F401

__all__ = sorted([*_client_names, "CompressionConfig", "logger", "managed_print", "rapidata_config"])
# --- end public surface ---

# The Jupyter layer registers itself on import: the df.rapidata accessor and the inline renderers that
# the client looks up through rapidata_nb.client._display.
from rapidata_nb import frames, widgets  # noqa: E402,F401
