"""Browser login: get API credentials for a server by signing in as a person (wire notes §3.1).

The flow, the same one the official SDK runs against ``auth.rapidata.ai``:

1. ``POST {auth}/identity/bridge-token?clientId=rapidata-cli`` → ``{readKey, writeKey}``.
2. The person opens ``{auth}/connect/authorize/external?...&writeKey=...`` (a browser is opened when this
   machine has a display; the link is always printed, so a headless session or a coding agent can relay it).
3. ``GET {auth}/identity/bridge-token?readKey=`` every second: 202 while pending, 200 ``{accessToken}``.
4. ``POST {auth}/Client`` with that bearer token → ``{clientId, clientSecret}``, saved to the credentials
   file so later clients start silently.
"""

from __future__ import annotations

import html
import os
import socket
import sys
import time
import webbrowser
from collections.abc import Callable
from typing import Any, TextIO
from urllib.parse import quote

import httpx

from rapidata_nb.api.auth import StoredCredential, credentials_path, store_credential
from rapidata_nb.client.exceptions import RapidataError

__all__ = ["LoginError", "browser_login", "can_open_browser", "login_link", "login_timeout"]

CLI_CLIENT_ID = "rapidata-cli"
LOGIN_SCOPE = "openid profile email api"
DEFAULT_TIMEOUT = 300.0


class LoginError(RapidataError):
    """The browser login could not start or did not complete (the message says what to do)."""


def login_timeout() -> float:
    """Seconds to wait for the person: ``$RAPIDATA_NB_LOGIN_TIMEOUT``, else 300 (as the official SDK)."""
    value = os.environ.get("RAPIDATA_NB_LOGIN_TIMEOUT", "").strip()
    try:
        return float(value) if value else DEFAULT_TIMEOUT
    except ValueError:
        raise ValueError(f"RAPIDATA_NB_LOGIN_TIMEOUT must be a number of seconds, got {value!r}") from None


def can_open_browser() -> bool:
    """Whether a browser window can be shown here (never when ``RAPIDATA_NB_NO_BROWSER`` is set)."""
    if os.environ.get("RAPIDATA_NB_NO_BROWSER"):
        return False
    if os.environ.get("BROWSER") or sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def login_link(auth_url: str, write_key: str) -> str:
    """The sign-in page a person opens for one pending login."""
    return (
        f"{auth_url.rstrip('/')}/connect/authorize/external?clientId={CLI_CLIENT_ID}"
        f"&scope={quote(LOGIN_SCOPE)}&writeKey={quote(write_key, safe='')}"
    )


def _fail(what: str, exc: BaseException | httpx.Response) -> LoginError:
    if isinstance(exc, httpx.Response):
        try:
            detail = str(exc.json().get("message") or exc.text)
        except (ValueError, AttributeError):
            detail = exc.text.strip()[:200] or exc.reason_phrase
        return LoginError(status_code=exc.status_code, message=f"{what}: {detail}")
    return LoginError(message=f"{what}: {exc}")


def browser_login(
    auth_url: str,
    *,
    verify: Any = True,
    timeout: float | None = None,
    poll_interval: float = 1.0,
    open_browser: bool | None = None,
    display_name: str | None = None,
    out: TextIO | None = None,
    on_link: Callable[[str], None] | None = None,
) -> StoredCredential:
    """Sign in through the browser and save new API credentials for ``auth_url``.

    Args:
        auth_url: Origin of the auth paths (``https://auth.rapidata.ai`` or ``http://host:8000``).
        verify: TLS verification for httpx (``True``, a CA bundle path or an ``ssl.SSLContext``).
        timeout: Seconds to wait for the person (default :func:`login_timeout`).
        poll_interval: Seconds between polls.
        open_browser: Open a browser window (default: when :func:`can_open_browser`).
        display_name: Name of the new API client (default ``"<hostname> - rapidata-nb"``).
        out: Where the link is printed (default ``sys.stderr``).
        on_link: Called with the link once it is known (tests, custom front ends).

    Returns:
        The saved credential.

    Raises:
        LoginError: The server cannot be reached, refuses the login, or nobody signed in in time.
    """
    auth_url = auth_url.rstrip("/")
    timeout = login_timeout() if timeout is None else timeout
    out = out or sys.stderr
    with httpx.Client(base_url=auth_url, verify=verify, timeout=httpx.Timeout(30.0, connect=10.0)) as http:
        try:
            started = http.post("/identity/bridge-token", params={"clientId": CLI_CLIENT_ID})
        except httpx.HTTPError as exc:
            raise _fail(f"Cannot reach {auth_url} to sign in", exc) from None
        if started.status_code != 200:
            raise _fail(f"{auth_url} does not offer a browser sign-in", started) from None
        keys = started.json()
        link = login_link(auth_url, str(keys["writeKey"]))
        opened = (can_open_browser() if open_browser is None else open_browser) and webbrowser.open(link)
        lead = "Sign in in the browser window that just opened, or open" if opened else "To sign in, open"
        code = str(keys.get("code") or "")
        check = f"\nThe page shows the code {code}: sign in only if it does." if code else ""
        print(f"{lead} this link:\n  {link}{check}\n(waiting up to {timeout:.0f} s)", file=out, flush=True)
        _show_link_in_notebook(link, auth_url, code)
        if on_link is not None:
            on_link(link)
        access_token = _wait(http, str(keys["readKey"]), timeout, poll_interval, auth_url)
        name = display_name or f"{socket.gethostname()} - rapidata-nb"
        try:
            created = http.post(
                "/Client", json={"displayName": name}, headers={"Authorization": f"Bearer {access_token}"}
            )
        except httpx.HTTPError as exc:
            raise _fail(f"Cannot reach {auth_url} to create API credentials", exc) from None
        if created.status_code not in (200, 201):
            raise _fail(f"{auth_url} refused to create API credentials", created) from None
        body = created.json()
    credential = store_credential(auth_url, str(body["clientId"]), str(body["clientSecret"]), name)
    print(f"Signed in; credentials saved to {credentials_path()}", file=out, flush=True)
    return credential


def _show_link_in_notebook(link: str, auth_url: str, code: str) -> None:
    """In Jupyter, also show the link as a button-like anchor (stderr text is easy to miss)."""
    from rapidata_nb.client._display import in_notebook

    if not in_notebook():
        return
    from IPython.display import HTML, display

    safe = html.escape(link, quote=True)
    anchor = f"<a href='{safe}' target='_blank' rel='noopener'>Sign in to {html.escape(auth_url)}</a>"
    if code:
        anchor += f" (the page shows the code <b>{html.escape(code)}</b>)"
    display(HTML(anchor))  # type: ignore[no-untyped-call]


def _wait(http: httpx.Client, read_key: str, timeout: float, poll_interval: float, auth_url: str) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = http.get("/identity/bridge-token", params={"readKey": read_key})
        except httpx.HTTPError as exc:
            raise _fail(f"Lost {auth_url} while waiting for the sign-in", exc) from None
        if answer.status_code == 200:
            return str(answer.json()["accessToken"])
        if answer.status_code != 202:
            raise _fail("The sign-in failed", answer) from None
        if time.monotonic() + poll_interval > deadline:
            raise LoginError(
                message=f"Nobody signed in within {timeout:.0f} s. Run `rapidata-nb login` to try again, "
                "or pass client_id/client_secret."
            )
        time.sleep(poll_interval)
