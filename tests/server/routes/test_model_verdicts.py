"""A judge as a labeler of kind "model" (issue 16): ``POST /job/{id}/model-verdicts`` on a real server.

The crowd's truth is registered (every person prefers A), so what the crowd's results hold is known here
independently; the model disagrees everywhere (B), so any place its verdicts were counted would show.
Runs on SQLite and, with ``RAPIDATA_NB_TEST_DATABASE=postgres``, on PostgreSQL.
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

N, VOTES = 12, 3


@pytest.fixture(scope="module")
def client(live_server: Any) -> Iterator[RapidataClient]:
    with RapidataClient(
        client_id=live_server.client_id, client_secret=live_server.client_secret, environment=live_server.url
    ) as client:
        yield client


@pytest.fixture(scope="module")
def pairs(client: RapidataClient) -> pd.DataFrame:
    rows = []
    for i in range(N):
        a, b = f"model verdict a{i}", f"model verdict b{i}"
        client.simulation.set_preference(a, b, p_a=1.0)
        rows.append({"a": a, "b": b})
    return pd.DataFrame(rows, index=pd.Index([f"q{i:02d}" for i in range(N)], name="pair"))


def _compare(pairs: pd.DataFrame, client: RapidataClient) -> Any:
    return pairs.rapidata.compare(
        "a", "b", instruction="Which is better?", responses_per_datapoint=VOTES, client=client
    ).wait()


@pytest.fixture(scope="module")
def judged(pairs: pd.DataFrame, client: RapidataClient) -> Any:
    """A finished compare job with the model ``judge-x`` saying B (A shown first) on every pair."""
    job = _compare(pairs, client)
    verdicts = pd.Series("B", index=pairs.index, name="judge-x")
    stored = job.add_model_verdicts(
        verdicts,
        shown_first=pd.Series("A", index=pairs.index),
        probability_a=pd.Series(0.2, index=pairs.index),
    )
    assert stored == N
    return job


def test_the_crowds_results_do_not_count_models(judged: Any, api: httpx.Client) -> None:
    results = judged.results()
    assert results["votes_a"].tolist() == [VOTES] * N and results["votes_b"].tolist() == [0] * N
    assert results["winner"].tolist() == ["A"] * N and results["n_responses"].tolist() == [VOTES] * N
    progress = api.get(f"/job/{judged.id}/progress").json()
    assert progress["responseCount"] == N * VOTES
    document = api.get(f"/job/{judged.id}/download-results").json()
    row = document["results"][0]
    assert [d["userId"] for d in row["detailedResults"]] != ["judge-x"] and len(
        row["detailedResults"]
    ) == VOTES
    (entry,) = row["modelResults"]
    assert entry["userId"] == "judge-x" and entry["labelerKind"] == "model"
    assert entry["votedFor"] == "model verdict b0" and entry["shownFirst"] == "model verdict a0"
    assert entry["probabilityA"] == 0.2


def test_results_count_models_when_asked(judged: Any) -> None:
    results = judged.results(include_models=True)
    assert results["votes_a"].tolist() == [VOTES] * N and results["votes_b"].tolist() == [1] * N
    assert results["n_responses"].tolist() == [VOTES + 1] * N


def test_responses_tell_models_apart(judged: Any) -> None:
    responses = judged.responses()
    models = responses[responses["labeler_kind"] == "model"]
    people = responses[responses["labeler_kind"] == "human"]
    assert len(people) == N * VOTES and (people["choice"] == "A").all()
    assert models["item"].tolist() == list(judged.index)
    assert set(models["labeler_id"]) == {"judge-x"} and (models["choice"] == "B").all()
    assert (models["side_shown"] == "A").all() and (models["probability_a"] == 0.2).all()
    assert people["probability_a"].isna().all()


def test_the_judge_report_reads_the_model_from_responses(judged: Any) -> None:
    report = judged.results().rapidata.judge_report(
        judge="judge-x", responses=judged.responses(), n_rounds=50
    )
    assert report.confusion.loc["B", "A"] == N and int(report.confusion.to_numpy().sum()) == N
    bias = report.bias.set_index(["statistic", "who"])
    # the model saw A first and said B everywhere: P(first) − P(second) = −1
    assert bias.loc[("position", "judge"), "value"] == -1.0
    agreement = report.agreement.set_index(["comparison", "statistic"])
    assert agreement.loc[("judge vs crowd", "agreement"), "value"] == 0.0
    assert agreement.loc[("humans (leave-one-out)", "agreement"), "value"] == 1.0
    with pytest.raises(ValueError, match=r"judge='nobody' is neither a column .* \(models: \['judge-x'\]\)"):
        judged.results().rapidata.judge_report(judge="nobody", responses=judged.responses())


def test_verdicts_are_not_billed(judged: Any, api: httpx.Client) -> None:
    before = api.get("/billing-period/active").json()["totalResponseCount"]
    judged.add_model_verdicts(pd.Series("tie", index=judged.index[:4], name="judge-y"))
    assert api.get("/billing-period/active").json()["totalResponseCount"] == before


def test_attaching_again_replaces(pairs: pd.DataFrame, client: RapidataClient) -> None:
    job = _compare(pairs, client)
    job.add_model_verdicts(pd.Series("B", index=pairs.index, name="judge-z"))
    job.add_model_verdicts(pd.Series("A", index=pairs.index[:2], name="judge-z"))
    models = job.responses().query("labeler_kind == 'model'")
    assert models.set_index("item")["choice"].to_dict() == {
        label: "A" if k < 2 else "B" for k, label in enumerate(pairs.index)
    }


def test_models_stay_out_of_early_stopping(
    pairs: pd.DataFrame, client: RapidataClient, api: httpx.Client
) -> None:
    """Verdicts attached before anyone answered neither close a task nor count towards its quorum."""
    api.post("/local/crowd/pause")
    try:
        job = pairs.rapidata.compare(
            "a",
            "b",
            instruction="Which is better?",
            responses_per_datapoint=4,
            quorum_threshold=2,
            client=client,
        )
        job.add_model_verdicts(pd.Series("A", index=pairs.index, name="eager"))
        job.add_model_verdicts(pd.Series("A", index=pairs.index, name="eager-2"))
        assert api.get(f"/job/{job.id}/progress").json()["completed"] == 0
    finally:
        api.post("/local/crowd/resume")
    results = job.wait().results()
    assert results["n_responses"].tolist() == [2] * N  # the quorum of 2 came from people alone


def test_classification_verdicts(client: RapidataClient) -> None:
    items = pd.DataFrame({"text": [f"model animal {i}" for i in range(4)]})
    for text in items["text"]:
        client.simulation.set_categories(text, "Cat")
    job = items.rapidata.classify(
        "text", instruction="Which animal?", options=["Cat", "Dog"], responses_per_datapoint=2, client=client
    ).wait()
    crowd = job.results()[["votes_cat", "votes_dog"]]  # people err now and then: compare with their votes
    assert job.add_model_verdicts(pd.Series(["Dog", "Dog", "Cat", None], name="clf")) == 3
    assert job.results()[["votes_cat", "votes_dog"]].equals(crowd)
    counted = job.results(include_models=True)
    assert (counted["votes_dog"] - crowd["votes_dog"]).tolist() == [1, 1, 0, 0]
    assert (counted["votes_cat"] - crowd["votes_cat"]).tolist() == [0, 0, 1, 0]
    with pytest.raises(
        RapidataError, match=r"verdicts\[0\]\.verdict: 'Bird' is not an option of this datapoint"
    ):
        job.add_model_verdicts(pd.Series(["Bird"], name="clf"))
    with pytest.raises(RapidataError, match=r"verdicts\[0\]: shownFirst and probabilityA apply to compare"):
        job.add_model_verdicts(pd.Series(["Cat"], name="clf"), shown_first=pd.Series(["A"]))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"position": N, "verdict": "A"}], f"verdicts[0].position: no datapoint at position {N}"),
        (
            [{"position": 0, "verdict": "A"}, {"position": 1, "verdict": "C"}],
            "verdicts[1].verdict: 'C' is not",
        ),
        ([{"position": 0, "verdict": "A"}, {"position": 0, "verdict": "B"}], "position 0 is given twice"),
        ([{"position": k % N, "verdict": "A"} for k in range(N + 1)], f"{N + 1} rows, but the job has {N}"),
        ([{"position": 0, "verdict": "A", "probabilityA": 1.5}], "probabilityA: Input should be less than"),
    ],
)
def test_bad_rows_are_400_and_store_nothing(
    judged: Any, api: httpx.Client, rows: list[dict[str, Any]], message: str
) -> None:
    before = api.get(f"/job/{judged.id}/download-results").json()
    answer = api.post(f"/job/{judged.id}/model-verdicts", json={"model": "judge-bad", "verdicts": rows})
    assert answer.status_code == 400 and message in answer.json()["message"]
    after = api.get(f"/job/{judged.id}/download-results").json()
    assert [r.get("modelResults") for r in after["results"]] == [
        r.get("modelResults") for r in before["results"]
    ]


def test_unknown_index_labels_are_refused_before_sending(judged: Any) -> None:
    with pytest.raises(ValueError, match=r"not rows of this job: \['nope'\]"):
        judged.add_model_verdicts(pd.Series(["A"], index=["nope"], name="judge-x"))


def test_another_customers_job_is_404(live_server: Any, judged: Any) -> None:
    body = {"model": "intruder", "verdicts": [{"position": 0, "verdict": "A"}]}
    with another_customer(live_server, "model-outsider@example.org") as outsider:
        refused = outsider.post(f"/job/{judged.id}/model-verdicts", json=body)
    assert refused.status_code == 404 and refused.json()["message"] == f"Job '{judged.id}' not found"
