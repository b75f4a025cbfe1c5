"""Selections: what one labeler session holds (so many labeling tasks, so many validation tasks, ...).

The official SDK 3.27.1 exports these classes but no call of it takes them, so neither does ours: they are
values that validate their arguments as the SDK does and turn into the wire models of
``rapidata_nb.api.models.selection`` (``_to_model()``). Our dispatcher composes sessions itself (DESIGN §6).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from rapidata_nb.api.models import selection as wire
from rapidata_nb.config import logger

__all__ = [
    "CappedSelection",
    "ConditionalValidationSelection",
    "DemographicSelection",
    "EffortSelection",
    "LabelingSelection",
    "RapidataRetrievalMode",
    "RapidataSelection",
    "ShufflingSelection",
    "ValidationSelection",
]


class RapidataRetrievalMode(Enum):
    """In which order a labeler meets the datapoints of a job."""

    Shuffled = "Shuffled"
    """Each labeler sees the datapoints in their own random order (honours ``max_iterations``)."""
    Sequential = "Sequential"
    """Every labeler sees the datapoints in dataset order (honours ``max_iterations``)."""
    Random = "Random"
    """Datapoints are drawn at random, so a labeler may meet one again (ignores ``max_iterations``)."""


class RapidataSelection:
    """Base class of the selections."""

    def _to_model(self) -> wire.Selection:
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"

    __str__ = __repr__


class LabelingSelection(RapidataSelection):
    """``amount`` labeling tasks per session.

    Args:
        amount: Labeling tasks per session.
        retrieval_mode: The order datapoints are met in.
        max_iterations: How often one labeler may answer the same datapoint (Shuffled/Sequential).
        advance_on_view: Count a task as done once it was shown, answered or not (not with ``Random``).
    """

    def __init__(
        self,
        amount: int,
        retrieval_mode: RapidataRetrievalMode = RapidataRetrievalMode.Shuffled,
        max_iterations: int | None = None,
        advance_on_view: bool = False,
    ) -> None:
        if advance_on_view and retrieval_mode == RapidataRetrievalMode.Random:
            raise ValueError('advance_on_view needs the "Shuffled" or "Sequential" retrieval mode')
        self.amount = amount
        self.retrieval_mode = retrieval_mode
        self.max_iterations = max_iterations
        self.advance_on_view = advance_on_view

    def _to_model(self) -> wire.Selection:
        return wire.LabelingSelection(
            amount=self.amount,
            retrieval_mode=self.retrieval_mode.value,
            max_iterations=self.max_iterations,
            advance_on_view=self.advance_on_view,
        )


class ValidationSelection(RapidataSelection):
    """``amount`` tasks of the validation set ``validation_set_id`` per session."""

    def __init__(self, validation_set_id: str, amount: int = 1) -> None:
        self.validation_set_id = validation_set_id
        self.amount = amount

    def _to_model(self) -> wire.Selection:
        return wire.ValidationSelection(validation_set_id=self.validation_set_id, amount=self.amount)


class ConditionalValidationSelection(RapidataSelection):
    """Validation tasks with a chance that depends on the labeler's score.

    Below ``thresholds[i]``, a session gets ``rapid_counts[i]`` validation tasks with probability
    ``chances[i]``.

    Args:
        validation_set_id: The validation set the tasks come from.
        thresholds: User-score thresholds.
        chances: One probability per threshold.
        rapid_counts: One task count per threshold.
        dimension: Deprecated; use ``dimensions``.
        dimensions: The score dimensions the thresholds refer to.
    """

    def __init__(
        self,
        validation_set_id: str,
        thresholds: list[float],
        chances: list[float],
        rapid_counts: list[int],
        dimension: str | None = None,
        dimensions: list[str] | None = None,
    ) -> None:
        if not len(thresholds) == len(chances) == len(rapid_counts):
            raise ValueError("thresholds, chances and rapid_counts must have the same length")
        if dimension:
            logger.warning("ConditionalValidationSelection: dimension is deprecated, use dimensions")
            dimensions = [*(dimensions or []), dimension]
        self.validation_set_id = validation_set_id
        self.thresholds = thresholds
        self.chances = chances
        self.rapid_counts = rapid_counts
        self.dimensions = dimensions

    def _to_model(self) -> wire.Selection:
        return wire.ConditionalValidationSelection(
            validation_set_id=self.validation_set_id,
            validation_chances=[
                wire.ValidationChance(user_score_threshold=t, chance=c, rapid_count=n)
                for t, c, n in zip(self.thresholds, self.chances, self.rapid_counts, strict=True)
            ],
            dimensions=self.dimensions,
        )


class DemographicSelection(RapidataSelection):
    """Up to ``max_rapids`` demographic questions (``keys``, e.g. ``"age"``) per session."""

    def __init__(self, keys: list[str], max_rapids: int) -> None:
        self.keys = keys
        self.max_rapids = max_rapids

    def _to_model(self) -> wire.Selection:
        return wire.DemographicSelection(keys=list(self.keys), max_rapids=self.max_rapids)


class EffortSelection(RapidataSelection):
    """Labeling tasks until their summed effort reaches ``effort_budget``."""

    def __init__(
        self,
        effort_budget: int,
        retrieval_mode: RapidataRetrievalMode = RapidataRetrievalMode.Shuffled,
        max_iterations: int | None = None,
    ) -> None:
        self.effort_budget = effort_budget
        self.retrieval_mode = retrieval_mode
        self.max_iterations = max_iterations

    def _to_model(self) -> wire.Selection:
        return wire.EffortCappedSelection(
            effort_budget=self.effort_budget,
            retrieval_mode=self.retrieval_mode.value,
            max_iterations=self.max_iterations,
        )


class CappedSelection(RapidataSelection):
    """At most ``max_rapids`` tasks out of ``selections``."""

    def __init__(self, selections: Sequence[RapidataSelection], max_rapids: int) -> None:
        self.selections = selections
        self.max_rapids = max_rapids

    def _to_model(self) -> wire.Selection:
        return wire.CappedSelection(
            selections=[s._to_model() for s in self.selections], max_rapids=self.max_rapids
        )


class ShufflingSelection(RapidataSelection):
    """``selections`` in a random order."""

    def __init__(self, selections: Sequence[RapidataSelection]) -> None:
        self.selections = selections

    def _to_model(self) -> wire.Selection:
        return wire.ShufflingSelection(selections=[s._to_model() for s in self.selections])
