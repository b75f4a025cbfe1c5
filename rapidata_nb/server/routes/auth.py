"""OAuth2 client credentials (``/connect/token``) and the caller's identity (``/connect/userinfo``)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Form, Request

from rapidata_nb.api.models import TokenResponse, UserInfo
from rapidata_nb.server.deps import CredentialGuardDep, CurrentUser, SessionDep, SettingsDep, client_address
from rapidata_nb.server.errors import BadRequestError, UnauthorizedError
from rapidata_nb.server.store import auth as store
from rapidata_nb.server.store.models import Customer

router = APIRouter(prefix="/connect", tags=["auth"])


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise UnauthorizedError("Malformed Basic authorization header", error="invalid_client") from exc
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        raise UnauthorizedError("Malformed Basic authorization header", error="invalid_client")
    # RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    return unquote(client_id), unquote(client_secret)


@router.post("/token")
def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    guard: CredentialGuardDep,
    grant_type: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    scope: Annotated[str | None, Form()] = None,
) -> TokenResponse:
    """Exchange client credentials (Basic header or form fields) for a bearer token."""
    if grant_type != "client_credentials":
        raise BadRequestError(
            f"grant_type: only 'client_credentials' is supported, got {grant_type!r}",
            error="unsupported_grant_type",
        )
    credentials = _basic_credentials(request) or (
        (client_id, client_secret) if client_id and client_secret is not None else None
    )
    if credentials is None:
        raise UnauthorizedError(
            "Missing client credentials: send a Basic authorization header or client_id/client_secret",
            error="invalid_client",
        )
    client_id, client_secret = credentials
    client = guard.check(
        session=session,
        address=client_address(request),
        account=client_id,
        verify=lambda: store.authenticate_client(
            session=session, client_id=client_id, client_secret=client_secret
        ),
    )
    if client is None:
        raise UnauthorizedError("Unknown client or wrong client secret", error="invalid_client")
    access_token = store.issue_token(
        session=session, client=client, scope=scope, ttl_seconds=settings.token_ttl_seconds
    )
    return TokenResponse(access_token=access_token, expires_in=settings.token_ttl_seconds, scope=scope)


@router.get("/userinfo")
def userinfo(session: SessionDep, user: CurrentUser) -> UserInfo:
    """Who the bearer token belongs to."""
    customer = session.get(Customer, user.customer_id)
    return UserInfo(
        sub=user.customer_id,
        email=customer.email if customer else None,
        role=["Customer"],
        name=user.client_id,
    )
