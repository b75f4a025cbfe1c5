"""rapidata_nb: human feedback, native to Jupyter."""

from __future__ import annotations

__version__ = "0.1.0"
