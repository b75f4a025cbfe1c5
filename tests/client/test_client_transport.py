"""Transport: error mapping, retries, OAuth client credentials, static tokens, paging (MockTransport)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from rapidata_nb import RapidataClient, RapidataError, RevisionConflictError
from rapidata_nb.api.auth import ClientCredentialsAuth
from rapidata_nb.api.transport import Transport
from tests.utils.fakeapi import FakeApi, make_client


def _transport(handler, **kwargs) -> Transport:  # type: ignore[no-untyped-def]
    return Transport("http://api.test", transport=httpx.MockTransport(handler), backoff_base=0.001, **kwargs)


def test_error_message_and_trace_id_from_header() -> None:
    t = _transport(
        lambda r: httpx.Response(
            400, json={"message": "name is required", "traceId": "body-id"}, headers={"x-trace-id": "hdr-id"}
        )
    )
    with pytest.raises(RapidataError) as info:
        t.request("POST", "/audience", json={})
    err = info.value
    assert err.status_code == 400 and err.message == "name is required" and err.trace_id == "hdr-id"
    assert err.details == {"message": "name is required", "traceId": "body-id"}
    assert "name is required" in str(err) and "POST /audience" in str(err) and "hdr-id" in str(err)


def test_error_field_and_body_trace_id_fallbacks() -> None:
    t = _transport(lambda r: httpx.Response(401, json={"error": "invalid_client", "traceId": "b1"}))
    with pytest.raises(RapidataError) as info:
        t.request("GET", "/x")
    assert info.value.message == "invalid_client" and info.value.trace_id == "b1"
    t = _transport(lambda r: httpx.Response(500, text="boom"))
    with pytest.raises(RapidataError, match="boom"):
        t.request("GET", "/x", max_retries=0)


def test_revision_conflict_is_a_subclass() -> None:
    t = _transport(lambda r: httpx.Response(409, json={"message": "stale", "latestRevisionNumber": 4}))
    with pytest.raises(RevisionConflictError) as info:
        t.request("POST", "/job/definition/d/revision", json={})
    assert isinstance(info.value, RapidataError)
    assert info.value.latest_revision == 4 and info.value.status_code == 409


def test_retries_on_503_with_retry_after_then_succeeds() -> None:
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        if len(calls) < 3:
            return httpx.Response(503, headers={"retry-after": "0"})
        return httpx.Response(200, json={"ok": True})

    assert _transport(handler).request("GET", "/x") == {"ok": True}
    assert len(calls) == 3


def test_gives_up_after_max_retries() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(429, json={"message": "slow down"})

    with pytest.raises(RapidataError, match="slow down"):
        _transport(handler, max_retries=2).request("GET", "/x")
    assert len(calls) == 3


def test_connect_errors_are_retried_then_mapped() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(RapidataError, match="Could not reach") as info:
        _transport(handler, max_retries=1).request("GET", "/x")
    assert isinstance(info.value.original_exception, httpx.ConnectError)
    assert len(calls) == 2


def test_400_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(400, json={"message": "bad"})

    with pytest.raises(RapidataError):
        _transport(handler).request("GET", "/x")
    assert len(calls) == 1


def test_paging_and_query_conventions() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        page = int(request.url.params["page"])
        items = [{"i": i} for i in range((page - 1) * 2, min(page * 2, 5))]
        return httpx.Response(200, json={"total": 5, "page": page, "pageSize": 2, "items": items})

    t = _transport(handler)
    assert [x["i"] for x in t.paged("/jobs", params={"flag": True, "name[contains]": "a"}, page_size=2)] == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert "flag=true" in seen[0] and "name%5Bcontains%5D=a" in seen[0]


def test_client_credentials_token_request_shape(api: FakeApi) -> None:
    make_client(api, client_id="my id", client_secret="s3cret")
    token_request = api.requests[0]
    assert token_request.url.path == "/connect/token"
    assert token_request.headers["authorization"] == "Basic " + base64.b64encode(b"my%20id:s3cret").decode()
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["openid email api"],
    }


def test_token_refreshed_before_expiry_and_sent_as_bearer(api: FakeApi) -> None:
    api.token_ttl = 30  # inside the 60 s leeway: every call refreshes
    client = make_client(api)
    client.audience.get_audience_by_id("global")
    client.audience.get_audience_by_id("global")
    assert api.token_requests == 3
    api_calls = [r for r in api.requests if r.url.path == "/audience/global"]
    assert api_calls[-1].headers["authorization"] == "Bearer tok3"


def test_token_reused_while_valid(api: FakeApi) -> None:
    client = make_client(api)
    for _ in range(3):
        client.audience.get_audience_by_id("global")
    assert api.token_requests == 1


def test_401_triggers_one_refresh(api: FakeApi) -> None:
    state = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        state["n"] += 1
        if state["n"] == 1:
            return httpx.Response(401, json={"message": "expired"})
        return httpx.Response(200, json={"id": "global", "name": "Global", "filters": [], "status": "Ready"})

    api.overrides[("GET", "/audience/global")] = flaky
    client = make_client(api)
    assert client.audience.get_audience_by_id("global").name == "Global"
    assert api.token_requests == 2


def test_static_token_and_token_file(api: FakeApi, tmp_path: Path) -> None:
    client = make_client(
        api,
        client_id=None,
        client_secret=None,
        token={"access_token": "abc", "token_type": "Bearer", "expires_at": 4102444800},
    )
    client.audience.get_audience_by_id("global")
    assert api.token_requests == 0 and api.requests[-1].headers["authorization"] == "Bearer abc"
    token_file = tmp_path / "token.json"
    token_file.write_text(json.dumps({"access_token": "from-file"}))
    client = make_client(api, client_id=None, client_secret=None, token_file=str(token_file))
    client.audience.get_audience_by_id("global")
    assert api.requests[-1].headers["authorization"] == "Bearer from-file"


def test_bad_credentials_fail_at_construction(api: FakeApi) -> None:
    api.overrides[("POST", "/connect/token")] = lambda r: httpx.Response(
        400, json={"error": "invalid_client"}
    )
    with pytest.raises(RapidataError, match="invalid_client"):
        make_client(api)


def test_environment_resolution_and_credentials_file(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPIDATA_ENVIRONMENT", "http://from-env.test")
    monkeypatch.setenv("RAPIDATA_CLIENT_ID", "")  # empty counts as unset
    home = Path.home()
    creds = home / ".config" / "rapidata" / "credentials.json"
    creds.parent.mkdir(parents=True)
    creds.write_text(
        json.dumps(
            {
                "http://from-env.test": [
                    {"client_id": "old", "client_secret": "o", "last_used": "2025-01-01T00:00:00"},
                    {"client_id": "new", "client_secret": "n", "last_used": "2026-01-01T00:00:00"},
                ]
            }
        )
    )
    client = RapidataClient(transport=api.transport())
    assert client.environment == "http://from-env.test"
    assert api.requests[0].url.host == "from-env.test"
    assert api.requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"new:n").decode()
    client.reset_credentials()
    assert json.loads(creds.read_text()) == {}


def test_bare_domain_maps_to_api_and_auth_hosts(api: FakeApi) -> None:
    client = RapidataClient("id", "secret", environment="example.org", transport=api.transport())
    assert api.requests[0].url.host == "auth.example.org"
    client.audience.get_audience_by_id("global")
    assert api.requests[-1].url.host == "api.example.org"
    assert client.endpoints.app == "https://app.example.org"


def test_auth_flow_is_an_httpx_auth() -> None:
    assert issubclass(ClientCredentialsAuth, httpx.Auth)


# --- api models on the wire (issue 17) ------------------------------------------------------------------


def test_models_in_a_body_are_dumped_by_alias_with_their_tag_and_only_given_fields() -> None:
    from rapidata_nb.api.models import (
        EarlyStoppingReferee,
        ExistingAssetInput,
        MultiAssetInput,
        NaiveReferee,
        TextAssetInput,
    )

    sent: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={})

    t = _transport(handler)
    asset = MultiAssetInput(assets=[ExistingAssetInput(name="a.jpg"), TextAssetInput(text="hi")])
    t.request(
        "POST",
        "/x",
        json={
            "asset": asset,
            "referees": [
                EarlyStoppingReferee.model_construct(max_votes=5, threshold=0.9),
                NaiveReferee(total_votes=3),
            ],
            "plain": {"k": None},
        },
    )
    assert sent == [
        {
            "asset": {
                "_t": "MultiAssetInput",
                "assets": [
                    {"_t": "ExistingAssetInput", "name": "a.jpg"},
                    {"_t": "TextAssetInput", "text": "hi"},
                ],
            },
            "referees": [
                {"_t": "EarlyStoppingReferee", "maxVotes": 5, "threshold": 0.9},
                {"_t": "NaiveReferee", "totalVotes": 3},
            ],
            "plain": {"k": None},
        }
    ]


def test_response_parses_the_reply_into_a_model_or_type_adapter() -> None:
    from pydantic import TypeAdapter

    from rapidata_nb.api.models import CreateAudienceOutput, Referee

    t = _transport(lambda r: httpx.Response(200, json={"audienceId": "a1", "unknownField": 1}))
    created = t.request("POST", "/audience", json={}, response=CreateAudienceOutput)
    assert created == CreateAudienceOutput(audience_id="a1")
    t = _transport(lambda r: httpx.Response(200, json={"_t": "QuorumReferee", "maxVotes": 5, "threshold": 3}))
    referee = t.request("GET", "/r", response=TypeAdapter(Referee))
    assert type(referee).__name__ == "QuorumReferee" and (referee.max_votes, referee.threshold) == (5, 3)
