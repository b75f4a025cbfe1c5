"""Jobs end to end with the simulated crowd, job operations, and bad input that leaves no partial state."""

from __future__ import annotations

from typing import Any

import httpx

from tests.utils.builders import create_definition, run_job


def test_compare_job_end_to_end(api: httpx.Client, poll: Any) -> None:
    definition_id = create_definition(api, "compare", n=3, votes=3)["definitionId"]
    job = api.post(
        "/job",
        json={
            "jobDefinitionId": definition_id,
            "audienceId": "global",
            "revisionNumber": 1,
            "precedingJobId": None,
            "checkForExplicitContent": None,
            "experimentId": None,
        },
    )
    assert job.status_code == 200
    body = job.json()
    job_id = body["jobId"]
    assert job_id.startswith("job_") and body["recruitingStarted"] is False
    poll(lambda: api.get(f"/job/{job_id}").json()["state"] == "Completed", timeout=120, message="job done")
    got = api.get(f"/job/{job_id}").json()
    assert got["name"] == "compare definition"
    assert got["definitionId"] == definition_id and got["audienceId"] == "global"
    assert got["completedAt"] is not None and got["createdAt"].endswith("Z")
    progress = api.get(f"/job/{job_id}/progress").json()
    assert progress == {
        "completionPercentage": 100.0,
        "total": 3,
        "completed": 3,
        "state": "Done",
        "responseCount": 9,
    }
    listed = api.get("/jobs", params={"audience_id[eq]": "global", "name[contains]": "compare def"}).json()
    assert job_id in [j["jobId"] for j in listed["items"]]
    assert api.get("/jobs", params={"audience_id[eq]": "aud_other"}).json()["total"] == 0
    # preliminary download: same document, through the pipeline endpoints
    download = api.post(
        f"/pipeline/{got['pipelineId']}/preliminary-download", json={"sendEmail": False}
    ).json()
    preliminary = api.get(f"/pipeline/preliminary-download/{download['downloadId']}").json()
    assert preliminary["results"] == api.get(f"/job/{job_id}/download-results").json()["results"]


def test_results_are_deterministic_across_jobs(api: httpx.Client, poll: Any) -> None:
    definition_id = create_definition(api, "compare", n=2, votes=5)["definitionId"]
    first, second = run_job(api, definition_id, poll), run_job(api, definition_id, poll)
    strip = lambda doc: [{k: v for k, v in r.items() if k != "detailedResults"} for r in doc["results"]]  # noqa: E731
    assert strip(first) == strip(second)
    voters = lambda doc: [[d["userId"] for d in r["detailedResults"]] for r in doc["results"]]  # noqa: E731
    assert sorted(map(sorted, voters(first))) == sorted(map(sorted, voters(second)))


def test_unknown_audience_creates_nothing(api: httpx.Client) -> None:
    definition_id = create_definition(api, "free_text", n=1)["definitionId"]
    before = api.get("/jobs", params={"page_size": 1000}).json()["total"]
    unknown = api.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "aud_doesnotexist"})
    assert unknown.status_code == 404
    assert unknown.json()["message"].startswith("audienceId:")
    missing_definition = api.post("/job", json={"jobDefinitionId": "def_nope", "audienceId": "global"})
    assert missing_definition.status_code == 404 and "jobDefinitionId" in missing_definition.json()["message"]
    bad_revision = api.post(
        "/job", json={"jobDefinitionId": definition_id, "audienceId": "global", "revisionNumber": 9}
    )
    assert bad_revision.status_code == 404
    malformed = api.post("/job", content=b"{not json", headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    missing = api.post("/job", json={"audienceId": "global"})
    assert missing.status_code == 422 and "jobDefinitionId" in missing.json()["message"]
    assert api.get("/jobs", params={"page_size": 1000}).json()["total"] == before
    assert api.get("/job/job_nope").status_code == 404
    assert api.get("/job/job_nope/download-results").status_code == 404


def test_pause_resume_delete(api: httpx.Client, live_server: Any, poll: Any) -> None:
    definition_id = create_definition(api, "free_text", n=2, votes=2)["definitionId"]
    job_id = api.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "global"}).json()["jobId"]
    assert api.post(f"/job/{job_id}/pause").status_code in (204, 400)  # 400 if the crowd already finished it
    state = api.get(f"/job/{job_id}").json()["state"]
    if state == "Paused":
        assert api.post(f"/job/{job_id}/resume").status_code == 204
    poll(lambda: api.get(f"/job/{job_id}").json()["state"] == "Completed", timeout=120, message="job done")
    assert api.post(f"/job/{job_id}/retry").status_code == 204
    assert api.delete(f"/job/{job_id}").status_code == 204
    assert api.get(f"/job/{job_id}").status_code == 404


