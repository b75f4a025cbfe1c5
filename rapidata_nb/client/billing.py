"""Billing (``client.billing``): what the current period has cost, and what is owed.

Against a rapidata_nb server the figures count the responses your jobs collected this calendar month
(UTC); labeling costs nothing locally, so the amounts are 0 and there are no credits or caps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rapidata_nb.api.models.billing import BillingPeriodOverview, BillingSummary, OutstandingCost
from rapidata_nb.client._context import ClientContext

__all__ = ["BillingPeriod", "RapidataBillingManager"]


def _cents(amount: float | None) -> float | None:
    return None if amount is None else round(amount, 2)


@dataclass(frozen=True)
class BillingPeriod:
    """A snapshot of the billing period that is accruing cost now (US dollars, rounded to the cent).

    Attributes:
        id: The period's id.
        start_date: When it started.
        end_date: When it ends.
        status: ``"Open"`` while it accrues cost; ``"Invoiced"``, ``"Closed"``, ... afterwards.
        outstanding_cost: What the period would be invoiced for today (``gross_cost - discount``).
        gross_cost: The cost before discounts.
        discount: The discounts applied.
        response_count: Billable responses collected in the period.
        credits: Prepaid credit left, or ``None`` when billed for usage.
        effective_limit: The most that may be spent in the period, or ``None`` without a cap.
    """

    id: str
    start_date: datetime
    end_date: datetime
    status: str
    outstanding_cost: float
    gross_cost: float
    discount: float
    response_count: int
    credits: float | None
    effective_limit: float | None

    @classmethod
    def _from_models(cls, overview: BillingPeriodOverview, summary: BillingSummary) -> BillingPeriod:
        return cls(
            id=overview.id,
            start_date=overview.start_date,
            end_date=overview.end_date,
            status=overview.status,
            outstanding_cost=round(overview.total_net_cost, 2),
            gross_cost=round(overview.total_gross_cost, 2),
            discount=round(overview.total_discount, 2),
            response_count=overview.total_response_count,
            credits=_cents(summary.available_amount),
            effective_limit=_cents(summary.effective_limit),
        )


class RapidataBillingManager:
    """Read the current billing period and the outstanding balance (``client.billing``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def get_current_billing_period(self) -> BillingPeriod:
        """The period accruing cost now.

        Raises:
            RapidataError: 404 when no period is open yet (one opens with your first job).
        """
        summary = self._ctx.transport.request("GET", "/billing/summary", response=BillingSummary)
        overview = self._ctx.transport.request(
            "GET", "/billing-period/active", response=BillingPeriodOverview
        )
        return BillingPeriod._from_models(overview, summary)

    def get_outstanding_balance(self) -> float:
        """What is owed for ended periods, in US dollars (``0.0`` when nothing is)."""
        owed = self._ctx.transport.request("GET", "/billing/outstanding", response=OutstandingCost)
        return round(owed.total_outstanding, 2)

    def __repr__(self) -> str:
        return "RapidataBillingManager"
