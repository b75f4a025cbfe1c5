"""The labeling app's server side (issue 8): the ``/label`` pages and what the ``/labeler`` feed does for it —
session status, the session deadline (``ServerSettings.session_seconds``) and rejected input."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from rapidata_nb import NoMistakeOptionSetting, RapidataClient
from rapidata_nb.server.embedded import EmbeddedServer, start_embedded, stop_embedded

ROOT = Path(__file__).resolve().parents[3]
SESSION_SECONDS = 5.0
"""The server's task deadline here (25 s by default); sessions may ask for a shorter one."""
PROFILE = {"country": "DE", "language": "de", "age": "30-39", "gender": "Female", "occupation": "Research"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """A real server over HTTP with the crowd off and a five-second task deadline."""
    data_dir = tmp_path_factory.mktemp("label-app")
    running = start_embedded(data_dir, crowd=False, session_seconds=SESSION_SECONDS)
    yield running
    stop_embedded(data_dir)


@pytest.fixture(scope="module")
def http(server: EmbeddedServer) -> Iterator[httpx.Client]:
    """An anonymous client: the labeling app has no API credentials."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def client(server: EmbeddedServer) -> RapidataClient:
    return RapidataClient(
        client_id=server.client_id, client_secret=server.client_secret, environment=server.url
    )


@pytest.fixture(scope="module")
def team(client: RapidataClient) -> Any:
    return client.audience.create_unlisted_audience("App test team")


def _session(http: httpx.Client, **extra: Any) -> str:
    response = http.post("/labeler/session", json={**PROFILE, **extra})
    assert response.status_code == 200, response.text
    return str(response.json()["sessionId"])


def _tasks(http: httpx.Client, sid: str, limit: int = 10) -> list[dict[str, Any]]:
    response = http.get(f"/labeler/session/{sid}/tasks", params={"limit": limit})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _answer(http: httpx.Client, sid: str, task_id: str, answer: dict[str, Any]) -> httpx.Response:
    return http.post(f"/labeler/session/{sid}/answers", json={"taskId": task_id, "answer": answer})


def _responses(client: RapidataClient, job_id: str) -> int:
    return int(client.job.get_job_by_id(job_id).get_progress().response_count)


def test_the_app_page_and_invite_links(http: httpx.Client, team: Any) -> None:
    page = http.get("/label")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/label/static/label_app.js' in page.text
    config = json.loads(
        re.search(r'id="rnb-label-config" type="application/json">(.*?)</script>', page.text)[1]
    )
    assert config == {"audience": None, "sessionSeconds": SESSION_SECONDS, "feed": "/labeler"}

    invite = http.get(f"/label/{team.id}")
    assert invite.status_code == 200 and "<title>Label · App test team</title>" in invite.text
    config = json.loads(re.search(r'type="application/json">(.*?)</script>', invite.text)[1])
    assert config["audience"] == {"id": team.id, "name": "App test team", "kind": "unlisted"}

    missing = http.get("/label/aud_doesNotExist")
    assert missing.status_code == 404 and "aud_doesNotExist" in missing.json()["message"]
    script = http.get("/label/static/label_app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "mountLabelApp" in script.text and not re.search(r"^\s*import\s", script.text, flags=re.MULTILINE)
    assert http.get("/label/static/label_app.css").status_code == 200
    assert http.get("/label/static/router.py").status_code == 404


def test_names_in_the_page_are_escaped(http: httpx.Client, client: RapidataClient) -> None:
    sneaky = client.audience.create_unlisted_audience("</script><b>x</b>")
    page = http.get(f"/label/{sneaky.id}").text
    assert "</script><b>" not in page and "\\u003c/script>" in page and "&lt;/script&gt;" in page


def _pick_one(client: RapidataClient, name: str, datapoints: list[str], responses: int = 1) -> Any:
    """A "Pick one" (Yes / No) text classification definition."""
    return client.job.create_classification_job_definition(
        name=name,
        instruction="Pick one",
        answer_options=["Yes", "No"],
        datapoints=datapoints,
        data_type="text",
        responses_per_datapoint=responses,
    )


def test_session_status_shows_only_the_labelers_own_progress(
    http: httpx.Client, client: RapidataClient, team: Any
) -> None:
    definition = _pick_one(client, "status", ["a", "b"])
    job = team.assign_job(definition)
    sid = _session(http, audienceId=team.id, name="Ada")
    status = http.get(f"/labeler/session/{sid}").json()
    assert status["profile"] == {**PROFILE, "name": "Ada", "device": "Unknown"}
    assert status["audience"] == {"id": team.id, "name": "App test team", "kind": "unlisted"}
    assert (status["answeredInSession"], status["answered"], status["leaseSeconds"]) == (
        0,
        0,
        SESSION_SECONDS,
    )
    (first, second) = _tasks(http, sid)
    assert {first["jobId"], second["jobId"]} == {job.id}
    assert _answer(http, sid, first["taskId"], {"category": "Yes"}).status_code == 200
    status = http.get(f"/labeler/session/{sid}").json()
    assert (status["answeredInSession"], status["answered"]) == (1, 1)
    assert set(status) == {
        "sessionId",
        "labelerId",
        "audience",
        "profile",
        "leaseSeconds",
        "answeredInSession",
        "answered",
        "globalScore",
        "memberships",
    }
    assert http.get("/labeler/session/ses_nope").status_code == 404


def test_a_job_link_serves_only_that_jobs_tasks(http: httpx.Client, client: RapidataClient) -> None:
    crew = client.audience.create_unlisted_audience("Job link crew")
    jobs = [crew.assign_job(_pick_one(client, f"link {i}", [f"job {i} a", f"job {i} b"])) for i in range(2)]
    assert crew.get_job_link(jobs[1]).endswith(f"/label/{crew.id}?job={jobs[1].id}")
    sid = _session(http, audienceId=crew.id)
    only = http.get(f"/labeler/session/{sid}/tasks", params={"limit": 10, "jobId": jobs[1].id}).json()
    assert [t["jobId"] for t in only["items"]] == [jobs[1].id, jobs[1].id]
    rest = _tasks(http, sid)
    assert [t["jobId"] for t in rest] == [jobs[0].id, jobs[0].id]


def _crew_job(client: RapidataClient, name: str, datapoints: int) -> tuple[Any, Any]:
    """A fresh unlisted audience with one text job of ``datapoints`` rows, one response each."""
    crew = client.audience.create_unlisted_audience(f"{name} crew")
    job = crew.assign_job(_pick_one(client, name, [f"{name} {i}" for i in range(datapoints)]))
    return crew, job


def test_an_answer_brings_the_next_task_leased_and_answerable(
    http: httpx.Client, client: RapidataClient
) -> None:
    crew, job = _crew_job(client, "submit and next", 3)
    sid, other = _session(http, audienceId=crew.id), _session(http, audienceId=crew.id)
    (first,) = _tasks(http, sid, limit=1)
    plain = _answer(http, sid, first["taskId"], {"category": "Yes"})
    assert plain.status_code == 200 and "next" not in plain.json()

    (second,) = _tasks(http, sid, limit=1)
    url = f"/labeler/session/{sid}/answers"
    reply = http.post(
        url, params={"next": 5}, json={"taskId": second["taskId"], "answer": {"category": "No"}}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["responseId"]
    (third,) = reply.json()["next"]["items"]  # the one row left: never a datapoint this labeler answered
    assert third["taskId"] not in {first["taskId"], second["taskId"]}
    assert (third["jobId"], third["isExample"]) == (job.id, False)
    assert third["leaseId"] and third["expiresAt"]
    assert _tasks(http, other) == []  # leased to sid: nobody else is served it

    # a rejected answer serves nothing: the transaction is rolled back whole
    twice = http.post(
        url, params={"next": 1}, json={"taskId": second["taskId"], "answer": {"category": "No"}}
    )
    assert twice.status_code == 409 and "already answered" in twice.json()["message"]
    assert _tasks(http, other) == []

    last = http.post(url, params={"next": 1}, json={"taskId": third["taskId"], "answer": {"category": "Yes"}})
    assert last.status_code == 200, last.text
    assert last.json()["next"] == {"items": []}
    assert _responses(client, job.id) == 3


def test_the_next_items_are_bounded_like_a_fetch_and_follow_a_job_link(
    http: httpx.Client, client: RapidataClient
) -> None:
    crew, job = _crew_job(client, "next bound", 3)
    linked = crew.assign_job(_pick_one(client, "next link", ["link 0", "link 1"]))
    sid = _session(http, audienceId=crew.id)
    (item,) = _tasks(http, sid, limit=1)
    url = f"/labeler/session/{sid}/answers"
    for bad, status in ((-1, 400), (51, 400), ("many", 422)):
        response = http.post(
            url, params={"next": bad}, json={"taskId": item["taskId"], "answer": {"category": "Yes"}}
        )
        assert (response.status_code, "query.next" in response.json()["message"]) == (status, True), (
            response.text
        )
    assert _responses(client, job.id) == 0
    linked_sid = _session(http, audienceId=crew.id)
    (start,) = http.get(
        f"/labeler/session/{linked_sid}/tasks", params={"limit": 1, "jobId": linked.id}
    ).json()["items"]
    only = http.post(
        f"/labeler/session/{linked_sid}/answers",
        params={"next": 10, "jobId": linked.id},
        json={"taskId": start["taskId"], "answer": {"category": "No"}},
    )
    assert only.status_code == 200, only.text
    assert [t["jobId"] for t in only.json()["next"]["items"]] == [linked.id]
    reply = http.post(
        url, params={"next": 50}, json={"taskId": item["taskId"], "answer": {"category": "Yes"}}
    )
    assert reply.status_code == 200, reply.text
    assert [t["jobId"] for t in reply.json()["next"]["items"]] == [job.id, job.id]


def test_the_deadline_is_a_server_setting_and_late_answers_are_rejected(
    http: httpx.Client, client: RapidataClient, team: Any
) -> None:
    too_long = http.post("/labeler/session", json={**PROFILE, "leaseSeconds": 60})
    assert too_long.status_code == 400 and "leaseSeconds" in too_long.json()["message"]
    job = team.assign_job(_pick_one(client, "late", ["late"], responses=2))
    sid = _session(http, audienceId=team.id)
    (item,) = [t for t in _tasks(http, sid) if t["jobId"] == job.id]
    expires = datetime.fromisoformat(item["expiresAt"])
    assert SESSION_SECONDS - 2 < (expires - datetime.now(expires.tzinfo)).total_seconds() <= SESSION_SECONDS

    hurried = _session(http, audienceId=team.id, leaseSeconds=0.3)
    (item,) = [t for t in _tasks(http, hurried) if t["jobId"] == job.id]
    expires = datetime.fromisoformat(item["expiresAt"])
    while datetime.now(expires.tzinfo) <= expires:  # the deadline passing is the property under test
        time.sleep(0.05)
    late = _answer(http, hurried, item["taskId"], {"category": "Yes"})
    assert late.status_code == 410 and "late answer" in late.json()["message"]
    assert _responses(client, job.id) == 0


def test_bad_answers_are_rejected_and_store_nothing(
    http: httpx.Client, client: RapidataClient, team: Any, tmp_path: Path
) -> None:
    from PIL import Image

    picture = tmp_path / "grey.png"
    Image.new("RGB", (64, 48), (200, 200, 200)).save(picture)
    locate = team.assign_job(
        client.job.create_locate_job_definition(
            name="bad locate", instruction="Tap", datapoints=[str(picture)], responses_per_datapoint=2
        )
    )
    words = team.assign_job(
        client.job.create_select_words_job_definition(
            name="bad words",
            instruction="Wrong words?",
            datapoints=[str(picture)],
            sentences=["one two three"],
            responses_per_datapoint=2,
            settings=[NoMistakeOptionSetting()],
        )
    )
    plain_words = team.assign_job(
        client.job.create_select_words_job_definition(
            name="plain words",
            instruction="Wrong words?",
            datapoints=[str(picture)],
            sentences=["one two three"],
            responses_per_datapoint=2,
        )
    )
    sid = _session(http, audienceId=team.id)
    other = _session(http, audienceId=team.id)
    items = {t["jobId"]: t for t in _tasks(http, sid, limit=20)}
    tap, pick, plain = items[locate.id], items[words.id], items[plain_words.id]
    assert pick["words"] == ["one", "two", "three", "[No_mistakes]"]
    assert plain["words"] == ["one", "two", "three"]
    cases = [
        (sid, plain, {"wordIndices": [3]}, 400, "offers no [No_mistakes] choice"),
        (sid, tap, {"points": [{"x": 1.5, "y": 0.5}]}, 400, "answer.points[0]"),
        (sid, tap, {"points": [{"x": "left", "y": 0.5}]}, 400, "answer.points[0]"),
        (sid, tap, {"points": []}, 400, "answer.points"),
        (sid, pick, {"wordIndices": [7]}, 400, "answer.wordIndices"),
        (sid, pick, {"wordIndices": [0, 3]}, 400, "[No_mistakes]"),
        (sid, pick, {"wordIndices": []}, 400, "answer.wordIndices"),
        (other, tap, {"points": [{"x": 0.5, "y": 0.5}]}, 409, "not served"),
        (sid, {"taskId": "tsk_unknown"}, {"points": []}, 404, "taskId"),
    ]
    for session_id, item, answer, status, text in cases:
        response = _answer(http, session_id, item["taskId"], answer)
        assert (response.status_code, text in response.json()["message"]) == (status, True), response.text
    assert (
        _responses(client, locate.id)
        == _responses(client, words.id)
        == _responses(client, plain_words.id)
        == 0
    )

    fresh = _session(http, audienceId=team.id)
    items = {t["jobId"]: t for t in _tasks(http, fresh, limit=20)}
    ok = _answer(http, fresh, items[locate.id]["taskId"], {"points": [{"x": 0.25, "y": 0.75}]})
    assert ok.status_code == 200, ok.text
    double = _answer(http, fresh, items[locate.id]["taskId"], {"points": [{"x": 0.5, "y": 0.5}]})
    assert double.status_code == 409 and "already answered" in double.json()["message"]
    assert _responses(client, locate.id) == 1


def test_a_labeler_never_reaches_the_customer_api(http: httpx.Client, team: Any) -> None:
    sid = _session(http, audienceId=team.id)
    assert http.get(f"/audience/unlisted/{team.id}").status_code == 401
    assert http.get("/job", params={"sessionId": sid}).status_code in (401, 404, 405)


@pytest.mark.slow
def test_rebuilding_the_app_bundle_gives_the_committed_files(tmp_path: Path, widgets_js_node: str) -> None:
    node = widgets_js_node
    js = ROOT / "widgets_js"
    args = [node, "build.mjs", "--outdir", str(tmp_path / "w"), "--app-outdir", str(tmp_path / "app")]
    subprocess.run(args, cwd=js, check=True, timeout=120, capture_output=True)
    static = ROOT / "rapidata_nb" / "server" / "web" / "static"
    for name in ("label_app.js", "label_app.css"):
        assert (tmp_path / "app" / name).read_bytes() == (static / name).read_bytes(), (
            f"rebuild the app (cd widgets_js && node build.mjs): {name} differs"
        )
