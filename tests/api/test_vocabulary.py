"""The shared vocabulary (``rapidata_nb.api.vocabulary``) spells every word as the official SDK 3.27.1."""

from __future__ import annotations

import pytest
from rapidata.api_client.models.age_group import AgeGroup as SdkAgeGroup
from rapidata.api_client.models.definition_type import DefinitionType as SdkDefinitionType
from rapidata.api_client.models.device_type import DeviceType as SdkDeviceType
from rapidata.api_client.models.gender import Gender as SdkGender
from rapidata.rapidata_client.job.rapidata_job_manager import RapidataJobManager as SdkJobManager

from rapidata_nb.api.models import (
    ClassifySpec,
    CompareSpec,
    FreeTextSpec,
    LineSpec,
    LocateSpec,
    TranscriptionSpec,
)
from rapidata_nb.api.vocabulary import (
    AGE_GROUPS,
    DEVICE_TYPES,
    GENDERS,
    KINDS,
    LABELER_DEVICE_TYPES,
    TaskKind,
    kind_of_definition_type,
    kind_of_rapid,
    kind_of_workflow,
)
from rapidata_nb.client.filters import AgeGroup, DeviceType, Gender


def test_demographic_values_are_the_sdks() -> None:
    assert AGE_GROUPS == tuple(e.value for e in SdkAgeGroup)
    assert GENDERS == tuple(e.value for e in SdkGender)
    assert DEVICE_TYPES == tuple(e.value for e in SdkDeviceType)
    assert LABELER_DEVICE_TYPES == ("Unknown", "Phone", "Tablet", "Desktop")


def test_the_clients_filter_enums_are_the_vocabulary() -> None:
    assert tuple(e.value for e in AgeGroup) == AGE_GROUPS
    assert tuple(e.value for e in Gender) == GENDERS
    assert tuple(e.value for e in DeviceType) == DEVICE_TYPES


@pytest.mark.parametrize("kind", list(TaskKind))
def test_each_kind_is_spelled_as_the_sdk_spells_it(kind: TaskKind) -> None:
    spelling = KINDS[kind]
    assert spelling.definition_type in {e.value for e in SdkDefinitionType}
    assert hasattr(SdkJobManager, f"create_{spelling.sdk_name}_job_definition")
    assert kind_of_definition_type(spelling.definition_type) is kind


def test_the_rapid_tags_are_the_api_models_tags() -> None:
    specs = [CompareSpec, ClassifySpec, LocateSpec, LineSpec, TranscriptionSpec, FreeTextSpec]
    tags = [spec.model_fields["t"].default for spec in specs]
    assert [kind_of_rapid(tag) for tag in tags] == [
        TaskKind.COMPARE,
        TaskKind.CLASSIFY,
        TaskKind.LOCATE,
        TaskKind.DRAW,
        TaskKind.SELECT_WORDS,
        TaskKind.FREE_TEXT,
    ]
    assert {KINDS[k].rapid_tag for k in TaskKind} == {*tags, None}


def test_workflows_map_to_their_kinds() -> None:
    assert kind_of_workflow({"_t": "GroupedRankingWorkflow", "criteria": "Better?"}) is TaskKind.RANKING
    assert kind_of_workflow({"_t": "SimpleWorkflow", "rapid": {"_t": "Line"}}) is TaskKind.DRAW
    assert kind_of_definition_type("GroupedRanking") is TaskKind.RANKING
    with pytest.raises(ValueError, match="unknown rapid 'Scrub'"):
        kind_of_workflow({"_t": "SimpleWorkflow", "rapid": {"_t": "Scrub"}})
