"""The query filters of the MRI standings, matrix and demographics routes, in both spellings.

The official SDK sends each filter as ``name[in]=a&name[in]=b``; our client sends ``name=a&name=b``. Both
mean the same; a filter that is absent is no filter, while one given empty keeps nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.programs.mri import Voters

__all__ = [
    "LeaderboardIdsDep",
    "ParticipantIdsDep",
    "TagsDep",
    "VotersDep",
    "WeightedScoring",
    "in_values",
    "refuse_weighted_scoring",
]

WeightedScoring = Annotated[bool | None, Query(alias="useWeightedScoring")]


def in_values(request: Request, name: str) -> list[str] | None:
    """The values of ``name[in]`` and ``name`` (``None`` when neither was sent)."""
    params = request.query_params
    if f"{name}[in]" not in params and name not in params:
        return None
    return params.getlist(f"{name}[in]") + params.getlist(name)


def get_voters(request: Request) -> Voters:
    """Which votes count: the demographic filters and the run."""
    runs = in_values(request, "run_id")
    return Voters(
        country=in_values(request, "country"),
        language=in_values(request, "language"),
        gender=in_values(request, "gender"),
        age_bucket=in_values(request, "age_bucket"),
        occupation=in_values(request, "occupation"),
        run_id=runs[0] if runs else None,
    )


def get_tags(request: Request) -> list[str] | None:
    """Only matchups on prompts with one of these tags."""
    return in_values(request, "tags")


def get_leaderboard_ids(request: Request) -> list[str] | None:
    """Only matchups of these leaderboards (of a benchmark)."""
    return in_values(request, "leaderboard_id")


def get_participant_ids(request: Request) -> list[str] | None:
    """Only these participants (rows and columns of a matrix)."""
    return in_values(request, "participant_id")


VotersDep = Annotated[Voters, Depends(get_voters)]
TagsDep = Annotated[list[str] | None, Depends(get_tags)]
LeaderboardIdsDep = Annotated[list[str] | None, Depends(get_leaderboard_ids)]
ParticipantIdsDep = Annotated[list[str] | None, Depends(get_participant_ids)]


def refuse_weighted_scoring(use_weighted_scoring: bool | None) -> None:
    """Matrices count plain wins here; a request for reliability-weighted cells is refused, not ignored."""
    if use_weighted_scoring:
        raise BadRequestError("useWeightedScoring: this server counts plain wins; leave it unset or false")
