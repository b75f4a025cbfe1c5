"""The accessor end to end: a real server process, the client over HTTP, the simulated crowd at full speed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import rapidata_nb.frames  # noqa: F401  (registers df.rapidata)
from rapidata_nb.client import RapidataClient

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(live_server) -> Iterator[RapidataClient]:
    with RapidataClient(
        client_id=live_server.client_id, client_secret=live_server.client_secret, environment=live_server.url
    ) as client:
        yield client


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from PIL import Image, ImageDraw

    folder: Path = tmp_path_factory.mktemp("media")
    paths = {}
    for i, name in enumerate(["red", "green", "blue", "gray"]):
        image = Image.new("RGB", (64, 64), "white")
        ImageDraw.Draw(image).ellipse([8 + i, 8, 56, 56 - i], fill=name)
        path = folder / f"{name}.png"
        image.save(path)
        paths[name] = str(path)
    return paths


PAIRS = pd.DataFrame(
    {
        "left": ["a red cat", "a blue dog", "a green owl"],
        "right": ["a cat", "a dog", "an owl"],
        "prompt": ["cat", "dog", "owl"],
    },
    index=pd.Index(["c", "d", "o"], name="id"),
)


def test_compare_results_join_the_source_frame(client: RapidataClient) -> None:
    job = PAIRS.rapidata.compare(
        "left",
        "right",
        instruction="Which text is more vivid?",
        context="prompt",
        responses_per_datapoint=4,
        client=client,
    )
    data, _ = job._repr_mimebundle_()  # in a notebook: the live progress widget, with our repr as text
    assert data["text/plain"] == "<Job compare 'compare of 3 rows': 3 rows>"
    assert "application/vnd.jupyter.widget-view+json" in data and "text/html" in data
    results = job.wait(timeout=120).results()
    assert job.status() == "Completed"
    assert list(results.index) == ["c", "d", "o"] and results.index.name == "id"
    assert results["n_responses"].tolist() == [4, 4, 4]
    assert (results["votes_a"] + results["votes_b"] == 4).all()
    assert results["context"].tolist() == ["cat", "dog", "owl"]
    assert results["asset_a"].tolist() == PAIRS["left"].tolist()
    joined = PAIRS.join(results)
    assert joined.shape == (3, 3 + results.shape[1])
    responses = job.responses()
    assert len(responses) == 12 and set(responses["item"]) == {"c", "d", "o"}
    assert set(responses["choice"]) <= {"A", "B"}
    assert responses["labeler_id"].notna().all() and responses["country"].notna().all()
    # The simulated crowd is deterministic: the same datapoints get the same answers.
    again = (
        PAIRS.rapidata.compare(
            "left",
            "right",
            instruction="Which text is more vivid?",
            context="prompt",
            responses_per_datapoint=4,
            client=client,
        )
        .wait(timeout=120)
        .results()
    )
    pd.testing.assert_series_equal(again["votes_a"], results["votes_a"])


def test_the_job_answers_the_sdk_job_methods(client: RapidataClient) -> None:
    job = PAIRS.rapidata.compare("left", "right", instruction="Which is longer?", client=client)
    sdk_results = job.get_results()  # the RapidataJob's, through job.raw
    assert type(sdk_results).__name__ == "RapidataResults"
    assert len(sdk_results.to_pandas()) == 3
    assert job.get_status() == "Completed"
    assert job.get_progress().completion_percentage == 100
    job.display_progress_bar()
    with pytest.raises(AttributeError, match=r"'get_result'.*RapidataJob \(job\.raw\)"):
        job.get_result()


def test_classify_with_integer_index_and_media(client: RapidataClient, images: dict[str, str]) -> None:
    frame = pd.DataFrame({"image": list(images.values())}, index=[10, 20, 30, 40])
    job = frame.rapidata.classify(
        "image",
        options=["warm", "cold", "neutral"],
        instruction="Which tone?",
        responses_per_datapoint=3,
        client=client,
    )
    results = job.wait(timeout=120).results()
    assert list(results.index) == [10, 20, 30, 40]
    assert list(results.columns[:3]) == ["asset", "winner", "weighted_winner"]
    assert (results[["votes_warm", "votes_cold", "votes_neutral"]].sum(axis=1) == 3).all()
    assert results["asset"].tolist() == ["red.png", "green.png", "blue.png", "gray.png"]


def test_arena_leaderboard(client: RapidataClient) -> None:
    outputs = pd.DataFrame.from_records(
        [
            {"prompt": p, "model": m, "text": f"{m} writes about {p}"}
            for p in ["cats", "dogs", "owls"]
            for m in ["m1", "m2", "m3"]
        ]
    )
    arena = outputs.rapidata.arena(
        model="model",
        media="text",
        prompt="prompt",
        instruction="Which text is better?",
        responses_per_datapoint=3,
        client=client,
    )
    assert len(arena.pairs) == 9
    arena.wait(timeout=120)
    board = arena.leaderboard(n_rounds=20)
    assert sorted(board.index) == ["m1", "m2", "m3"]
    assert board["battles"].sum() == 2 * 9 * 3
    matrix = arena.win_matrix()
    assert list(matrix.index) == list(board.index)
    assert int(matrix.to_numpy().sum()) == 27
    results = arena.results()
    assert list(results.columns[:3]) == ["prompt", "model_a", "model_b"]


def test_rank_maps_back_to_rows(client: RapidataClient) -> None:
    items = pd.DataFrame(
        {"group": ["g1"] * 3 + ["g2"] * 2, "text": ["one", "two", "three", "four", "five"]},
        index=pd.Index(list("abcde"), name="key"),
    )
    job = items.rapidata.rank("text", by="group", instruction="Which is better?", client=client)
    results = job.wait(timeout=120).results()
    assert list(results.index) == list("abcde")
    assert results["asset"].tolist() == items["text"].tolist()
    assert sorted(results.loc[["a", "b", "c"], "rank"]) == [1, 2, 3]


def test_free_text_and_select_words(client: RapidataClient, images: dict[str, str]) -> None:
    frame = pd.DataFrame(
        {"image": [images["red"], images["blue"]], "caption": ["a red ball", "a green ball"]},
        index=["r", "b"],
    )
    described = (
        frame.rapidata.free_text(
            "image", instruction="Describe it.", responses_per_datapoint=2, client=client
        )
        .wait(timeout=120)
        .results()
    )
    assert list(described.index) == ["r", "b"] and described["n_responses"].tolist() == [2, 2]
    words = (
        frame.rapidata.select_words(
            "image", sentence="caption", instruction="Wrong words?", responses_per_datapoint=2, client=client
        )
        .wait(timeout=120)
        .results()
    )
    assert words["sentence"].tolist() == ["a red ball", "a green ball"]
