"""RapidataResults.to_pandas: the official SDK's routing and columns, on literal documents."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rapidata_nb import RapidataResults

USER = {"country": "DE", "language": "de", "userScores": {"global": 0.8}}

COMPARE = RapidataResults(
    {
        "info": {"type": "Compare", "version": "4.1.0"},
        "results": [
            {
                "context": "prompt",
                "winner": "a.jpg",
                "winnerIndex": 0,
                "assetUrls": {"a.jpg": "https://h/a.jpg", "b.jpg": "https://h/b.jpg"},
                "aggregatedResults": {"a.jpg": 3, "b.jpg": 1, "Both": 1},
                "aggregatedResultsRatios": {"a.jpg": 0.6, "b.jpg": 0.2, "Both": 0.2},
                "privateMetadata": {"row": "4"},
                "detailedResults": [
                    {"votedFor": "a.jpg", "userDetails": USER},
                    {"votedFor": "b.jpg", "userDetails": USER},
                ],
            }
        ],
        "summary": {"A_wins_total": 1, "B_wins_total": 0},
    }
)

CLASSIFICATION = RapidataResults(
    {
        "info": {"type": "Classification", "version": "3.0.0"},
        "results": [
            {
                "identifier": "cat.jpg",
                "originalFileName": "cat.jpg",
                "aggregatedResults": {"Cat": 4, "Dog": 0},
                "aggregatedResultsRatios": {"Cat": 1.0, "Dog": 0.0},
                "summedUserScores": {"Cat": 2.1, "Dog": 0.0},
                "summedUserScoresRatios": {"Cat": 1.0, "Dog": 0.0},
                "confidencePerCategory": {"Cat": 0.9943, "Dog": 0.0057},
                "detailedResults": [{"selectedCategory": "Cat", "userDetails": USER}],
            }
        ],
    }
)


def test_compare_columns() -> None:
    frame = COMPARE.to_pandas()
    row = frame.iloc[0]
    assert (row["assetA"], row["assetB"]) == ("a.jpg", "b.jpg")
    assert (row["A_aggregatedResults"], row["B_aggregatedResults"], row["Both_aggregatedResults"]) == (
        3,
        1,
        1,
    )
    assert row["A_assetUrls"] == "https://h/a.jpg"
    assert row["privateMetadata_row"] == "4"
    assert "detailedResults" not in frame.columns and "context" in frame.columns


def test_compare_split_details() -> None:
    frame = COMPARE.to_pandas(split_details=True)
    assert len(frame) == 2
    assert list(frame["votedFor"]) == ["a.jpg", "b.jpg"]
    assert list(frame["userDetails_country"]) == ["DE", "DE"]
    assert list(frame["userDetails_userScores_global"]) == [0.8, 0.8]
    assert (frame["A_aggregatedResults"] == 3).all()


def test_ranking_columns() -> None:
    doc = RapidataResults(
        {
            "info": {"type": "Ranking"},
            "results": [
                {"assetUrls": {"x": "u1", "y": "u2", "z": "u3"}, "scores": {"x": 1250, "y": 1200, "z": 1150}}
            ],
        }
    )
    frame = doc.to_pandas()
    assert list(frame.columns) == [
        "asset_1",
        "asset_2",
        "asset_3",
        "x_assetUrls",
        "y_assetUrls",
        "z_assetUrls",
        "x_scores",
        "y_scores",
        "z_scores",
    ]


def test_classification_one_row_per_option() -> None:
    frame = CLASSIFICATION.to_pandas()
    expected = pd.DataFrame(
        {
            "identifier": ["cat.jpg", "cat.jpg"],
            "originalFileName": ["cat.jpg", "cat.jpg"],
            "option": ["Cat", "Dog"],
            "count": [4, 0],
            "ratio": [1.0, 0.0],
            "summedUserScore": [2.1, 0.0],
            "summedUserScoreRatio": [1.0, 0.0],
            "confidence": [0.9943, 0.0057],
        }
    )
    pd.testing.assert_frame_equal(frame, expected)


def test_generic_flatten_and_empty() -> None:
    doc = RapidataResults({"info": {"type": "FreeText"}, "results": [{"identifier": "a", "stats": {"n": 2}}]})
    assert list(doc.to_pandas().columns) == ["identifier", "stats_n"]
    assert RapidataResults({"info": {"type": "Compare"}, "results": []}).to_pandas().empty


def test_split_details_requires_details() -> None:
    doc = RapidataResults({"info": {"type": "FreeText"}, "results": [{"identifier": "a"}]})
    with pytest.raises(ValueError, match="No detailed results"):
        doc.to_pandas(split_details=True)


def test_to_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    COMPARE.to_json(str(path))
    assert json.loads(path.read_text()) == COMPARE
