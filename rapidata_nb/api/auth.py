"""Authentication: OAuth2 client credentials as an ``httpx.Auth`` flow, static tokens, the credentials file.

The flow holds the token and refreshes it ``leeway`` seconds before it expires, so the rest of the client
never sees token handling (httpx's ``Auth.auth_flow`` pattern). A 401 on an API call triggers one refresh
and one replay.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from rapidata_nb.api.transport import raise_for_status

if TYPE_CHECKING:
    from rapidata_nb.api.transport import Transport

__all__ = [
    "ClientCredentialsAuth",
    "StaticTokenAuth",
    "StoredCredential",
    "credentials_path",
    "forget_credential",
    "mark_credential_used",
    "read_stored_credentials",
    "remove_stored_credentials",
    "store_credential",
]


def _basic(client_id: str, client_secret: str) -> str:
    # client_secret_basic (RFC 6749 §2.3.1): form-urlencode each part, then base64 "id:secret".
    raw = f"{quote(client_id)}:{quote(client_secret)}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 ``client_credentials`` grant against ``{auth_url}/connect/token``.

    The token request uses HTTP Basic auth (``client_secret_basic``) and a form body
    ``grant_type=client_credentials&scope=...``, exactly as the official SDK sends it.

    Args:
        token_url: Full URL of the token endpoint.
        client_id: OAuth client id.
        client_secret: OAuth client secret.
        scope: Space-separated scopes.
        leeway: Refresh this many seconds before ``expires_at``.
    """

    requires_response_body = True

    def __init__(
        self, token_url: str, client_id: str, client_secret: str, scope: str, leeway: int = 60
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.leeway = leeway
        self.token: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def _expired(self) -> bool:
        if self.token is None:
            return True
        expires_at = self.token.get("expires_at")
        return expires_at is not None and time.time() >= float(expires_at) - self.leeway

    def _token_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials", "scope": self.scope},
            headers={
                "Accept": "application/json",
                "Authorization": _basic(self.client_id, self.client_secret),
            },
        )

    def _store(self, response: httpx.Response) -> None:
        raise_for_status(response)
        token = dict(response.json())
        if "expires_at" not in token and token.get("expires_in") is not None:
            token["expires_at"] = time.time() + float(token["expires_in"])
        self.token = token

    def _authorize(self, request: httpx.Request) -> None:
        assert self.token is not None
        token_type = str(self.token.get("token_type") or "Bearer")
        if token_type.lower() == "bearer":
            token_type = "Bearer"
        request.headers["Authorization"] = f"{token_type} {self.token['access_token']}"

    def _refresh_flow(self) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield self._token_request()
        self._store(response)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # httpx's sync_auth_flow drives this generator and, as requires_response_body is set, reads every
        # response before sending it in: a token response off a real socket is a stream until then.
        with self._lock:
            if self._expired():
                yield from self._refresh_flow()
        self._authorize(request)
        response = yield request
        if response.status_code == 401:
            with self._lock:
                yield from self._refresh_flow()
            self._authorize(request)
            yield request

    def fetch_token(self, transport: Transport) -> dict[str, Any]:
        """Fetch a fresh token now (used at construction to fail fast on bad credentials)."""
        response = transport.send_unauthenticated(self._token_request)
        with self._lock:
            self._store(response)
        assert self.token is not None
        return self.token


class StaticTokenAuth(httpx.Auth):
    """A fixed bearer token (``token=`` / ``token_file=``); the token file is re-read when it changes.

    Args:
        token: A dict with ``access_token`` (and optionally ``token_type``, ``expires_at``).
        token_file: A JSON file holding such a dict; re-read whenever its mtime changes.
    """

    def __init__(self, token: dict[str, Any] | None = None, token_file: str | os.PathLike[str] | None = None):
        if token is None and token_file is None:
            raise ValueError("Pass token= or token_file=.")
        self.token_file = Path(token_file).expanduser() if token_file is not None else None
        self._mtime: int | None = None
        self.token: dict[str, Any] = dict(token) if token is not None else self._read()
        if "access_token" not in self.token:
            raise ValueError("The token needs an 'access_token' field.")

    def _read(self) -> dict[str, Any]:
        assert self.token_file is not None
        try:
            stat = self.token_file.stat()
            data = json.loads(self.token_file.read_text())
        except FileNotFoundError:
            raise ValueError(f"Token file {self.token_file} does not exist.") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"Token file {self.token_file} is not valid JSON: {exc}") from exc
        self._mtime = stat.st_mtime_ns
        return dict(data)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.token_file is not None:
            try:
                if self.token_file.stat().st_mtime_ns != self._mtime:
                    self.token = self._read()
            except (OSError, ValueError):
                pass
        request.headers["Authorization"] = f"Bearer {self.token['access_token']}"
        yield request


