"""The web labeling app: ``/label`` and ``/label/{audience_id}`` invite links (issue 8, DESIGN §4).

The server renders a small HTML shell (the audience's name, the session deadline) and the browser app
(``widgets_js/label_app.js``, bundled into ``static/``) does the rest through the ``/labeler/...`` feed only —
never the customer API, so a labeler can see nothing but their own tasks, feedback and scores.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from rapidata_nb.server.deps import SessionDep, SettingsDep
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.store.labeling import Audience

__all__ = ["STATIC_DIR", "router"]

router = APIRouter(tags=["label"], include_in_schema=False)

STATIC_DIR = Path(__file__).parent / "static"
"""The committed bundle of ``widgets_js/label_app.js`` and its stylesheet."""
_STATIC_FILES = {"label_app.js": "text/javascript", "label_app.css": "text/css"}


def _shell(config: dict[str, Any]) -> str:
    """The page: a mount point, the app's config as JSON, the bundle."""
    title = "Label" + (f" · {config['audience']['name']}" if config.get("audience") else "")
    payload = json.dumps(config).replace("<", "\\u003c")  # cannot close the script element
    version = (
        int((STATIC_DIR / "label_app.js").stat().st_mtime) if (STATIC_DIR / "label_app.js").exists() else 0
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="/label/static/label_app.css?v={version}">
</head>
<body class="rnb-label-body">
<div id="app" class="rnb-widget rnb-label-app"><p class="rnb-hint">Loading…</p></div>
<noscript>The labeling app needs JavaScript.</noscript>
<script id="rnb-label-config" type="application/json">{payload}</script>
<script type="module" src="/label/static/label_app.js?v={version}"></script>
</body>
</html>
"""


def _config(audience: Audience | None, session_seconds: float) -> dict[str, Any]:
    return {
        "audience": {"id": audience.id, "name": audience.name, "kind": audience.kind} if audience else None,
        "sessionSeconds": session_seconds,
        "feed": "/labeler",
    }


@router.get("/label", response_class=HTMLResponse)
def label_app(settings: SettingsDep) -> HTMLResponse:
    """The labeling app for every audience the labeler belongs to."""
    return HTMLResponse(_shell(_config(None, settings.session_seconds)))


@router.get("/label/static/{name}")
def label_static(name: str) -> FileResponse:
    """The app's bundled script and stylesheet."""
    if name not in _STATIC_FILES or not (STATIC_DIR / name).exists():
        raise NotFoundError(f"'{name}' is not a file of the labeling app")
    return FileResponse(
        STATIC_DIR / name, media_type=_STATIC_FILES[name], headers={"cache-control": "no-cache"}
    )


@router.get("/label/{audience_id}", response_class=HTMLResponse)
def label_audience(audience_id: str, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """An invite link: join (and qualify for) one audience, then label its jobs."""
    audience = session.get(Audience, audience_id)
    if audience is None or audience.deleted:
        raise NotFoundError(f"audience '{audience_id}' not found; check the invite link")
    return HTMLResponse(_shell(_config(audience, settings.session_seconds)))
