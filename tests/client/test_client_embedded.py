"""No configuration → the embedded backend; placeholder credentials fall back to its local client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rapidata_nb import RapidataClient
from tests.utils.fakeapi import FakeApi, make_client

pytestmark = pytest.mark.slow


@pytest.fixture
def nb_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "nb-home"
    monkeypatch.setenv("RAPIDATA_NB_HOME", str(home))
    yield home
    from rapidata_nb.server.embedded import stop_embedded

    stop_embedded()


def test_no_configuration_uses_the_embedded_backend(nb_home: Path) -> None:
    client = RapidataClient()
    assert client.environment.startswith("http://127.0.0.1:")
    assert client.audience.get_audience_by_id("global").id == "global"
    again = RapidataClient(client_id="Your client ID", client_secret="Your client secret")
    assert again.environment == client.environment  # the same server is reused
    assert again.audience.get_audience_by_id("aud_MU1GZYoESyO").name


def test_blocking_calls_work_inside_a_running_event_loop(api: FakeApi) -> None:
    client = make_client(api)
    definition = client.job.create_compare_job_definition(
        name="n", instruction="Which?", datapoints=[["https://a/x.jpg", "https://a/y.jpg"]]
    )
    job = client.audience.get_audience_by_id("global").assign_job(definition)

    async def in_notebook_cell() -> int:
        assert asyncio.get_running_loop().is_running()  # as in a Jupyter kernel
        job.display_progress_bar()
        return len(job.get_results())

    # A fresh loop in its own thread: the test must not depend on what other tests left in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, in_notebook_cell()).result(timeout=120) == 2


def test_maintain_token_file(api: FakeApi, tmp_path: Path) -> None:
    client = make_client(api)
    path = tmp_path / "token.json"
    client.maintain_token_file(str(path), interval=3600)
    token = json.loads(path.read_text())
    assert token["access_token"] == "tok1" and token["expires_at"] > 0
    reader = make_client(api, client_id=None, client_secret=None, token_file=str(path))
    reader.audience.get_audience_by_id("global")
    assert api.requests[-1].headers["authorization"] == "Bearer tok1"


def test_preview_data_for_widgets(api: FakeApi) -> None:
    client = make_client(api)
    definition = client.job.create_classification_job_definition(
        name="n", instruction="Animal?", answer_options=["Cat", "Dog"], datapoints=["https://a/x.jpg"]
    )
    data = definition._preview_data()
    assert data["task_type"] == "Classification" and data["instruction"] == "Animal?"
    assert data["datapoints"] == ["https://a/x.jpg"] and data["answer_options"] == ["Cat", "Dog"]
    definition.answer_options = ["Cat", "Dog", "Bird"]
    assert definition._preview_data()["answer_options"] == ["Cat", "Dog", "Bird"]
