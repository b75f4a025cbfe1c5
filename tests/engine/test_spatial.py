"""Tests for rapidata_nb.engine.spatial."""

from __future__ import annotations

import numpy as np
import pytest

from rapidata_nb.engine.spatial import cluster_points, coverage_grid


def test_cluster_points_groups_agreeing_points() -> None:
    pts = [[0.1, 0.1], [0.12, 0.1], [0.9, 0.9], [0.11, 0.12], [0.88, 0.9], [0.5, 0.5]]
    labels, centres = cluster_points(pts, radius=0.05)
    assert labels.tolist() == [0, 0, 1, 0, 1, 2]
    np.testing.assert_allclose(centres, [[0.11, 0.1066666667], [0.89, 0.9], [0.5, 0.5]], atol=1e-9)


def test_cluster_points_does_not_chain() -> None:
    # five points 0.04 apart on a line: single linkage would make one cluster of width 0.16
    pts = [[0.1 + 0.04 * k, 0.5] for k in range(5)]
    labels, centres = cluster_points(pts, radius=0.05)
    assert labels.tolist() == [0, 0, 0, 1, 1]
    np.testing.assert_allclose(centres, [[0.14, 0.5], [0.24, 0.5]])


def test_cluster_points_empty_single_and_validation() -> None:
    labels, centres = cluster_points([], 0.1)
    assert labels.tolist() == [] and centres.shape == (0, 2)
    labels, centres = cluster_points([[0.3, 0.4]], 0.1)
    assert labels.tolist() == [0] and centres.tolist() == [[0.3, 0.4]]
    with pytest.raises(ValueError, match="radius"):
        cluster_points([[0.0, 0.0]], 0)
    with pytest.raises(ValueError, match="points"):
        cluster_points([[0.0, 0.0, 0.0]], 0.1)


def test_coverage_grid_crossing_lines() -> None:
    horizontal = [[(0.0, 0.5), (1.0, 0.5)]]
    vertical = [[(0.5, 0.0), (0.5, 1.0)]]
    grid = coverage_grid([horizontal, vertical], size=4)
    assert grid.tolist() == [
        [0.0, 0.5, 0.5, 0.0],
        [0.5, 1.0, 1.0, 0.5],
        [0.5, 1.0, 1.0, 0.5],
        [0.0, 0.5, 0.5, 0.0],
    ]


def test_coverage_grid_counts_each_labeler_once_and_accepts_shapes() -> None:
    same_twice = [[(0.1, 0.1), (0.9, 0.1)], [(0.1, 0.1), (0.9, 0.1)]]
    grid = coverage_grid([same_twice, []], size=8, brush=0.0)
    assert grid.max() == 0.5 and grid[0].tolist() == [0.5] * 8
    single = coverage_grid([np.array([(0.1, 0.1), (0.9, 0.1)])], size=8, brush=0.0)
    assert single[0].tolist() == [1.0] * 8
    bare = coverage_grid([[(0.1, 0.1), (0.9, 0.1)]], size=8, brush=0.0)  # one stroke as a list of points
    assert bare.tolist() == single.tolist()
    dot = coverage_grid([[[(0.51, 0.51)]]], size=2, brush=0.0)
    assert dot.sum() == 1.0  # a single tap marks the cell it falls in


def test_coverage_grid_empty_and_validation() -> None:
    assert coverage_grid([], size=3).tolist() == [[0.0] * 3] * 3
    assert coverage_grid([[]], size=2).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(ValueError, match="size"):
        coverage_grid([], size=0)
    with pytest.raises(ValueError, match="brush"):
        coverage_grid([], brush=-1)
