"""Showing a link: inline in notebooks (renderer or HTML), a browser on desktops, else a printed URL.

Never blocks and never fails: a headless machine just gets the printed link.
"""

from __future__ import annotations

import html
import os
import sys
import webbrowser
from typing import Any

from rapidata_nb.client import _display
from rapidata_nb.config import logger, managed_print

__all__ = ["link_html", "show"]


def link_html(title: str, url: str, details: dict[str, Any] | None = None) -> str:
    """A small HTML card with a title, key/value details and the link."""
    rows = "".join(
        f"<tr><td style='padding-right:1em;color:#666'>{html.escape(str(k))}</td>"
        f"<td>{html.escape(str(v))}</td></tr>"
        for k, v in (details or {}).items()
        if v is not None
    )
    return (
        f"<div style='font-family:sans-serif'><b>{html.escape(title)}</b>"
        f"<table style='margin:4px 0'>{rows}</table>"
        f"<a href='{html.escape(url, quote=True)}' target='_blank'>{html.escape(url)}</a></div>"
    )


def _has_gui() -> bool:
    if os.environ.get("CI") or os.environ.get("PYTEST_CURRENT_TEST"):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def show(kind: str, obj: Any, url: str, title: str) -> None:
    """Show ``obj`` (a job or definition) and its ``url`` the best way the environment allows."""
    if _display.in_notebook():
        renderer = _display.get(kind)
        try:
            if renderer is not None:
                renderer(obj)
                return
            from IPython.display import HTML, display

            page = obj._repr_html_() if hasattr(obj, "_repr_html_") else link_html(title, url)
            display(HTML(page))  # type: ignore[no-untyped-call]
            return
        except Exception as exc:  # rendering is best effort; the link always works
            logger.debug("inline rendering of %s failed: %s", kind, exc)
    opened = False
    if _has_gui():
        try:
            opened = webbrowser.open(url)
        except Exception:
            opened = False
    if not opened:
        managed_print(f"{title}: {url}")
