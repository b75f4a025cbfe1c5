"""Billing: what the current period has cost, the prepaid balance, and what is owed from ended periods."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from rapidata_nb.api.models._base import WireModel

__all__ = ["BillingPeriodOverview", "BillingPeriodStatus", "BillingSummary", "OutstandingCost"]

BillingPeriodStatus = Literal["Open", "Invoiced", "Void", "Reconciling", "PendingReview", "Closed"]


class BillingPeriodOverview(WireModel):
    """``GET /billing-period/active``: the period that is accruing cost now."""

    id: str
    organization_id: str
    start_date: datetime
    end_date: datetime
    status: BillingPeriodStatus
    total_gross_cost: float
    total_discount: float
    total_net_cost: float
    total_response_count: int
    line_items: list[dict[str, Any]] = []


class BillingSummary(WireModel):
    """``GET /billing/summary``: how the organization is billed and what it may still spend."""

    mode: Literal["Usage", "Limited", "Prepaid"]
    current_period_usage: float
    effective_limit: float | None = None
    available_amount: float | None = None
    minimum_spend_commitment: float = 0.0
    platform_fee: float | None = None


class OutstandingCost(WireModel):
    """``GET /billing/outstanding``: what is owed for ended periods (the open period is not due yet)."""

    total_outstanding: float
    unpaid_invoices_amount: float = 0.0
    unpaid_invoice_count: int = 0
    awaiting_invoice_amount: float
    awaiting_invoice_period_count: int
    current_period_accrued: float
    currency: str | None = None
    settlement_stale: bool = False
