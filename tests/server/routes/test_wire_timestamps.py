"""Every timestamp on the wire is UTC written with ``Z`` (issue 17: ``/audience/unlisted/{id}`` had none).

Run on SQLite by default and on PostgreSQL with ``RAPIDATA_NB_TEST_DATABASE=postgres``.
"""

from __future__ import annotations

import re

import httpx

from tests.utils.builders import create_definition

UTC_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _created_at(api: httpx.Client, path: str) -> str:
    answer = api.get(path)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["createdAt"])


def test_audiences_answer_createdat_in_the_same_utc_form(api: httpx.Client) -> None:
    unlisted_id = api.post("/audience/unlisted", json={"name": "friends"}).json()["audienceId"]
    audience_id = api.post("/audience", json={"name": "curated"}).json()["audienceId"]
    unlisted = _created_at(api, f"/audience/unlisted/{unlisted_id}")
    listed = [a["createdAt"] for a in api.get("/audience/unlisted").json()["items"] if a["id"] == unlisted_id]
    custom = _created_at(api, f"/audience/{audience_id}")
    assert UTC_Z.fullmatch(unlisted), unlisted
    assert listed == [unlisted]
    assert UTC_Z.fullmatch(custom), custom


def test_definitions_revisions_and_jobs_answer_createdat_in_utc(api: httpx.Client) -> None:
    definition_id = create_definition(api, "compare", n=2, votes=1)["definitionId"]
    job_id = api.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "global"}).json()["jobId"]
    for path in (
        f"/job/definition/{definition_id}",
        f"/job/definition/{definition_id}/revision/1",
        f"/job/{job_id}",
    ):
        created = _created_at(api, path)
        assert UTC_Z.fullmatch(created), (path, created)
