"""Qualification cannot be learned (issue 15, finding 7): what a candidate learns about their answers to an
audience's examples is the audience's ``qualificationFeedback``, and new labelers per client address are
limited, so throwaway labelers cannot collect the examples' truths.

Over real HTTP, on SQLite and PostgreSQL (the feedback mode is a stored column); the creation limit lives in
the server process, so its test runs on SQLite only.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from rapidata_nb import RapidataClient
from tests.utils.crowd import compare_example, ok
from tests.utils.server import LiveServer
from tests.utils.stores import STORES, database_args, engine_of

EXAMPLES = (("good one", "bad one"), ("good two", "bad two"), ("good three", "bad three"))
RULE = {"_t": "TaskAccuracy", "targetAccuracy": 1.0, "minTasks": 3}


@pytest.fixture(scope="module", params=STORES)
def quiet(request: pytest.FixtureRequest, live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False, extra_args=database_args(request.param))


@pytest.fixture(scope="module")
def api(quiet: LiveServer) -> Iterator[httpx.Client]:
    with quiet.client() as client:
        yield client


@pytest.fixture
def http(quiet: LiveServer) -> Iterator[httpx.Client]:
    """A labeler's browser: no token."""
    with httpx.Client(base_url=quiet.url, timeout=30) as client:
        yield client


def audience_with_examples(api: httpx.Client, name: str, **extra: Any) -> str:
    """A custom audience of three compare examples (the first text wins), each with an explanation."""
    audience = ok(api.post("/audience", json={"name": name, "graduationRule": RULE, **extra}))["audienceId"]
    for pair in EXAMPLES:
        body = {**compare_example(pair, pair[0]), "explanation": f"{pair[0]} is the better text"}
        ok(api.post(f"/audience/{audience}/example", json=body))
    return str(audience)


def qualify(http: httpx.Client, audience: str, *, right: bool) -> tuple[list[dict[str, Any]], list[Any]]:
    """A new person answers every example of ``audience`` right (or wrong); returns the grades and, after
    each answer, their standing in the audience as the labeling app reads it."""
    session = ok(http.post("/labeler/session", json={"audienceId": audience}))["sessionId"]
    grades, standings = [], []
    while items := ok(http.get(f"/labeler/session/{session}/tasks"))["items"]:
        (example,) = items
        assert example["isExample"]
        wanted = "good" if right else "bad"
        side = next(a["index"] for a in example["assets"] if a["text"].startswith(wanted))
        answer = {"taskId": example["taskId"], "answer": {"winner": side}}
        grade = ok(http.post(f"/labeler/session/{session}/answers", json=answer))
        grades.append({k: v for k, v in grade.items() if k != "taskId"})
        (member,) = ok(http.get(f"/labeler/session/{session}"))["memberships"]
        standings.append({k: member[k] for k in ("feedback", "state", "userScore", "answered", "correct")})
    return grades, standings


def test_after_decision_is_the_default_and_a_right_answer_is_told_like_a_wrong_one(
    api: httpx.Client, http: httpx.Client
) -> None:
    audience = audience_with_examples(api, "Default feedback")
    assert ok(api.get(f"/audience/{audience}"))["qualificationFeedback"] == "after_decision"
    right, right_standing = qualify(http, audience, right=True)
    wrong, wrong_standing = qualify(http, audience, right=False)
    told = {"isExample": True, "feedback": "after_decision", "correct": None, "explanation": None}
    assert right == [{**told, "state": "Distilling"}] * 2 + [{**told, "state": "Graduated"}]
    assert wrong == [{**told, "state": "Distilling"}] * 2 + [{**told, "state": "Dropped"}]
    hidden = {"feedback": "after_decision", "userScore": None, "correct": None}
    assert right_standing == [
        {**hidden, "state": "Distilling", "answered": 1},
        {**hidden, "state": "Distilling", "answered": 2},
        {**hidden, "state": "Graduated", "answered": 3},
    ]
    assert wrong_standing[:2] == right_standing[:2]
    assert ok(api.get(f"/audience/{audience}"))["graduated"] == 1


