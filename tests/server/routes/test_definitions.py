"""Job definitions of all seven types, revisions (with 409 conflicts), listing, cost estimate, deletion."""

from __future__ import annotations

import httpx
import pytest

from tests.utils.builders import KINDS, create_definition, datapoint_segments, existing, upload


@pytest.mark.parametrize("kind", KINDS)
def test_create_and_get_every_type(api: httpx.Client, kind: str) -> None:
    created = create_definition(api, kind)
    definition_id = created["definitionId"]
    assert definition_id.startswith("def_") and created["pipelineId"]
    got = api.get(f"/job/definition/{definition_id}").json()
    assert got["definitionId"] == definition_id
    assert got["name"] == f"{kind} definition"
    expected_type = {
        "compare": "Compare",
        "classify": "Classify",
        "locate": "Locate",
        "draw": "Line",
        "select_words": "Transcription",
        "free_text": "FreeText",
        "ranking": "Ranking",
    }[kind]
    assert got["definitionType"] == expected_type
    revision = api.get(f"/job/definition/{definition_id}/revision").json()
    assert revision["revisionNumber"] == 1
    assert revision["state"] == "Completed"
    assert revision["datasetId"] == created["datasetId"]
    assert revision["workflow"]["_t"] in ("SimpleWorkflow", "GroupedRankingWorkflow")
    assert revision["referee"]["_t"] == "NaiveReferee"
    assert revision["featureFlags"] == [] and revision["campaignFeatureFlags"] == []
    assert api.get(f"/job/definition/{definition_id}/revision/1").json() == revision
    assert api.get(f"/job/definition/{definition_id}/revision/2").status_code == 404


def test_revisions_and_conflict(api: httpx.Client) -> None:
    definition_id = create_definition(api, "classify", n=1)["definitionId"]
    base = api.get(f"/job/definition/{definition_id}/revision").json()
    workflow = base["workflow"]
    workflow["rapid"]["title"]["literal"] = "What animal is this?"
    saved = api.post(
        f"/job/definition/{definition_id}/revision",
        json={
            "workflow": workflow,
            "referee": {"_t": "QuorumReferee", "maxVotes": 5, "threshold": 3},
            "datasetId": base["datasetId"],
            "rapidFeatureFlags": [{"key": "no_shuffle", "value": "true"}],
            "campaignFeatureFlags": [],
            "validationSetId": None,
            "baseRevisionNumber": 1,
            "requireLatest": True,
        },
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["revisionNumber"] == 2
    latest = api.get(f"/job/definition/{definition_id}/revision").json()
    assert latest["revisionNumber"] == 2 and latest["baseRevisionNumber"] == 1
    assert latest["workflow"]["rapid"]["title"]["literal"] == "What animal is this?"
    assert latest["featureFlags"] == [{"key": "no_shuffle", "value": "true"}]
    # a stale base with requireLatest → 409 carrying latestRevisionNumber; nothing stored
    stale = api.post(
        f"/job/definition/{definition_id}/revision", json={"baseRevisionNumber": 1, "requireLatest": True}
    )
    assert stale.status_code == 409
    assert stale.json()["latestRevisionNumber"] == 2
    assert stale.headers["x-trace-id"] == stale.json()["traceId"]
    # without requireLatest the save wins; fields left out are inherited from the latest revision
    third = api.post(f"/job/definition/{definition_id}/revision", json={"baseRevisionNumber": 1})
    assert third.json()["revisionNumber"] == 3
    inherited = api.get(f"/job/definition/{definition_id}/revision/3").json()
    assert inherited["referee"] == {"_t": "QuorumReferee", "maxVotes": 5, "threshold": 3}
    revisions = api.get(
        f"/job/definition/{definition_id}/revisions", params={"sort": "revision_number"}
    ).json()
    assert [(r["revisionNumber"], r["baseRevisionNumber"]) for r in revisions["items"]] == [
        (1, None),
        (2, 1),
        (3, 1),
    ]
    assert revisions["total"] == 3
    assert api.get(f"/job/definition/{definition_id}").json()["name"] == "classify definition"


def test_bad_definitions_store_nothing(api: httpx.Client) -> None:
    before = api.get("/job/definitions", params={"page_size": 1000}).json()["total"]
    ds = api.post("/dataset", json={"name": "bad pairs"}).json()["datasetId"]
    three = [existing(upload(api, f"https://img.test/three/{i}.png")) for i in range(3)]
    api.post(
        f"/dataset/{ds}/datapoint",
        json={
            "segments": [
                {"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAssetInput", "assets": three}}
            ]
        },
    ).raise_for_status()
    compare = {
        "_t": "SimpleWorkflow",
        "rapid": {"_t": "Compare", "asset": {"segment": "asset"}, "criteria": {"literal": "?"}},
    }
    naive = {"_t": "NaiveReferee", "totalVotes": 3}
    wrong_pair = api.post(
        "/job/definition",
        json={"definitionName": "x", "workflow": compare, "referee": naive, "datasetId": ds},
    )
    assert wrong_pair.status_code == 400
    assert "exactly 2 assets" in wrong_pair.json()["message"]
    cases = [
        (
            {"definitionName": "x", "workflow": compare, "referee": naive, "datasetId": "ds_missing"},
            404,
            "datasetId",
        ),
        (
            {
                "definitionName": "x",
                "workflow": compare,
                "referee": {"_t": "QuorumReferee", "maxVotes": 2, "threshold": 3},
                "datasetId": ds,
            },
            400,
            "referee",
        ),
        (
            {
                "definitionName": "x",
                "workflow": {"_t": "SimpleWorkflow", "rapid": {"_t": "Nope"}},
                "referee": naive,
                "datasetId": ds,
            },
            422,
            "workflow.SimpleWorkflow.rapid",
        ),
        (
            {
                "definitionName": "x",
                "workflow": compare,
                "referee": {"_t": "NaiveReferee", "totalVotes": 0},
                "datasetId": ds,
            },
            400,
            "referee.NaiveReferee.totalVotes",
        ),
        ({"workflow": compare, "referee": naive, "datasetId": ds}, 422, "definitionName"),
    ]
    for body, status, field in cases:
        response = api.post("/job/definition", json=body)
        assert response.status_code == status, (body, response.text)
        assert field in response.json()["message"], response.json()["message"]
    assert api.get("/job/definitions", params={"page_size": 1000}).json()["total"] == before


