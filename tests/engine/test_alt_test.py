"""Tests for rapidata_nb.engine.alt_test: a worked example whose ω and ρ are computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from rapidata_nb.engine.alt_test import alt_test, benjamini_yekutieli


def _worked_example() -> tuple[list[int], list[int], list[int], list[int]]:
    """30 items, 3 annotators labelling all of them, binary labels.

    - 20 items: everyone says 0, the judge says 0;
    - 2 items: everyone says 0, the judge says 1;
    - 8 items: annotator 2 says 1 against 0, 0; the judge says 0.
    """
    labels = [(0, 0, 0)] * 20 + [(0, 0, 0)] * 2 + [(0, 0, 1)] * 8
    judge = [0] * 20 + [1] * 2 + [0] * 8
    item = [i for i in range(30) for _ in range(3)]
    who = [j for _ in range(30) for j in range(3)]
    label = [v for row in labels for v in row]
    return item, who, label, judge


def test_worked_example_by_hand() -> None:
    # Leaving annotator 0 out, the other two are (0, 0) on the first 22 items and (0, 1) on the last 8:
    #   items 1–20: S(h0) = S(judge) = 1                → W^f = W^h = 1, d = 0
    #   items 21–22: S(h0) = 1 > S(judge) = 0           → W^f = 0, W^h = 1, d = 1
    #   items 23–30: S(h0) = S(judge) = 1/2             → W^f = W^h = 1, d = 0
    # so ρ_0 = 28/30 and d has two ones. Annotator 1 is the same. Leaving annotator 2 out, the others are
    # (0, 0) everywhere: items 23–30 give S(h2) = 0 < S(judge) = 1, W^f = 1, W^h = 0, d = −1, so ρ_2 = 28/30
    # and d has two ones and eight minus ones.
    d_01 = np.r_[np.zeros(20), np.ones(2), np.zeros(8)]
    d_2 = np.r_[np.zeros(20), np.ones(2), -np.ones(8)]
    p_01 = stats.ttest_1samp(d_01, 0.1, alternative="less").pvalue  # mean 1/15, just below ε: p = 0.239
    p_2 = stats.ttest_1samp(d_2, 0.1, alternative="less").pvalue  # mean −0.2: p = 0.0029
    assert p_01 == pytest.approx(0.2388, abs=1e-3) and p_2 == pytest.approx(0.0029, abs=1e-4)
    # BY over m = 3 with c(3) = 11/6: thresholds k·0.05/5.5 = 0.00909, 0.0182, 0.0273 → only annotator 2
    result = alt_test(*_worked_example(), epsilon=0.1)
    assert result.annotators.tolist() == [0, 1, 2]
    np.testing.assert_allclose(result.rho_judge, [28 / 30] * 3)
    np.testing.assert_allclose(result.rho_human, [1.0, 1.0, 22 / 30])
    np.testing.assert_allclose(result.p_values, [p_01, p_01, p_2], rtol=1e-10)
    assert result.rejected.tolist() == [False, False, True]
    assert result.winning_rate == pytest.approx(1 / 3)
    assert result.advantage_probability == pytest.approx(14 / 15)
    assert result.passed is False


def test_worked_example_passes_with_the_expert_margin() -> None:
    # ε = 0.2: p = 0.0037 (annotators 0, 1) and 0.0002 (annotator 2), all under their BY thresholds
    result = alt_test(*_worked_example(), epsilon=0.2)
    assert result.rejected.tolist() == [True, True, True]
    assert (result.winning_rate, result.passed) == (1.0, True)


def test_minimum_sizes() -> None:
    item, who, label, judge = _worked_example()
    # 29 items per annotator is below the 30 the t-test needs: nobody is tested
    keep = [k for k, i in enumerate(item) if i < 29]
    result = alt_test([item[k] for k in keep], [who[k] for k in keep], [label[k] for k in keep], judge)
    assert result.annotators.size == 0 and result.skipped.tolist() == [0, 1, 2]
    assert np.isnan(result.winning_rate) and np.isnan(result.advantage_probability) and not result.passed
    # items with a single human label (annotator 3 alone on item 30..) are dropped before counting
    solo = alt_test(item + [30], who + [3], label + [1], judge + [1], min_items=1)
    assert 3 not in solo.annotators.tolist()
    with pytest.raises(ValueError, match="more than once"):
        alt_test([0, 0], [1, 1], [0, 1], [0])
    with pytest.raises(ValueError, match="epsilon"):
        alt_test(item, who, label, judge, epsilon=1.5)


def test_neg_rmse_scoring() -> None:
    # 30 items scored 1–5; two annotators agree exactly, the judge is 1 off on every item: the judge loses
    truth = np.arange(30) % 5 + 1.0
    item = np.repeat(np.arange(30), 2)
    who = np.tile([0, 1], 30)
    result = alt_test(item, who, np.repeat(truth, 2), truth + 1.0, scoring="neg_rmse", epsilon=0.1)
    np.testing.assert_allclose(result.rho_judge, [0.0, 0.0])
    assert result.winning_rate == 0.0


def test_benjamini_yekutieli() -> None:
    assert benjamini_yekutieli([], 0.05).tolist() == []
    # step-up: the 2nd smallest passes its threshold 2·0.05/(3·11/6) = 0.0182, so both smaller ones are kept
    assert benjamini_yekutieli([0.012, 0.015, 0.9]).tolist() == [True, True, False]
