"""Billing on the real server: the period counts the responses the crowd gave, and nothing is owed."""

from __future__ import annotations

from datetime import UTC

import pytest

from rapidata_nb import BillingPeriod, RapidataClient, RapidataError
from tests.utils.server import LiveServer


@pytest.fixture(scope="module")
def client(live_server: LiveServer) -> RapidataClient:
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


def test_a_period_opens_with_the_first_job_and_counts_its_responses(client: RapidataClient) -> None:
    with pytest.raises(RapidataError, match="first job") as refused:
        client.billing.get_current_billing_period()
    assert refused.value.status_code == 404
    assert client.billing.get_outstanding_balance() == 0.0

    definition = client.job.create_compare_job_definition(
        name="billed",
        instruction="Which is longer?",
        datapoints=[["short", "a longer text"], ["tiny", "a much longer text"]],
        data_type="text",
        responses_per_datapoint=3,
    )
    job = client.audience.get_audience_by_id("global").assign_job(definition)
    job.get_results()

    period = client.billing.get_current_billing_period()
    assert isinstance(period, BillingPeriod)
    assert period.response_count == 6
    assert (period.status, period.gross_cost, period.discount, period.outstanding_cost) == ("Open", 0, 0, 0)
    assert (period.credits, period.effective_limit) == (None, None)
    assert period.start_date.tzinfo is not None and period.start_date.astimezone(UTC).day == 1
    assert period.start_date < period.end_date
    assert client.billing.get_outstanding_balance() == 0.0
