"""Tidy frames from literal result documents (shapes of wire notes §2 and the docs)."""

from __future__ import annotations

import gc

import pandas as pd
import pytest

from rapidata_nb.frames.exports import to_battles, to_crowdkit, to_parquet
from rapidata_nb.frames.tidy import (
    decode_index_label,
    encode_index_label,
    option_column,
    responses_frame,
    result_kind,
    results_frame,
)


def _user(country: str, language: str, score: float, **demographics: str) -> dict:
    return {
        "country": country,
        "language": language,
        "userScores": {"global": score},
        "demographics": demographics,
    }


COMPARE = {
    "info": {"type": "Compare", "version": "4.1.0", "createdAt": "2025-02-11T07:31:59+00:00"},
    "summary": {"A_wins_total": 1, "B_wins_total": 0},
    "results": [
        {
            "context": "A small blue book on a red book.",
            "winner": "dalle.jpg",
            "winnerIndex": 1,
            "weightedWinner": "dalle.jpg",
            "weightedWinnerIndex": 1,
            "assetUrls": {
                "aurora.png": "http://x/assets/aurora.png",
                "dalle.jpg": "http://x/assets/dalle.jpg",
            },
            "aggregatedResults": {"aurora.png": 1, "dalle.jpg": 2},
            "aggregatedResultsRatios": {"aurora.png": 0.3333, "dalle.jpg": 0.6667},
            "summedUserScores": {"aurora.png": 0.4469, "dalle.jpg": 0.7491},
            "summedUserScoresRatios": {"aurora.png": 0.3737, "dalle.jpg": 0.6263},
            "privateMetadata": {"__index__": '"p1"'},
            "detailedResults": [
                {
                    "votedFor": "dalle.jpg",
                    "userId": "lab-1",
                    "shownFirst": "aurora.png",
                    "userDetails": _user(
                        "BY", "ru", 0.3923, age="0-17", gender="Other", occupation="Healthcare"
                    ),
                },
                {
                    "votedFor": "aurora.png",
                    "userId": "lab-2",
                    "shownFirst": "dalle.jpg",
                    "userDetails": _user("BY", "ru", 0.4469),
                },
                {
                    "votedFor": "dalle.jpg",
                    "userId": "lab-3",
                    "shownFirst": "aurora.png",
                    "userDetails": _user("LY", "ar", 0.3568),
                },
            ],
        },
        {
            "context": "A cat.",
            "winner": None,
            "weightedWinner": "b.png",
            "assetUrls": {"a.png": "http://x/assets/a.png", "b.png": "http://x/assets/b.png"},
            "aggregatedResults": {"a.png": 1, "b.png": 1},
            "aggregatedResultsRatios": {"a.png": 0.5, "b.png": 0.5},
            "summedUserScores": {"a.png": 0.2, "b.png": 0.8},
            "summedUserScoresRatios": {"a.png": 0.2, "b.png": 0.8},
            "confidencePerCategory": {"a.png": 0.1, "b.png": 0.9},
            "privateMetadata": {"__index__": '"p0"'},
            "detailedResults": [
                {
                    "votedFor": "a.png",
                    "userId": "lab-1",
                    "shownFirst": "b.png",
                    "userDetails": _user("DE", "de", 0.2),
                },
                {
                    "votedFor": "b.png",
                    "userId": "lab-3",
                    "shownFirst": "a.png",
                    "userDetails": _user("LY", "ar", 0.8),
                },
            ],
        },
    ],
}

# The early-stopping page's document: rows nested under results.data, userScore flat, no info.type.
CLASSIFICATION_DOCS = {
    "info": {"createdAt": "2099-12-30T00:00:00.000000+00:00", "version": "3.0.0"},
    "results": {
        "globalAggregatedData": {"Dog": 4, "Cat": 0},
        "data": [
            {
                "originalFileName": "dog.jpeg",
                "aggregatedResults": {"Dog": 4, "Cat": 0},
                "aggregatedResultsRatios": {"Dog": 1.0, "Cat": 0.0},
                "summedUserScores": {"Dog": 2.0865, "Cat": 0.0},
                "summedUserScoresRatios": {"Dog": 1.0, "Cat": 0.0},
                "confidencePerCategory": {"Dog": 0.9943, "Cat": 0.0057},
                "detailedResults": [
                    {
                        "selectedCategory": "Dog",
                        "userDetails": {"country": "PT", "language": "pt", "userScore": 0.3},
                    },
                    {
                        "selectedCategory": "Dog",
                        "userDetails": {"country": "RS", "language": "sr", "userScore": 0.8486},
                    },
                    {
                        "selectedCategory": "Dog",
                        "userDetails": {"country": "SG", "language": "en", "userScore": 0.4469},
                    },
                    {
                        "selectedCategory": "Dog",
                        "userDetails": {"country": "IN", "language": "en", "userScore": 0.4911},
                    },
                ],
            }
        ],
    },
}

