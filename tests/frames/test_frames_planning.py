"""Plans: what a frame becomes before anything is sent (no backend, no client: planning does no I/O)."""

from __future__ import annotations

import pandas as pd
import pytest

import rapidata_nb.frames as frames
from rapidata_nb.frames import jobs


@pytest.fixture
def pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left": ["a red cat", "a blue dog"],
            "right": ["a green owl", "a yellow fish"],
            "prompt": ["p1", "p2"],
        },
        index=pd.Index(["r1", "r2"], name="row"),
    )


def test_a_plan_holds_the_client_call_and_creates_no_client(pairs: pd.DataFrame) -> None:
    shared = jobs._client
    job_plan = pairs.rapidata.plan("compare", "left", "right", instruction="Which?", context="prompt")
    assert jobs._client is shared  # planning never creates (or replaces) the shared client
    assert (job_plan.kind, job_plan.name, job_plan.task_type) == ("compare", "compare of 2 rows", "compare")
    assert job_plan.definition_method == "create_compare_job_definition"
    assert dict(job_plan.arguments) == {
        "instruction": "Which?",
        "datapoints": [["a red cat", "a green owl"], ["a blue dog", "a yellow fish"]],
        "data_type": "text",
        "contexts": ["p1", "p2"],
        "responses_per_datapoint": 10,
        "private_metadata": [{"__index__": '"r1"'}, {"__index__": '"r2"'}],
    }
    assert list(job_plan.index) == ["r1", "r2"]


def test_plans_name_the_rows_at_fault(pairs: pd.DataFrame) -> None:
    broken = pairs.assign(right=["a red cat", None])
    with pytest.raises(ValueError, match=r"column 'right' \(b\) has missing values in rows \['r2'\]"):
        frames.plan(broken, "compare", "left", "right", instruction="?")
    with pytest.raises(ValueError, match=r"rows \['r1'\] compare an item with itself"):
        frames.plan(broken.fillna("x"), "compare", "left", "right", instruction="?")
    with pytest.raises(ValueError, match="kind must be one of"):
        frames.plan(pairs, "vote", "left")
    with pytest.raises(TypeError, match="audience"):  # sending belongs to submit
        frames.plan(pairs, "compare", "left", "right", instruction="?", audience="global")


def test_rank_and_arena_plans_keep_the_way_back_to_rows() -> None:
    items = pd.DataFrame(
        {"group": ["g1", "g2", "g1", "g2"], "text": ["a", "b", "c", "d"]}, index=list("wxyz")
    )
    ranking = frames.plan(items, "ranking", "text", by="group", instruction="Best?")
    assert (ranking.kind, ranking.task_type, ranking.definition_method) == (
        "rank",
        "ranking",
        "create_ranking_job_definition",
    )
    assert ranking.arguments["datapoints"] == [["a", "c"], ["b", "d"]]
    assert ranking.groups == [["w", "y"], ["x", "z"]]
    assert ranking.arguments["comparison_budget_per_ranking"] == 1
    outputs = pd.DataFrame(
        {"model": ["m1", "m2", "m3"], "out": ["x", "y", "z"], "prompt": ["p", "p", "p"]}, index=[10, 11, 12]
    )
    arena = frames.plan(outputs, "arena", model="model", media="out", prompt="prompt", instruction="?")
    assert (arena.kind, arena.name, arena.definition_method) == (
        "arena",
        "arena of 3 models",
        "create_compare_job_definition",
    )
    assert arena.pairs is not None
    assert arena.pairs[["model_a", "model_b"]].to_numpy().tolist() == [
        ["m1", "m2"],
        ["m3", "m1"],
        ["m2", "m3"],
    ]
    assert arena.arguments["datapoints"] == [["x", "y"], ["z", "x"], ["y", "z"]]
    assert list(arena.index) == [0, 1, 2]


def test_preview_shows_the_plan_and_ignores_submit_arguments(pairs: pd.DataFrame) -> None:
    shared = jobs._client
    widget = pairs.rapidata.preview("compare", "left", "right", instruction="Which?", audience="nobody", n=1)
    assert (widget.task_type, widget.n_tasks) == ("compare", 1)
    assert jobs._client is shared
