"""Tests for rapidata_nb.engine.matchmaking."""

from __future__ import annotations

import numpy as np
import pytest

from rapidata_nb.engine.matchmaking import PairMaker, all_pairs, next_pairs


def test_all_pairs() -> None:
    assert all_pairs(0) == [] and all_pairs(1) == []
    assert all_pairs(3) == [(0, 1), (0, 2), (1, 2)]
    pairs = all_pairs(10)
    assert len(pairs) == 45 and len(set(pairs)) == 45
    assert all(i < j for i, j in pairs)


def test_next_pairs_is_deterministic_and_valid() -> None:
    scores = np.linspace(0, 3, 25)
    first = next_pairs(scores, np.zeros(25), 40, 0.5, random_state=3)
    assert first == next_pairs(scores, np.zeros(25), 40, 0.5, random_state=3)
    assert len(first) == 40 and all(i != j and 0 <= i < 25 and 0 <= j < 25 for i, j in first)


def test_close_pairs_pair_neighbours_and_spread_over_items() -> None:
    scores = np.arange(20, dtype=float)
    pairs = next_pairs(scores, np.zeros(20), 10, random_ratio=0.0, random_state=0, window=2)
    assert all(abs(i - j) <= 2 for i, j in pairs)
    per_item = np.bincount(np.ravel(pairs), minlength=20)
    assert (per_item >= 1).sum() >= 16 and per_item.max() <= 2  # spread over the under-compared items


def test_under_compared_items_come_first() -> None:
    counts = np.full(6, 10.0)
    counts[4] = 0
    pairs = next_pairs(np.zeros(6), counts, 1, random_ratio=0.0, random_state=0)
    assert 4 in pairs[0]


def test_pair_count_matrix_avoids_repeats() -> None:
    seen = np.zeros((3, 3))
    seen[0, 1] = 5
    pairs = next_pairs([0.0, 0.1, 0.2], seen, 1, random_ratio=0.0, random_state=0, window=2)
    assert pairs[0] in {(2, 0), (2, 1), (0, 2), (1, 2)}


def test_random_share_in_expectation() -> None:
    rng = np.random.default_rng(1)
    scores = np.arange(50, dtype=float)
    far = sum(abs(i - j) > 3 for _ in range(200) for i, j in next_pairs(scores, np.zeros(50), 1, 1.0, rng))
    assert far > 150  # all random: most pairs are far apart
    assert next_pairs(scores, np.zeros(50), 0, 0.5, 0) == []


def test_next_pairs_validation() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        next_pairs([0.0], [0], 1)
    with pytest.raises(ValueError, match="random_ratio"):
        next_pairs([0.0, 1.0], [0, 0], 1, random_ratio=1.5)
    with pytest.raises(ValueError, match="counts"):
        next_pairs([0.0, 1.0], [0, 0, 0], 1)


def test_pair_maker_spends_the_budget() -> None:
    truth = np.linspace(-2, 2, 12)
    rng = np.random.default_rng(0)
    pm = PairMaker(12, budget=50, random_ratio=0.5, random_state=0)
    while pm.remaining:
        pairs = pm.propose(10)
        win = [(i, j) if rng.random() < 1 / (1 + np.exp(truth[j] - truth[i])) else (j, i) for i, j in pairs]
        pm.record([p[0] for p in win], [p[1] for p in win])
    assert pm.remaining == 0 and int(pm.pair_counts.sum()) == 50
    assert pm.propose(5) == []
    assert np.corrcoef(pm.scores, truth)[0, 1] > 0.7
