"""Signals through the client against a real server: create, properties, trigger/wait, update, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from rapidata_nb import RapidataClient
from rapidata_nb.client.job import RapidataJob
from rapidata_nb.client.signal import RapidataSignal

PAIR = ["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]


@pytest.fixture(scope="module")
def live(live_server: Any) -> RapidataClient:
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


@pytest.fixture(scope="module")
def definition(live: RapidataClient) -> Any:
    return live.job.create_compare_job_definition(
        name="Prompt Alignment Job",
        instruction="Which image follows the prompt more accurately?",
        datapoints=[PAIR],
        contexts=["A small blue book sitting on a large red book."],
        responses_per_datapoint=3,
    )


def test_create_signal_as_in_the_docs(live: RapidataClient, definition: Any) -> None:
    audience = live.audience.get_audience_by_id("aud_MU1GZYoESyO")
    signal = live.signals.create_signal(
        name="Daily prompt alignment", audience=audience, job_definition=definition, interval_hours=24
    )
    assert isinstance(signal, RapidataSignal)
    assert signal.name == "Daily prompt alignment"
    assert signal.description is None
    assert signal.audience_id == "aud_MU1GZYoESyO"
    assert signal.job_definition_id == definition.id
    assert signal.revision_number is None
    assert signal.interval_hours == 24
    assert isinstance(signal.next_run_at, datetime) and signal.last_run_at is None
    assert signal.is_paused is False and signal.is_public is False
    assert isinstance(signal.created_at, datetime)
    assert signal.get_jobs() == []
    assert live.signals.get_signal_by_id(signal.id).id == signal.id
    assert signal.id in [s.id for s in live.signals.find_signals(name="prompt alignment")]


def test_trigger_and_wait_for_the_job(live: RapidataClient, definition: Any) -> None:
    signal = live.signals.create_signal(
        name="on demand",
        audience="global",
        job_definition=definition.id,
        interval_hours=24,
        description="manual runs",
        revision_number=1,
        is_public=True,
    )
    assert (signal.revision_number, signal.is_public, signal.description) == (1, True, "manual runs")
    signal.trigger()
    job = signal.wait_for_next_job(timeout=120, poll_interval=0.1)
    assert isinstance(job, RapidataJob)
    results = job.get_results()
    assert results is not None
    jobs = signal.get_jobs(page_size=10)
    assert [j.id for j in jobs] == [job.id]
    assert signal.last_run_at is not None


def test_pause_resume_update_delete(live: RapidataClient, definition: Any) -> None:
    signal = live.signals.create_signal(
        name="hourly", audience="global", job_definition=definition, interval_hours=1
    )
    assert signal.pause() is signal and signal.is_paused is True
    assert signal.resume() is signal and signal.is_paused is False
    signal.update(name="Hourly prompt alignment", interval_hours=2, description="every two hours")
    assert (signal.name, signal.interval_hours, signal.description) == (
        "Hourly prompt alignment",
        2.0,
        "every two hours",
    )
    assert str(signal) == f"RapidataSignal(name='Hourly prompt alignment', id='{signal.id}')"
    signal.delete()
    assert signal.id not in [s.id for s in live.signals.find_signals(amount=100)]


def test_bad_input(live: RapidataClient, definition: Any) -> None:
    before = len(live.signals.find_signals(amount=1000))
    for bad in (0, -1, "24"):
        with pytest.raises(ValueError, match="interval_hours"):
            live.signals.create_signal(
                name="bad", audience="global", job_definition=definition, interval_hours=bad
            )  # type: ignore[arg-type]
    from rapidata_nb import RapidataError

    with pytest.raises(RapidataError, match="audience"):
        live.signals.create_signal(
            name="bad", audience="aud_nope", job_definition=definition, interval_hours=1
        )
    assert len(live.signals.find_signals(amount=1000)) == before
    signal = live.signals.create_signal(
        name="waiter", audience="global", job_definition=definition, interval_hours=24
    )
    with pytest.raises(ValueError):
        signal.wait_for_next_job(timeout=0)
    with pytest.raises(TimeoutError):
        signal.wait_for_next_job(timeout=0.3, poll_interval=0.1)
