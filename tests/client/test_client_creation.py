"""The per-kind builders of ``client/_creation.py``: one per task kind, looked up by workflow kind."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rapidata_nb.api.vocabulary import KINDS, TaskKind
from rapidata_nb.client._creation import _BUILDERS, CreationInputs, build_for_kind

VALID: dict[TaskKind, CreationInputs] = {
    TaskKind.RANKING: CreationInputs(instruction="Best?", datapoints=[["a", "b", "c"]]),
    TaskKind.COMPARE: CreationInputs(instruction="Better?", datapoints=[["a", "b"]]),
    TaskKind.CLASSIFY: CreationInputs(instruction="Animal?", datapoints=["a"], answer_options=["Cat", "Dog"]),
    TaskKind.SELECT_WORDS: CreationInputs(instruction="Wrong?", datapoints=["a"], sentences=["a red cat"]),
    TaskKind.LOCATE: CreationInputs(instruction="Where?", datapoints=["a"]),
    TaskKind.DRAW: CreationInputs(instruction="Outline", datapoints=["a"]),
    TaskKind.FREE_TEXT: CreationInputs(instruction="Describe", datapoints=["a"]),
}


def _workflow_kind(kind: TaskKind) -> str:
    return KINDS[kind].rapid_tag or "GroupedRankingWorkflow"


def test_every_task_kind_has_one_builder() -> None:
    assert sorted(_BUILDERS) == sorted(_workflow_kind(kind) for kind in TaskKind)


@pytest.mark.parametrize("kind", list(TaskKind))
def test_each_builder_makes_its_kinds_spec(kind: TaskKind) -> None:
    inputs = VALID[kind]
    spec = build_for_kind(_workflow_kind(kind), inputs)
    assert spec.task_type == KINDS[kind].task_type
    assert spec.inputs["task_type"] == KINDS[kind].task_type
    assert spec.inputs["datapoints"] is inputs.datapoints  # the caller's inputs, kept for previews
    assert len(spec.datapoints) == (3 if kind is TaskKind.RANKING else 1)


def test_an_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"Unsupported job type 'Mystery'; expected one of .*Compare"):
        build_for_kind("Mystery", VALID[TaskKind.LOCATE])


def test_the_shared_checks_run_for_every_kind() -> None:
    for kind, inputs in VALID.items():
        with pytest.raises(ValueError, match="data_type must be 'media' or 'text', got 'video'"):
            build_for_kind(_workflow_kind(kind), replace(inputs, data_type="video"))
