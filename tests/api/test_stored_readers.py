"""The api's readers of stored JSON: asset inputs flatten to their parts, workflows and referees parse."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rapidata_nb.api.models.asset import (
    ExistingAssetInput,
    MultiAssetInput,
    TextAssetInput,
    asset_parts,
    parse_asset_input,
)
from rapidata_nb.api.models.definition import (
    EarlyStoppingReferee,
    GroupedRankingWorkflow,
    OnlinePairMaker,
    SimpleWorkflow,
    parse_referee,
    parse_workflow,
)


def test_asset_parts_flatten_a_stored_multi_asset_in_order() -> None:
    stored = {
        "_t": "MultiAssetInput",
        "assets": [
            {"_t": "ExistingAssetInput", "name": "a.png"},
            {"_t": "MultiAssetInput", "assets": [{"_t": "TextAssetInput", "text": "b"}]},
            {"_t": "ExistingAssetInput", "name": "c.png", "metadata": None, "identifier": None},
        ],
        "metadata": None,
        "identifier": None,
    }
    assert asset_parts(stored) == [
        ExistingAssetInput(name="a.png"),
        TextAssetInput(text="b"),
        ExistingAssetInput(name="c.png"),
    ]


def test_asset_parts_of_nothing_and_of_a_model() -> None:
    assert asset_parts(None) == [] and asset_parts({}) == []
    model = MultiAssetInput(assets=[TextAssetInput(text="x"), ExistingAssetInput(name="y")])
    assert parse_asset_input(model) is model
    assert asset_parts(model) == [TextAssetInput(text="x"), ExistingAssetInput(name="y")]


def test_an_unknown_asset_tag_is_refused() -> None:
    with pytest.raises(ValidationError):
        parse_asset_input({"_t": "NullAsset"})


def test_stored_workflows_and_referees_parse_into_their_models() -> None:
    maker = {"_t": "OnlinePairMaker", "totalComparisonBudget": 40, "randomMatchesRatio": 0.5}
    stored = {"_t": "GroupedRankingWorkflow", "criteria": "Better?", "pairMakerConfig": maker}
    ranking = parse_workflow(stored)
    assert isinstance(ranking, GroupedRankingWorkflow)
    assert isinstance(ranking.pair_maker_config, OnlinePairMaker)
    assert ranking.pair_maker_config.total_comparison_budget == 40
    simple = parse_workflow({"_t": "SimpleWorkflow", "rapid": {"_t": "Line", "target": {"literal": "cat"}}})
    assert isinstance(simple, SimpleWorkflow) and simple.rapid.t == "Line"
    referee = parse_referee({"_t": "EarlyStoppingReferee", "maxVotes": 9, "threshold": 0.9})
    assert isinstance(referee, EarlyStoppingReferee) and referee.max_votes == 9