CLASSIFICATION = {
    "info": {"type": "Classification", "version": "3.0.0"},
    "summary": {"Fine": 1, "Not fine": 2},
    "results": [
        {
            "identifier": "a.jpg",
            "originalFileName": "a.jpg",
            "assetUrl": "http://x/assets/a.jpg",
            "aggregatedResults": {"Fine": 1, "Not fine": 2},
            "aggregatedResultsRatios": {"Fine": 0.3333, "Not fine": 0.6667},
            "summedUserScores": {"Fine": 0.5, "Not fine": 0.25},
            "summedUserScoresRatios": {"Fine": 0.6667, "Not fine": 0.3333},
            "privateMetadata": {"__index__": "7"},
            "detailedResults": [
                {"selectedCategory": "Fine", "userDetails": _user("DE", "de", 0.5)},
                {"selectedCategory": "Not fine", "userDetails": _user("FR", "fr", 0.125)},
                {"selectedCategory": "Not fine", "userDetails": _user("FR", "fr", 0.125)},
            ],
        },
    ],
}


def test_result_kind_from_info_and_inferred() -> None:
    assert result_kind(COMPARE) == "Compare"
    assert result_kind(CLASSIFICATION_DOCS) == "Classification"
    assert result_kind({"info": {"orderType": "Locate"}}) == "Locate"
    with pytest.raises(ValueError, match="task type"):
        result_kind({"results": []})


def test_compare_results_frame_exact() -> None:
    frame = results_frame(COMPARE)
    expected = pd.DataFrame(
        {
            "asset_a": ["aurora.png", "a.png"],
            "asset_b": ["dalle.jpg", "b.png"],
            "context": ["A small blue book on a red book.", "A cat."],
            "winner": ["B", None],
            "weighted_winner": ["B", "B"],
            "votes_a": [1, 1],
            "votes_b": [2, 1],
            "ratio_a": [0.3333, 0.5],
            "ratio_b": [0.6667, 0.5],
            "score_a": [0.4469, 0.2],
            "score_b": [0.7491, 0.8],
            "weighted_ratio_a": [0.3737, 0.2],
            "weighted_ratio_b": [0.6263, 0.8],
            "confidence_a": [float("nan"), 0.1],
            "confidence_b": [float("nan"), 0.9],
            "n_responses": [3, 2],
        },
        index=pd.Index(["p1", "p0"], dtype=object),
    )
    pd.testing.assert_frame_equal(frame, expected)


def test_compare_results_follow_source_index_order() -> None:
    source = pd.Index(["p0", "p1"], name="pair")
    frame = results_frame(COMPARE, index=source)
    assert list(frame.index) == ["p0", "p1"]
    assert frame.index.name == "pair"
    joined = pd.DataFrame({"x": [10, 20]}, index=source).join(frame)
    assert list(joined["winner"]) == [None, "B"]


def test_unknown_index_label_is_rejected() -> None:
    with pytest.raises(ValueError, match="not in the source index"):
        results_frame(COMPARE, index=pd.Index(["p0"]))


def test_compare_responses_frame_exact() -> None:
    frame = responses_frame(COMPARE)
    expected = pd.DataFrame(
        {
            "item": ["p1", "p1", "p1", "p0", "p0"],
            "asset_a": ["aurora.png"] * 3 + ["a.png"] * 2,
            "asset_b": ["dalle.jpg"] * 3 + ["b.png"] * 2,
            "choice": ["B", "A", "B", "A", "B"],
            "labeler_id": ["lab-1", "lab-2", "lab-3", "lab-1", "lab-3"],
            "user_score": [0.3923, 0.4469, 0.3568, 0.2, 0.8],
            "country": ["BY", "BY", "LY", "DE", "LY"],
            "language": ["ru", "ru", "ar", "de", "ar"],
            "age": ["0-17", None, None, None, None],
            "gender": ["Other", None, None, None, None],
            "occupation": ["Healthcare", None, None, None, None],
            "side_shown": ["A", "B", "A", "B", "A"],
        }
    )
    pd.testing.assert_frame_equal(frame, expected)


