"""Signals over real HTTP: short-interval firing, skipping, pause/resume, trigger, restart, tick claim."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.utils.server import LiveServer
from tests.utils.server import wait_for as poll

PAIR = ["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]


def compare_definition(api: httpx.Client, *, pairs: int = 1, votes: int = 3) -> str:
    """A small compare job definition built through the public endpoints."""
    names = [api.post("/asset/url", params={"url": u}).json()["fileName"] for u in PAIR]
    dataset = api.post("/dataset", json={"name": "signal_dataset", "schema": None}).json()["datasetId"]
    for i in range(pairs):
        body = {
            "segments": [
                {
                    "key": "asset",
                    "kind": "Asset",
                    "asset": {
                        "_t": "MultiAssetInput",
                        "assets": [{"_t": "ExistingAssetInput", "name": n} for n in names],
                    },
                },
                {"key": "context", "kind": "Text", "text": f"prompt {i}"},
            ],
            "sortIndex": i,
        }
        assert api.post(f"/dataset/{dataset}/datapoint", json=body).status_code == 200
    out = api.post(
        "/job/definition",
        json={
            "definitionName": "signal job",
            "workflow": {
                "_t": "SimpleWorkflow",
                "rapid": {
                    "_t": "Compare",
                    "asset": {"segment": "asset"},
                    "criteria": {"literal": "Which is better?"},
                },
            },
            "referee": {"_t": "NaiveReferee", "totalVotes": votes},
            "datasetId": dataset,
        },
    )
    assert out.status_code == 200, out.text
    return str(out.json()["definitionId"])


def create_signal(api: httpx.Client, definition_id: str, **extra: Any) -> str:
    body = {
        "name": "nightly",
        "audienceId": "global",
        "jobDefinitionId": definition_id,
        "intervalSeconds": 86400,
        **extra,
    }
    response = api.post("/signal", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def runs(api: httpx.Client, signal_id: str) -> list[dict[str, Any]]:
    response = api.get(f"/signal/{signal_id}/run", params={"page_size": 100, "sort": "started_at"})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


@pytest.fixture(scope="module")
def definition_id(api: httpx.Client) -> str:
    return compare_definition(api)


def test_create_and_read_back(api: httpx.Client, definition_id: str) -> None:
    signal_id = create_signal(api, definition_id, description="daily check", isPublic=True)
    body = api.get(f"/signal/{signal_id}").json()
    assert body["name"] == "nightly"
    assert body["description"] == "daily check"
    assert body["intervalSeconds"] == 86400 and isinstance(body["intervalSeconds"], int)
    assert body["audienceId"] == "global"
    assert body["jobDefinitionId"] == definition_id
    assert body["revisionNumber"] is None
    assert body["isPaused"] is False and body["isPublic"] is True
    assert body["lastRunAt"] is None
    found = api.get("/signal", params={"name[contains]": "night"}).json()
    assert signal_id in [s["id"] for s in found["items"]]
    assert runs(api, signal_id) == []


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"intervalSeconds": 0}, "intervalSeconds"),
        ({"intervalSeconds": -5}, "intervalSeconds"),
        ({"jobDefinitionId": "def_missing"}, "jobDefinitionId"),
        ({"audienceId": "aud_missing"}, "audienceId"),
        ({"revisionNumber": 99}, "revision"),
    ],
)
def test_bad_input_is_rejected_and_nothing_stored(
    api: httpx.Client, definition_id: str, patch: dict[str, Any], field: str
) -> None:
    before = api.get("/signal", params={"page_size": 1000}).json()["total"]
    body = {
        "name": "bad",
        "audienceId": "global",
        "jobDefinitionId": definition_id,
        "intervalSeconds": 60,
        **patch,
    }
    response = api.post("/signal", json=body)
    assert response.status_code in (400, 404, 422)
    assert field.lower() in response.json()["message"].lower()
    assert api.get("/signal", params={"page_size": 1000}).json()["total"] == before


def test_fires_on_a_short_interval_and_skips_while_the_job_runs(
    live_server: LiveServer, api: httpx.Client, definition_id: str
) -> None:
    signal_id = create_signal(api, definition_id)
    # A sub-second interval (our server accepts fractions of a second; the official SDK sends whole seconds).
    assert api.patch(f"/signal/{signal_id}", json={"intervalSeconds": 0.3}).status_code == 204
    fired = poll(
        lambda: (
            [r for r in runs(api, signal_id) if r["audienceJobId"]][:3]
            if len([r for r in runs(api, signal_id) if r["audienceJobId"]]) >= 3
            else None
        ),
        timeout=120,
        message="three jobs from the signal",
    )
    jobs = [r["audienceJobId"] for r in fired]
    assert len(set(jobs)) == 3
    for job_id in jobs:
        job = api.get(f"/job/{job_id}").json()
        assert job["definitionId"] == definition_id and job["audienceId"] == "global"
    signal = api.get(f"/signal/{signal_id}").json()
    assert signal["lastRunAt"] is not None
    # Every job-creating firing happened while no earlier job of this signal was still running.
    all_runs = runs(api, signal_id)
    assert {r["status"] for r in all_runs} <= {"Running", "Completed", "Skipped"}
    assert all(r["skippedReason"] for r in all_runs if r["status"] == "Skipped")
    assert all(r["triggerSource"] == "Scheduled" for r in all_runs)
    assert api.post(f"/signal/{signal_id}/pause").status_code == 204


@pytest.mark.slow
def test_pause_stops_firing_trigger_fires_once(api: httpx.Client, definition_id: str) -> None:
    signal_id = create_signal(api, definition_id)
    assert api.post(f"/signal/{signal_id}/pause").status_code == 204
    assert api.patch(f"/signal/{signal_id}", json={"intervalSeconds": 0.2}).status_code == 204
    assert api.get(f"/signal/{signal_id}").json()["isPaused"] is True
    # A manual trigger fires even while paused, exactly once.
    assert api.post(f"/signal/{signal_id}/trigger").json() == {"signalId": signal_id}
    manual = poll(lambda: runs(api, signal_id) or None, timeout=120, message="the triggered run")
    assert len(manual) == 1 and manual[0]["triggerSource"] == "Manual" and manual[0]["audienceJobId"]
    # Paused: the next (0.2 s) ticks do not fire; observe the scheduler moving past several ticks first.
    anchor = api.get(f"/signal/{signal_id}").json()["nextRunAt"]
    assert api.post(f"/signal/{signal_id}/resume").status_code == 204
    assert poll(lambda: len(runs(api, signal_id)) >= 2, timeout=120, message="firing after resume")
    assert api.get(f"/signal/{signal_id}").json()["nextRunAt"] > anchor
    assert api.post(f"/signal/{signal_id}/pause").status_code == 204
    settled = len(runs(api, signal_id))
    next_at = api.get(f"/signal/{signal_id}").json()["nextRunAt"]
    # While paused nothing fires, whatever the clock says: trigger on another (unpaused) signal as a clock.
    clock = create_signal(api, definition_id)
    for _ in range(3):
        n = len(runs(api, clock))  # count first: the triggered run may land before we look
        api.post(f"/signal/{clock}/trigger")
        poll(lambda n=n: len(runs(api, clock)) > n, timeout=120, message="clock run")
    assert len(runs(api, signal_id)) == settled
    assert api.get(f"/signal/{signal_id}").json()["nextRunAt"] == next_at


def test_update_and_delete(api: httpx.Client, definition_id: str) -> None:
    signal_id = create_signal(api, definition_id, description="old")
    assert (
        api.patch(f"/signal/{signal_id}", json={"name": "hourly", "intervalSeconds": 3600}).status_code == 204
    )
    body = api.get(f"/signal/{signal_id}").json()
    assert (body["name"], body["intervalSeconds"], body["description"]) == ("hourly", 3600, "old")
    assert api.patch(f"/signal/{signal_id}", json={"description": None}).status_code == 204
    assert api.get(f"/signal/{signal_id}").json()["description"] is None
    assert api.delete(f"/signal/{signal_id}").status_code == 204
    assert api.get(f"/signal/{signal_id}").status_code == 404


@pytest.mark.slow
def test_schedule_survives_a_restart(live_server: LiveServer, definition_id: str) -> None:
    with live_server.client() as api:
        signal_id = create_signal(api, definition_id)
        api.patch(f"/signal/{signal_id}", json={"intervalSeconds": 0.3})
        poll(lambda: any(r["audienceJobId"] for r in runs(api, signal_id)), timeout=120, message="first job")
        api.post(f"/signal/{signal_id}/pause")
        before = runs(api, signal_id)
    live_server.kill()
    live_server.restart()
    with live_server.client() as api:
        body = api.get(f"/signal/{signal_id}").json()
        assert body["isPaused"] is True and body["intervalSeconds"] == 0.3
        assert [r["id"] for r in runs(api, signal_id)] == [r["id"] for r in before]
        api.post(f"/signal/{signal_id}/resume")
        poll(lambda: len(runs(api, signal_id)) > len(before), timeout=120, message="firing after restart")
        api.post(f"/signal/{signal_id}/pause")


@pytest.fixture
def factory(live_server: LiveServer) -> Iterator[Any]:
    """Sessions on the live server's database, opened as a second server process would open them."""
    from rapidata_nb.server.store.db import make_engine, make_session_factory

    engine = make_engine(live_server.store_url)
    yield make_session_factory(engine)
    engine.dispose()


