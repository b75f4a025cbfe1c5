"""Run by test_official_sdk_core.py in a subprocess: the official SDK against our server over TLS.

Prints one line ``SDK-CORE <json>`` with what the test checks.
"""

from __future__ import annotations

import json
import sys

from rapidata import RapidataClient, RevisionConflictError


def main() -> None:
    client = RapidataClient()
    out: dict[str, object] = {}
    images = [f"https://img.test/sdk/{i}.jpg" for i in range(3)]

    definition = client.job.create_classification_job_definition(
        name="sdk classify",
        instruction="What is it?",
        answer_options=["Dog", "Cat"],
        datapoints=images[:2],
        responses_per_datapoint=3,
        confidence_threshold=0.99,
        private_metadata=[{"k": "0"}, {"k": "1"}],
    )
    out["get_name"] = client.job.get_job_definition_by_id(definition.id).name
    out["found"] = [d.id for d in client.job.find_job_definitions(name="sdk classify")] == [definition.id]
    definition.instruction = "Which animal is it?"
    out["saved"] = definition.save()
    stale = client.job.get_job_definition_by_id(definition.id, revision=1)
    stale.instruction = "stale edit"
    try:
        stale.save(require_latest=True)
        out["conflict"] = None
    except RevisionConflictError as exc:
        out["conflict"] = str(exc)
    out["revisions"] = [(r.revision, r.base_revision, r.state) for r in definition.revisions()]
    cost = definition.estimated_cost
    out["cost"] = [cost.datapoint_count, cost.required_responses]
    audience = client.audience.get_audience_by_id("global")
    job = audience.assign_job(definition)
    results = job.get_results()
    frame = results.to_pandas()
    out["classify_columns"] = sorted(frame.columns)
    out["classify_rows"] = len(frame)
    out["job_found"] = job.id in [j.id for j in client.job.find_jobs(name="sdk classify")]

    others = {
        "compare": lambda: client.job.create_compare_job_definition(
            name="sdk compare",
            instruction="Better?",
            datapoints=[images[:2], images[1:]],
            a_b_names=["x", "y"],
        ),
        "locate": lambda: client.job.create_locate_job_definition(
            name="sdk locate", instruction="Find", datapoints=images[:1]
        ),
        "draw": lambda: client.job.create_draw_job_definition(
            name="sdk draw", instruction="Draw", datapoints=images[:1]
        ),
        "select_words": lambda: client.job.create_select_words_job_definition(
            name="sdk words", instruction="Wrong words?", datapoints=images[:1], sentences=["a cat on a mat"]
        ),
        "free_text": lambda: client.job.create_free_text_job_definition(
            name="sdk text", instruction="Describe", datapoints=images[:1]
        ),
        "ranking": lambda: client.job.create_ranking_job_definition(
            name="sdk ranking",
            instruction="Rank",
            datapoints=[images],
            comparison_budget_per_ranking=6,
            contexts=["a prompt"],
        ),
    }
    created = {kind: make().id for kind, make in others.items()}
    out["created"] = sorted(created)
    ranking_job = audience.assign_job(client.job.get_job_definition_by_id(created["ranking"]))
    ranking = ranking_job.get_results()
    out["ranking_type"] = ranking["info"]["type"]
    out["ranking_columns"] = sorted(ranking.to_pandas().columns)
    for kind in ("locate", "select_words"):  # run these too, not only create them (issue 5)
        job = audience.assign_job(client.job.get_job_definition_by_id(created[kind]))
        document = job.get_results()
        out[f"{kind}_run"] = [document["info"]["type"], len(document["results"]), len(document.to_pandas())]
    print("SDK-CORE " + json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