def test_classify_without_options_is_rejected(api: httpx.Client) -> None:
    ds = api.post("/dataset", json={"name": "no options"}).json()["datasetId"]
    segments = [s for s in datapoint_segments(api, "classify", 0) if s["key"] != "answer_options"]
    api.post(f"/dataset/{ds}/datapoint", json={"segments": segments}).raise_for_status()
    response = api.post(
        "/job/definition",
        json={
            "definitionName": "x",
            "datasetId": ds,
            "referee": {"_t": "NaiveReferee", "totalVotes": 1},
            "workflow": {
                "_t": "SimpleWorkflow",
                "rapid": {
                    "_t": "Classify",
                    "title": {"literal": "?"},
                    "categories": {"segment": "answer_options"},
                },
            },
        },
    )
    assert response.status_code == 400
    assert "answer_options" in response.json()["message"]


def test_find_definitions_cost_and_delete(api: httpx.Client) -> None:
    created = create_definition(api, "compare", n=3, votes=4, name="findme unique-xyz")
    definition_id = created["definitionId"]
    found = api.get("/job/definitions", params={"name[contains]": "unique-xyz", "sort": "-created_at"}).json()
    assert [d["definitionId"] for d in found["items"]] == [definition_id]
    assert found["total"] == 1 and found["page"] == 1 and found["pageSize"] == 10
    cost = api.get(f"/job/definition/{definition_id}/cost-estimate").json()
    assert cost == {
        "estimatedCost": 0.0,
        "costPerResponse": 0.0,
        "datapointCount": 3,
        "requiredResponses": 12,
    }
    ranking = create_definition(api, "ranking", n=2, votes=2, group_size=4)["definitionId"]
    ranking_cost = api.get(f"/job/definition/{ranking}/cost-estimate").json()
    assert ranking_cost["datapointCount"] == 8 and ranking_cost["requiredResponses"] == 2 * 6 * 2
    assert api.delete(f"/job/definition/{definition_id}").status_code == 204
    assert api.get(f"/job/definition/{definition_id}").status_code == 404
    assert api.get("/job/definitions", params={"name[contains]": "unique-xyz"}).json()["total"] == 0
    assert api.get("/job/definitions", params={"sort": "bogus"}).status_code == 400


def test_out_of_range_numbers_are_4xx(api: httpx.Client) -> None:
    definition_id = create_definition(api, "free_text", n=1)["definitionId"]
    huge = 10**30
    revision = api.get(f"/job/definition/{definition_id}/revision/{huge}")
    assert 400 <= revision.status_code < 500, revision.text
    job = api.post(
        "/job", json={"jobDefinitionId": definition_id, "audienceId": "global", "revisionNumber": huge}
    )
    assert 400 <= job.status_code < 500, job.text
    page = api.get("/jobs", params={"page": 0})
    assert page.status_code == 400 and "page" in page.json()["message"]
