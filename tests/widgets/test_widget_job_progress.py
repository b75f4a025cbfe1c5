"""JobProgress: background polling, ETA, terminal states, errors."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
import traitlets

from rapidata_nb.widgets import JobProgress


class ScriptedJob:
    """Returns the given snapshots in order, then repeats the last one."""

    def __init__(self, snapshots: list[dict[str, Any]], name: str = "job") -> None:
        self.id = f"id_{name}"
        self.name = name
        self.snapshots = [SimpleNamespace(**s) if isinstance(s, dict) else s for s in snapshots]
        self.calls = 0

    def get_progress(self) -> Any:
        self.calls += 1
        snapshot = self.snapshots[min(self.calls, len(self.snapshots)) - 1]
        if isinstance(snapshot, Exception):
            raise snapshot
        return snapshot


def running(pct: float) -> dict[str, Any]:
    return {
        "state": "Running",
        "completion_percentage": pct,
        "total": 10,
        "completed": int(pct / 10),
        "response_count": int(pct),
    }


DONE = {
    "state": "Completed",
    "completion_percentage": 100,
    "total": 10,
    "completed": 10,
    "response_count": 100,
}


def test_polls_in_a_thread_until_every_job_is_terminal() -> None:
    a = ScriptedJob([running(10), running(50), DONE], "a")
    b = ScriptedJob([running(0), {"state": "Failed", "completion_percentage": 20}], "b")
    widget = JobProgress([a, b], refresh_rate=0.01)
    assert widget.wait(timeout=10)
    assert [row["state"] for row in widget.jobs] == ["Completed", "Failed"]
    assert widget.jobs[0]["completion_percentage"] == 100.0
    assert widget.jobs[1]["completion_percentage"] == 20.0
    calls = (a.calls, b.calls)
    assert calls == (3, 2)  # a finished job is not polled again
    assert not widget._thread.is_alive()


def test_polling_does_not_block_the_caller() -> None:
    release = threading.Event()

    class SlowJob:
        id, name = "slow", "slow"

        def get_progress(self) -> Any:
            release.wait(5)
            return SimpleNamespace(**DONE)

    widget = JobProgress(SlowJob(), refresh_rate=0.01)  # returns while the first poll is still waiting
    assert widget.jobs[0]["state"] == "Unknown"
    release.set()
    assert widget.wait(timeout=5)


def test_eta_from_the_observed_rate() -> None:
    job = ScriptedJob([running(10), running(40)])
    widget = JobProgress([job], start=False)
    times = iter([100.0, 130.0])
    widget._clock = lambda: next(times)
    widget.poll()
    assert widget.jobs[0]["eta_seconds"] is None  # no rate yet
    widget.poll()
    # 30 points in 30 s → 60 points left take 60 s
    assert widget.jobs[0]["eta_seconds"] == 60.0
    assert widget.jobs[0]["completed"] == 4 and widget.jobs[0]["response_count"] == 40


def test_errors_are_shown_and_polling_retries() -> None:
    job = ScriptedJob([ConnectionError("server went away"), DONE])
    widget = JobProgress([job], start=False)
    assert not widget.poll()
    assert widget.jobs[0]["error"] == "ConnectionError: server went away"
    assert widget.poll()
    assert widget.jobs[0]["error"] is None and widget.done


def test_state_enums_and_response_targets() -> None:
    state = SimpleNamespace(value="completed")
    job = ScriptedJob([{"state": state, "completion_percentage": None, "response_target": 30}])
    widget = JobProgress(job, start=False)
    widget.poll()
    row = widget.jobs[0]
    assert row["state"] == "Completed" and row["response_target"] == 30
    assert row["completion_percentage"] == 100.0


def test_rejects_things_that_are_not_jobs() -> None:
    with pytest.raises(TypeError, match="JobProgress needs jobs with a get_progress"):
        JobProgress(["job_123"])


def test_refresh_rate_must_be_positive() -> None:
    with pytest.raises(traitlets.TraitError, match="refresh_rate must be a positive number of seconds"):
        JobProgress(ScriptedJob([DONE]), refresh_rate=0, start=False)


def test_stop_halts_polling() -> None:
    job = ScriptedJob([running(1)])
    widget = JobProgress(job, refresh_rate=0.01)
    widget.stop()
    widget.wait(timeout=5)
    assert not widget._thread.is_alive() and not widget.done


def test_closing_the_widget_stops_polling() -> None:
    job = ScriptedJob([running(1)])
    widget = JobProgress(job, refresh_rate=0.01)
    widget.close()
    widget.wait(timeout=5)
    assert not widget._thread.is_alive()
