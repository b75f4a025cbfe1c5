"""``Box``: a rectangle in ratios of the image size (0..1), used by locate and draw examples."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator

from rapidata_nb.api.models.audience import BoxShape

__all__ = ["Box", "boxes_coverage"]


class Box(BaseModel):
    """A rectangle in ratios of the image size; on the wire it is sent in percent.

    Args:
        x_min: Left edge, 0..1.
        y_min: Top edge, 0..1.
        x_max: Right edge, 0..1, greater than ``x_min``.
        y_max: Bottom edge, 0..1, greater than ``y_min``.
    """

    x_min: float
    y_min: float
    x_max: float
    y_max: float

    def __init__(self, x_min: float, y_min: float, x_max: float, y_max: float) -> None:
        super().__init__(x_min=x_min, y_min=y_min, x_max=x_max, y_max=y_max)

    @model_validator(mode="after")
    def _check(self) -> Box:
        for name in ("x_min", "y_min", "x_max", "y_max"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(
                    f"Box {name}={value} is outside 0..1: coordinates are ratios of the image size "
                    "(use 0.1 for 10%)."
                )
        if self.x_min >= self.x_max:
            raise ValueError(f"Box x_min ({self.x_min}) must be less than x_max ({self.x_max}).")
        if self.y_min >= self.y_max:
            raise ValueError(f"Box y_min ({self.y_min}) must be less than y_max ({self.y_max}).")
        return self

    def _to_wire(self) -> dict[str, Any]:
        return self.to_model().wire()

    def to_model(self) -> BoxShape:
        """The box as the wire sends it: percent of the image (a validation task's truth box)."""
        return BoxShape(
            x_min=self.x_min * 100, y_min=self.y_min * 100, x_max=self.x_max * 100, y_max=self.y_max * 100
        )

    def to_example_model(self) -> BoxShape:
        """The box in a qualification example's truth (the same percent shape)."""
        return self.to_model()

    @property
    def area(self) -> float:
        """Area as a fraction of the image."""
        return (self.x_max - self.x_min) * (self.y_max - self.y_min)


def boxes_coverage(boxes: list[Box]) -> float:
    """The fraction of the image covered by the union of ``boxes`` (overlaps counted once)."""
    if not boxes:
        return 0.0
    xs = sorted({b.x_min for b in boxes} | {b.x_max for b in boxes})
    total = 0.0
    for left, right in zip(xs, xs[1:], strict=False):
        spans = sorted((b.y_min, b.y_max) for b in boxes if b.x_min <= left and b.x_max >= right)
        covered, end = 0.0, -1.0
        for lo, hi in spans:
            if hi <= end:
                continue
            covered += hi - max(lo, end)
            end = hi
        total += covered * (right - left)
    return total
