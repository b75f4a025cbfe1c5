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


# --- information rule (issue 6 follow-up) ---


def test_close_pairs_are_exact_for_a_seed() -> None:
    scores = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    # the evenest pairs first, spread so that every item plays once before any item plays twice
    assert next_pairs(scores, np.zeros((6, 6)), 3, 0.0, random_state=0) == [(2, 3), (0, 1), (4, 5)]
    assert next_pairs(scores, np.zeros((6, 6)), 6, 0.0, random_state=0)[3:] == [(1, 2), (3, 4), (0, 1)]


def test_first_batch_is_a_perfect_matching() -> None:
    for seed in range(5):
        pairs = next_pairs(np.zeros(12), np.zeros((12, 12)), 6, 0.0, random_state=seed)
        assert sorted(np.ravel(pairs).tolist()) == list(range(12))


def test_random_pairs_come_first_and_ignore_scores() -> None:
    scores, counts = np.arange(12.0), np.ones((12, 12))
    all_random = next_pairs(np.zeros(12), np.zeros(12), 10, 1.0, random_state=5)
    assert next_pairs(scores, counts, 10, 1.0, random_state=5) == all_random
    # ratio 0.5 of 10 pairs is exactly 5 random pairs: the same draws as an all-random call, then 5 close ones
    mixed = next_pairs(scores, counts, 10, 0.5, random_state=5)
    assert mixed[:5] == all_random[:5]
    assert all(abs(i - j) == 1 for i, j in mixed[5:])


def test_random_pairs_are_uniform() -> None:
    pairs = next_pairs(np.zeros(12), np.zeros(12), 13_200, 1.0, random_state=0)
    freq = np.zeros((12, 12), dtype=np.int64)
    np.add.at(freq, tuple(np.array(pairs).T), 1)
    off = freq[~np.eye(12, dtype=bool)]
    assert off.sum() == 13_200 and np.trace(freq) == 0
    assert 60 < off.min() and off.max() < 140  # each of the 132 ordered pairs expected 100 times


def test_covariance_update_matches_the_inverse() -> None:
    from rapidata_nb.engine.matchmaking import _add_game, _covariance, _games

    rng = np.random.default_rng(0)
    scores = rng.normal(size=5)
    games = _games(rng.integers(0, 3, (5, 5)), 5)
    cov, w = _covariance(scores, games, 0.5)
    _add_game(cov, w, 1, 3)
    games[1, 3] += 1
    games[3, 1] += 1
    expected, _ = _covariance(scores, games, 0.5)
    np.testing.assert_allclose(cov, expected, rtol=1e-12, atol=1e-12)
    # per-item counts: a diagonal precision, each game worth 1/4
    diag, _ = _covariance(scores, _games([4, 0, 0, 0, 8], 5), 1.0)
    np.testing.assert_allclose(np.diagonal(diag), [0.5, 1, 1, 1, 1 / 3])


def test_window_limits_partners() -> None:
    scores = np.arange(30, dtype=float)
    pairs = next_pairs(scores, np.ones((30, 30)), 20, 0.0, random_state=0, window=1)
    assert all(abs(i - j) == 1 for i, j in pairs)
    big = next_pairs(np.arange(250.0) / 20, np.zeros(250), 40, 0.0, random_state=0)
    assert all(abs(i - j) <= 32 for i, j in big) and len(set(big)) == 40


def test_pair_maker_guides_pairs_with_a_prior_fit() -> None:
    from rapidata_nb.engine import bradley_terry

    pm = PairMaker(8, budget=20, random_ratio=0.25, random_state=np.random.default_rng(3), prior=2.0)
    pm.record([0, 0, 1, 2], [1, 2, 3, 4])
    expected = next_pairs(
        bradley_terry([0, 0, 1, 2], [1, 2, 3, 4], 8, alpha=2.0),
        pm.pair_counts,
        4,
        0.25,
        np.random.default_rng(3),
        prior=2.0,
    )
    assert pm.propose(4) == expected


def test_information_rule_validation() -> None:
    with pytest.raises(ValueError, match="prior"):
        next_pairs([0.0, 1.0], [0, 0], 1, prior=0.0)
    with pytest.raises(ValueError, match="non-negative"):
        next_pairs([0.0, 1.0], [-1, 0], 1)
    with pytest.raises(ValueError, match="window"):
        next_pairs([0.0, 1.0], [0, 0], 1, window=0)
    with pytest.raises(ValueError, match="random_ratio"):
        PairMaker(4, 10, random_ratio=2.0)