def test_two_sessions_racing_for_one_tick_fire_it_once(
    live_server: LiveServer, definition_id: str, factory: Any
) -> None:
    """Two store sessions (as two server processes would) claim the same tick: exactly one wins."""
    from rapidata_nb.server.programs import signals
    from rapidata_nb.server.store.programs import Signal, SignalRun, now_ms

    with live_server.client() as api:
        signal_id = create_signal(api, definition_id)
        api.post(f"/signal/{signal_id}/pause")  # keep the server's own scheduler out of the race
    with factory() as s:
        tick = s.get(Signal, signal_id).next_run_ms  # type: ignore[union-attr]
    first, second = factory(), factory()
    try:
        now = now_ms()
        assert signals.claim_tick(session=first, signal_id=signal_id, tick=tick, now=now) is True
        first.commit()
        assert signals.claim_tick(session=second, signal_id=signal_id, tick=tick, now=now) is False
        second.commit()
    finally:
        first.close()
        second.close()
    with factory() as s:
        assert s.get(Signal, signal_id).next_run_ms > tick  # type: ignore[union-attr]
        assert s.scalars(select(SignalRun).where(SignalRun.signal_id == signal_id)).all() == []


@pytest.mark.slow
def test_a_firing_is_skipped_while_the_previous_job_still_runs(api: httpx.Client) -> None:
    # A custom audience without qualification examples recruits nobody: its first job keeps running.
    empty = api.post("/audience", json={"name": "nobody yet"})
    assert empty.status_code == 200, empty.text
    signal_id = create_signal(api, compare_definition(api), audienceId=empty.json()["audienceId"])
    assert api.patch(f"/signal/{signal_id}", json={"intervalSeconds": 0.2}).status_code == 204
    history = poll(
        lambda: r if len(r := runs(api, signal_id)) >= 3 else None, timeout=120, message="three firings"
    )
    api.post(f"/signal/{signal_id}/pause")
    history = runs(api, signal_id)
    assert history[0]["audienceJobId"] and history[0]["status"] == "Running"
    skipped = history[1:]
    assert all(r["status"] == "Skipped" and r["audienceJobId"] is None for r in skipped)
    assert history[0]["audienceJobId"] in skipped[0]["skippedReason"]
    # get_jobs-style listing: only the firing that created a job has an audienceJobId.
    assert [r["audienceJobId"] for r in runs(api, signal_id) if r["audienceJobId"]] == [
        history[0]["audienceJobId"]
    ]
    api.delete(f"/job/{history[0]['audienceJobId']}")


