"""The human task feed (``/labeler``) on a server without the crowd: leases, answers, referee, completion."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.utils.crowd import (
    classify_definition,
    compare_definition,
    compare_example,
    ok,
    start_job,
)


@pytest.fixture(scope="module")
def quiet(live_server_factory: Any) -> Any:
    """A server with the crowd off: only our labelers answer."""
    return live_server_factory(crowd=False)


@pytest.fixture(scope="module")
def qapi(quiet: Any) -> Iterator[httpx.Client]:
    with quiet.client() as client:
        yield client


def session(api: httpx.Client, **profile: Any) -> str:
    body = {"country": "DE", "language": "de", "age": "30-39", "gender": "Female", **profile}
    return str(ok(api.post("/labeler/session", json=body))["sessionId"])


def tasks(api: httpx.Client, sid: str, limit: int = 10) -> list[dict[str, Any]]:
    return list(ok(api.get(f"/labeler/session/{sid}/tasks", params={"limit": limit}))["items"])


def answer(api: httpx.Client, sid: str, task_id: str, value: dict[str, Any]) -> httpx.Response:
    return api.post(f"/labeler/session/{sid}/answers", json={"taskId": task_id, "answer": value})


def test_a_human_labels_a_job_to_completion(qapi: httpx.Client) -> None:
    pairs = [("human left 0", "human right 0"), ("human left 1", "human right 1")]
    job_id = start_job(qapi, compare_definition(qapi, pairs, {"_t": "NaiveReferee", "totalVotes": 1}))[
        "jobId"
    ]
    sid = session(qapi)
    served = [t for t in tasks(qapi, sid) if t["jobId"] == job_id]
    assert len(served) == 2
    assert all(t["kind"] == "compare" and len(t["assets"]) == 2 for t in served)
    for t in served:
        shown = t["assets"][0]  # pick what was shown first; the answer names the datapoint index
        assert ok(answer(qapi, sid, t["taskId"], {"winner": shown["index"]}))["accepted"] is True
    assert ok(qapi.get(f"/job/{job_id}"))["state"] == "Completed"
    doc = ok(qapi.get(f"/job/{job_id}/download-results"))
    assert [sum(r["aggregatedResults"].values()) for r in doc["results"]] == [1, 1]


def test_double_unserved_and_late_answers_are_rejected(qapi: httpx.Client) -> None:
    job_id = start_job(
        qapi, compare_definition(qapi, [("late left", "late right")], {"_t": "NaiveReferee", "totalVotes": 5})
    )["jobId"]
    sid = session(qapi)
    other = session(qapi)
    (task,) = [t for t in tasks(qapi, sid) if t["jobId"] == job_id]
    unserved = answer(qapi, other, task["taskId"], {"winner": 0})
    assert unserved.status_code == 409 and "not served" in unserved.json()["message"]
    assert ok(answer(qapi, sid, task["taskId"], {"winner": 1}))["accepted"]
    double = answer(qapi, sid, task["taskId"], {"winner": 0})
    assert double.status_code == 409 and "already answered" in double.json()["message"]
    assert not [t for t in tasks(qapi, sid) if t["jobId"] == job_id]  # never served twice

    hurried = str(ok(qapi.post("/labeler/session", json={"country": "US", "leaseSeconds": 0.2}))["sessionId"])
    (task,) = [t for t in tasks(qapi, hurried) if t["jobId"] == job_id]
    time.sleep(0.4)  # let the lease run out (the property under test, not synchronisation)
    late = answer(qapi, hurried, task["taskId"], {"winner": 0})
    assert late.status_code == 410 and "late answer" in late.json()["message"]
    assert ok(qapi.get(f"/job/{job_id}/progress"))["responseCount"] == 1


def test_invalid_answers_name_the_field_and_store_nothing(qapi: httpx.Client) -> None:
    job_id = start_job(
        qapi,
        classify_definition(
            qapi,
            [{"_t": "TextAssetInput", "text": "a purring animal"}],
            ["Cat", "Dog"],
            {"_t": "NaiveReferee", "totalVotes": 3},
        ),
    )["jobId"]
    sid = session(qapi)
    (task,) = [t for t in tasks(qapi, sid) if t["jobId"] == job_id]
    assert sorted(task["options"]) == ["Cat", "Dog"]
    for bad, field in (
        ({"category": "Cow"}, "answer.category"),
        ({"winner": 0}, "answer.category"),
        ({}, "answer.category"),
    ):
        response = answer(qapi, sid, task["taskId"], bad)
        assert response.status_code == 400 and field in response.json()["message"]
    assert ok(qapi.get(f"/job/{job_id}/progress"))["responseCount"] == 0
    assert ok(answer(qapi, sid, task["taskId"], {"category": "Cat"}))["accepted"]


def test_fewest_responses_first_and_leases_bound_the_overflow(qapi: httpx.Client) -> None:
    team = ok(qapi.post("/audience/unlisted", json={"name": "my team"}))["audienceId"]  # isolates this job
    pairs = [(f"fair left {i}", f"fair right {i}") for i in range(3)]
    job_id = start_job(qapi, compare_definition(qapi, pairs, {"_t": "NaiveReferee", "totalVotes": 2}), team)[
        "jobId"
    ]
    first = session(qapi, audienceId=team)
    (mine,) = tasks(qapi, first, limit=1)
    assert mine["jobId"] == job_id
    ok(answer(qapi, first, mine["taskId"], {"winner": 0}))
    second = session(qapi, audienceId=team)
    order = [t["taskId"] for t in tasks(qapi, second, limit=3)]
    assert len(order) == 3 and order[-1] == mine["taskId"]  # the task with a response comes last
    third = session(qapi, audienceId=team)
    assert len(tasks(qapi, third, limit=3)) == 2  # the two untouched tasks: 0 responses + 1 lease < 2
    assert tasks(qapi, session(qapi, audienceId=team), limit=3) == []  # responses + leases cover every target


def test_paused_jobs_are_not_served(qapi: httpx.Client) -> None:
    job_id = start_job(
        qapi,
        compare_definition(qapi, [("pause left", "pause right")], {"_t": "NaiveReferee", "totalVotes": 3}),
    )["jobId"]
    ok(qapi.post(f"/job/{job_id}/pause"))
    assert not [t for t in tasks(qapi, session(qapi)) if t["jobId"] == job_id]
    ok(qapi.post(f"/job/{job_id}/resume"))
    assert [t for t in tasks(qapi, session(qapi)) if t["jobId"] == job_id]


def test_humans_qualify_before_labeling_a_custom_audience(qapi: httpx.Client) -> None:
    audience = ok(
        qapi.post(
            "/audience",
            json={
                "name": "Human qualification",
                "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 1.0, "minTasks": 1},
                "qualificationFeedback": "immediate",
            },
        )
    )["audienceId"]
    ok(
        qapi.post(
            f"/audience/{audience}/example", json=compare_example(("good text", "bad text"), "good text")
        )
    )
    job_id = start_job(
        qapi,
        compare_definition(qapi, [("aud left", "aud right")], {"_t": "NaiveReferee", "totalVotes": 1}),
        audience,
    )["jobId"]
    sid = session(qapi, audienceId=audience)
    (example,) = tasks(qapi, sid)
    assert example["isExample"] and example["kind"] == "compare"
    good = next(a["index"] for a in example["assets"] if a["text"] == "good text")
    result = ok(answer(qapi, sid, example["taskId"], {"winner": good}))
    assert result == {
        "taskId": example["taskId"],
        "isExample": True,
        "feedback": "immediate",
        "correct": True,
        "state": "Graduated",
        "explanation": None,
    }
    standing = ok(qapi.get(f"/labeler/session/{sid}"))["memberships"]
    assert [(m["audienceId"], m["state"]) for m in standing] == [(audience, "Graduated")]
    (task,) = tasks(qapi, sid)
    assert task["jobId"] == job_id and not task["isExample"]
    ok(answer(qapi, sid, task["taskId"], {"winner": 0}))
    assert ok(qapi.get(f"/job/{job_id}"))["state"] == "Completed"

    failing = session(qapi, audienceId=audience)
    (example,) = tasks(qapi, failing)
    bad = next(a["index"] for a in example["assets"] if a["text"] == "bad text")
    assert ok(answer(qapi, failing, example["taskId"], {"winner": bad}))["state"] == "Dropped"
    assert tasks(qapi, failing) == []


def test_bad_session_profiles_are_rejected(qapi: httpx.Client) -> None:
    for body, field in (
        ({"country": "XX"}, "country"),
        ({"language": "zz"}, "language"),
        ({"age": "young"}, "age"),
        ({"audienceId": "aud_nope"}, "audienceId"),
    ):
        response = qapi.post("/labeler/session", json=body)
        assert response.status_code in (400, 404) and field in response.json()["message"], body
    assert qapi.get("/labeler/session/ses_nope/tasks").status_code == 404
