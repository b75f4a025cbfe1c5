"""Selections: ours check their arguments like the official SDK's and spell the same wire documents."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
import rapidata

import rapidata_nb


def _selections(sdk: ModuleType) -> list[Any]:
    return [
        sdk.LabelingSelection(3, sdk.RapidataRetrievalMode.Sequential, 2, advance_on_view=True),
        sdk.ValidationSelection("vs_1", 2),
        sdk.ConditionalValidationSelection("vs_1", [0.5, 0.8], [0.3, 0.1], [1, 2], dimensions=["d"]),
        sdk.DemographicSelection(["age", "gender"], 1),
        sdk.EffortSelection(10, sdk.RapidataRetrievalMode.Random),
        sdk.CappedSelection([sdk.LabelingSelection(2), sdk.ValidationSelection("vs_2")], 3),
        sdk.ShufflingSelection([sdk.DemographicSelection(["age"], 1), sdk.LabelingSelection(1)]),
    ]


def _official_wire(selection: Any) -> Any:
    return json.loads(selection._to_model().to_json())


def test_the_wire_documents_are_the_official_sdks() -> None:
    ours = [s._to_model().wire() for s in _selections(rapidata_nb)]
    assert ours == [_official_wire(s) for s in _selections(rapidata)]


@pytest.mark.parametrize("sdk", [rapidata, rapidata_nb], ids=["official", "ours"])
def test_contradictory_arguments_are_refused(sdk: ModuleType) -> None:
    with pytest.raises(ValueError, match="advance_on_view"):
        sdk.LabelingSelection(1, sdk.RapidataRetrievalMode.Random, advance_on_view=True)
    with pytest.raises(ValueError, match="thresholds, chances and rapid_counts"):
        sdk.ConditionalValidationSelection("vs", [0.5], [0.1, 0.2], [1])
