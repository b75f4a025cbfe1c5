"""Tests for rapidata_nb.engine.agreement (κ, α, raw and decisive agreement, leave-one-out ceiling)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from rapidata_nb.engine.agreement import (
    agreement_stats,
    bootstrap_confusions,
    cohen_kappa,
    confusion_matrix,
    decisive_agreement,
    krippendorff_alpha,
    leave_one_out,
    plurality,
    raw_agreement,
)


def test_kappa_by_hand() -> None:
    # p_o = 35/50 = 0.7; p_e = (25·30 + 25·20) / 50² = 0.5; κ = 0.2 / 0.5
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4, abs=1e-12)
    assert cohen_kappa([[5, 0], [0, 5]]) == 1.0
    assert np.isnan(cohen_kappa([[4, 0], [0, 0]]))  # chance agreement is 1
    assert np.isnan(cohen_kappa(np.zeros((3, 3))))  # empty


def test_kappa_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, 500)
    b = np.where(rng.random(500) < 0.6, a, rng.integers(0, 3, 500))
    assert cohen_kappa(confusion_matrix(a, b, 3)) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_confusion_skips_missing_labels_and_checks_range() -> None:
    assert confusion_matrix([0, -1, 1], [1, 0, -1], 2).tolist() == [[0, 1], [0, 0]]
    assert confusion_matrix([], [], 2).tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        confusion_matrix([2], [0], 2)
    with pytest.raises(ValueError, match="length"):
        confusion_matrix([0, 1], [0], 2)


def test_decisive_agreement_leaves_out_ties() -> None:
    # rows: judge A, B, tie; columns: crowd A, B, tie
    c = [[40, 10, 5], [10, 20, 5], [5, 3, 2]]
    assert raw_agreement(c) == pytest.approx(62 / 100)
    agree, share = decisive_agreement(c, tie=2)
    assert (agree, share) == (pytest.approx(60 / 80), pytest.approx(0.8))
    assert decisive_agreement(c, tie=None) == (pytest.approx(0.62), 1.0)


def test_two_coder_alpha_from_confusion_equals_unit_counts() -> None:
    c = np.array([[20, 5], [10, 15]])
    units = [[1, 1]] * 5 + [[1, 1]] * 10 + [[2, 0]] * 20 + [[0, 2]] * 15
    assert krippendorff_alpha(confusion=c) == pytest.approx(krippendorff_alpha(units), abs=1e-12)
    # by hand: o = C + Cᵀ = [[40, 15], [15, 30]], N_c = (55, 45), N = 100
    assert krippendorff_alpha(confusion=c) == pytest.approx(1 - 99 * 30 / (100**2 - 55**2 - 45**2))
    with pytest.raises(ValueError, match="exactly one"):
        krippendorff_alpha()
    assert np.isnan(krippendorff_alpha(np.zeros((0, 2))))


def test_plurality_marks_ties() -> None:
    assert plurality([[3, 2, 0], [2, 2, 0], [0, 0, 0], [0, 1, 4]], tie=2).tolist() == [0, 2, -1, 2]
    assert plurality([[1, 1], [0, 2]]).tolist() == [-1, 1]
    assert plurality(np.zeros((0, 3))).tolist() == []


def test_leave_one_out_by_hand() -> None:
    # item 0: votes A, A, B; judge A. item 1: votes B, B; judge B. item 2: one vote, no reference.
    counts = [[2, 1, 0], [0, 2, 0], [1, 0, 0]]
    humans, judged, paired = leave_one_out(counts, [0, 1, 0], tie=2)
    k = 3
    human_c = humans.sum(axis=0).reshape(k, k)
    judge_c = judged.sum(axis=0).reshape(k, k)
    # item 0: holding out an A leaves (A, B) → tie (twice); holding out B leaves (A, A) → A
    # item 1: holding out a B leaves (B) → B (twice)
    assert human_c.tolist() == [[0, 0, 2], [1, 2, 0], [0, 0, 0]]
    assert judge_c.tolist() == [[1, 0, 2], [0, 2, 0], [0, 0, 0]]
    np.testing.assert_array_equal(paired, humans)
    assert raw_agreement(human_c) == pytest.approx(2 / 5) and raw_agreement(judge_c) == pytest.approx(3 / 5)


def test_bootstrap_keeps_the_total_and_the_point_inside() -> None:
    cells = np.zeros((50, 4))
    cells[np.arange(50), np.r_[np.zeros(30, int), np.full(10, 3), np.ones(5, int), np.full(5, 2)]] = 1
    reps = bootstrap_confusions(cells, 2, 200, random_state=1)
    assert reps.shape == (200, 2, 2) and np.all(reps.sum(axis=(1, 2)) == 50)
    stats = agreement_stats(cells, 2, n_rounds=500, random_state=1)
    assert stats.agreement == pytest.approx(0.8) and stats.n == 50
    for name in ("agreement", "kappa", "alpha"):
        lo, hi = stats.intervals[name]
        assert lo < getattr(stats, name) < hi
    empty = agreement_stats(np.zeros((0, 4)), 2)
    assert empty.n == 0 and np.isnan(empty.kappa) and np.isnan(empty.intervals["kappa"][0])