def test_none_tells_neither_verdicts_nor_the_decision(api: httpx.Client, http: httpx.Client) -> None:
    audience = audience_with_examples(api, "Silent feedback", qualificationFeedback="none")
    right, right_standing = qualify(http, audience, right=True)
    wrong, wrong_standing = qualify(http, audience, right=False)
    told = {"isExample": True, "feedback": "none", "correct": None, "state": None, "explanation": None}
    assert right == wrong == [told] * 3
    hidden = {"feedback": "none", "state": None, "userScore": None, "correct": None}
    assert right_standing == wrong_standing == [{**hidden, "answered": n} for n in (1, 2, 3)]
    counts = ok(api.get(f"/audience/{audience}"))
    assert (counts["graduated"], counts["dropped"]) == (1, 1)  # the owner still sees who qualified


def test_immediate_tells_each_verdict_with_the_explanation(api: httpx.Client, http: httpx.Client) -> None:
    audience = audience_with_examples(api, "Teaching feedback", qualificationFeedback="immediate")
    wrong, standing = qualify(http, audience, right=False)
    assert [(g["correct"], g["state"], g["explanation"]) for g in wrong] == [
        (False, "Distilling", "good one is the better text"),
        (False, "Distilling", "good two is the better text"),
        (False, "Dropped", "good three is the better text"),
    ]
    assert [(s["state"], s["correct"]) for s in standing] == [
        ("Distilling", 0),
        ("Distilling", 0),
        ("Dropped", 0),
    ]
    assert all(isinstance(s["userScore"], float) for s in standing)


def test_the_feedback_mode_is_checked_and_changed_by_the_owner(quiet: LiveServer, api: httpx.Client) -> None:
    refused = api.post("/audience", json={"name": "Bad feedback", "qualificationFeedback": "later"})
    assert refused.status_code == 422 and "qualificationFeedback" in refused.json()["message"], refused.text
    assert "Bad feedback" not in api.get("/audiences", params={"name": "Bad feedback"}).text
    audience = audience_with_examples(api, "Changing feedback")
    changed = ok(api.patch(f"/audience/{audience}", json={"qualificationFeedback": "immediate"}))
    assert changed["qualificationFeedback"] == "immediate"
    assert ok(api.get(f"/audience/{audience}"))["qualificationFeedback"] == "immediate"
    seeded = api.patch("/audience/global", json={"qualificationFeedback": "none"})
    assert seeded.status_code in (400, 403), seeded.text

    secret = quiet.client_secret
    client = RapidataClient(client_id=quiet.client_id, client_secret=secret, environment=quiet.url)
    made = client.audience.create_audience(name="From the client", qualification_feedback="none")
    assert ok(api.get(f"/audience/{made.id}"))["qualificationFeedback"] == "none"
    with pytest.raises(ValueError, match="qualification_feedback"):
        client.audience.create_audience(name="Wrong", qualification_feedback="sometimes")  # type: ignore[arg-type]


LIMIT = 5


@pytest.fixture(scope="module")
def limited(live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False, extra_args=("--labelers-per-address-per-hour", str(LIMIT)))


def test_new_labelers_per_address_are_limited_even_when_requests_race(limited: LiveServer) -> None:
    with httpx.Client(base_url=limited.url, timeout=60) as http:
        for _ in range(3):  # refused profiles make no labeler and cost nothing
            assert http.post("/labeler/session", json={"country": "XX"}).status_code == 400
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(lambda _: http.post("/labeler/session", json={}), range(20)))
        made = [a.json() for a in answers if a.status_code == 200]
        refused = [a for a in answers if a.status_code != 200]
        assert len(made) == LIMIT
        assert {a.status_code for a in refused} == {429}
        assert all(600 < int(a.headers["retry-after"]) <= 3600 // LIMIT for a in refused)
        assert "too many new labelers" in refused[0].json()["message"]
        first = made[0]  # a labeler who comes back is not a new one
        again = http.post(
            "/labeler/session", json={"labelerId": first["labelerId"], "resumeToken": first["resumeToken"]}
        )
        assert again.status_code == 200, again.text
    engine = engine_of(limited)
    with engine.connect() as conn:
        humans = conn.execute(text("SELECT count(*) FROM labeler WHERE kind = 'human'")).scalar_one()
    engine.dispose()
    assert humans == LIMIT