# --- credentials file (~/.config/rapidata/credentials.json, keyed by auth URL) ---------------------
#
# The format is the official SDK's (wire notes §1.1), so both tools share one file:
#   {"<auth url>": [{"display_name", "client_id", "client_secret", "endpoint", "created_at", "last_used"}]}
# Several entries per auth URL may exist; the most recently used wins. The directory is 0700, the file 0600,
# and every write goes to a fresh temp file in the same directory followed by an atomic rename.


@dataclass(frozen=True)
class StoredCredential:
    """One entry of the credentials file."""

    auth_url: str
    client_id: str
    client_secret: str
    display_name: str | None = None
    last_used: str | None = None
    created_at: str | None = None


def credentials_path() -> Path:
    """``~/.config/rapidata/credentials.json`` (shared with the official SDK)."""
    return Path.home() / ".config" / "rapidata" / "credentials.json"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _moment(value: Any) -> datetime:
    """Parse a stored timestamp (ours, or the official SDK's ``...Z``); unknown sorts first."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _load() -> dict[str, list[dict[str, Any]]]:
    path = credentials_path()
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, list[dict[str, Any]]]) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:  # not ours to tighten (e.g. a shared mount); the file itself is still 0600
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same(url_a: str, url_b: str) -> bool:
    return url_a.rstrip("/") == url_b.rstrip("/")


def _entry(auth_url: str, raw: dict[str, Any]) -> StoredCredential | None:
    if not raw.get("client_id") or not raw.get("client_secret"):
        return None
    return StoredCredential(
        auth_url=auth_url,
        client_id=str(raw["client_id"]),
        client_secret=str(raw["client_secret"]),
        display_name=raw.get("display_name"),
        last_used=raw.get("last_used"),
        created_at=raw.get("created_at"),
    )


def read_stored_credentials(auth_url: str | None = None) -> StoredCredential | None:
    """The most recently used stored credential for ``auth_url`` (any auth URL when ``None``)."""
    data = _load()
    candidates: list[StoredCredential] = []
    for url, entries in data.items():
        if auth_url is not None and not _same(url, auth_url):
            continue
        for raw in entries if isinstance(entries, list) else []:
            if isinstance(raw, dict) and (entry := _entry(url, raw)) is not None:
                candidates.append(entry)
    if not candidates:
        return None
    return max(candidates, key=lambda c: _moment(c.last_used or c.created_at))


def store_credential(
    auth_url: str, client_id: str, client_secret: str, display_name: str | None = None
) -> StoredCredential:
    """Add a credential for ``auth_url`` (as the most recently used one) and return it."""
    now = _now()
    raw = {
        "display_name": display_name or "rapidata-nb client",
        "client_id": client_id,
        "client_secret": client_secret,
        "endpoint": auth_url,
        "created_at": now,
        "last_used": now,
    }
    data = _load()
    key = next((k for k in data if _same(k, auth_url)), auth_url)
    entries = data.get(key)
    data[key] = [*(entries if isinstance(entries, list) else []), raw]
    _write(data)
    entry = _entry(key, raw)
    assert entry is not None
    return entry


def _rewrite(auth_url: str, edit: Any) -> bool:
    data = _load()
    changed = False
    for key in [k for k in data if _same(k, auth_url)]:
        entries = data[key] if isinstance(data[key], list) else []
        kept = [e for e in (edit(e) for e in entries if isinstance(e, dict)) if e is not None]
        changed = changed or kept != entries
        if kept:
            data[key] = kept
        else:
            del data[key]
    if changed:
        _write(data)
    return changed


def mark_credential_used(auth_url: str, client_id: str) -> None:
    """Stamp ``last_used`` on the entry of ``client_id`` (so it keeps winning)."""
    now = _now()
    _rewrite(auth_url, lambda e: {**e, "last_used": now} if e.get("client_id") == client_id else e)


def forget_credential(auth_url: str, client_id: str) -> bool:
    """Drop the entry of ``client_id`` under ``auth_url`` (e.g. after the server rejected it)."""
    return _rewrite(auth_url, lambda e: None if e.get("client_id") == client_id else e)


def remove_stored_credentials(auth_url: str) -> bool:
    """Drop every stored credential for ``auth_url``; the file is rewritten atomically (mode 0600)."""
    data = _load()
    keys = [k for k in data if _same(k, auth_url)]
    if not keys:
        return False
    for key in keys:
        del data[key]
    _write(data)
    return True
