"""``client.simulation`` against a real server: registered truths steer the simulated crowd."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from rapidata_nb import Box, RapidataClient, rapidata_config
from rapidata_nb.client.simulation import content_key

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(live_server: Any) -> RapidataClient:
    rapidata_config.logging.silent_mode = True
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


def test_content_key_matches_the_server(live: RapidataClient, tmp_path: Path) -> None:
    """The key we compute locally is the key the server gives the datapoint (URL, text, local file)."""
    image = tmp_path / "tile.png"
    Image.new("RGB", (4, 4), "teal").save(image)
    for item in ("https://example.com/cat.png", "a sentence", str(image)):
        key = live.simulation.set_categories(item, "Cat")
        assert key == content_key(item)


def test_preference_truth_decides_the_winner(live: RapidataClient) -> None:
    a, b = "sim pref left text", "sim pref right text"
    live.simulation.set_preference(a, b, p_a=1.0)
    definition = live.job.create_compare_job_definition(
        name="simulation preference",
        instruction="Which is better?",
        datapoints=[[a, b]],
        data_type="text",
        responses_per_datapoint=8,
    )
    job = live.audience.get_audience_by_id("global").assign_job(definition)
    result = job.get_results()["results"][0]
    assert result["aggregatedResults"] == {a: 8, b: 0}


def test_category_truth_is_what_the_crowd_sees(live: RapidataClient) -> None:
    items = ["sim item one", "sim item two"]
    live.simulation.set_categories(items[0], "Bird")
    live.simulation.set_categories(items[1], ["Fish"])
    definition = live.job.create_classification_job_definition(
        name="simulation categories",
        instruction="Which animal?",
        answer_options=["Bird", "Fish", "Cat"],
        datapoints=items,
        data_type="text",
        responses_per_datapoint=9,
    )
    job = live.audience.get_audience_by_id("global").assign_job(definition)
    counts = [r["aggregatedResults"] for r in job.get_results()["results"]]
    winners = [max(c, key=c.get) for c in counts]
    assert winners == ["Bird", "Fish"]


def test_regions_words_and_answers_are_accepted(live: RapidataClient) -> None:
    url = "https://example.com/scene.png"
    assert live.simulation.set_regions(url, [Box(0.1, 0.1, 0.3, 0.4)], kind="draw") == content_key(url)
    assert live.simulation.set_wrong_words("some sentence", [1])
    assert live.simulation.set_answer("a question", "an answer")


def test_bad_truths_are_rejected_before_sending(live: RapidataClient) -> None:
    with pytest.raises(ValueError, match="p_a must be a probability"):
        live.simulation.set_preference("x", "y", p_a=1.5)
    with pytest.raises(ValueError, match="kind must be 'locate' or 'draw'"):
        live.simulation.set_regions("x", [Box(0, 0, 1, 1)], kind="classify")


def test_pause_pace_and_resume(live: RapidataClient) -> None:
    assert live.simulation.pause()["paused"] is True
    assert live.simulation.set_pace(0.0)["paused"] is True
    assert live.simulation.resume()["paused"] is False


def test_cloud_without_crowd_gets_a_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
        return httpx.Response(404, json={"message": "not found"})

    client = RapidataClient("id", "secret", environment="example.org", transport=httpx.MockTransport(handler))
    with pytest.raises(RuntimeError, match="has no simulated crowd"):
        client.simulation.status()
