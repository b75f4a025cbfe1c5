"""From a job's state and result document to what an agent reads: a result status and compact datapoints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapidata_nb.mcp.schemas import ResultStatus

__all__ = ["DRAFT_STATE", "result_status", "shape_datapoints"]

DRAFT_STATE = "Created"
"""The status of a task that start_job has not started (what ``RapidataOrder.get_status`` reports)."""

_BLOCKED = {"ManualApproval", "SpendLimited", "Blocked"}


def result_status(state: str, responses: int) -> ResultStatus:
    """Where the results of a job in ``state`` with ``responses`` collected stand.

    Examples:
        >>> result_status("Running", 0), result_status("Running", 3), result_status("Completed", 8)
        ('collecting', 'partial', 'complete')
    """
    if state == DRAFT_STATE:
        return "not_started"
    if state == "Completed":
        return "complete"
    if state == "Failed":
        return "failed"
    if state == "Paused":
        return "paused"
    if state in _BLOCKED:
        return "blocked"
    return "partial" if responses > 0 else "collecting"


def shape_datapoints(
    document: Mapping[str, Any], *, include_details: bool, max_datapoints: int
) -> tuple[list[dict[str, Any]], int]:
    """The first ``max_datapoints`` results of a result document, and how many there are in all.

    Per-response detail (``detailedResults``: each answer with the labeler's country, language, scores and
    demographics) stays out unless ``include_details``: it is large and rarely what a question needs.
    """
    results = list(document.get("results") or [])
    shaped = []
    for entry in results[:max_datapoints]:
        item = dict(entry)
        if not include_details:
            item.pop("detailedResults", None)
        shaped.append(item)
    return shaped, len(results)
