"""An audience's labelers: where they are in the recruiting funnel, and labeling beside them in the notebook.

Audiences and jobs both need these, so they live below both (``job`` never imports ``audience``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidata_nb.client import _display
from rapidata_nb.client._context import ClientContext
from rapidata_nb.config import logger

__all__ = ["UNLISTED_PREFIX", "RecruitingMetrics", "open_labeler", "user_metrics"]

UNLISTED_PREFIX = "ula_"
"""Ids of unlisted audiences start with this (they live under ``/audience/unlisted/``)."""


@dataclass(frozen=True)
class RecruitingMetrics:
    """Where an audience's labelers are in the recruiting funnel (each labeler in exactly one bucket).

    Attributes:
        graduated: Qualified and eligible for jobs now.
        distilling: Still answering qualification examples.
        dropped: Removed from the pool.
        inactive: Went quiet.
    """

    graduated: int
    distilling: int
    dropped: int
    inactive: int

    @classmethod
    def _from_users_per_state(cls, users: dict[str, int]) -> RecruitingMetrics:
        buckets = {"graduated": 0, "distilling": 0, "dropped": 0, "inactive": 0}
        for state, count in users.items():
            if state.startswith("Inactive"):
                buckets["inactive"] += int(count)
            elif state.startswith("Dropped"):
                buckets["dropped"] += int(count)
            elif state == "Graduated":
                buckets["graduated"] += int(count)
            elif state == "Distilling":
                buckets["distilling"] += int(count)
        return cls(**buckets)


def user_metrics(ctx: ClientContext, audience_id: str) -> RecruitingMetrics | None:
    try:
        body = ctx.transport.request("GET", f"/audience/{audience_id}/user-metrics", max_retries=1) or {}
    except Exception as exc:
        logger.debug("user-metrics of %s unavailable: %s", audience_id, exc)
        return None
    users = body.get("usersPerState") or {}
    return RecruitingMetrics._from_users_per_state(users) if users else None


def open_labeler(
    ctx: ClientContext,
    audience_id: str,
    name: str,
    kind: str,
    profile: dict[str, Any],
    job_id: str | None = None,
) -> Any:
    """Show the notebook labeling widget (registered as ``"labeler"`` by ``rapidata_nb.widgets``)."""
    renderer = _display.get("labeler")
    if renderer is None:
        raise RuntimeError(
            "label() needs the notebook widgets (rapidata_nb.widgets with anywidget installed); "
            f"or open the labeling app in a browser: {ctx.link(f'label/{audience_id}')}"
        )
    return renderer(
        url=ctx.transport.api_url,
        audience_id=audience_id,
        audience_name=name,
        audience_kind=kind,
        job_id=job_id,
        profile={k: v for k, v in profile.items() if v is not None},
    )