def test_a_firing_whose_definition_vanished_is_recorded_as_failed(api: httpx.Client) -> None:
    definition = compare_definition(api)
    signal_id = create_signal(api, definition)
    assert api.delete(f"/job/definition/{definition}").status_code in (200, 204)
    api.post(f"/signal/{signal_id}/trigger")
    run = poll(lambda: (r := runs(api, signal_id)) and r[0], timeout=120, message="the failed run")
    assert run["status"] == "Failed" and run["audienceJobId"] is None
    assert definition in run["failureMessage"]
    assert api.get(f"/signal/{signal_id}").json()["lastRunAt"] is not None


OFFICIAL_SIGNAL = textwrap.dedent("""
    import json
    from rapidata import RapidataClient
    client = RapidataClient()
    audience = client.audience.get_audience_by_id("aud_MU1GZYoESyO")
    job_definition = client.job.create_compare_job_definition(
        name="Prompt Alignment Job",
        instruction="Which image follows the prompt more accurately?",
        datapoints=[["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]],
        contexts=["A small blue book sitting on a large red book."],
    )
    signal = client.signals.create_signal(name="Daily prompt alignment", audience=audience,
                                          job_definition=job_definition, interval_hours=24)
    signal.trigger()
    job = signal.wait_for_next_job(timeout=120, poll_interval=0.2)
    jobs = signal.get_jobs(page_size=10)
    signal.pause()
    paused = signal.is_paused
    signal.resume()
    signal.update(name="Hourly prompt alignment", interval_hours=1)
    found = [s.id for s in client.signals.find_signals(name="prompt alignment")]
    out = {"job": job.id, "jobs": [j.id for j in jobs], "paused": paused, "name": signal.name,
           "hours": signal.interval_hours, "found": signal.id in found,
           "next": signal.next_run_at.isoformat(),
           "audience": signal.audience_id, "definition": signal.job_definition_id == job_definition.id}
    signal.delete()
    print("RESULT " + json.dumps(out))
""")


