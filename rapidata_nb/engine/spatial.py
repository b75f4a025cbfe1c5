"""Aggregation of spatial answers: clustering locate points and rasterising drawn lines.

Coordinates are ratios of the image size, ``(x, y)`` in [0, 1] with the origin at the top left, so results do
not depend on pixel sizes.

**Locate.** :func:`cluster_points` groups points that agree. It is a greedy leader algorithm: take the
unassigned point with the most unassigned neighbours within ``radius`` (ties: lowest index), make it and those
neighbours a cluster, repeat. Unlike single linkage it cannot chain distant points together through a trail of
close ones, it needs no seed, and the result does not depend on how ties in input order fall beyond the
lowest-index rule, so it is deterministic. Cluster centres are the means of their members; clusters are
numbered by decreasing size. Cost O(N²) with N the points of one datapoint (a few hundred at most).

**Draw.** :func:`coverage_grid` rasterises each labeler's polylines on a ``size × size`` grid with a round
brush of width ``brush`` (ratio units) and returns, per cell, the fraction of labelers whose strokes touch
it. A segment is sampled every third of a cell, and every cell whose centre lies within
``brush/2 + half a cell diagonal`` of a sample is marked, so thin strokes still mark the cells they cross.

Both are exact, non-iterative computations (no convergence to decide).

Reference: the leader algorithm of Hartigan (1975), "Clustering Algorithms", ch. 3, seeded here by the
densest point instead of the first one so the result does not depend on input order.

Examples:
    >>> labels, centres = cluster_points([[0.1, 0.1], [0.12, 0.1], [0.9, 0.9]], radius=0.05)
    >>> labels.tolist(), np.round(centres, 3).tolist()
    ([0, 0, 1], [[0.11, 0.1], [0.9, 0.9]])
    >>> grid = coverage_grid([[[(0.0, 0.5), (1.0, 0.5)]], [[(0.5, 0.0), (0.5, 1.0)]]], size=4)
    >>> grid.tolist()[1]
    [0.5, 1.0, 1.0, 0.5]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._checks import FloatArray, IntArray, as_count

__all__ = ["cluster_points", "coverage_grid"]


def _points(points: Any) -> FloatArray:
    arr = np.asarray(points, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, 2))
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"points must have shape [N, 2], got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("points must be finite")
    return arr


def cluster_points(points: Any, radius: float = 0.05) -> tuple[IntArray, FloatArray]:
    """Group agreeing points (greedy leader clustering, module docstring).

    Args:
        points: ``[N, 2]`` coordinates in ratio units.
        radius: Points within this distance of a cluster's leader join it (ratio units, > 0).

    Returns:
        ``(labels, centres)``: a cluster number per point (0 = largest cluster) and the ``[k, 2]`` mean of
        each cluster.

    Examples:
        >>> cluster_points([], 0.1)[0].tolist()
        []
    """
    pts = _points(points)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius!r}")
    n = pts.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return labels, np.zeros((0, 2))
    diff = pts[:, None, :] - pts[None, :, :]
    close = np.einsum("ijk,ijk->ij", diff, diff) <= radius * radius
    members: list[IntArray] = []
    free = np.ones(n, dtype=bool)
    while free.any():
        degree = (close[:, free].sum(axis=1)) * free
        leader = int(np.argmax(degree))  # argmax returns the lowest index among ties
        group = np.flatnonzero(close[leader] & free)
        members.append(group)
        free[group] = False
    # number clusters by decreasing size (stable: discovery order breaks ties)
    order = sorted(range(len(members)), key=lambda g: -len(members[g]))
    centres = np.empty((len(members), 2))
    for new, old in enumerate(order):
        labels[members[old]] = new
        centres[new] = pts[members[old]].mean(axis=0)
    return labels, centres


def _polylines(entry: Any) -> list[FloatArray]:
    """One labeler's strokes: a list of ``[M, 2]`` arrays (a single ``[M, 2]`` array is one stroke)."""
    if isinstance(entry, np.ndarray) and entry.ndim == 2 and entry.shape[1] == 2:
        return [_points(entry)]
    lines = list(entry)
    if lines and all(np.ndim(p) == 1 and np.size(p) == 2 for p in lines):
        return [_points(lines)]  # a bare list of (x, y) points
    return [_points(line) for line in lines]


def coverage_grid(lines: Sequence[Any], size: int = 32, brush: float = 0.03) -> FloatArray:
    """Fraction of labelers whose strokes cover each cell of a ``size × size`` grid.

    Args:
        lines: One entry per labeler: a list of polylines, each an ``[M, 2]`` array of ratio coordinates (a
            single ``[M, 2]`` array is accepted as one polyline; ``[]`` means the labeler drew nothing).
        size: Cells per side (>= 1).
        brush: Stroke width in ratio units (>= 0).

    Returns:
        ``[size, size]`` array indexed ``[row (y), column (x)]`` with values in [0, 1]; all zeros without
        labelers.

    Examples:
        >>> coverage_grid([], size=2).tolist()
        [[0.0, 0.0], [0.0, 0.0]]
    """
    n_cells = as_count(size, "size", 1)
    if not brush >= 0:
        raise ValueError(f"brush must be >= 0, got {brush!r}")
    total = np.zeros((n_cells, n_cells))
    if len(lines) == 0:
        return total
    cell = 1.0 / n_cells
    centres = (np.arange(n_cells) + 0.5) * cell
    reach = brush / 2.0 + cell * np.sqrt(0.5)
    for entry in lines:
        mask = np.zeros((n_cells, n_cells), dtype=bool)
        for line in _polylines(entry):
            if line.shape[0] == 0:
                continue
            samples = [line[:1]]
            for a, b in zip(line[:-1], line[1:], strict=True):
                steps = max(1, int(np.ceil(np.hypot(*(b - a)) / (cell / 3.0))))
                t = np.linspace(0.0, 1.0, steps + 1)[1:, None]
                samples.append(a + t * (b - a))
            pts = np.concatenate(samples)
            dx = np.abs(pts[:, 0:1] - centres[None, :])  # [P, columns]
            dy = np.abs(pts[:, 1:2] - centres[None, :])  # [P, rows]
            hit = (dy[:, :, None] ** 2 + dx[:, None, :] ** 2) <= reach * reach  # [P, rows, columns]
            mask |= hit.any(axis=0)
        total += mask
    out: FloatArray = total / len(lines)
    return out
