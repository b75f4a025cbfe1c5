"""``client.simulation.judge``: a simulated judge on a job, over HTTP against a real server (issue 16).

The pairs' truths are registered first (``set_preference``/``set_categories``), so the expected verdicts are
known here independently of the server: a judge with accuracy 1 names the registered winner on every item
that no bias decides, and each bias decides exactly its share of the items.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pandas as pd
import pytest

import rapidata_nb.frames  # noqa: F401  (registers df.rapidata)
from rapidata_nb.client import RapidataClient
from rapidata_nb.client.exceptions import RapidataError
from tests.utils.stores import another_customer

pytestmark = pytest.mark.slow

N = 40


@pytest.fixture(scope="module")
def client(live_server: Any) -> Iterator[RapidataClient]:
    with RapidataClient(
        client_id=live_server.client_id, client_secret=live_server.client_secret, environment=live_server.url
    ) as client:
        yield client


@pytest.fixture(scope="module")
def http(live_server: Any) -> Iterator[httpx.Client]:
    """The server's own customer over plain HTTP (this folder's ``api`` is a scripted fake)."""
    with live_server.client() as http:
        yield http


@pytest.fixture(scope="module")
def pairs(client: RapidataClient) -> pd.DataFrame:
    """40 text pairs in a shuffled index; A is the registered winner on the even rows, B on the odd ones;
    every fourth pair's A is 40 characters longer; A is model m1's answer on the first ten."""
    rows = []
    for i in range(N):
        a = f"judged answer a{i}" + (" with forty characters of extra detail.." if i % 4 == 0 else "")
        b = f"judged answer b{i}"
        client.simulation.set_preference(a, b, p_a=1.0 if i % 2 == 0 else 0.0)
        rows.append(
            {"a": a, "b": b, "truth": "A" if i % 2 == 0 else "B", "model_a": "m1" if i < 10 else "m2"}
        )
    frame = pd.DataFrame(rows, index=pd.Index([f"p{(7 * i) % N:02d}" for i in range(N)], name="pair"))
    frame["model_b"] = "m3"
    return frame


@pytest.fixture(scope="module")
def job(pairs: pd.DataFrame, client: RapidataClient) -> Any:
    job = pairs.rapidata.compare(
        "a", "b", instruction="Which answer is better?", responses_per_datapoint=3, client=client
    )
    return job.wait()


def test_verdicts_are_indexed_like_the_results(client: RapidataClient, job: Any, pairs: pd.DataFrame) -> None:
    verdicts = client.simulation.judge(job, accuracy=1.0)
    results = job.results()
    assert verdicts.index.equals(results.index) and verdicts.index.equals(pairs.index)
    assert list(verdicts.columns) == ["verdict", "mechanism", "shown_first", "probability_a"]
    assert (verdicts["verdict"] == pairs["truth"]).all()
    assert (results["winner"] == pairs["truth"]).all()  # the crowd answers the same truth
    assert set(verdicts["shown_first"]) == {"A", "B"}
    # a registered winner is certain: the judge is sure of it
    assert (verdicts["probability_a"] == pairs["truth"].map({"A": 1.0, "B": 0.0})).all()


def test_position_bias_decides_its_share_and_flips(
    client: RapidataClient, job: Any, pairs: pd.DataFrame
) -> None:
    verdicts = client.simulation.judge(job, accuracy=1.0, position_bias=0.25, order="both", seed=3)
    by_position = verdicts["mechanism"] == "position"
    assert int(by_position.sum()) == 10
    assert (verdicts.loc[by_position, "verdict"] == "A").all()  # A shown first
    assert (verdicts.loc[by_position, "verdict_swapped"] == "B").all()  # B shown first
    assert (verdicts.loc[by_position, "probability_a"] == 0.5).all()
    content = verdicts[~by_position]
    assert (content["verdict"] == pairs.loc[content.index, "truth"]).all()
    assert (content["verdict_swapped"] == content["verdict"]).all()


def test_length_and_self_preference(client: RapidataClient, job: Any, pairs: pd.DataFrame) -> None:
    longer = client.simulation.judge(job, accuracy=1.0, length_bias=1.0)
    long_a = pairs["a"].str.len() - pairs["b"].str.len() > 30
    assert (longer.loc[long_a, "mechanism"] == "length").all() and (
        longer.loc[long_a, "verdict"] == "A"
    ).all()
    assert (longer.loc[~long_a, "mechanism"] == "content").all()
    mine = client.simulation.judge(job, accuracy=0.0, self_preference=1.0, model="m1", models=pairs)
    own = pairs["model_a"] == "m1"
    assert (mine.loc[own, "mechanism"] == "self").all() and (mine.loc[own, "verdict"] == "A").all()
    wrong = mine[~own]  # accuracy 0: the other side everywhere else
    assert (wrong["verdict"] != pairs.loc[wrong.index, "truth"]).all()


def test_a_rapidata_job_gets_result_positions(client: RapidataClient, job: Any, pairs: pd.DataFrame) -> None:
    verdicts = client.simulation.judge(job.raw, accuracy=1.0)
    assert list(verdicts.index) == list(range(N))
    assert list(verdicts["verdict"]) == list(pairs["truth"])


def test_classification_verdicts_are_options(client: RapidataClient) -> None:
    items = pd.DataFrame({"text": [f"judged animal {i}" for i in range(12)]})
    truth = ["Bird", "Fish", "Cat"] * 4
    for text, category in zip(items["text"], truth, strict=True):
        client.simulation.set_categories(text, category)
    job = items.rapidata.classify(
        "text",
        instruction="Which animal?",
        options=["Cat", "Bird", "Fish"],
        responses_per_datapoint=1,
        client=client,
    )
    right = client.simulation.judge(job, accuracy=1.0)
    assert list(right.columns) == ["verdict", "mechanism"] and list(right["verdict"]) == truth
    wrong = client.simulation.judge(job, accuracy=0.0, position_bias=0.5)
    first = wrong["mechanism"] == "position"
    assert int(first.sum()) == 6 and (wrong.loc[first, "verdict"] == "Cat").all()
    assert all(v != t for v, t in zip(wrong.loc[~first, "verdict"], pd.Series(truth)[~first], strict=True))
    with pytest.raises(RapidataError, match="length_bias and self_preference apply to compare jobs"):
        client.simulation.judge(job, length_bias=0.2)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"positionBias": 1.5}, 400, "positionBias: Input should be less than or equal to 1"),
        ({"positionBias": 0.6, "lengthBias": 0.6}, 400, "must not exceed 1"),
        ({"order": "ba"}, 422, "order: Input should be 'random', 'ab' or 'both'"),
        ({"models": [["m1", "m2"]]}, 400, "one (model A, model B) pair per datapoint: 40"),
    ],
)
def test_bad_settings_are_refused(
    http: httpx.Client, job: Any, body: dict[str, Any], status: int, message: str
) -> None:
    answer = http.post(f"/local/job/{job.id}/judge", json=body)
    assert answer.status_code == status and message in answer.json()["message"]


def test_another_customers_job_is_404(live_server: Any, http: httpx.Client, job: Any) -> None:
    assert http.post(f"/local/job/{job.id}/judge", json={}).status_code == 200
    with another_customer(live_server, "judge-outsider@example.org") as outsider:
        refused = outsider.post(f"/local/job/{job.id}/judge", json={})
    assert refused.status_code == 404 and refused.json()["message"] == f"Job '{job.id}' not found"
    assert http.post("/local/job/job_missing/judge", json={}).status_code == 404
