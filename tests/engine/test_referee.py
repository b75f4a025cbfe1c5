"""Tests for rapidata_nb.engine.referee (DESIGN §6 stopping rules)."""

from __future__ import annotations

import numpy as np
import pytest

from rapidata_nb.engine.referee import (
    EarlyStoppingReferee,
    NaiveReferee,
    QuorumReferee,
    confidence_per_category,
    vote_log_odds,
)

DOCS_SCORES = [0.3, 0.8486, 0.4469, 0.4911]  # the four "Dog" votes of the SDK docs
CAT, DOG = 0, 1


def test_docs_vector_four_dog_votes() -> None:
    conf = confidence_per_category([DOG] * 4, DOCS_SCORES, 2)
    s = np.array(DOCS_SCORES)
    dog, cat = np.prod((1 + s) / 2), np.prod((1 - s) / 2)
    np.testing.assert_allclose(conf, [cat / (dog + cat), dog / (dog + cat)], rtol=1e-12)
    assert np.round(conf, 4).tolist() == [0.0057, 0.9943]


def test_three_categories_closed_form() -> None:
    conf = confidence_per_category([0, 0, 2], [0.5, 0.2, 0.9], 3)
    like = np.array(
        [
            (2.0 / 3) * (1.4 / 3) * (0.1 / 3),  # truth 0: votes 1, 2 right, vote 3 wrong
            (0.5 / 3) * (0.8 / 3) * (0.1 / 3),  # truth 1: all wrong
            (0.5 / 3) * (0.8 / 3) * (2.8 / 3),  # truth 2: vote 3 right
        ]
    )
    np.testing.assert_allclose(conf, like / like.sum(), rtol=1e-12)


def test_no_votes_is_uniform() -> None:
    assert confidence_per_category([], [], 2).tolist() == [0.5, 0.5]
    np.testing.assert_allclose(confidence_per_category([], [], 3), [1 / 3] * 3)


def test_zero_score_carries_no_information_and_one_is_finite() -> None:
    np.testing.assert_allclose(confidence_per_category([0, 0], [0.0, 0.0], 2), [0.5, 0.5], atol=1e-6)
    conf = confidence_per_category([0, 1], [1.0, 0.5], 2)
    assert np.all(np.isfinite(conf)) and conf[0] > 0.999


def test_vote_log_odds_values() -> None:
    np.testing.assert_allclose(vote_log_odds([0.5, 0.3], 2), [np.log(3.0), np.log(1.3 / 0.7)])
    np.testing.assert_allclose(vote_log_odds([0.5], 4), [np.log(2.5 / 0.5)])


def test_confidence_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="choices"):
        confidence_per_category([2], [0.5], 2)
    with pytest.raises(ValueError, match="scores"):
        confidence_per_category([0, 1], [0.5], 2)


def test_early_stopping_docs_example_stops_at_fourth_vote() -> None:
    ref = EarlyStoppingReferee(threshold=0.99, max_votes=50)
    assert not ref.is_done([DOG] * 3, DOCS_SCORES[:3], 2)
    assert ref.is_done([DOG] * 4, DOCS_SCORES, 2)
    tracker = ref.tracker(1, 2)
    assert [tracker.add(0, DOG, s) for s in DOCS_SCORES] == [False, False, False, True]
    np.testing.assert_allclose(tracker.confidence(0), confidence_per_category([DOG] * 4, DOCS_SCORES, 2))


def test_early_stopping_max_votes_and_validation() -> None:
    ref = EarlyStoppingReferee(threshold=0.999, max_votes=3)
    assert ref.target == 3
    assert ref.is_done([0, 1, 0], [0.1, 0.1, 0.1], 2)
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="threshold"):
            EarlyStoppingReferee(threshold=bad)


def test_quorum_seven_of_ten() -> None:
    ref = QuorumReferee(threshold=7, max_votes=10)
    assert ref.target == 10
    assert not ref.is_done([DOG] * 6, [0.5] * 6, 2)
    assert ref.is_done([DOG] * 7, [0.5] * 7, 2)  # quorum reached
    assert not ref.is_done([DOG] * 4 + [CAT] * 3, [0.5] * 7, 2)  # 4 + 3 left = 7 still possible
    assert ref.is_done([DOG] * 4 + [CAT] * 4, [0.5] * 8, 2)  # 4 + 2 left < 7: impossible
    assert not ref.is_done([DOG] * 6 + [CAT] * 3, [0.5] * 9, 2)
    assert ref.is_done([DOG] * 6 + [CAT] * 4, [0.5] * 10, 2)  # max votes


def test_quorum_tracker_alternating_votes_stop_at_eighth() -> None:
    tracker = QuorumReferee(threshold=7, max_votes=10).tracker(2, 2)
    done = [tracker.add(0, k % 2) for k in range(8)]
    assert done == [False] * 7 + [True]
    assert tracker.n_votes.tolist() == [8, 0] and tracker.done.tolist() == [True, False]


def test_quorum_validation() -> None:
    with pytest.raises(ValueError, match="max_votes"):
        QuorumReferee(threshold=5, max_votes=3)


def test_naive_referee() -> None:
    ref = NaiveReferee(3)
    assert ref.target == 3
    assert not ref.is_done([0, 1], [0.5, 0.5], 2)
    assert ref.is_done([0, 1, 1], [0.5] * 3, 2)
    tracker = ref.tracker(1, 2)
    assert [tracker.add(0, 0) for _ in range(3)] == [False, False, True]


@pytest.mark.parametrize(
    "referee",
    [EarlyStoppingReferee(0.99, 10), QuorumReferee(4, 7), NaiveReferee(5)],
    ids=["confidence", "quorum", "naive"],
)
def test_tracker_agrees_with_batch_check(referee: object) -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        k = int(rng.integers(2, 5))
        choices = rng.integers(0, k, 10)
        scores = rng.uniform(0.0, 1.0, 10)
        tracker = referee.tracker(1, k)  # type: ignore[attr-defined]
        for n in range(1, 11):
            incremental = tracker.add(0, int(choices[n - 1]), float(scores[n - 1]))
            assert incremental == referee.is_done(choices[:n], scores[:n], k)  # type: ignore[attr-defined]


def test_tracker_rejects_out_of_range_choice() -> None:
    tracker = NaiveReferee(2).tracker(1, 2)
    with pytest.raises(ValueError, match="choice"):
        tracker.add(0, 2)