def test_pages_render(api: httpx.Client, live_server: Any, poll: Any) -> None:
    definition_id = create_definition(api, "classify", n=1, votes=1, name="Page <b>test</b>")["definitionId"]
    page = httpx.get(f"{live_server.url}/definitions/{definition_id}")
    assert page.status_code == 200
    assert "Page &lt;b&gt;test&lt;/b&gt;" in page.text and "classify instruction" in page.text
    job_id = api.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "global"}).json()["jobId"]
    job_page = httpx.get(f"{live_server.url}/audiences/global/job/{job_id}")
    assert job_page.status_code == 200 and "tasks done" in job_page.text
    assert httpx.get(f"{live_server.url}/audiences/other/job/{job_id}").status_code == 404


def test_progress_moves_with_every_response(live_server_factory: Any) -> None:
    """With the crowd stepped by hand, progress counts responses towards each task's target."""
    server = live_server_factory(crowd=False)
    with server.client() as api:
        definition_id = create_definition(api, "compare", n=2, votes=4)["definitionId"]
        job = api.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "global"})
        job_id = job.json()["jobId"]
        assert api.get(f"/job/{job_id}/progress").json()["completionPercentage"] == 0.0
        assert api.post("/local/crowd/step", params={"steps": 3}).json() == {"steps": 3}
        progress = api.get(f"/job/{job_id}/progress").json()
        # fewest responses first: 2 + 1 of 4 each -> (2/4 + 1/4) / 2
        assert (progress["responseCount"], progress["completionPercentage"]) == (3, 37.5)
        assert api.post("/local/crowd/step", params={"steps": 5}).json() == {"steps": 5}
        progress = api.get(f"/job/{job_id}/progress").json()
        assert (progress["completed"], progress["completionPercentage"]) == (2, 100.0)


class _Recording(httpx.HTTPTransport):
    """A real HTTP transport that records the paths it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return super().handle_request(request)


def test_our_progress_poll_is_one_request(live_server_factory: Any) -> None:
    """``?includeJob=true`` adds the job's state and its audience's ``usersPerState``, so the client's
    ``get_progress()`` asks once; without it the reply is the official shape (above)."""
    from rapidata_nb import RapidataClient, rapidata_config

    rapidata_config.logging.silent_mode = True
    server = live_server_factory(crowd=False)
    with server.client() as api:
        definition_id = create_definition(api, "compare", n=2, votes=4)["definitionId"]
        job_id = api.post("/job", json={"jobDefinitionId": definition_id, "audienceId": "global"}).json()[
            "jobId"
        ]
        assert api.post("/local/crowd/step", params={"steps": 3}).json() == {"steps": 3}
        users = api.get("/audience/global/user-metrics").json()["usersPerState"]
        progress = api.get(f"/job/{job_id}/progress", params={"includeJob": "true"}).json()
    assert progress == {
        "completionPercentage": 37.5,
        "total": 2,
        "completed": 0,
        "state": "Labeling",
        "responseCount": 3,
        "jobState": "Running",
        "usersPerState": users,
    }
    transport = _Recording()
    client = RapidataClient(
        server.client_id, server.client_secret, environment=server.url, transport=transport
    )
    job = client.job.get_job_by_id(job_id)
    transport.paths.clear()
    got = job.get_progress()
    assert transport.paths == [f"/job/{job_id}/progress"]
    assert (got.state, got.response_count, got.completion_percentage) == ("Running", 3, 37.5)
    assert got.recruiting is not None and got.recruiting.graduated == users["Graduated"] > 0


def test_online_ranking_progress_counts_the_whole_budget(live_server_factory: Any) -> None:
    """An online ranking creates matchups a slice at a time; progress divides by the whole budget."""
    from rapidata_nb import RapidataClient, rapidata_config

    rapidata_config.logging.silent_mode = True
    server = live_server_factory(crowd=False)
    client = RapidataClient(server.client_id, server.client_secret, environment=server.url)
    definition = client.job.create_ranking_job_definition(
        name="online progress",
        instruction="Which is better?",
        data_type="text",
        datapoints=[[f"item {i}" for i in range(12)]],
        comparison_budget_per_ranking=20,
    )
    job = client.audience.get_audience_by_id("global").assign_job(definition)
    with server.client() as api:
        assert api.get(f"/job/{job.id}/progress").json()["total"] == 20
        assert api.post("/local/crowd/step", params={"steps": 6}).json() == {"steps": 6}
        progress = api.get(f"/job/{job.id}/progress").json()
        assert (progress["total"], progress["completed"], progress["completionPercentage"]) == (20, 6, 30.0)
