"""Labeler: label an audience's tasks yourself, inside the notebook (``audience.label()``, ``job.label()``).

The widget runs the web labeling app (``widgets_js/label_app.js``, the page served at ``/label``) in the
output cell. The app's requests to the ``/labeler`` task feed travel through the kernel (anywidget custom
messages), so the notebook page needs no access to the server's origin. You are a human labeler like anyone
else: qualification examples first where the audience has them, a deadline per task, and your answers count in
the job's results with your profile.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx
import traitlets as t

from rapidata_nb.widgets._base import BaseWidget

__all__ = ["Labeler", "show_labeler"]

_APP_STATIC = Path(__file__).resolve().parents[1] / "server" / "web" / "static"
"""The app's committed bundle (``widgets_js/build.mjs``), read as files: the server is not imported."""
_PROFILE_KEYS = ("name", "country", "language", "age", "gender", "occupation", "device")
_DEFAULT_PROFILE = {
    "country": "US",
    "language": "en",
    "age": "18-29",
    "gender": "Other",
    "occupation": "Other",
}


class Labeler(BaseWidget):
    """Label tasks of one audience as a human labeler, in the notebook.

    Args:
        url: Origin of the server that serves the ``/labeler`` feed (the client's API URL).
        audience_id: The audience to label for (custom audiences start with their qualification examples).
        audience_name: Its name, shown in the header.
        audience_kind: ``"custom"``, ``"unlisted"``, ``"global"``, ...
        job_id: Label only this job's tasks (after any qualification examples).
        profile: Your labeler profile: ``country`` (ISO code), ``language``, ``age`` (``"30-39"``...),
            ``gender``, ``occupation``, optional ``name``. Missing keys take neutral defaults.
        session_seconds: The task deadline shown by the countdown (the server enforces its own).
        timeout: Seconds to wait for the server on each request.

    Examples:
        >>> audience.label(country="DE", language="de", age="30-39")   # doctest: +SKIP
        Labeler(audience='aud_…', answered=0)
    """

    _esm = _APP_STATIC / "label_app.js"
    _css = _APP_STATIC / "label_app.css"
    _widget_name: ClassVar[str] = "Labeler"
    _init_arguments: ClassVar[tuple[str, ...]] = (
        "url",
        "audience_id",
        "audience_name",
        "audience_kind",
        "timeout",
    )

    audience = t.Dict(allow_none=True, default_value=None).tag(sync=True)
    """The audience labeled for: ``{"id", "name", "kind"}`` (``None``: every audience you belong to).

    - Type: ``dict | None``
    - Default: ``None``
    """

    profile = t.Dict().tag(sync=True)
    """Your labeler profile, sent when the session starts.

    - Type: ``dict`` with ``country``, ``language``, ``age``, ``gender``, ``occupation`` (``name`` optional)
    - Default: neutral values (``US``, ``en``, ``18-29``, ``Other``, ``Other``)
    """

    job_id = t.Unicode("").tag(sync=True)
    """Only this job's tasks (``job.label()``); empty: every job of the audience.

    - Type: ``str``
    - Default: ``""``
    """

    session_seconds = t.Float(25.0).tag(sync=True)
    """The deadline per task, for the countdown.

    - Type: ``float``
    - Default: ``25.0``
    """

    answered = t.Int(0).tag(sync=True)
    """Tasks you answered in this widget's session (updated by the app after each answer).

    - Type: ``int``
    - Default: ``0``
    """

    labeler_id = t.Unicode("").tag(sync=False)
    """Your labeler id once the session started; a re-rendered view resumes as the same labeler.

    - Type: ``str``
    - Default: ``""``
    """

    session_id = t.Unicode("").tag(sync=False)
    """The current session's id.

    - Type: ``str``
    - Default: ``""``
    """

    def __init__(
        self,
        url: str,
        audience_id: str | None = None,
        *,
        audience_name: str | None = None,
        audience_kind: str = "custom",
        job_id: str | None = None,
        profile: Mapping[str, Any] | None = None,
        session_seconds: float = 25.0,
        timeout: float = 30.0,
        **kwargs: Any,
    ) -> None:
        unknown = set(profile or {}) - set(_PROFILE_KEYS)
        if unknown:
            raise TypeError(
                f"Labeler(): unknown profile field(s) {sorted(unknown)}; use {', '.join(_PROFILE_KEYS)}"
            )
        super().__init__(
            audience=(
                {"id": audience_id, "name": audience_name or audience_id, "kind": audience_kind}
                if audience_id
                else None
            ),
            profile={**_DEFAULT_PROFILE, **{k: v for k, v in (profile or {}).items() if v is not None}},
            session_seconds=session_seconds,
            job_id=job_id or "",
            **kwargs,
        )
        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=timeout)
        self._resume_token: str | None = None  # kept in the kernel, never synced to the page
        self.on_msg(self._on_request)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Forward one feed request (``path`` below ``/labeler``) to the server; returns ``(status, json)``.

        Only the labeler feed is reachable: anything else is refused without a request.
        """
        if method not in ("GET", "POST") or not path.startswith("/session"):
            return 400, {"message": f"the labeling widget only reaches /labeler/session..., not {path!r}"}
        if method == "POST" and path == "/session":
            body = dict(body or {})
            if self.labeler_id:  # the same person, also after the view is re-rendered
                body = {
                    "labelerId": self.labeler_id,
                    "resumeToken": self._resume_token,
                    "audienceId": body.get("audienceId"),
                }
        try:
            response = self._http.request(method, f"/labeler{path}", json=body if method == "POST" else None)
        except httpx.HTTPError as exc:
            return 503, {"message": f"the labeling server at {self._http.base_url} is unreachable: {exc}"}
        try:
            data = response.json()
        except ValueError:
            data = {"message": response.text[:200]}
        if method == "POST" and path == "/session" and response.status_code == 200:
            self.labeler_id = str(data["labelerId"])
            self.session_id = str(data["sessionId"])
            self._resume_token = data.get("resumeToken") or self._resume_token
        return response.status_code, data

    def _on_request(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, Mapping) or not isinstance(content.get("id"), int):
            return
        status, data = self.request(str(content.get("method")), str(content.get("path")), content.get("body"))
        self.send({"id": content["id"], "status": status, "data": data})

    def close(self) -> None:
        """Close the widget and its HTTP connection."""
        http = getattr(self, "_http", None)
        if http is not None:
            http.close()
        super().close()

    def _repr_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"audience": (self.audience or {}).get("id")}
        if self.job_id:
            fields["job"] = self.job_id
        return {**fields, "answered": self.answered}

    def _static_html(self) -> str:
        name = (self.audience or {}).get("name") or "your audiences"
        return (
            f"<p>Labeler for <b>{html.escape(str(name))}</b>: run the notebook to label "
            f"({self.answered} answered).</p>"
        )


def show_labeler(**kwargs: Any) -> Labeler:
    """Display a :class:`Labeler` and return it (the client's ``"labeler"`` renderer)."""
    from IPython.display import display

    widget = Labeler(**kwargs)
    display(widget)  # type: ignore[no-untyped-call]
    return widget
