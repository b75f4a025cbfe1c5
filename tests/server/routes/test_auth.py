"""Client-credentials tokens, userinfo, and 401s with our error body (real server over HTTP)."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest


def test_token_with_basic_auth(live_server: Any) -> None:
    response = httpx.post(
        f"{live_server.url}/connect/token",
        data={"grant_type": "client_credentials", "scope": "openid email api"},
        auth=(live_server.client_id, live_server.client_secret),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "openid email api"
    assert len(body["access_token"]) >= 32


def test_token_with_form_credentials(live_server: Any) -> None:
    response = httpx.post(
        f"{live_server.url}/connect/token",
        data={"grant_type": "client_credentials", "client_id": "test", "client_secret": "test-secret"},
    )
    assert response.status_code == 200
    userinfo = httpx.get(
        f"{live_server.url}/connect/userinfo",
        headers={"Authorization": f"Bearer {response.json()['access_token']}"},
    )
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == "6c6f6361-6c00-4000-8000-000000000001"


def test_local_client_credentials_file_is_private_and_valid(live_server: Any) -> None:
    path = live_server.data_dir / "local_credentials.json"
    assert path.stat().st_mode & 0o777 == 0o600
    import json

    creds = json.loads(path.read_text())
    response = httpx.post(
        f"{live_server.url}/connect/token",
        data={"grant_type": "client_credentials"},
        auth=(creds["client_id"], creds["client_secret"]),
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("auth", "data", "status"),
    [
        (("test", "wrong"), {"grant_type": "client_credentials"}, 401),
        (("nobody", "x"), {"grant_type": "client_credentials"}, 401),
        (None, {"grant_type": "client_credentials"}, 401),
        (("test", "test-secret"), {"grant_type": "password"}, 400),
    ],
)
def test_token_rejections(live_server: Any, auth: tuple[str, str] | None, data: dict, status: int) -> None:
    response = httpx.post(f"{live_server.url}/connect/token", data=data, auth=auth)
    assert response.status_code == status
    body = response.json()
    assert body["message"]
    assert body["traceId"] == response.headers["x-trace-id"]
    assert body["error"] in ("invalid_client", "unsupported_grant_type")


def test_malformed_basic_header(live_server: Any) -> None:
    response = httpx.post(
        f"{live_server.url}/connect/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    )
    assert response.status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic dGVzdDp0ZXN0LXNlY3JldA=="])
def test_api_requires_valid_bearer(live_server: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = httpx.get(f"{live_server.url}/jobs", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"message", "traceId"}
    assert response.headers["x-trace-id"] == body["traceId"]
    assert "token" in body["message"]


def test_health_needs_no_token(live_server: Any) -> None:
    assert httpx.get(f"{live_server.url}/local/health").json() == {"status": "ok"}


def test_unknown_route_and_method_use_error_body(live_server: Any) -> None:
    missing = httpx.get(f"{live_server.url}/no/such/route")
    assert missing.status_code == 404
    assert missing.json()["traceId"] == missing.headers["x-trace-id"]
    wrong_method = httpx.put(f"{live_server.url}/connect/token")
    assert wrong_method.status_code == 405
    assert "message" in wrong_method.json()


def test_expired_token_is_rejected(live_server_factory: Any, poll: Any) -> None:
    short_token_server = live_server_factory(crowd=False, extra_args=("--token-ttl-seconds", "1"))
    token = short_token_server.token()
    headers = {"Authorization": f"Bearer {token}"}
    # The token works until it expires, then every call answers 401 (poll, no fixed sleep).
    first = httpx.get(f"{short_token_server.url}/jobs", headers=headers)
    assert first.status_code in (200, 401)
    expired = poll(
        lambda: (r := httpx.get(f"{short_token_server.url}/jobs", headers=headers)).status_code == 401 and r,
        timeout=10,
        message="token expiry",
    )
    assert "expired" in expired.json()["message"]
