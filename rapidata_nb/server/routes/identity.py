"""People and their API clients: the browser login (wire notes §3.1) and ``/Client``.

- ``POST /identity/bridge-token`` starts a login: ``{readKey, writeKey, code}``; the program prints ``code``.
- ``GET /connect/authorize/external?writeKey=`` is the sign-in page a person opens. It shows the code and
  the requesting client, and the person confirms that the code is the one their program printed before the
  password is checked: a link somebody else started (whose token would go to them) shows a code the person
  never saw.
- ``GET /identity/bridge-token?readKey=`` answers 202 while pending and 200 ``{accessToken}`` once.
- ``POST /Client`` (bearer) creates an API client for the caller's customer; ``GET /Client`` lists them and
  ``DELETE /Client/{clientId}`` revokes one.

Accounts are created by an admin with ``rapidata-nb user create`` (docs/sign-in.md).
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.server.deps import CredentialGuardDep, CurrentUser, SessionDep, SettingsDep, client_address
from rapidata_nb.server.errors import NotFoundError, TooManyRequestsError
from rapidata_nb.server.store import identity as store
from rapidata_nb.server.store.models import BridgeToken

router = APIRouter(tags=["identity"])


class BridgeTokenPair(WireModel):
    """Answer of ``POST /identity/bridge-token``."""

    read_key: str
    write_key: str
    code: str
    """Shown on the sign-in page; the program that started the login prints it for comparison."""


class BridgeTokenResult(WireModel):
    """Answer of ``GET /identity/bridge-token`` once the person signed in."""

    access_token: str


class CreateClientRequest(WireModel):
    """Body of ``POST /Client``."""

    display_name: str | None = None


class CreatedClient(WireModel):
    """Answer of ``POST /Client``: the secret is shown this once."""

    client_id: str
    client_secret: str
    display_name: str | None = None


class ClientSummary(WireModel):
    """One row of ``GET /Client`` (no secret)."""

    client_id: str
    display_name: str | None = None
    created_at: datetime


# --- bridge tokens -------------------------------------------------------------------------------------


@router.post("/identity/bridge-token")
def create_bridge_token(
    session: SessionDep, client_id: Annotated[str, Query(alias="clientId", max_length=200)] = "rapidata-cli"
) -> BridgeTokenPair:
    """Start a browser login."""
    read_key, write_key = store.create_bridge(session=session, client_id=client_id)
    return BridgeTokenPair(read_key=read_key, write_key=write_key, code=store.bridge_code(write_key))


@router.get("/identity/bridge-token", response_model=None)
def read_bridge_token(
    session: SessionDep,
    settings: SettingsDep,
    read_key: Annotated[str, Query(alias="readKey", min_length=1, max_length=200)],
) -> BridgeTokenResult | JSONResponse:
    """202 while the person has not signed in yet, then 200 with the access token (once)."""
    try:
        token = store.read_bridge(session=session, read_key=read_key, ttl_seconds=settings.token_ttl_seconds)
    except LookupError as exc:
        raise NotFoundError(str(exc)) from None
    if token is None:
        return JSONResponse({"status": "pending"}, status_code=202)
    return BridgeTokenResult(access_token=token)


# --- the sign-in page ----------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#222;margin:0}"
    "main{max-width:22rem;margin:12vh auto;background:#fff;padding:2rem;border-radius:8px;"
    "box-shadow:0 1px 4px #0002}h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}"
    "input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}"
    "button{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#2d6cdf;color:#fff;"
    "border:0;border-radius:4px;cursor:pointer}.error{color:#b00020}.muted{color:#666;font-size:.9rem}"
    ".code{font:600 1.6rem ui-monospace,monospace;letter-spacing:.15em;text-align:center;margin:.4rem 0}"
    ".confirm{display:flex;gap:.5rem;align-items:flex-start}.confirm input{width:auto;margin-top:.2rem}"
)


def _page(title: str, body: str, status_code: int = 200, retry_after: int | None = None) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><main>{body}</main></body></html>",
        status_code=status_code,
        headers={"retry-after": str(retry_after)} if retry_after is not None else None,
    )


def _form(
    bridge: BridgeToken,
    write_key: str,
    email: str = "",
    error: str = "",
    status_code: int = 200,
    retry_after: int | None = None,
) -> HTMLResponse:
    message = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
    return _page(
        "Sign in · rapidata-nb",
        "<h1>Sign in to rapidata-nb</h1>"
        f"<p class='muted'>The program <b>{html.escape(bridge.client_id)}</b> asked to use this server as "
        "you. It printed this code:</p>"
        f"<p class='code' id='code'>{store.bridge_code(write_key)}</p>"
        f"{message}<form method='post' action='/connect/authorize/external'>"
        f"<input type='hidden' name='writeKey' value='{html.escape(write_key)}'>"
        "<label for='email'>Email</label>"
        f"<input id='email' name='email' type='email' autocomplete='username' required "
        f"value='{html.escape(email)}' autofocus>"
        "<label for='password'>Password</label>"
        "<input id='password' name='password' type='password' autocomplete='current-password' required>"
        "<label class='confirm' for='confirm'><input id='confirm' name='confirm' type='checkbox' "
        "value='yes' required>I started this sign-in, and my program shows the same code</label>"
        "<button type='submit'>Sign in</button></form>"
        "<p class='muted'>If you did not start a sign-in, or the codes differ, close this page: whoever "
        "sent you the link would get access to your account.</p>"
        "<p class='muted'>No account? Ask the person who runs this server "
        "(<code>rapidata-nb user create</code>).</p>",
        status_code,
        retry_after,
    )


_STALE = (
    "<h1>This sign-in link has expired</h1><p>Start the login again on your computer "
    "(<code>rapidata-nb login</code>, or <code>RapidataClient()</code>) and open the new link.</p>"
)


@router.get("/connect/authorize/external", include_in_schema=False)
def sign_in_page(
    session: SessionDep, write_key: Annotated[str, Query(alias="writeKey", max_length=200)] = ""
) -> HTMLResponse:
    """The sign-in form for one pending login."""
    bridge = store.find_pending_bridge(session=session, write_key=write_key) if write_key else None
    if bridge is None:
        return _page("Sign-in link expired · rapidata-nb", _STALE, status_code=400)
    return _form(bridge, write_key)


@router.post("/connect/authorize/external", include_in_schema=False)
def sign_in(
    request: Request,
    session: SessionDep,
    guard: CredentialGuardDep,
    write_key: Annotated[str, Form(alias="writeKey", max_length=200)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """Check the confirmation and the password, and complete the login."""
    bridge = store.find_pending_bridge(session=session, write_key=write_key) if write_key else None
    if bridge is None:
        return _page("Sign-in link expired · rapidata-nb", _STALE, status_code=400)
    if confirm != "yes":
        message = "Confirm that you started this sign-in and that your program shows the same code."
        return _form(bridge, write_key, email, message, status_code=400)
    try:
        user = guard.check(
            session=session,
            address=client_address(request),
            account=email,
            verify=lambda: store.authenticate_user(session=session, email=email, password=password),
        )
    except TooManyRequestsError as exc:
        message = "Too many failed sign-ins: try again later."
        return _form(bridge, write_key, email, message, status_code=429, retry_after=exc.retry_after)
    if user is None:
        return _form(bridge, write_key, email, "Wrong email or password.", status_code=401)
    store.complete_bridge(session=session, write_key=write_key, user=user)
    return _page(
        "Signed in · rapidata-nb",
        f"<h1>You are signed in</h1><p>Signed in as <b>{html.escape(user.email)}</b>. "
        "You can close this window and go back to your notebook or terminal.</p>",
    )


# --- API clients ---------------------------------------------------------------------------------------


@router.post("/Client")
def create_client(
    session: SessionDep, user: CurrentUser, body: CreateClientRequest | None = None
) -> CreatedClient:
    """Create an API client (id and secret) for the caller's account."""
    name = body.display_name if body is not None else None
    client_id, secret = store.create_client(session=session, customer_id=user.customer_id, display_name=name)
    return CreatedClient(client_id=client_id, client_secret=secret, display_name=name or "API client")


@router.get("/Client")
def list_clients(session: SessionDep, user: CurrentUser) -> list[ClientSummary]:
    """The caller's API clients (without secrets)."""
    return [
        ClientSummary(client_id=row.client_id, display_name=row.display_name, created_at=row.created_at)
        for row in store.list_clients(session=session, customer_id=user.customer_id)
    ]


@router.delete("/Client/{client_id}", status_code=204)
def revoke_client(client_id: str, session: SessionDep, user: CurrentUser) -> Response:
    """Revoke one of the caller's API clients; its tokens stop working at once."""
    if not store.revoke_client(session=session, customer_id=user.customer_id, client_id=client_id):
        raise NotFoundError(f"Client '{client_id}' not found")
    return Response(status_code=204)
