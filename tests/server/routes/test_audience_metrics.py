"""``GET /audience/{id}/user-metrics``: a filtered audience counts its own members; quiet humans are Inactive.

The members and their activity are written straight into the server's store (a crowd-less server), since
only the store knows a labeler's history: seven labelers from Iceland (IS) and New Zealand (NZ), which the
seeded population never uses, with activity more than 30 days old or recent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.utils.crowd import compare_example, ok
from tests.utils.server import LiveServer

POPULATION = 600
"""The seeded crowd of a test server (``crowd_size``)."""


def metrics(api: httpx.Client, audience: str) -> dict[str, int]:
    return dict(ok(api.get(f"/audience/{audience}/user-metrics"))["usersPerState"])


@pytest.fixture(scope="module")
def server(live_server_factory: Any) -> LiveServer:
    server: LiveServer = live_server_factory(crowd=False)
    return server


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module")
def audience(server: LiveServer, api: httpx.Client) -> str:
    """A custom audience with three graduated humans of which two are quiet, and four simulated labelers."""
    from rapidata_nb.server.store.db import make_engine, make_session_factory
    from rapidata_nb.server.store.labeling import (
        AudienceMember,
        ExampleAnswer,
        JobTask,
        Labeler,
        LabelerSession,
        Response,
        utcnow,
    )

    audience_id = str(ok(api.post("/audience", json={"name": "Metrics"}))["audienceId"])
    example_id = ok(
        api.post(f"/audience/{audience_id}/example", json=compare_example(("m a", "m b"), "m a"))
    )["exampleId"]
    now = utcnow()
    old = now - timedelta(days=40)
    members = {  # id: (kind, country, state)
        "hum_quiet_is": ("human", "IS", "Graduated"),  # answered an example 40 days ago -> Inactive
        "hum_session_is": ("human", "IS", "Graduated"),  # opened a session 2 days ago -> Graduated
        "hum_answer_nz": ("human", "NZ", "Graduated"),  # answered a task a day ago -> Graduated
        "hum_quiet_nz": ("human", "NZ", "Graduated"),  # answered a task 35 days ago -> Inactive
        "sim_old_is": ("sim", "IS", "Graduated"),  # simulated labelers are never inactive
        "sim_distilling_is": ("sim", "IS", "Distilling"),
        "sim_dropped_nz": ("sim", "NZ", "Dropped"),
    }
    engine = make_engine(server.store_url)
    with make_session_factory(engine)() as session:
        for labeler_id, (kind, country, _) in members.items():
            session.add(
                Labeler(
                    id=labeler_id,
                    kind=kind,
                    country=country,
                    language="en",
                    age="30-39",
                    gender="Other",
                    occupation="Other",
                    device="Desktop",
                    created_at=old,
                )
            )
        session.flush()  # the tables declare no relationships, so rows go in parent-first by hand
        for labeler_id, (_, _, state) in members.items():
            session.add(
                AudienceMember(audience_id=audience_id, labeler_id=labeler_id, state=state, updated_at=old)
            )
        session.flush()
        session.add(
            ExampleAnswer(
                audience_id=audience_id,
                example_id=example_id,
                labeler_id="hum_quiet_is",
                answer={},
                correct=True,
                created_at=old,
            )
        )
        session.add(
            LabelerSession(id="ses_metrics", labeler_id="hum_session_is", created_at=now - timedelta(days=2))
        )
        session.add(
            JobTask(
                id="tsk_metrics", job_id="job_metrics", kind="compare", content_key="k", target_responses=2
            )
        )
        session.flush()
        for labeler_id, age in (("hum_answer_nz", timedelta(days=1)), ("hum_quiet_nz", timedelta(days=35))):
            session.add(
                Response(
                    id=f"rsp_{labeler_id}",
                    job_id="job_metrics",
                    task_id="tsk_metrics",
                    labeler_id=labeler_id,
                    answer={},
                    user_score=0.5,
                    created_at=now - age,
                )
            )
        session.commit()
    engine.dispose()
    return audience_id


def test_quiet_graduated_humans_are_inactive(api: httpx.Client, audience: str) -> None:
    assert metrics(api, audience) == {"Graduated": 3, "Distilling": 1, "Dropped": 1, "Inactive": 2}


def test_the_global_audience_reports_its_quiet_humans_as_inactive(api: httpx.Client, audience: str) -> None:
    assert metrics(api, "global") == {
        "Graduated": POPULATION + 5,
        "Distilling": 0,
        "Dropped": 0,
        "Inactive": 2,
    }


def test_a_filtered_audience_counts_only_its_own_members(api: httpx.Client, audience: str) -> None:
    iceland = {"filter": {"_t": "CountryFilter", "countries": ["IS"]}}
    view = str(ok(api.post(f"/audience/{audience}/filter", json=iceland))["audienceId"])
    assert metrics(api, view) == {"Graduated": 2, "Distilling": 1, "Dropped": 0, "Inactive": 1}
    body = ok(api.get(f"/audience/{view}"))
    assert (body["qualifiedUserCount"], body["graduated"], body["dropped"]) == (2, 2, 0)
    global_view = str(ok(api.post("/audience/global/filter", json=iceland))["audienceId"])
    assert metrics(api, global_view) == {"Graduated": 3, "Distilling": 0, "Dropped": 0, "Inactive": 1}
    # the base audiences still report everyone
    assert metrics(api, audience)["Graduated"] == 3


def test_an_audience_whose_only_graduate_is_quiet_is_still_ready(
    server: LiveServer, api: httpx.Client, audience: str
) -> None:
    """Inactive people qualified and may come back: they count for the status like any graduate."""
    from rapidata_nb.server.store.db import make_engine, make_session_factory
    from rapidata_nb.server.store.labeling import AudienceMember, utcnow

    quiet = str(ok(api.post("/audience", json={"name": "Quiet"}))["audienceId"])
    ok(api.post(f"/audience/{quiet}/example", json=compare_example(("q a", "q b"), "q a")))
    engine = make_engine(server.store_url)
    with make_session_factory(engine)() as session:
        session.add(
            AudienceMember(
                audience_id=quiet,
                labeler_id="hum_quiet_is",
                state="Graduated",
                updated_at=utcnow() - timedelta(days=40),
            )
        )
        session.commit()
    engine.dispose()
    assert ok(api.post(f"/audience/{quiet}/recruit"))["status"] == "Ready"
    assert metrics(api, quiet)["Inactive"] == 1
