"""Billing: the open period, the billing summary and what is owed, counted from the responses collected.

Periods are calendar months (UTC). A customer's first period opens with their first job; before that the
active period is a 404, as on the cloud. Locally a response costs ``COST_PER_RESPONSE`` (nothing), nothing
is ever invoiced, and there are no credits or spending caps: the figures count the work, the costs are 0.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from rapidata_nb.api.models.billing import BillingPeriodOverview, BillingSummary, OutstandingCost
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.routes.definitions import COST_PER_RESPONSE
from rapidata_nb.server.store import billing as store
from rapidata_nb.server.store.labeling import utcnow

router = APIRouter(tags=["billing"])


def _month(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) holding ``now``: ``[start, end)``."""
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    end = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _months_between(first: datetime, start: datetime) -> int:
    """Calendar months from the one holding ``first`` up to, not including, the one starting at ``start``."""
    return max(0, (start.year - first.year) * 12 + start.month - first.month)


@router.get("/billing-period/active")
def active_period(session: SessionDep, user: CurrentUser) -> BillingPeriodOverview:
    """The current month's period: its responses and their cost."""
    if store.first_job_at(session=session, owner_id=user.customer_id) is None:
        raise NotFoundError("No billing period is active: a period opens with your first job")
    start, end = _month(utcnow())
    count = store.response_count(session=session, owner_id=user.customer_id, start=start, end=end)
    cost = round(count * COST_PER_RESPONSE, 2)
    return BillingPeriodOverview(
        id=f"bp_{start:%Y_%m}",
        organization_id=user.customer_id,
        start_date=start,
        end_date=end,
        status="Open",
        total_gross_cost=cost,
        total_discount=0.0,
        total_net_cost=cost,
        total_response_count=count,
    )


@router.get("/billing/summary")
def billing_summary(session: SessionDep, user: CurrentUser) -> BillingSummary:
    """Usage billing without a cap or prepaid credit; the current month's spend."""
    start, end = _month(utcnow())
    count = store.response_count(session=session, owner_id=user.customer_id, start=start, end=end)
    return BillingSummary(mode="Usage", current_period_usage=round(count * COST_PER_RESPONSE, 2))


@router.get("/billing/outstanding")
def outstanding(session: SessionDep, user: CurrentUser) -> OutstandingCost:
    """The cost of ended periods, all of it awaiting an invoice (nothing is invoiced locally)."""
    now = utcnow()
    start, end = _month(now)
    earlier = store.response_count(session=session, owner_id=user.customer_id, start=None, end=start)
    current = store.response_count(session=session, owner_id=user.customer_id, start=start, end=end)
    first = store.first_job_at(session=session, owner_id=user.customer_id)
    amount = round(earlier * COST_PER_RESPONSE, 2)
    ended = _months_between(first, start) if first is not None else 0
    return OutstandingCost(
        total_outstanding=amount,
        awaiting_invoice_amount=amount,
        awaiting_invoice_period_count=ended if earlier else 0,
        current_period_accrued=round(current * COST_PER_RESPONSE, 2),
        currency="USD" if amount > 0 else None,
    )
