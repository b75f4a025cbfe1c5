"""A labeler id is not a credential (issue 15, finding 2): resuming needs the labeler's resume token, and each
customer's results name a person by a pseudonym of its own, never by the global labeler id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.utils.crowd import compare_definition, ok, start_job
from tests.utils.server import LiveServer
from tests.utils.stores import another_customer


@pytest.fixture(scope="module")
def quiet(live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False)


@pytest.fixture(scope="module")
def customer_b(quiet: LiveServer) -> Iterator[httpx.Client]:
    """A second customer with its own API client."""
    with another_customer(quiet, "b@example.com") as client:
        yield client


def join(http: httpx.Client, **body: Any) -> httpx.Response:
    return http.post("/labeler/session", json=body)


def test_resuming_a_labeler_needs_its_resume_token(quiet: LiveServer) -> None:
    with httpx.Client(base_url=quiet.url, timeout=30) as http:
        first = ok(join(http, name="resumer"))
        assert len(first["resumeToken"]) >= 32
        for wrong in ({}, {"resumeToken": "guess"}, {"resumeToken": first["resumeToken"][:-1] + "x"}):
            refused = join(http, labelerId=first["labelerId"], **wrong)
            assert refused.status_code == 404, refused.text
            assert "resumeToken" in refused.json()["message"]
        again = ok(join(http, labelerId=first["labelerId"], resumeToken=first["resumeToken"]))
        assert again["labelerId"] == first["labelerId"]
        assert again["resumeToken"] is None  # issued once: the labeling app keeps the first one


def test_each_customer_names_a_person_by_its_own_pseudonym(
    quiet: LiveServer, customer_b: httpx.Client
) -> None:
    with quiet.client() as customer_a, httpx.Client(base_url=quiet.url, timeout=30) as http:
        jobs = {
            name: start_job(
                api,
                compare_definition(
                    api, [(f"{name} a", f"{name} b")], {"_t": "NaiveReferee", "totalVotes": 1}
                ),
            )["jobId"]
            for name, api in (("a", customer_a), ("b", customer_b))
        }
        person = ok(join(http, name="shared"))
        items = ok(http.get(f"/labeler/session/{person['sessionId']}/tasks", params={"limit": 5}))["items"]
        assert {item["jobId"] for item in items} == set(jobs.values())
        for item in items:
            body = {"taskId": item["taskId"], "answer": {"winner": 0}}
            ok(http.post(f"/labeler/session/{person['sessionId']}/answers", json=body))
        names = {
            name: set(re.findall(r"hum_[0-9a-zA-Z_-]+", api.get(f"/job/{jobs[name]}/download-results").text))
            for name, api in (("a", customer_a), ("b", customer_b))
        }
    assert len(names["a"]) == len(names["b"]) == 1
    assert names["a"] != names["b"]
    assert person["labelerId"] not in names["a"] | names["b"]
