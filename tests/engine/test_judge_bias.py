"""Tests for rapidata_nb.engine.judge_bias (position, flips, length, self-preference)."""

from __future__ import annotations

import numpy as np
import pytest

from rapidata_nb.engine.judge_bias import flip_rate, longer_side, position_bias, side_preference


def test_position_bias_counts_decisive_verdicts_only() -> None:
    # verdicts: picked first, first, second, tie (ignored), none (ignored)
    rate = position_bias([0, 1, 2, 3, 4], [0, 1, 0, 2, -1], [0, 1, 1, 0, 0], n_rounds=0)
    assert (rate.value, rate.n) == (pytest.approx(1 / 3), 3)
    assert np.isnan(rate.lower)
    with pytest.raises(ValueError, match="shown_first"):
        position_bias([0], [0], [-1])


def test_flip_rate_uses_items_judged_in_both_orders() -> None:
    # item 0: A then A (holds); item 1: A then B (flips); item 2: B then tie (flips); item 3: one order only
    item = [0, 0, 1, 1, 2, 2, 3]
    pick = [0, 0, 0, 1, 1, 2, 0]
    first = [0, 1, 0, 1, 0, 1, 0]
    rate = flip_rate(item, pick, first, n_rounds=0)
    assert (rate.value, rate.n) == (pytest.approx(2 / 3), 3)


def test_side_preference_and_longer_side() -> None:
    longer = longer_side([500, 100, 300, 300], [100, 500, 310, 100])
    assert longer.tolist() == [0, 1, -1, 0]
    rate = side_preference([0, 1, 2, 3], [0, 0, 0, 2], longer, n_rounds=0)
    assert (rate.value, rate.n) == (pytest.approx(0.5), 2)  # item 2 has no longer side, item 3 is a tie


def test_bootstrap_interval_resamples_items() -> None:
    rng = np.random.default_rng(0)
    item = np.repeat(np.arange(400), 2)
    pick = rng.integers(0, 2, 800)
    first = np.tile([0, 1], 400)
    rate = position_bias(item, pick, first, n_rounds=400, random_state=2)
    assert rate.lower < rate.value < rate.upper
    assert rate.upper - rate.lower == pytest.approx(2 * 1.96 * 2 * np.sqrt(0.25 / 800), rel=0.25)


def test_empty_input() -> None:
    for fn in (position_bias, flip_rate):
        rate = fn([], [], [])
        assert np.isnan(rate.value) and rate.n == 0
    assert np.isnan(side_preference([], [], []).value)
