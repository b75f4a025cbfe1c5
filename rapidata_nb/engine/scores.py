"""Labeler skill: user scores from qualification answers, and a quality model over job responses.

**User score** (DESIGN §6). On a question with chance level ``r`` (1/2 for compare, ``|truth|/|options|`` for
classify, ...) a labeler with skill ``s`` in (0, 1) answers correctly with probability ``r + (1 - r)s``, so a
wrong answer has probability ``(1 - r)(1 - s)``. With a ``Beta(a, b)`` prior on ``s`` the posterior is::

    p(s | answers) ∝ s^(a-1) (1-s)^(b-1 + n_wrong) · Π_{correct i} (r_i + (1 - r_i) s)

and the user score is its mean. The default prior is ``Beta(2, 2)``: mean 0.5, weak (worth two answers),
and zero density at the ends, so nobody gets a score of exactly 0 or 1 from a few answers. The integral is
computed by Gauss–Legendre quadrature on (0, 1) in log space (512 nodes). For integer ``a, b`` the
integrand is a polynomial, so the result is exact up to rounding while fewer than ~1,000 answers are
involved, and extremely accurate beyond that. A labeler with no answers gets the prior mean.

**Quality model** (issue 6). One-coin Dawid–Skene over job responses with the same chance-corrected
parameterisation: labeler ``j`` picks the true category with probability ``q_j = 1/K + (1 - 1/K)s_j`` and each
wrong one with probability ``(1 - s_j)/K``. EM alternates

* E-step: ``P(task t is c) ∝ π_c · exp(Σ_{votes v on t for c} log((1 + (K-1)s_j) / (1 - s_j)))``
  (the confidence rule of :mod:`.referee` plus a class prior ``π``);
* M-step: ``q_j = (E_j + m q0) / (n_j + m)`` where ``E_j`` is the expected number of correct votes of ``j``,
  ``n_j`` its number of votes and ``m`` pseudo-votes at the prior skill ``s0`` (``q0 = 1/K + (1-1/K)s0``);
  ``s_j = (q_j - 1/K) / (1 - 1/K)`` clipped to ``(1e-6, 1 - 1e-6)`` (worse-than-chance labelers count as
  random); ``π`` is the mean posterior.

It starts from majority-vote posteriors and stops when no skill moves by more than ``tol`` (or after
``n_iter`` iterations). The log-likelihood never decreases (EM), so it converges to a local optimum; starting
from majority vote picks the sensible one. Every step is a ``np.bincount``, so 1M labels take well under a
second.

References: Dawid & Skene (1979), "Maximum likelihood estimation of observer error-rates using the EM
algorithm", Applied Statistics 28(1); the one-coin variant as in crowd-kit's ``OneCoinDawidSkene``.

Examples:
    >>> round(user_score([True, True, False], [0.5, 0.5, 0.5]), 4)
    0.4571
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from ._checks import (
    EPS,
    BoolArray,
    FloatArray,
    IntArray,
    as_count,
    as_float,
    as_index,
    weighted_bincount,
)

__all__ = [
    "OneCoinDawidSkene",
    "QualityFit",
    "one_coin_dawid_skene",
    "user_score",
    "user_scores",
]

_N_NODES = 512


@lru_cache(maxsize=4)
def _nodes(n: int) -> tuple[FloatArray, FloatArray]:
    # scipy's Newton iteration on the asymptotic roots: several times faster than numpy's eigenvalue route,
    # which made every server start pay for a 512×512 eigendecomposition.
    from scipy.special import roots_legendre

    x, w = roots_legendre(n)
    return (x + 1.0) / 2.0, w / 2.0


def _check_prior(prior: tuple[float, float]) -> tuple[float, float]:
    a, b = (float(v) for v in prior)
    if not (a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"prior must be two positive numbers (a, b), got {prior!r}")
    return a, b


def _as_bool(values: Any, name: str) -> BoolArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if arr.size and arr.dtype.kind not in "biu":
        raise ValueError(f"{name} must be booleans, got dtype {arr.dtype}")
    if arr.size and arr.dtype.kind in "iu" and not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} must be booleans (0/1)")
    out: BoolArray = arr.astype(bool)
    return out


def _chance(values: Any, length: int) -> FloatArray:
    r = as_float(values, "chance", length=length)
    if r.size and (r.min() < 0.0 or r.max() > 1.0):
        raise ValueError("chance must lie in [0, 1]")
    return r


def user_scores(
    labeler_idx: Any,
    correct: Any,
    chance: Any,
    n_labelers: int,
    prior: tuple[float, float] = (2.0, 2.0),
) -> FloatArray:
    """Posterior-mean user score for many labelers at once.

    Args:
        labeler_idx: Labeler of each qualification answer, in ``[0, n_labelers)``.
        correct: Whether each answer was correct.
        chance: Chance level ``r`` of each question, in [0, 1]. Answers with ``r = 1`` carry no information
            and are ignored.
        n_labelers: Number of labelers (those without answers get the prior mean).
        prior: ``(a, b)`` of the Beta prior on ``s``.

    Returns:
        ``float64`` array of length ``n_labelers``.

    Examples:
        >>> np.round(user_scores([0, 0, 1], [True, True, False], [0.5, 0.5, 0.5], 3), 4).tolist()
        [0.5652, 0.4, 0.5]
    """
    a, b = _check_prior(prior)
    n = as_count(n_labelers, "n_labelers")
    lab = as_index(labeler_idx, "labeler_idx", size=n)
    ok = _as_bool(correct, "correct")
    if ok.shape[0] != lab.shape[0]:
        raise ValueError(f"correct has length {ok.shape[0]}, expected {lab.shape[0]}")
    r = _chance(chance, lab.shape[0])
    keep = r < 1.0
    lab, ok, r = lab[keep], ok[keep], r[keep]
    x, w = _nodes(_N_NODES)
    log_x, log_1mx = np.log(x), np.log1p(-x)
    # log posterior (unnormalised) at every node, one row per labeler
    n_wrong = np.bincount(lab[~ok], minlength=n).astype(np.float64)
    logp = np.outer(n_wrong + (b - 1.0), log_1mx) + (a - 1.0) * log_x
    if ok.any():
        levels, level_idx = np.unique(r[ok], return_inverse=True)
        per_level = np.bincount(lab[ok] * levels.size + level_idx, minlength=n * levels.size)
        per_level = per_level.reshape(n, levels.size).astype(np.float64)
        log_f = np.log(levels[:, None] + (1.0 - levels[:, None]) * x[None, :])
        logp += per_level @ log_f
    logp -= logp.max(axis=1, keepdims=True)
    dens = np.exp(logp) * w
    out: FloatArray = (dens @ x) / dens.sum(axis=1)
    return out


def user_score(correct: Any, chance: Any, prior: tuple[float, float] = (2.0, 2.0)) -> float:
    """Posterior mean of the skill ``s`` of one labeler given qualification answers (DESIGN §6).

    ``P(correct) = r + (1 - r)s`` with a ``Beta(a, b)`` prior (default ``(2, 2)``); see the module docstring.

    Args:
        correct: Whether each answer was correct.
        chance: Chance level ``r`` of each question (a scalar applies to all answers).
        prior: ``(a, b)`` of the Beta prior.

    Returns:
        The user score in (0, 1); the prior mean ``a / (a + b)`` without answers.

    Examples:
        >>> user_score([], [])
        0.5
        >>> round(user_score([True] * 10, 0.5), 4)
        0.7457
    """
    ok = _as_bool(correct, "correct")
    r = np.broadcast_to(np.asarray(chance, dtype=np.float64), ok.shape)
    return float(user_scores(np.zeros(ok.shape[0], dtype=np.int64), ok, r, 1, prior)[0])


@dataclass(frozen=True)
class QualityFit:
    """Result of :func:`one_coin_dawid_skene`.

    Attributes:
        skills: Chance-corrected skill ``s_j`` per labeler (usable as a user score / vote weight).
        posteriors: ``[n_tasks, K]`` probability of each category per task.
        labels: Most probable category per task (``-1`` for tasks without votes).
        class_prior: Estimated ``π``.
        n_iter: EM iterations run.
        converged: Whether the skills moved less than ``tol`` in the last iteration.
    """

    skills: FloatArray
    posteriors: FloatArray
    labels: IntArray
    class_prior: FloatArray
    n_iter: int
    converged: bool


def _e_step(key: IntArray, vote_w: FloatArray, log_prior: FloatArray, n_tasks: int, k: int) -> FloatArray:
    logp = weighted_bincount(key, vote_w, n_tasks * k).reshape(n_tasks, k)
    logp += log_prior
    logp -= logp.max(axis=1, keepdims=True)
    p = np.exp(logp)
    p /= p.sum(axis=1, keepdims=True)
    return p


def one_coin_dawid_skene(
    task_idx: Any,
    labeler_idx: Any,
    choice_idx: Any,
    n_tasks: int,
    n_labelers: int,
    n_choices: int,
    *,
    n_iter: int = 100,
    tol: float = 1e-5,
    prior_skill: float = 0.5,
    prior_votes: float = 2.0,
    fit_class_prior: bool = True,
) -> QualityFit:
    """Fit the chance-corrected one-coin Dawid–Skene model by EM (module docstring).

    Args:
        task_idx: Task of each response, in ``[0, n_tasks)``.
        labeler_idx: Labeler of each response, in ``[0, n_labelers)``.
        choice_idx: Category of each response, in ``[0, n_choices)``.
        n_tasks: Number of tasks.
        n_labelers: Number of labelers.
        n_choices: ``K`` (>= 2).
        n_iter: Maximum EM iterations.
        tol: Stop when ``max |Δs_j| < tol``.
        prior_skill: Skill ``s0`` the pseudo-votes are placed at.
        prior_votes: Number of pseudo-votes ``m`` per labeler (0 gives the plain MLE).
        fit_class_prior: Estimate ``π``; otherwise it stays uniform (the §6 confidence rule).

    Returns:
        A :class:`QualityFit`.

    Examples:
        >>> fit = one_coin_dawid_skene([0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2], [1, 1, 0, 0, 0, 1], 2, 3, 2)
        >>> fit.labels.tolist()
        [1, 0]
    """
    n_t = as_count(n_tasks, "n_tasks")
    n_l = as_count(n_labelers, "n_labelers")
    k = as_count(n_choices, "n_choices", 2)
    t = as_index(task_idx, "task_idx", size=n_t)
    lab = as_index(labeler_idx, "labeler_idx", size=n_l, length=t.shape[0])
    c = as_index(choice_idx, "choice_idx", size=k, length=t.shape[0])
    if not 0.0 <= prior_skill <= 1.0 or prior_votes < 0:
        raise ValueError("prior_skill must lie in [0, 1] and prior_votes must be >= 0")
    key = t * k + c
    n_votes = np.bincount(lab, minlength=n_l).astype(np.float64)
    q0 = 1.0 / k + (1.0 - 1.0 / k) * prior_skill
    # start from majority-vote posteriors
    counts = np.bincount(key, minlength=n_t * k).reshape(n_t, k).astype(np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    post = np.full((n_t, k), 1.0 / k)
    np.divide(counts, totals, out=post, where=totals > 0)
    has_votes = totals[:, 0] > 0
    log_prior = np.zeros(k)
    skills = np.full(n_l, prior_skill)
    converged = False
    it = 0
    for step in range(1, as_count(n_iter, "n_iter", 1) + 1):
        it = step
        expected = weighted_bincount(lab, post.ravel()[key], n_l)
        q = (expected + prior_votes * q0) / np.maximum(n_votes + prior_votes, EPS)
        new_skills = np.clip((q - 1.0 / k) / (1.0 - 1.0 / k), EPS, 1.0 - EPS)
        if fit_class_prior and has_votes.any():
            pi = post[has_votes].mean(axis=0) + EPS
            log_prior = np.log(pi / pi.sum())
        w_lab = np.log1p((k - 1) * new_skills) - np.log1p(-new_skills)
        post = _e_step(key, w_lab[lab], log_prior, n_t, k)
        delta = float(np.abs(new_skills - skills).max()) if n_l else 0.0
        skills = new_skills
        if delta < tol:
            converged = True
            break
    labels = np.where(has_votes, post.argmax(axis=1), -1).astype(np.int64) if n_t else np.zeros(0, np.int64)
    return QualityFit(
        skills=skills,
        posteriors=post,
        labels=labels,
        class_prior=np.exp(log_prior) / np.exp(log_prior).sum(),
        n_iter=it,
        converged=converged,
    )


class OneCoinDawidSkene:
    """Estimator wrapper of :func:`one_coin_dawid_skene` over a tidy frame (crowd-kit column names).

    Args:
        n_iter: Maximum EM iterations.
        tol: Convergence tolerance on the skills.

    Attributes:
        skills_: ``pandas.Series`` of skills indexed by worker.
        probas_: ``pandas.DataFrame`` of posteriors (tasks × labels).
        labels_: ``pandas.Series`` with the most probable label per task.

    Examples:
        >>> import pandas as pd
        >>> df = pd.DataFrame(
        ...     {"task": ["a", "a", "a"], "worker": ["x", "y", "z"], "label": ["dog", "dog", "cat"]}
        ... )
        >>> OneCoinDawidSkene().fit_predict(df).to_dict()
        {'a': 'dog'}
    """

    def __init__(self, n_iter: int = 100, tol: float = 1e-5) -> None:
        self.n_iter = n_iter
        self.tol = tol

    def fit(self, data: Any) -> OneCoinDawidSkene:
        """Fit on a frame with columns ``task``, ``worker``, ``label``; returns ``self``."""
        import pandas as pd

        missing = {"task", "worker", "label"} - set(data.columns)
        if missing:
            raise ValueError(f"data is missing columns: {sorted(missing)}")
        tasks, t = np.unique(data["task"].to_numpy(), return_inverse=True)
        workers, w = np.unique(data["worker"].to_numpy(), return_inverse=True)
        labels, c = np.unique(data["label"].to_numpy(), return_inverse=True)
        fit = one_coin_dawid_skene(
            t, w, c, len(tasks), len(workers), max(len(labels), 2), n_iter=self.n_iter, tol=self.tol
        )
        names: npt.NDArray[Any] = np.asarray(labels)
        self.skills_ = pd.Series(fit.skills, index=pd.Index(workers, name="worker"), name="skill")
        self.probas_ = pd.DataFrame(
            fit.posteriors[:, : len(labels)], index=pd.Index(tasks, name="task"), columns=names
        )
        self.labels_ = pd.Series(names[fit.labels], index=pd.Index(tasks, name="task"), name="agg_label")
        self.fit_ = fit
        return self

    def fit_predict(self, data: Any) -> Any:
        """Fit and return ``labels_``."""
        return self.fit(data).labels_
