"""A labeler's fetch and answer, and a crowd round, take the same number of SQL statements whatever the job's
size (issue 14: set-based dispatch), and a fetch or an answer one worker-thread hop. The server runs in this
process (the embedded backend, over HTTP) so that its engine's statements and its thread hops can be
counted."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import httpx
import pytest

from rapidata_nb.server.embedded import EmbeddedServer
from tests.utils import statements
from tests.utils.crowd import compare_definition, ok, start_job
from tests.utils.statements import counted

embedded, api = statements.embedded, statements.api  # this module's server and its client (fixtures)


def compare_job(api: httpx.Client, name: str, rows: int) -> str:
    pairs = [(f"{name} left {i}", f"{name} right {i}") for i in range(rows)]
    job = start_job(api, compare_definition(api, pairs, {"_t": "NaiveReferee", "totalVotes": 3}))
    return str(job["jobId"])


def fetch_and_answer(api: httpx.Client, server: EmbeddedServer, job_id: str) -> tuple[int, int]:
    sid = ok(api.post("/labeler/session", json={"name": "counted"}))["sessionId"]
    api.get(f"/labeler/session/{sid}/tasks", params={"jobId": job_id})  # warm the job's cached spec
    with counted(server) as fetch:
        (item,) = ok(api.get(f"/labeler/session/{sid}/tasks", params={"jobId": job_id}))["items"]
    with counted(server) as answer:
        body = {"taskId": item["taskId"], "answer": {"winner": 0}}
        assert ok(api.post(f"/labeler/session/{sid}/answers", json=body))["accepted"] is True
    return len(fetch), len(answer)


def test_a_fetch_and_an_answer_cost_the_same_on_a_job_of_any_size(api: httpx.Client, embedded: Any) -> None:
    small = fetch_and_answer(api, embedded, compare_job(api, "small", 5))
    large = fetch_and_answer(api, embedded, compare_job(api, "large", 500))
    assert small == large


def test_a_fetch_and_an_answer_take_six_statements_each(api: httpx.Client, embedded: Any) -> None:
    """On SQLite: BEGIN, the session with its labeler, then for a fetch the running jobs with their
    audiences, the candidate tasks, their datapoints and the leases' insert; for an answer the task with
    its lease, job, audience and datapoint, the counter's ``UPDATE … RETURNING``, the response and the
    lease (issue 14: about 12 statements each before)."""
    fetch, answer = fetch_and_answer(api, embedded, compare_job(api, "six", 20))
    assert (fetch, answer) == (6, 6)


def test_a_crowd_round_costs_the_same_for_ten_or_two_hundred_responses(
    api: httpx.Client, embedded: Any
) -> None:
    compare_job(api, "round", 400)
    costs = []
    for steps in (10, 200):
        with counted(embedded) as statements:
            assert ok(api.post("/local/crowd/step", params={"steps": steps})) == {"steps": steps}
        costs.append(len(statements))
    assert costs[0] == costs[1]


def test_a_fetch_and_an_answer_take_one_worker_thread_hop_each(
    api: httpx.Client, embedded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session lookup, the work and the commit run in one hop (``deps.in_transaction``), not one per
    sync dependency, handler and commit (issue 14: three hops, each a thread wake-up and an event loop turn).
    Every hop of FastAPI, Starlette and our code goes through ``anyio.to_thread.run_sync``."""
    job_id = compare_job(api, "hops", 5)
    sid = ok(api.post("/labeler/session", json={"name": "hops"}))["sessionId"]
    hops: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(repr(func))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    (item,) = ok(api.get(f"/labeler/session/{sid}/tasks", params={"jobId": job_id}))["items"]
    fetch_hops = len(hops)
    body = {"taskId": item["taskId"], "answer": {"winner": 0}}
    assert ok(api.post(f"/labeler/session/{sid}/answers", json=body))["accepted"] is True
    assert (fetch_hops, len(hops) - fetch_hops) == (1, 1), hops


def answer_with_next(api: httpx.Client, server: EmbeddedServer, job_id: str) -> tuple[int, str, str]:
    """Statements of one ``POST .../answers?next=1&jobId=``, the answered task and the task it served."""
    sid = ok(api.post("/labeler/session", json={"name": "counted next"}))["sessionId"]
    (item,) = ok(api.get(f"/labeler/session/{sid}/tasks", params={"jobId": job_id}))["items"]
    body = {"taskId": item["taskId"], "answer": {"winner": 0}}
    with counted(server) as both:
        reply = ok(
            api.post(f"/labeler/session/{sid}/answers", params={"next": 1, "jobId": job_id}, json=body)
        )
    (served,) = reply["next"]["items"]
    return len(both), item["taskId"], served["taskId"]


def test_an_answer_with_the_next_task_costs_an_answer_and_a_fetch_in_one_transaction(
    api: httpx.Client, embedded: Any
) -> None:
    """``?next=1``: the answer's statements, then a fetch's without its BEGIN and session lookup (the labeler
    is already loaded), whatever the job's size."""
    small = answer_with_next(api, embedded, compare_job(api, "next small", 5))
    large = answer_with_next(api, embedded, compare_job(api, "next large", 500))
    assert small[0] == large[0] == 6 + 4
    assert small[1] != small[2] and large[1] != large[2]
