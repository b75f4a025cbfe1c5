"""Result documents of every type; Compare and Classification parsed by the official SDK's ``to_pandas``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rapidata.rapidata_client.results.rapidata_results import RapidataResults

from tests.utils.builders import OPTIONS, SENTENCE, create_definition, run_job

USER_KEYS = {"country", "language", "userScores", "demographics"}


def _check_details(detail: dict[str, Any]) -> None:
    assert set(detail["userDetails"]) == USER_KEYS
    assert set(detail["userDetails"]["userScores"]) == {"global"}
    assert set(detail["userDetails"]["demographics"]) == {"age", "gender", "occupation"}
    assert detail["userId"].startswith("lab_")


def test_compare_document_and_official_to_pandas(api: httpx.Client, poll: Any) -> None:
    doc = run_job(api, create_definition(api, "compare", n=3, votes=4)["definitionId"], poll)
    assert doc["info"]["type"] == "Compare" and doc["info"]["version"] == "4.1.0"
    assert doc["info"]["instruction"] == "compare instruction"
    assert set(doc["summary"]) == {"A_wins_total", "B_wins_total"}
    first = doc["results"][0]
    assert list(first["assetUrls"]) == ["model_a_0.png", "model_b_0.png"]
    assert first["assetUrls"]["model_a_0.png"] == "https://img.test/0/model_a_0.png"
    assert sum(first["aggregatedResults"].values()) == 4
    assert first["privateMetadata"] == {"row": "0"} and first["context"] == "context 0"
    assert "confidencePerCategory" not in first
    for result in doc["results"]:
        counts = result["aggregatedResults"]
        a, b = counts.values()
        assert result["winner"] == (None if a == b else max(counts, key=counts.get))
        assert result["winnerIndex"] == (None if a == b else int(b > a))
        assert len(result["detailedResults"]) == 4
        for detail in result["detailedResults"]:
            assert detail["votedFor"] in counts
            _check_details(detail)
    wins = [r["winnerIndex"] for r in doc["results"]]
    assert doc["summary"] == {"A_wins_total": wins.count(0), "B_wins_total": wins.count(1)}

    frame = RapidataResults(doc).to_pandas()
    assert len(frame) == 3
    for column in (
        "context",
        "winner",
        "winnerIndex",
        "weightedWinner",
        "assetA",
        "assetB",
        "A_aggregatedResults",
        "B_aggregatedResults",
        "A_aggregatedResultsRatios",
        "A_summedUserScores",
        "B_summedUserScoresRatios",
        "A_assetUrls",
        "privateMetadata_row",
    ):
        assert column in frame.columns, column
    assert frame["assetA"].tolist() == ["model_a_0.png", "model_a_1.png", "model_a_2.png"]
    split = RapidataResults(doc).to_pandas(split_details=True)
    assert len(split) == 12 and "userDetails_country" in split.columns
    assert "userDetails_userScores_global" in split.columns


def test_compare_options_names_and_early_stopping(api: httpx.Client, poll: Any) -> None:
    created = create_definition(
        api,
        "compare",
        n=2,
        votes=6,
        a_b_names=["Model X", "Model Y"],
        flags=[{"key": "compare_unsure", "value": "5000"}],
        referee={"_t": "EarlyStoppingReferee", "maxVotes": 6, "threshold": 0.99},
    )
    doc = run_job(api, created["definitionId"], poll)
    result = doc["results"][0]
    assert list(result["aggregatedResults"]) == ["Model X", "Model Y", "Both", "Neither"]
    assert list(result["assetUrls"]) == ["Model X", "Model Y"]
    confidence = result["confidencePerCategory"]
    assert list(confidence) == ["Model X", "Model Y", "Both", "Neither"]
    assert sum(confidence.values()) == pytest.approx(1.0, abs=1e-3)
    frame = RapidataResults(doc).to_pandas()
    assert {"A_confidencePerCategory", "Both_aggregatedResults", "Neither_aggregatedResults"} <= set(
        frame.columns
    )
    assert frame["assetA"].tolist() == ["Model X", "Model X"]


def test_text_compare_without_asset_urls(api: httpx.Client, poll: Any) -> None:
    doc = run_job(api, create_definition(api, "compare", n=1, votes=2, text=True)["definitionId"], poll)
    result = doc["results"][0]
    assert "assetUrls" not in result
    assert list(result["aggregatedResults"]) == ["left 0", "right 0"]
    assert RapidataResults(doc).to_pandas()["assetA"].tolist() == ["left 0"]


def test_classification_document_and_official_to_pandas(api: httpx.Client, poll: Any) -> None:
    created = create_definition(
        api,
        "classify",
        n=2,
        votes=4,
        referee={"_t": "EarlyStoppingReferee", "maxVotes": 4, "threshold": 0.999},
    )
    doc = run_job(api, created["definitionId"], poll)
    assert doc["info"]["type"] == "Classification" and doc["info"]["version"] == "3.0.0"
    result = doc["results"][0]
    assert result["originalFileName"] == "img_0.jpg" and result["identifier"] == "img_0.jpg"
    assert result["assetUrl"] == "https://img.test/classify/img_0.jpg"
    assert list(result["aggregatedResults"]) == OPTIONS
    assert list(result["confidencePerCategory"]) == OPTIONS
    for detail in result["detailedResults"]:
        assert detail["selectedCategory"] in OPTIONS
        _check_details(detail)
    totals = {o: sum(r["aggregatedResults"][o] for r in doc["results"]) for o in OPTIONS}
    assert doc["summary"] == totals
    frame = RapidataResults(doc).to_pandas()
    assert len(frame) == 2 * len(OPTIONS)
    for column in (
        "originalFileName",
        "option",
        "count",
        "ratio",
        "summedUserScore",
        "summedUserScoreRatio",
        "confidence",
        "privateMetadata_row",
    ):
        assert column in frame.columns, column
    assert frame["option"].tolist()[:3] == OPTIONS


def test_locate_draw_select_words_free_text(api: httpx.Client, poll: Any) -> None:
    locate = run_job(api, create_definition(api, "locate", n=1, votes=3)["definitionId"], poll)
    assert locate["info"]["type"] == "Locate"
    row = locate["results"][0]
    assert row["responseCount"] == 3 and len(row["detailedResults"]) == 3
    assert all(0 <= p["x"] <= 1 and 0 <= p["y"] <= 1 for d in row["detailedResults"] for p in d["points"])
    assert sum(c["count"] for c in row["clusters"]) == sum(len(d["points"]) for d in row["detailedResults"])

    draw = run_job(api, create_definition(api, "draw", n=1, votes=2)["definitionId"], poll)
    row = draw["results"][0]
    assert draw["info"]["type"] == "Draw" and len(row["coverage"]) == 10 and len(row["coverage"][0]) == 10
    assert all(isinstance(line, list) for d in row["detailedResults"] for line in d["lines"])

    words = run_job(api, create_definition(api, "select_words", n=1, votes=3)["definitionId"], poll)
    row = words["results"][0]
    assert words["info"]["type"] == "SelectWords" and row["sentence"] == SENTENCE
    assert list(row["aggregatedResults"]) == SENTENCE.split(" ")
    for d in row["detailedResults"]:
        assert d["selectedWords"] == [SENTENCE.split(" ")[i] for i in d["selectedIndices"]]
    chosen = sum(len(d["selectedIndices"]) for d in row["detailedResults"])
    assert sum(row["aggregatedResults"].values()) == chosen

    free = run_job(api, create_definition(api, "free_text", n=2, votes=2)["definitionId"], poll)
    assert free["info"]["type"] == "FreeText"
    assert all(isinstance(d["answer"], str) for r in free["results"] for d in r["detailedResults"])
    assert free["summary"] == {"responseCount": 4}
    generic = RapidataResults(free).to_pandas()
    assert len(generic) == 2


def test_ranking_document_and_official_to_pandas(api: httpx.Client, poll: Any) -> None:
    doc = run_job(api, create_definition(api, "ranking", n=2, votes=2, group_size=3)["definitionId"], poll)
    assert doc["info"]["type"] == "Ranking"
    assert [r["group"] for r in doc["results"]] == ["0", "1"]
    first = doc["results"][0]
    assert first["context"] == "prompt 0"
    assets = ["m0.png", "m1.png", "m2.png"]
    assert list(first["assetUrls"]) == assets
    assert sorted(first["ranks"].values()) == [1, 2, 3]
    assert sum(first["comparisons"].values()) == 2 * len(first["detailedResults"])
    assert sum(first["aggregatedResults"].values()) == len(first["detailedResults"]) == 3 * 2
    scores = first["scores"]
    assert sum(scores.values()) == pytest.approx(3 * 1200, abs=2)  # geometric-mean centred Elo scale
    frame = RapidataResults(doc).to_pandas()
    assert len(frame) == 2
    assert {"asset_1", "asset_3", "m0.png_scores", "m2.png_ranks", "m1.png_aggregatedResults"} <= set(
        frame.columns
    )


@pytest.mark.parametrize("kind", ["compare", "classify"])
def test_pages_add_up_to_the_whole_document(api: httpx.Client, poll: Any, kind: str) -> None:
    definition = create_definition(api, kind, n=7, votes=3)["definitionId"]
    whole = run_job(api, definition, poll)
    job_id = whole["info"]["jobId"]
    pages = [
        api.get(f"/job/{job_id}/download-results", params={"page": n, "pageSize": 3}).json()
        for n in (1, 2, 3)
    ]
    assert [p["page"] for p in pages] == [
        {"number": n, "size": 3, "totalPages": 3, "totalDatapoints": 7} for n in (1, 2, 3)
    ]
    assert [len(p["results"]) for p in pages] == [3, 3, 1]
    assert [r for p in pages for r in p["results"]] == whole["results"]
    for key, total in whole["summary"].items():
        assert sum(p["summary"][key] for p in pages) == total
    beyond = api.get(f"/job/{job_id}/download-results", params={"page": 4, "pageSize": 3}).json()
    assert beyond["results"] == [] and beyond["page"]["totalPages"] == 3


def test_page_size_is_bounded(api: httpx.Client, poll: Any) -> None:
    job_id = run_job(api, create_definition(api, "compare", n=1, votes=1)["definitionId"], poll)["info"][
        "jobId"
    ]
    for size in (0, 10_001):
        response = api.get(f"/job/{job_id}/download-results", params={"page": 1, "pageSize": size})
        assert response.status_code == 400
        assert "pageSize" in response.json()["message"]


def test_a_ranking_document_comes_whole_on_its_one_page(api: httpx.Client, poll: Any) -> None:
    whole = run_job(api, create_definition(api, "ranking", n=4, votes=6)["definitionId"], poll)
    paged = api.get(
        f"/job/{whole['info']['jobId']}/download-results", params={"page": 1, "pageSize": 1}
    ).json()
    page = paged.pop("page")
    assert page == {"number": 1, "size": page["totalDatapoints"], "totalPages": 1, "totalDatapoints": 12}
    assert paged["results"] == whole["results"]
