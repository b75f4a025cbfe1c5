"""Tests for rapidata_nb.engine.scores (user scores and the one-coin quality model)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from rapidata_nb.engine.scores import OneCoinDawidSkene, one_coin_dawid_skene, user_score, user_scores


def test_user_score_exact_posterior_means() -> None:
    # Beta(2,2) prior, r = 1/2: posterior ∝ s(1-s)(1+s)^2 → mean 13/23
    assert user_score([True, True], 0.5) == pytest.approx(float(Fraction(13, 23)), abs=1e-13)
    # one wrong answer more: ∝ s(1-s)^2(1+s)^2 → mean 48/105
    assert user_score([True, True, False], [0.5] * 3) == pytest.approx(48 / 105, abs=1e-13)
    # r = 0, n correct: ∝ s^(n+1)(1-s) → mean (n+2)/(n+4)
    assert user_score([True] * 10, 0.0) == pytest.approx(12 / 14, abs=1e-13)
    # uniform prior, one correct answer at r = 0: ∝ s → 2/3
    assert user_score([True], 0.0, prior=(1, 1)) == pytest.approx(2 / 3, abs=1e-13)


def test_user_score_many_answers_stays_exact() -> None:
    assert user_score([True] * 2000, 0.0) == pytest.approx(2002 / 2004, abs=1e-10)
    assert user_score([False] * 500, 0.25) == pytest.approx(2 / 504, abs=1e-10)


def test_user_score_without_information() -> None:
    assert user_score([], []) == 0.5
    assert user_score([], [], prior=(3, 1)) == pytest.approx(0.75)
    assert user_score([True, True], 1.0) == pytest.approx(0.5)  # r = 1 answers are ignored


def test_user_score_is_chance_corrected() -> None:
    easy = user_score([True] * 8 + [False] * 2, 0.5)
    hard = user_score([True] * 8 + [False] * 2, 0.1)
    assert hard > easy  # the same accuracy is worth more on a harder question


def test_user_scores_batch_matches_single() -> None:
    rng = np.random.default_rng(0)
    lab = rng.integers(0, 6, 80)
    ok = rng.random(80) < 0.7
    r = rng.choice([0.5, 0.25, 1 / 3], 80)
    batch = user_scores(lab, ok, r, 7)
    for j in range(6):
        assert batch[j] == pytest.approx(user_score(ok[lab == j], r[lab == j]), abs=1e-12)
    assert batch[6] == 0.5


def test_user_scores_validation() -> None:
    with pytest.raises(ValueError, match="labeler_idx"):
        user_scores([3], [True], [0.5], 2)
    with pytest.raises(ValueError, match="chance"):
        user_scores([0], [True], [1.5], 1)
    with pytest.raises(ValueError, match="correct"):
        user_scores([0, 0], [True], [0.5, 0.5], 1)
    with pytest.raises(ValueError, match="prior"):
        user_score([True], 0.5, prior=(0, 1))


def _crowd(seed: int, n_tasks: int = 400, n_labelers: int = 40, per_task: int = 5, k: int = 3):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n_tasks)
    skill = rng.uniform(0.05, 0.95, n_labelers)
    t = np.repeat(np.arange(n_tasks), per_task)
    lab = np.concatenate([rng.choice(n_labelers, per_task, replace=False) for _ in range(n_tasks)])
    right = rng.random(t.size) < 1 / k + (1 - 1 / k) * skill[lab]
    wrong = (truth[t] + rng.integers(1, k, t.size)) % k
    return truth, skill, t, lab, np.where(right, truth[t], wrong)


def test_one_coin_recovers_skills_and_beats_majority() -> None:
    truth, skill, t, lab, c = _crowd(0)
    fit = one_coin_dawid_skene(t, lab, c, 400, 40, 3)
    assert fit.converged and fit.n_iter < 100
    assert np.corrcoef(fit.skills, skill)[0, 1] > 0.9
    counts = np.zeros((400, 3))
    np.add.at(counts, (t, c), 1)
    assert (fit.labels == truth).mean() >= (counts.argmax(1) == truth).mean()
    np.testing.assert_allclose(fit.posteriors.sum(axis=1), 1.0)
    assert fit.class_prior.sum() == pytest.approx(1.0)


def test_one_coin_tiny_and_empty() -> None:
    fit = one_coin_dawid_skene([0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2], [1, 1, 0, 0, 0, 1], 3, 3, 2)
    assert fit.labels.tolist() == [1, 0, -1]
    np.testing.assert_allclose(fit.posteriors[2], fit.class_prior)
    empty = one_coin_dawid_skene([], [], [], 2, 3, 2)
    assert empty.labels.tolist() == [-1, -1] and empty.skills.tolist() == [0.5] * 3


def test_one_coin_uniform_prior_equals_confidence_rule() -> None:
    from rapidata_nb.engine.aggregate import confidence_matrix

    truth, _, t, lab, c = _crowd(1, k=2)
    fit = one_coin_dawid_skene(t, lab, c, 400, 40, 2, fit_class_prior=False)
    np.testing.assert_allclose(
        fit.posteriors, confidence_matrix(t, c, fit.skills[lab], 400, 2), rtol=1e-6, atol=1e-9
    )


def test_one_coin_estimator_on_frame() -> None:
    df = pd.DataFrame(
        {
            "task": ["a", "a", "a", "b", "b", "b"],
            "worker": ["x", "y", "z", "x", "y", "z"],
            "label": ["dog", "dog", "cat", "cat", "cat", "dog"],
        }
    )
    est = OneCoinDawidSkene()
    assert est.fit_predict(df).to_dict() == {"a": "dog", "b": "cat"}
    assert list(est.skills_.index) == ["x", "y", "z"]
    assert est.skills_["x"] > est.skills_["z"]
    assert list(est.probas_.columns) == ["cat", "dog"]
    with pytest.raises(ValueError, match="worker"):
        est.fit(df.drop(columns="worker"))
