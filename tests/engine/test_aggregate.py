"""Tests for rapidata_nb.engine.aggregate (issue 6: aggregation from flat arrays)."""

from __future__ import annotations

import numpy as np
import pytest

from rapidata_nb.engine.aggregate import (
    aggregate_votes,
    confidence_matrix,
    confidence_state,
    quorum_state,
    ratios,
    vote_counts,
    winners,
)
from rapidata_nb.engine.referee import confidence_per_category


def test_vote_counts_tiny_fixture() -> None:
    counts, summed = vote_counts([0, 0, 0, 2], [1, 1, 0, 0], 3, 2, weights=[0.5, 0.25, 1.0, 0.5])
    assert counts.dtype == np.int64
    assert counts.tolist() == [[1, 2], [0, 0], [1, 0]]
    assert summed.tolist() == [[1.0, 0.75], [0.0, 0.0], [0.5, 0.0]]


def test_vote_counts_without_weights_and_empty() -> None:
    counts, weighted = vote_counts([1], [2], 2, 3)
    assert counts.tolist() == [[0, 0, 0], [0, 0, 1]]
    assert weighted.tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    counts, weighted = vote_counts([], [], 2, 2)
    assert counts.tolist() == [[0, 0], [0, 0]] and weighted.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    counts, weighted = vote_counts([], [], 0, 2)
    assert counts.shape == (0, 2) and weighted.shape == (0, 2)


def test_vote_counts_matches_a_loop() -> None:
    rng = np.random.default_rng(0)
    t, c, w = rng.integers(0, 50, 2000), rng.integers(0, 4, 2000), rng.random(2000)
    counts, summed = vote_counts(t, c, 50, 4, weights=w)
    expect_c, expect_w = np.zeros((50, 4), dtype=int), np.zeros((50, 4))
    for ti, ci, wi in zip(t, c, w, strict=True):
        expect_c[ti, ci] += 1
        expect_w[ti, ci] += wi
    assert (counts == expect_c).all()
    np.testing.assert_allclose(summed, expect_w, rtol=1e-12)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0, 3], [0, 0], 3, 2), "task_idx"),
        (([0, -1], [0, 0], 3, 2), "task_idx"),
        (([0, 1], [0, 2], 3, 2), "choice_idx"),
        (([0, 1], [0], 3, 2), "choice_idx"),
        (([0.5], [0], 3, 2), "task_idx"),
    ],
)
def test_vote_counts_rejects_bad_indices(args: tuple[object, ...], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        vote_counts(*args)  # type: ignore[arg-type]


def test_vote_counts_rejects_bad_weights() -> None:
    with pytest.raises(ValueError, match="weights"):
        vote_counts([0], [0], 1, 2, weights=[np.nan])
    with pytest.raises(ValueError, match="weights"):
        vote_counts([0], [0], 1, 2, weights=[1.0, 2.0])


def test_ratios_and_winners() -> None:
    assert ratios([[1, 3], [0, 0], [2, 2]]).tolist() == [[0.25, 0.75], [0.0, 0.0], [0.5, 0.5]]
    assert winners([[1, 3], [0, 0], [2, 2], [5, 1]]).tolist() == [1, -1, -1, 0]
    assert winners([[0.3, 0.3000001]]).tolist() == [1]
    assert winners(np.zeros((0, 2))).tolist() == []
    with pytest.raises(ValueError, match="2-D"):
        ratios([1, 2])


def test_confidence_matrix_matches_per_task_rule() -> None:
    rng = np.random.default_rng(1)
    t, c, s = rng.integers(0, 20, 300), rng.integers(0, 3, 300), rng.random(300)
    conf = confidence_matrix(t, c, s, 21, 3)  # task 20 has no votes
    for task in range(20):
        sel = t == task
        np.testing.assert_allclose(conf[task], confidence_per_category(c[sel], s[sel], 3), rtol=1e-10)
    np.testing.assert_allclose(conf[20], [1 / 3] * 3)
    assert confidence_matrix([], [], [], 0, 2).shape == (0, 2)


def test_quorum_and_confidence_state() -> None:
    counts = [[7, 0], [4, 4], [5, 2], [6, 4], [0, 0], [6, 3]]
    assert quorum_state(counts, 7, 10).tolist() == [True, True, False, True, False, False]
    conf = [[0.0057, 0.9943], [0.5, 0.5], [0.98, 0.02]]
    assert confidence_state(conf, [4, 10, 3], 0.99, 10).tolist() == [True, True, False]


def test_aggregate_docs_vector() -> None:
    agg = aggregate_votes([0, 0, 0, 0], [1, 1, 1, 1], [0.3, 0.8486, 0.4469, 0.4911], 2, 2)
    assert agg.counts.tolist() == [[0, 4], [0, 0]]
    assert agg.counts_ratios.tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert round(float(agg.summed_scores[0, 1]), 4) == 2.0866  # the docs print 2.0865 (rounding)
    assert agg.summed_scores_ratios.tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert np.round(agg.confidence, 4).tolist() == [[0.0057, 0.9943], [0.5, 0.5]]
    assert agg.winner.tolist() == [1, -1] and agg.weighted_winner.tolist() == [1, -1]
    assert agg.n_votes.tolist() == [4, 0]


def test_aggregate_docs_compare_summed_scores() -> None:
    agg = aggregate_votes([0, 0, 0], [0, 0, 0], [0.4469, 0.3923, 0.3568], 1, 2)
    assert round(float(agg.summed_scores[0, 0]), 4) == 1.196