@pytest.mark.sdk
def test_official_sdk_runs_the_signals_guide(tls_server: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    script = tmp_path / "official_signal.py"
    script.write_text(OFFICIAL_SIGNAL)
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=tls_server,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}"
    out = json.loads(line.removeprefix("RESULT "))
    assert out["jobs"] == [out["job"]]
    assert out["paused"] is True and out["found"] is True and out["definition"] is True
    assert (out["name"], out["hours"], out["audience"]) == ("Hourly prompt alignment", 1.0, "aud_MU1GZYoESyO")


def test_downtime_fires_one_catch_up_tick_not_a_burst(
    live_server: LiveServer, definition_id: str, factory: Any
) -> None:
    """A tick missed by many intervals (server down) fires once; the schedule then continues from now."""
    from rapidata_nb.server.programs import signals
    from rapidata_nb.server.store.programs import Signal

    with live_server.client() as api:
        signal_id = create_signal(api, definition_id)
        api.post(f"/signal/{signal_id}/pause")  # keep the server's own scheduler out of it
    with factory() as s, s.begin():
        tick = s.get(Signal, signal_id).next_run_ms  # type: ignore[union-attr]
        interval = 86_400_000
        now = tick + 10 * interval + 5  # ten days late
        outcome = signals.fire_signal(session=s, signal_id=signal_id, tick=tick, now=now)
        assert outcome is not None and outcome.status == "Running" and outcome.job_id
        assert signals.fire_signal(session=s, signal_id=signal_id, tick=tick, now=now) is None  # claimed
        row = s.get(Signal, signal_id)
        assert row is not None
        assert row.next_run_ms == tick + 11 * interval  # the next tick of the original schedule after now
        assert row.last_run_ms == now
