"""Bounded numbers for every wire field that sizes work: votes, budgets, timeouts, intervals, batch sizes.

A number outside its range, ``true``/``false`` where a number belongs, ``NaN`` and infinities are refused
with an ``out_of_range`` error that names the range (the server answers 400 and stores nothing). Without
bounds a vote count of 1e24 stores a job that can never finish, and a one-millisecond signal fires forever.
The ranges are wide enough for any real job; change them here (``docs/team-server.md``, Security).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "BatchSize",
    "Budget",
    "DrainSeconds",
    "IntervalSeconds",
    "MAX_BUDGET",
    "MAX_INTERVAL_SECONDS",
    "MAX_SECONDS",
    "MAX_VOTES",
    "MIN_INTERVAL_SECONDS",
    "Revision",
    "TimeoutSeconds",
    "Votes",
    "bounded",
]

MAX_VOTES = 10_000
"""Responses (votes) per datapoint."""
MAX_BUDGET = 10_000_000
"""Responses of a whole budget (a leaderboard's, an online pair maker's comparisons)."""
MAX_SECONDS = 30 * 86_400
"""Timeouts, time to live and drain durations: thirty days."""
MIN_INTERVAL_SECONDS = 0.2
"""A signal fires at most five times a second."""
MAX_INTERVAL_SECONDS = 366 * 86_400
"""A signal fires at least once a year."""


def _in_range(low: float, high: float, value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, int | float) and not low <= value <= high):
        raise PydanticCustomError(
            "out_of_range",
            "must be a number from {low} to {high}, got {value}",
            {"low": low, "high": high, "value": str(value).lower() if isinstance(value, bool) else value},
        )
    return value


def bounded(low: float, high: float, *, integer: bool = True) -> Any:
    """An ``int`` (or ``float``) field type that accepts ``low`` to ``high`` inclusive and no booleans."""
    kind = int if integer else float
    return Annotated[kind, Field(ge=low, le=high), BeforeValidator(partial(_in_range, low, high))]


Votes = bounded(1, MAX_VOTES)
Budget = bounded(1, MAX_BUDGET)
BatchSize = bounded(1, 10_000)
TimeoutSeconds = bounded(1, MAX_SECONDS)
DrainSeconds = bounded(0, MAX_SECONDS)
IntervalSeconds = bounded(MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS, integer=False)
Revision = bounded(1, 2**31 - 1)
