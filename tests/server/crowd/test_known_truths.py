"""A truth told while a job runs steers the crowd's next answers (issue 14: a round asks whether anybody told
the crowd anything before it looks truths up by content, and must not remember a "no")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.utils.crowd import compare_definition, ok, register_oracle, start_job, wait_completed

PAIR = ("a caption told later", "another caption told later")
VOTES = 40


@pytest.fixture(scope="module")
def stepped(live_server_factory: Any) -> Iterator[httpx.Client]:
    """A server without a crowd thread: the test gives each response with ``/local/crowd/step``."""
    with live_server_factory(crowd=False).client() as client:
        yield client


def _votes(api: httpx.Client, job_id: str) -> dict[str, int]:
    doc = wait_completed(api, job_id)
    return dict(doc["results"][0]["aggregatedResults"])


def _step(api: httpx.Client, steps: int) -> None:
    assert ok(api.post("/local/crowd/step", params={"steps": steps})) == {"steps": steps}


def test_an_oracle_registered_mid_job_steers_the_rest_of_it(stepped: httpx.Client) -> None:
    referee = {"_t": "NaiveReferee", "totalVotes": VOTES}
    # the same content twice: the same labelers answer it in the same order, so only the truth differs
    untold_job = start_job(stepped, compare_definition(stepped, [PAIR], referee))["jobId"]
    _step(stepped, VOTES)
    untold = _votes(stepped, untold_job)
    minority = min(PAIR, key=lambda side: untold.get(side, 0))

    told_job = start_job(stepped, compare_definition(stepped, [PAIR], referee))["jobId"]
    _step(stepped, VOTES // 2)  # the crowd has looked for truths of this content and found none
    register_oracle(stepped, "compare", list(PAIR), {"pA": 1.0 if minority == PAIR[0] else 0.0})
    _step(stepped, VOTES // 2)
    told = _votes(stepped, told_job)

    assert sum(told.values()) == sum(untold.values()) == VOTES
    # the first half is answered alike; the second half now mostly for the side the oracle prefers
    assert told.get(minority, 0) >= untold.get(minority, 0) + VOTES // 4, (untold, told)
