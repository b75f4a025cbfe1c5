"""Stopping rules for one datapoint: confidence, quorum and fixed count (DESIGN §6).

The model behind confidence stopping. A datapoint has ``K`` categories, one of them true. A labeler with
user score ``s`` in (0, 1) votes for the true category with probability ``(1 + (K-1)s)/K`` and for each
wrong one with probability ``(1 - s)/K`` (``s = 0`` is random clicking, ``s = 1`` is always right). Votes
are independent given the truth and the prior over the truth is uniform, so the posterior of category
``c`` is::

    P(c | votes) ∝ Π_i [(1 + (K-1)s_i)/K]^[v_i = c] · [(1 - s_i)/K]^[v_i ≠ c]
                 ∝ exp( Σ_{i: v_i = c} w_i ),   w_i = log((1 + (K-1)s_i) / (1 - s_i))

(the factor ``Π (1 - s_i)/K`` is common to all categories and cancels). Each vote therefore adds a log-odds
weight ``w_i`` to the category it names; the confidence is the softmax of those sums. We work in log space and
clip scores to ``(1e-6, 1 - 1e-6)``, so a score of 1 is very strong but never infinite.

Quorum stopping counts votes: stop when one category has ``threshold`` votes, when the leader can no longer
get there (``max count + votes left < threshold``), or at ``max_votes``. Naive stopping stops at
``total_votes``.

Incremental use: :meth:`EarlyStoppingReferee.tracker` and friends return a :class:`StoppingTracker` that keeps
a running state per task and answers "is this task done?" in O(K) time per response (K is the number of
categories, so O(1) in the number of responses), as the dispatcher needs after every submit.

Reference: the confidence rule is Bayes' rule under the one-coin model of Dawid & Skene (1979), "Maximum
likelihood estimation of observer error-rates using the EM algorithm", with the chance-corrected
parameterisation of DESIGN §6.

Examples:
    >>> import numpy as np
    >>> conf = confidence_per_category([1, 1, 1, 1], [0.3, 0.8486, 0.4469, 0.4911], 2)
    >>> np.round(conf, 4).tolist()
    [0.0057, 0.9943]
    >>> QuorumReferee(threshold=7, max_votes=10).is_done([0] * 4 + [1] * 4, [0.5] * 8, 2)
    True
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ._checks import EPS, FloatArray, as_count, as_float, as_index, clip_scores, weighted_bincount

__all__ = [
    "EarlyStoppingReferee",
    "NaiveReferee",
    "QuorumReferee",
    "Referee",
    "StoppingTracker",
    "confidence_per_category",
    "vote_log_odds",
]


def vote_log_odds(scores: Any, n_categories: int) -> FloatArray:
    """Log-odds weight ``log((1 + (K-1)s) / (1 - s))`` that one vote adds to the category it names.

    Args:
        scores: User scores in [0, 1] (clipped to ``(1e-6, 1 - 1e-6)``).
        n_categories: ``K``, the number of categories (>= 1).

    Returns:
        One weight per score; 0 for ``s = 0`` (a random vote carries no information).

    Examples:
        >>> round(float(vote_log_odds([0.5], 2)[0]), 6)  # log(1.5 / 0.5)
        1.098612
    """
    k = as_count(n_categories, "n_categories", 1)
    out = clip_scores(as_float(scores, "scores"))  # a fresh array we may overwrite
    # One log of a ratio costs half of two log1p, and in-place steps avoid four temporaries (this runs on
    # every response of a job). s is clipped away from 1, so the ratio is finite.
    denominator = 1.0 - out
    out *= k - 1
    out += 1.0
    out /= denominator
    np.log(out, out=out)
    return out


def _softmax_rows(log_w: FloatArray) -> FloatArray:
    shifted = log_w - log_w.max(axis=-1, keepdims=True)
    p = np.exp(shifted)
    out: FloatArray = p / p.sum(axis=-1, keepdims=True)
    return out


def confidence_per_category(choices: Any, scores: Any, n_categories: int) -> FloatArray:
    """Posterior probability of each category given votes and the voters' user scores (DESIGN §6).

    Model: ``P(vote = c | truth = c) = (1 + (K-1)s)/K``, ``P(vote = c | truth ≠ c) = (1 - s)/K``, uniform
    prior, independent votes. Computed in log space; scores clipped to ``(1e-6, 1 - 1e-6)``.

    Args:
        choices: Category index of each vote, in ``[0, n_categories)``.
        scores: User score of the labeler behind each vote (same length).
        n_categories: ``K``.

    Returns:
        ``float64`` array of length ``K`` summing to 1 (uniform when there are no votes).

    Raises:
        ValueError: If the lengths differ or a choice is out of range.

    Examples:
        >>> np.round(confidence_per_category([1, 1, 1, 1], [0.3, 0.8486, 0.4469, 0.4911], 2), 4).tolist()
        [0.0057, 0.9943]
    """
    k = as_count(n_categories, "n_categories", 1)
    c = as_index(choices, "choices", size=k)
    w = vote_log_odds(as_float(scores, "scores", length=c.shape[0]), k)
    return _softmax_rows(weighted_bincount(c, w, k))


class StoppingTracker:
    """Running stopping state for many tasks, updated one response at a time.

    Built by a referee's ``tracker(n_tasks, n_categories)``; :meth:`add` records one vote and returns whether
    the task is now done. Each call costs O(K) (K categories), independent of how many votes came before.

    Attributes:
        counts: ``[n_tasks, K]`` vote counts.
        log_odds: ``[n_tasks, K]`` summed vote weights (confidence referee; zeros otherwise).
        n_votes: Votes per task.
        done: Whether each task has stopped.
    """

    def __init__(self, referee: Referee, n_tasks: int, n_categories: int) -> None:
        self.referee = referee
        self.n_categories = as_count(n_categories, "n_categories", 1)
        n = as_count(n_tasks, "n_tasks", 0)
        self.counts = np.zeros((n, self.n_categories), dtype=np.int64)
        self.log_odds = np.zeros((n, self.n_categories), dtype=np.float64)
        self.n_votes = np.zeros(n, dtype=np.int64)
        self.top_count = np.zeros(n, dtype=np.int64)
        self.done = np.zeros(n, dtype=bool)

    def add(self, task: int, choice: int, score: float = 0.0) -> bool:
        """Record a vote for ``choice`` on ``task`` by a labeler with ``score``; return whether it is done."""
        if not 0 <= choice < self.n_categories:
            raise ValueError(f"choice must lie in [0, {self.n_categories}), got {choice}")
        self.n_votes[task] += 1
        self.counts[task, choice] += 1
        self.top_count[task] = max(self.top_count[task], self.counts[task, choice])
        if isinstance(self.referee, EarlyStoppingReferee):
            s = min(max(float(score), EPS), 1.0 - EPS)
            self.log_odds[task, choice] += np.log1p((self.n_categories - 1) * s) - np.log1p(-s)
        self.done[task] = self.referee._done_from_state(self, task)
        return bool(self.done[task])

    def confidence(self, task: int) -> FloatArray:
        """Current confidence per category of ``task`` (uniform before the first vote)."""
        return _softmax_rows(self.log_odds[task])


class Referee(Protocol):
    """What the dispatcher needs from a stopping rule."""

    @property
    def target(self) -> int:
        """Maximum number of responses per datapoint."""
        ...

    def is_done(self, choices: Any, scores: Any, n_categories: int) -> bool:
        """Whether a datapoint with these votes needs no more responses."""
        ...

    def tracker(self, n_tasks: int, n_categories: int) -> StoppingTracker:
        """A running state for incremental checks."""
        ...

    def _done_from_state(self, state: StoppingTracker, task: int) -> bool: ...


class NaiveReferee:
    """Stop after a fixed number of responses.

    Args:
        total_votes: Responses per datapoint (>= 1).

    Examples:
        >>> NaiveReferee(3).is_done([0, 1], [0.5, 0.5], 2)
        False
    """

    def __init__(self, total_votes: int = 10) -> None:
        self.total_votes = as_count(total_votes, "total_votes", 1)

    @property
    def target(self) -> int:
        """Maximum number of responses per datapoint."""
        return self.total_votes

    def is_done(self, choices: Any, scores: Any = None, n_categories: int = 2) -> bool:
        """Whether ``len(choices) >= total_votes``."""
        return len(np.asarray(choices).reshape(-1)) >= self.total_votes

    def tracker(self, n_tasks: int, n_categories: int) -> StoppingTracker:
        """A running state; :meth:`StoppingTracker.add` returns True from the ``total_votes``-th vote on."""
        return StoppingTracker(self, n_tasks, n_categories)

    def _done_from_state(self, state: StoppingTracker, task: int) -> bool:
        return bool(state.n_votes[task] >= self.total_votes)

    def __repr__(self) -> str:
        return f"NaiveReferee(total_votes={self.total_votes})"


def _quorum_done(top: int, n_votes: int, threshold: int, max_votes: int) -> bool:
    # Reached, impossible (even if every remaining vote went to the leader), or out of votes (DESIGN §6).
    return top >= threshold or top + (max_votes - n_votes) < threshold or n_votes >= max_votes


class QuorumReferee:
    """Stop when ``threshold`` votes agree, when that has become impossible, or at ``max_votes``.

    "Impossible" means ``max count + (max_votes - votes so far) < threshold``: even if every remaining vote
    went to the current leader it could not reach the quorum.

    Args:
        threshold: Agreeing votes needed (>= 1).
        max_votes: Maximum responses per datapoint (>= threshold).

    Examples:
        >>> ref = QuorumReferee(threshold=7, max_votes=10)
        >>> ref.is_done([0] * 7, [0.5] * 7, 2), ref.is_done([0] * 4 + [1] * 3, [0.5] * 7, 2)
        (True, False)
    """

    def __init__(self, threshold: int = 3, max_votes: int = 5) -> None:
        self.threshold = as_count(threshold, "threshold", 1)
        self.max_votes = as_count(max_votes, "max_votes", 1)
        if self.max_votes < self.threshold:
            raise ValueError(f"max_votes ({self.max_votes}) must be >= threshold ({self.threshold})")

    @property
    def target(self) -> int:
        """Maximum number of responses per datapoint."""
        return self.max_votes

    def is_done(self, choices: Any, scores: Any = None, n_categories: int = 2) -> bool:
        """Whether a datapoint with these votes is finished under the quorum rule."""
        k = as_count(n_categories, "n_categories", 1)
        c = as_index(choices, "choices", size=k)
        top = int(np.bincount(c, minlength=k).max()) if c.size else 0
        return _quorum_done(top, int(c.size), self.threshold, self.max_votes)

    def tracker(self, n_tasks: int, n_categories: int) -> StoppingTracker:
        """A running state for O(1) checks per response."""
        return StoppingTracker(self, n_tasks, n_categories)

    def _done_from_state(self, state: StoppingTracker, task: int) -> bool:
        return _quorum_done(
            int(state.top_count[task]), int(state.n_votes[task]), self.threshold, self.max_votes
        )

    def __repr__(self) -> str:
        return f"QuorumReferee(threshold={self.threshold}, max_votes={self.max_votes})"


class EarlyStoppingReferee:
    """Stop when the leading category's confidence reaches ``threshold``, or at ``max_votes``.

    Confidence is :func:`confidence_per_category` (module docstring). The comparison is ``>=``.

    Args:
        threshold: Confidence in (0, 1), e.g. 0.99.
        max_votes: Maximum responses per datapoint (>= 1).

    Examples:
        >>> ref = EarlyStoppingReferee(threshold=0.99, max_votes=50)
        >>> ref.is_done([1, 1, 1, 1], [0.3, 0.8486, 0.4469, 0.4911], 2)
        True
        >>> ref.is_done([1, 1, 1], [0.3, 0.8486, 0.4469], 2)
        False
    """

    def __init__(self, threshold: float = 0.999, max_votes: int = 100) -> None:
        t = float(threshold)
        if not 0.0 < t < 1.0:
            raise ValueError(f"threshold must lie strictly between 0 and 1, got {threshold!r}")
        self.threshold = t
        self.max_votes = as_count(max_votes, "max_votes", 1)

    @property
    def target(self) -> int:
        """Maximum number of responses per datapoint."""
        return self.max_votes

    def is_done(self, choices: Any, scores: Any, n_categories: int) -> bool:
        """Whether the top confidence reaches ``threshold`` or ``max_votes`` votes were given."""
        c = np.asarray(choices).reshape(-1)
        if c.size >= self.max_votes:
            return True
        conf = confidence_per_category(c, scores, n_categories)
        return bool(conf.max() >= self.threshold)

    def tracker(self, n_tasks: int, n_categories: int) -> StoppingTracker:
        """A running state for O(K) checks per response."""
        return StoppingTracker(self, n_tasks, n_categories)

    def _done_from_state(self, state: StoppingTracker, task: int) -> bool:
        if state.n_votes[task] >= self.max_votes:
            return True
        row = state.log_odds[task]
        # Same arithmetic as confidence_per_category: the leader's confidence is 1 / Σ exp(w_c - w_max).
        return bool(1.0 / np.exp(row - row.max()).sum() >= self.threshold)

    def __repr__(self) -> str:
        return f"EarlyStoppingReferee(threshold={self.threshold}, max_votes={self.max_votes})"