def test_classification_docs_document_with_confidence() -> None:
    frame = results_frame(CLASSIFICATION_DOCS)
    expected = pd.DataFrame(
        {
            "asset": ["dog.jpeg"],
            "winner": ["Dog"],
            "weighted_winner": ["Dog"],
            "votes_dog": [4],
            "votes_cat": [0],
            "ratio_dog": [1.0],
            "ratio_cat": [0.0],
            "score_dog": [2.0865],
            "score_cat": [0.0],
            "weighted_ratio_dog": [1.0],
            "weighted_ratio_cat": [0.0],
            "confidence_dog": [0.9943],
            "confidence_cat": [0.0057],
            "n_responses": [4],
        }
    )
    pd.testing.assert_frame_equal(frame, expected)
    responses = responses_frame(CLASSIFICATION_DOCS)
    assert list(responses.columns) == ["item", "choice", "user_score", "country", "language"]
    assert responses["user_score"].tolist() == [0.3, 0.8486, 0.4469, 0.4911]
    assert responses["item"].tolist() == [0, 0, 0, 0]


def test_classification_with_integer_index_and_spaces_in_options() -> None:
    frame = results_frame(CLASSIFICATION)
    assert list(frame.index) == [7]
    assert list(frame.columns) == [
        "asset",
        "winner",
        "weighted_winner",
        "votes_fine",
        "votes_not_fine",
        "ratio_fine",
        "ratio_not_fine",
        "score_fine",
        "score_not_fine",
        "weighted_ratio_fine",
        "weighted_ratio_not_fine",
        "n_responses",
    ]
    assert frame.loc[7, "winner"] == "Not fine"
    assert frame.loc[7, "weighted_winner"] == "Fine"


def test_empty_document_gives_empty_frames() -> None:
    assert results_frame({"info": {"type": "Compare"}, "results": []}).empty
    assert responses_frame({"info": {"type": "Compare"}, "results": []}).empty


def test_index_label_round_trip() -> None:
    for label in ["row-1", 3, 2.5, True, ("a", 1)]:
        assert decode_index_label(encode_index_label(label)) == label
    stamp = pd.Timestamp("2025-01-01 12:00")
    frame = results_frame(
        {
            **CLASSIFICATION,
            "results": [
                {**CLASSIFICATION["results"][0], "privateMetadata": {"__index__": encode_index_label(stamp)}}
            ],
        },
        index=pd.DatetimeIndex([stamp]),
    )
    assert frame.index[0] == stamp


def test_option_column_names() -> None:
    assert [option_column(o) for o in ["Dog", "4 stars", "Not fine!", "???"]] == [
        "dog",
        "4_stars",
        "not_fine",
        "option",
    ]


def test_to_crowdkit_and_battles() -> None:
    responses = responses_frame(COMPARE)
    crowd = to_crowdkit(responses)
    assert list(crowd.columns) == ["task", "worker", "label"]
    assert crowd.iloc[0].tolist() == ["p1", "lab-1", "B"]
    battles = to_battles(responses)
    assert battles.to_dict("records")[:2] == [
        {"model_a": "aurora.png", "model_b": "dalle.jpg", "winner": "model_b"},
        {"model_a": "aurora.png", "model_b": "dalle.jpg", "winner": "model_a"},
    ]
    with pytest.raises(ValueError, match="model"):
        to_battles(responses, model_a="model")


def test_to_crowdkit_without_labeler_ids() -> None:
    crowd = to_crowdkit(responses_frame(CLASSIFICATION_DOCS))
    assert crowd["worker"].tolist() == [f"response-{i}" for i in range(4)]


def test_crowdkit_majority_vote_reads_our_export() -> None:
    mv = pytest.importorskip("crowdkit.aggregation").MajorityVote
    labels = mv().fit_predict(to_crowdkit(responses_frame(CLASSIFICATION)))
    assert labels.to_dict() == {7: "Not fine"}


def test_parquet_round_trip(tmp_path) -> None:
    frame = results_frame(COMPARE)
    to_parquet(frame, tmp_path / "r.parquet")
    back = pd.read_parquet(tmp_path / "r.parquet")
    pd.testing.assert_frame_equal(back, frame)


def _other(kind: str, **fields) -> dict:
    return {
        "info": {"type": kind},
        "results": [
            {
                "identifier": "img.png",
                "originalFileName": "img.png",
                "context": None,
                "privateMetadata": {"__index__": '"x"'},
                **fields,
            }
        ],
    }


