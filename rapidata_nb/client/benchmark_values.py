"""Small values of the benchmark (MRI) surface: prompt tags and origins, a sample upload, how matchup votes
are aggregated, and the demographic dimensions of the voters."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["BenchmarkDemographicDimension", "Origin", "SampleUpload", "Tag", "VoteAggregation"]


@dataclass
class Tag:
    """A label on a benchmark prompt, for filtering results (labelers never see it).

    ``category`` groups related tags (``Tag("night", category="scene")``); ``None`` leaves it bare.
    """

    value: str
    category: str | None = None


@dataclass
class Origin:
    """Where a benchmark prompt comes from (a source dataset, say)."""

    source: str


@dataclass(frozen=True)
class SampleUpload:
    """One sample given to a benchmark participant: the media (path, URL or text) and its prompt identifier.

    It is the ``item`` of a ``FailedUpload`` when such a sample could not be uploaded, so it can be re-sent.
    """

    media: str
    identifier: str

    def __str__(self) -> str:
        return f"{self.identifier} ({self.media})"


class VoteAggregation(Enum):
    """How the votes on one matchup (two models, one prompt) become its result."""

    MAJORITY_VOTE = "MajorityVote"
    """One win for the side most votes chose; a tie counts half for each."""
    ALL_VOTES = "AllVotes"
    """Every vote counts as a matchup of its own."""


class BenchmarkDemographicDimension(Enum):
    """A property of the voters that benchmark standings can be broken down by."""

    AGEBUCKET = "AgeBucket"
    GENDER = "Gender"
    OCCUPATION = "Occupation"
    COUNTRY = "Country"
    LANGUAGE = "Language"
