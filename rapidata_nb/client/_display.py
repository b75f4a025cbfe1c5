"""A tiny renderer registry so the client can show rich output without importing the widgets.

Widgets register themselves when ``rapidata_nb.widgets`` is imported::

    from rapidata_nb.client import _display
    _display.register("job_progress", show_progress)   # fn(jobs: list[RapidataJob]) -> None

Kinds used by the client: ``"job_progress"``, ``"job"``, ``"job_definition"``, ``"results"``, ``"audience"``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["get", "in_notebook", "register", "unregister"]

_renderers: dict[str, Callable[..., Any]] = {}


def register(kind: str, fn: Callable[..., Any]) -> None:
    """Register ``fn`` as the renderer of ``kind`` (replacing any previous one)."""
    _renderers[kind] = fn


def unregister(kind: str) -> None:
    """Remove the renderer of ``kind`` if there is one."""
    _renderers.pop(kind, None)


def get(kind: str) -> Callable[..., Any] | None:
    """The renderer registered for ``kind``, or ``None``."""
    return _renderers.get(kind)


def in_notebook() -> bool:
    """Whether we run inside a Jupyter kernel (ZMQ shell), not a terminal IPython or plain Python."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"
