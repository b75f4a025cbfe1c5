"""Team server security (issue 9): rate limits, upload limits, no path traversal, hashed secrets, 0600."""

from __future__ import annotations

import stat
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.security import RateLimit, TokenBuckets, check_upload
from tests.utils.server import CLIENT_SECRET, LiveServer
from tests.utils.stores import engine_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_token_bucket_allows_the_burst_then_the_refill_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(clock=lambda: now[0])
    limit = RateLimit(burst=3, per_second=2.0)
    assert [buckets.take("k", limit) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("k", limit) == pytest.approx(0.5)
    now[0] = 0.5
    assert buckets.take("k", limit) == 0.0
    assert buckets.take("other", limit) == 0.0  # buckets are per key


@pytest.mark.parametrize(
    ("name", "content_type", "head"),
    [
        ("page.html", "image/png", PNG),
        ("x.svg", None, PNG),
        ("x.png", "image/svg+xml", PNG),
        ("x.png", "text/html; charset=utf-8", PNG),
        ("x.png", "image/png", b"  <!DOCTYPE html><script>alert(1)</script>"),
        ("x.bin", "application/octet-stream", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ],
)
def test_active_content_is_refused(name: str, content_type: str | None, head: bytes) -> None:
    with pytest.raises(BadRequestError, match="file:"):
        check_upload(name, content_type, head)


def test_media_and_plain_files_are_accepted() -> None:
    check_upload("cat.png", "image/png", PNG)
    check_upload("keep.bin", "application/octet-stream", b"\x00\x01")
    check_upload("a.txt", None, b"abc")


@pytest.fixture(scope="module")
def server(live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False)  # type: ignore[no-any-return]


def test_uploads_cannot_traverse_paths_and_are_served_inert(server: LiveServer) -> None:
    with server.client() as api:
        stored = api.post("/asset/file", files={"file": ("../../../etc/passwd.png", PNG, "image/png")})
        assert stored.status_code == 200, stored.text
        name = stored.json()["fileName"]
        assert "/" not in name and ".." not in name
        served = api.get(f"/assets/{name}")
        assert served.status_code == 200 and served.content == PNG
        assert served.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in served.headers["content-security-policy"]
        for probe in ("..%2F..%2Fetc%2Fpasswd", "%2E%2E/rapidata.db", "..%5C..%5Crapidata.db"):
            assert api.get(f"/assets/{probe}").status_code == 404
        html = api.post("/asset/file", files={"file": ("x.html", b"<html><script>1</script>", "text/html")})
        assert html.status_code == 400 and "active content" in html.json()["message"]


def test_oversized_bodies_get_413_before_anything_is_stored(server: LiveServer) -> None:
    with server.client() as api:
        before = api.get("/audiences", params={"page_size": 1000}).json()["total"]
        huge = api.post("/audience", json={"name": "x" * (17 * 1024 * 1024)})
        assert huge.status_code == 413 and "larger than 16 MB" in huge.json()["message"]
        assert api.get("/audiences", params={"page_size": 1000}).json()["total"] == before


def test_secrets_and_tokens_are_stored_hashed_and_credentials_file_is_0600(server: LiveServer) -> None:
    token = server.token()
    engine = engine_of(server)
    with engine.connect() as conn:
        hashes = list(conn.execute(text("SELECT secret_hash FROM client_credential")).scalars())
        tokens = list(conn.execute(text("SELECT token_hash FROM access_token")).scalars())
    engine.dispose()
    assert hashes and not any(CLIENT_SECRET in h for h in hashes)
    assert tokens and token not in tokens
    mode = stat.S_IMODE((server.data_dir / "local_credentials.json").stat().st_mode)
    assert mode == 0o600


def test_labeler_sessions_are_rate_limited(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        session_id = http.post("/labeler/session", json={"name": "fast"}).json()["sessionId"]
        codes = [http.get(f"/labeler/session/{session_id}/tasks").status_code for _ in range(90)]
        assert codes[0] == 200 and 429 in codes
        limited = http.get(f"/labeler/session/{session_id}/tasks")
        if limited.status_code == 429:
            assert int(limited.headers["retry-after"]) >= 1 and "slow down" in limited.json()["message"]


def test_failed_sign_ins_are_rate_limited(server: LiveServer) -> None:
    # last in the module: it blocks sign-ins from 127.0.0.1 on this server for a while
    codes = [
        httpx.post(
            f"{server.url}/connect/token", data={"grant_type": "client_credentials"}, auth=("test", "wrong")
        ).status_code
        for _ in range(30)
    ]
    assert codes[0] == 401 and codes[-1] == 429
    right = httpx.post(
        f"{server.url}/connect/token", data={"grant_type": "client_credentials"}, auth=("test", CLIENT_SECRET)
    )
    assert right.status_code == 429 and "failed sign-ins" in right.json()["message"]
