"""OAuth2 client-credentials shapes (snake_case on the wire, as RFC 6749 says)."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["TokenResponse", "UserInfo"]


class TokenResponse(BaseModel):
    """Answer of ``POST /connect/token``."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str | None = None


class UserInfo(BaseModel):
    """Answer of ``GET /connect/userinfo``."""

    sub: str
    email: str | None = None
    role: list[str] = []
    name: str | None = None
