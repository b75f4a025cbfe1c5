"""``truth=``: the simulated crowd follows the truth given with a job, for every task type (a real server
over HTTP). Without it, the crowd answers a latent truth of its own, which disagrees somewhere: each test's
control shows that the assertion could fail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pandas as pd
import pytest

import rapidata_nb.frames  # noqa: F401  (registers df.rapidata)
from rapidata_nb.client import Box, RapidataClient
from rapidata_nb.client.exceptions import RapidataError

pytestmark = pytest.mark.slow

VOTES = 11


@pytest.fixture(scope="module")
def client(live_server) -> Iterator[RapidataClient]:
    with RapidataClient(
        client_id=live_server.client_id, client_secret=live_server.client_secret, environment=live_server.url
    ) as client:
        yield client


def _majority(values: pd.Series) -> object:
    return Counter(values).most_common(1)[0][0]


def test_compare_and_classify_follow_the_truth_column(client: RapidataClient) -> None:
    pairs = pd.DataFrame(
        {
            "a": [f"answer {i} of model one" for i in range(8)],
            "b": [f"answer {i} of model two" for i in range(8)],
            "better": list("ABBABAAB"),
        }
    )
    told = pairs.rapidata.compare(
        "a", "b", instruction="Which is better?", responses_per_datapoint=VOTES, truth="better", client=client
    )
    assert told.wait(timeout=120).results()["winner"].tolist() == pairs["better"].tolist()
    free = pairs.rapidata.compare(
        "a", "b", instruction="Which is better?", responses_per_datapoint=VOTES, client=client
    )
    assert free.wait(timeout=120).results()["winner"].tolist() != pairs["better"].tolist()

    animals = pd.DataFrame({"text": [f"picture {i}" for i in range(8)], "label": list("cdfcdffc")})
    labels = animals.replace({"label": {"c": "cat", "d": "dog", "f": "fox"}})
    told = labels.rapidata.classify(
        "text",
        options=["cat", "dog", "fox"],
        instruction="Which animal?",
        responses_per_datapoint=VOTES,
        truth="label",
        client=client,
    )
    assert told.wait(timeout=120).results()["winner"].tolist() == labels["label"].tolist()
    free = labels.rapidata.classify(
        "text",
        options=["cat", "dog", "fox"],
        instruction="Which animal?",
        responses_per_datapoint=VOTES,
        client=client,
    )
    assert free.wait(timeout=120).results()["winner"].tolist() != labels["label"].tolist()


def test_locate_and_draw_answers_fall_in_the_given_box(client: RapidataClient) -> None:
    boxes = [Box(0.1, 0.1, 0.3, 0.3), Box(0.6, 0.5, 0.9, 0.8), Box(0.4, 0.0, 0.6, 0.2)]
    frame = pd.DataFrame({"image": [f"https://example.org/scene{i}.png" for i in range(3)], "where": boxes})

    def inside(point: dict[str, float], box: Box) -> bool:
        return box.x_min <= point["x"] <= box.x_max and box.y_min <= point["y"] <= box.y_max

    for method in ("locate", "draw"):
        rates = {}
        for truth in ("where", None):
            job = getattr(frame.rapidata, method)(
                "image", instruction="Where is it?", responses_per_datapoint=VOTES, truth=truth, client=client
            )
            responses = job.wait(timeout=120).responses()
            rates[truth] = [
                sum(all(inside(p, boxes[item]) for p in _points(value, method)) for value in part["value"])
                / len(part)
                for item, part in responses.groupby("item")
            ]
        # a box covers 4-9 % of the image: answers that know it land there, guesses rarely do
        assert min(rates["where"]) >= 0.3 and max(rates[None]) < 0.3, (method, rates)


def _points(value: list, method: str) -> list[dict[str, float]]:
    """A locate answer's points, or every point of a drawing's lines."""
    return value if method == "locate" else [p for line in value for p in line]


def test_select_words_free_text_and_rank_follow_the_truth_column(client: RapidataClient) -> None:
    captions = pd.DataFrame(
        {
            "image": [f"https://example.org/photo{i}.png" for i in range(3)],
            "caption": ["a red ball on grass", "two cats on a sofa [No_mistakes]", "a blue car in snow"],
            "wrong": [[1], [], [2, 4]],
        }
    )
    results = (
        captions.rapidata.select_words(
            "image",
            sentence="caption",
            instruction="Which words are wrong?",
            responses_per_datapoint=VOTES,
            truth="wrong",
            client=client,
        )
        .wait(timeout=120)
        .results()
    )
    assert results["selected_words"].tolist() == [["red"], [], ["car", "snow"]]
    assert results["no_mistake"].tolist() == [0, VOTES, 0]  # rows 0 and 2 offer no such choice
    with pytest.raises(RapidataError, match=r"truths\[1\].*offers no \[No_mistakes\] choice"):
        captions.assign(caption=captions["caption"].str.replace(" [No_mistakes]", "")).rapidata.select_words(
            "image", sentence="caption", instruction="Which words are wrong?", truth="wrong", client=client
        )

    photos = pd.DataFrame({"text": ["photo one", "photo two"], "caption": ["a red fox", "a grey wolf"]})
    responses = (
        photos.rapidata.free_text(
            "text", instruction="What is it?", responses_per_datapoint=VOTES, truth="caption", client=client
        )
        .wait(timeout=120)
        .responses()
    )
    assert [_majority(part["value"]) for _, part in responses.groupby("item")] == ["a red fox", "a grey wolf"]

    items = pd.DataFrame(
        {"group": ["g"] * 5, "text": [f"essay {i}" for i in range(5)], "quality": [3.0, 9.0, 1.0, 7.0, 5.0]}
    )
    ranked = items.rapidata.rank(
        "text",
        by="group",
        instruction="Which essay is better?",
        responses_per_comparison=VOTES,
        truth="quality",
        client=client,
    )
    assert ranked.wait(timeout=120).results()["rank"].tolist() == [4, 1, 5, 2, 3]


def test_an_arena_follows_the_models_scores(client: RapidataClient) -> None:
    outputs = pd.DataFrame.from_records(
        [
            {"prompt": p, "model": m, "text": f"{m} on {p}", "skill": s}
            for p in ("cats", "dogs", "owls")
            for m, s in (("small", 1.0), ("large", 3.0), ("mid", 2.0))
        ]
    )
    arena = outputs.rapidata.arena(
        model="model",
        media="text",
        prompt="prompt",
        instruction="Which is better?",
        responses_per_datapoint=VOTES,
        truth="skill",
        client=client,
    )
    assert list(arena.wait(timeout=120).leaderboard(n_rounds=20).index) == ["large", "mid", "small"]


def test_a_truth_that_does_not_fit_is_refused_before_anything_is_created(client: RapidataClient) -> None:
    before = len(client.job.find_job_definitions(amount=1000))
    labels = pd.DataFrame({"text": ["one", "two"], "label": ["cat", "cow"]}, index=["x", "y"])
    with pytest.raises(ValueError, match=r"truth column 'label', row 'y'.*'cow'"):
        labels.rapidata.classify(
            "text", options=["cat", "dog"], instruction="Which?", truth="label", client=client
        )
    pairs = pd.DataFrame({"a": ["one"], "b": ["two"], "better": ["left"]})
    with pytest.raises(ValueError, match="'A' or 'B'"):
        pairs.rapidata.compare("a", "b", instruction="Which?", truth="better", client=client)
    assert len(client.job.find_job_definitions(amount=1000)) == before


def test_the_server_refuses_truths_that_do_not_fit(client: RapidataClient) -> None:
    definition = client.job.create_classification_job_definition(
        name="truths",
        instruction="Which?",
        answer_options=["cat", "dog"],
        datapoints=["one", "two"],
        data_type="text",
        responses_per_datapoint=3,
    )
    api = client._ctx.transport
    path = f"/local/job-definition/{definition.id}/truths"
    for body, message in (
        ({"truths": [{"categories": ["cat"]}]}, "has 2 datapoints, got 1"),
        ({"truths": [{"categories": ["cat"]}, {"categories": ["cow"]}]}, r"truths\[1\]\.categories"),
        ({"truths": [None, {"winner": 0}]}, r"truths\[1\]\.categories"),
    ):
        with pytest.raises(RapidataError, match=message) as error:
            api.request("PUT", path, json=body)
        assert error.value.status_code == 400
    assert client.simulation.set_truths(definition, ["dog", None]) == 1
    with pytest.raises(RapidataError) as error:
        api.request("PUT", "/local/job-definition/def_unknown/truths", json={"truths": []})
    assert error.value.status_code == 404


def test_an_oracle_beats_the_job_truth_and_the_job_truth_beats_an_example(client: RapidataClient) -> None:
    texts = pd.DataFrame({"text": ["a calm lake", "a busy road", "a quiet room"], "label": ["cat"] * 3})
    client.simulation.set_categories("a busy road", "dog")  # an oracle for the second text's content
    told = texts.rapidata.classify(
        "text",
        options=["cat", "dog"],
        instruction="Which?",
        responses_per_datapoint=2 * VOTES,
        truth="label",
        client=client,
    )
    assert told.wait(timeout=120).results()["winner"].tolist() == ["cat", "dog", "cat"]

    # the second pair is the example's own content below, and its truth here contradicts the example's
    pairs = pd.DataFrame(
        {
            "a": ["a breeze", "a storm"],
            "b": ["a storm", "a breeze"],
            "prompt": ["weather"] * 2,
            "better": [None, "A"],
        }
    )
    untaught = pairs.rapidata.compare(
        "a",
        "b",
        instruction="Which is calmer?",
        context="prompt",
        responses_per_datapoint=2 * VOTES,
        client=client,
    )
    latent = untaught.wait(timeout=120).results()["winner"].tolist()
    assert latent == ["B", "A"]  # before any example

    audience = client.audience.create_audience(name="taught by examples")
    audience.add_compare_example(
        instruction="Which is calmer?",
        datapoint=["a storm", "a breeze"],
        truth="a breeze",
        context="weather",
        data_type="text",
    )
    job = pairs.rapidata.compare(
        "a",
        "b",
        instruction="Which is calmer?",
        context="prompt",
        responses_per_datapoint=2 * VOTES,
        truth="better",
        audience=audience,
        client=client,
    )
    # the first pair is the example's shown the other way round: its winner, mirrored, is A
    assert job.wait(timeout=120).results()["winner"].tolist() == ["A", "A"]
