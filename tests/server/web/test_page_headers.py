"""HTML pages carry security headers; URL assets redirect only for who may see them (issue 15, finding 9)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.utils.builders import create_definition, run_job

PAGE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def pages(api: httpx.Client, poll: Any) -> list[str]:
    definition_id = create_definition(api, "compare", n=1, votes=1)["definitionId"]
    job_id = run_job(api, definition_id, poll)["info"]["jobId"]
    write_key = httpx.post(f"{api.base_url}/identity/bridge-token").json()["writeKey"]
    return [
        f"/connect/authorize/external?writeKey={write_key}",
        "/label",
        "/label/global",
        f"/definitions/{definition_id}",
        f"/audiences/global/job/{job_id}",
    ]


def test_every_html_page_forbids_framing_and_foreign_scripts(live_server: Any, pages: list[str]) -> None:
    for path in pages:
        page = httpx.get(f"{live_server.url}{path}")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        policy = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy, path
        assert {k: page.headers.get(k) for k in PAGE_HEADERS} == PAGE_HEADERS, path


def test_api_answers_are_not_pages(api: httpx.Client) -> None:
    assert "content-security-policy" not in api.get("/jobs").headers


def test_a_url_asset_redirects_its_owner_and_media_loads_only(api: httpx.Client, live_server: Any) -> None:
    url = "https://assets.rapidata.ai/phish/login.jpg"
    name = api.post("/asset/url", params={"url": url}).json()["fileName"]
    link = f"{live_server.url}/assets/{name}"
    # A page navigation without a token (someone following a link to our origin) is no redirect.
    for dest in (None, "document", "iframe"):
        headers = {"sec-fetch-dest": dest} if dest else {}
        assert httpx.get(link, headers=headers, follow_redirects=False).status_code == 404
    for dest in ("image", "video", "audio"):
        loaded = httpx.get(link, headers={"sec-fetch-dest": dest}, follow_redirects=False)
        assert (loaded.status_code, loaded.headers["location"]) == (302, url)
    owner = api.get(f"/assets/{name}", follow_redirects=False)
    assert (owner.status_code, owner.headers["location"]) == (302, url)
