"""Run by test_official_sdk_validation.py in a subprocess: the official SDK's validation sets and billing
against our server over TLS.

Prints one line ``SDK-VALIDATION <json>`` with what the test checks.
"""

from __future__ import annotations

import json

from rapidata import RapidataClient

IMAGES = [f"https://img.test/sdk-validation/{i}.jpg" for i in range(4)]


def main() -> None:
    client = RapidataClient()
    out: dict[str, object] = {}
    compare_set = client.validation.create_compare_set(
        name="sdk sharper",
        instruction="Which image is sharper?",
        datapoints=[[IMAGES[0], IMAGES[1]], [IMAGES[2], IMAGES[3]]],
        truths=[IMAGES[1], IMAGES[2]],
        dimensions=["sharpness"],
    )
    found = client.validation.get_validation_set_by_id(compare_set.id)
    out["found"] = [found.name, found.dimensions]
    out["listed"] = [s.id == compare_set.id for s in client.validation.find_validation_sets("sdk sharper")]

    definition = client.job.create_compare_job_definition(
        name="sdk validated compare",
        instruction="Which image is sharper?",
        datapoints=[[IMAGES[0], IMAGES[3]]],
        responses_per_datapoint=3,
    )
    definition.validation_set_id = compare_set.id
    out["saved_revision"] = definition.save()
    out["definition_set"] = (
        client.job.get_job_definition_by_id(definition.id).validation_set_id == compare_set.id
    )
    job = client.audience.get_audience_by_id("global").assign_job(definition)
    out["results"] = len(job.get_results().to_pandas())

    rapid = client.validation.rapid
    mixed = client.validation.create_mixed_set(
        name="sdk mixed",
        rapids=[
            rapid.classification_rapid("Which animal?", ["cat", "dog"], IMAGES[0], ["cat"]),
            rapid.select_words_rapid("Select the animals", [1], IMAGES[1], "a cat sleeps"),
        ],
    )
    mixed.update_should_alert(False).update_can_be_flagged(False).update_dimensions(["animals"])
    out["mixed_dimensions"] = client.validation.get_validation_set_by_id(mixed.id).dimensions
    mixed.delete()
    out["after_delete"] = [s.id for s in client.validation.find_validation_sets("sdk mixed")]

    period = client.billing.get_current_billing_period()
    out["billing"] = [period.status, period.response_count, period.outstanding_cost]
    out["outstanding"] = client.billing.get_outstanding_balance()
    print("SDK-VALIDATION " + json.dumps(out))


if __name__ == "__main__":
    main()