def test_locate_draw_free_text_select_words_rows() -> None:
    user = {"userId": "lab-1", "userDetails": _user("DE", "de", 0.5)}
    locate = _other(
        "Locate",
        responseCount=1,
        clusters=[{"x": 0.25, "y": 0.5, "count": 1, "ratio": 1.0}],
        detailedResults=[{"points": [{"x": 0.25, "y": 0.5}], **user}],
    )
    frame = results_frame(locate)
    assert frame.to_dict("index") == {
        "x": {
            "asset": "img.png",
            "clusters": [{"x": 0.25, "y": 0.5, "count": 1, "ratio": 1.0}],
            "n_responses": 1,
        }
    }
    assert responses_frame(locate)["value"].tolist() == [[{"x": 0.25, "y": 0.5}]]

    draw = _other(
        "Draw",
        responseCount=1,
        coverage=[[0.0, 1.0]],
        detailedResults=[{"lines": [[{"x": 0.1, "y": 0.1}, {"x": 0.2, "y": 0.2}]], **user}],
    )
    assert results_frame(draw).loc["x", "coverage"] == [[0.0, 1.0]]

    free = _other(
        "FreeText", responseCount=2, detailedResults=[{"answer": "a cat", **user}, {"answer": "cat", **user}]
    )
    assert results_frame(free).loc["x", "answers"] == ["a cat", "cat"]
    assert responses_frame(free)["value"].tolist() == ["a cat", "cat"]

    words = _other(
        "SelectWords",
        sentence="a red cat",
        responseCount=2,
        noMistakeCount=1,
        aggregatedResults={"a": 0, "red": 1, "cat": 0},
        aggregatedResultsRatios={"a": 0.0, "red": 0.5, "cat": 0.0},
        detailedResults=[
            {"selectedWords": ["red"], "selectedIndices": [1], **user},
            {"selectedWords": [], "selectedIndices": [], **user},
        ],
    )
    row = results_frame(words).loc["x"]
    assert (row["sentence"], row["selected_words"], row["no_mistake"], row["n_responses"]) == (
        "a red cat",
        [],
        1,
        2,
    )


RANKING = {
    "info": {"type": "Ranking"},
    "results": [
        {
            "group": "0",
            "context": "a cat",
            "scores": {"b.png": 1100, "a.png": 1300},
            "ranks": {"b.png": 2, "a.png": 1},
            "aggregatedResults": {"b.png": 0, "a.png": 2},
            "comparisons": {"b.png": 2, "a.png": 2},
            "aggregatedResultsRatios": {"b.png": 0.0, "a.png": 1.0},
            "detailedResults": [
                {
                    "votedFor": "a.png",
                    "pair": ["b.png", "a.png"],
                    "userId": "l1",
                    "userDetails": _user("DE", "de", 0.5),
                }
            ],
        }
    ],
}


def test_ranking_rows_in_sent_order() -> None:
    frame = results_frame(RANKING)
    assert frame[["group", "asset", "score", "rank", "wins"]].to_dict("records") == [
        {"group": "0", "asset": "b.png", "score": 1100.0, "rank": 2, "wins": 0},
        {"group": "0", "asset": "a.png", "score": 1300.0, "rank": 1, "wins": 2},
    ]
    responses = responses_frame(RANKING)
    assert responses[["item", "asset_a", "asset_b", "choice"]].to_dict("records") == [
        {"item": "0", "asset_a": "b.png", "asset_b": "a.png", "choice": "B"}
    ]


def test_user_score_keyed_by_audience() -> None:
    doc = {
        **CLASSIFICATION,
        "results": [
            {
                **CLASSIFICATION["results"][0],
                "detailedResults": [
                    {
                        "selectedCategory": "Fine",
                        "userDetails": {"country": "DE", "userScores": {"aud_x": 0.75}},
                    }
                ],
            }
        ],
    }
    assert responses_frame(doc)["user_score"].tolist() == [0.75]


def test_multiindex_source_round_trip() -> None:
    source = pd.MultiIndex.from_tuples([("cat", 1), ("dog", 2)], names=["animal", "take"])
    doc = {
        **CLASSIFICATION,
        "results": [
            {**CLASSIFICATION["results"][0], "privateMetadata": {"__index__": encode_index_label(label)}}
            for label in reversed(source)
        ],
    }
    frame = results_frame(doc, index=source)
    assert frame.index.equals(source)
    assert list(results_frame(doc).index) == [("dog", 2), ("cat", 1)]


def test_frames_of_a_big_document_run_without_cyclic_collections() -> None:
    """A big document is an acyclic tree: building its frames pauses the cyclic collector (issue 14)."""
    row = COMPARE["results"][0]
    rows = [{**row, "privateMetadata": {"__index__": f'"p{i}"'}} for i in range(3000)]
    doc = {**COMPARE, "results": rows}
    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        results = results_frame(doc)
        responses = responses_frame(doc)
    finally:
        gc.callbacks.remove(seen)
    assert (len(results), len(responses)) == (3000, 3000 * len(row["detailedResults"]))
    # allocations still count while paused, so the first one after each call may collect once
    assert len(collections) <= 2, collections
    assert gc.isenabled()
