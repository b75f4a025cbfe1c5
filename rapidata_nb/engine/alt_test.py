"""The Alternative Annotator Test: may a judge replace the human annotators? (Calderon, Reichart & Dror, 2025)

Procedure. Keep the items labelled by the judge and by at least ``min_humans`` (2) people. Leave each
annotator ``j`` out in turn. On every item ``i`` that ``j`` labelled, score how well ``j``'s label and the
judge's label represent the *remaining* annotators of ``i`` with an alignment score ``S`` (``accuracy``: the
share of the remaining labels equal to it; ``neg_rmse``: ``−√mean (x − y)²`` over them), and set::

    W_ij^f = 1[S(judge_i) ≥ S(h_ij)]      W_ij^h = 1[S(h_ij) ≥ S(judge_i)]      d_ij = W_ij^h − W_ij^f

The advantage probability of the judge over ``j`` is ``ρ_j = mean_i W_ij^f`` (a tie counts for both). The
hypotheses ``H0_j: ρ_j^h − ρ_j^f ≥ ε`` against ``H1_j: ρ_j^h − ρ_j^f < ε`` are tested with a one-sided
one-sample t-test of ``d_ij`` against ``ε`` (the judge may be up to ``ε`` worse than ``j`` and still win:
the cost margin, 0.2 for experts, 0.15 for skilled annotators, 0.1 for crowd workers). Annotators with fewer
than ``min_items`` (30, for the normal approximation) such items are not tested. The Benjamini–Yekutieli
procedure at ``q`` controls the false discovery rate over the tested annotators under any dependence
(their tests share items). The **winning rate** ``ω`` is the share of tested annotators whose ``H0_j`` is
rejected; the judge **passes** when ``ω ≥ 0.5``. The **advantage probability** ``ρ = mean_j ρ_j`` ranks
judges against each other (higher is better) whether or not they pass.

Degenerate t-tests: when every ``d_ij`` is equal the statistic is ``±∞`` and the p-value 0 (mean below
``ε``) or 1 (otherwise), as scipy computes it; a mean exactly at ``ε`` gives 1 (not rejected).

References: Calderon, Reichart & Dror (2025), "The Alternative Annotator Test for LLM-as-a-Judge: How to
Statistically Justify Replacing Human Annotators with LLMs", ACL; Benjamini & Yekutieli (2001), "The control
of the false discovery rate in multiple testing under dependency", Annals of Statistics 29(4).

Examples:
    >>> benjamini_yekutieli([0.001, 0.02, 0.03, 0.5], q=0.05).tolist()  # thresholds k·0.006
    [True, False, False, False]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ._checks import BoolArray, FloatArray, IntArray, as_count, as_float, as_index

__all__ = ["AltTest", "alt_test", "benjamini_yekutieli"]

Scoring = Literal["accuracy", "neg_rmse"]


def benjamini_yekutieli(p_values: Any, q: float = 0.05) -> BoolArray:
    """Which hypotheses the Benjamini–Yekutieli step-up procedure rejects at FDR level ``q``.

    With ``m`` p-values sorted ascending and ``c(m) = Σ_{k=1}^m 1/k``, reject the ``k*`` smallest, ``k*`` the
    largest ``k`` with ``p_(k) ≤ k q / (m c(m))``.
    """
    p = as_float(p_values, "p_values")
    if not 0.0 < q < 1.0:
        raise ValueError(f"q must lie strictly between 0 and 1, got {q!r}")
    m = p.shape[0]
    out = np.zeros(m, dtype=bool)
    if m == 0:
        return out
    order = np.argsort(p, kind="stable")
    thresholds = np.arange(1, m + 1) / m * q / np.sum(1.0 / np.arange(1, m + 1))
    below = np.flatnonzero(p[order] <= thresholds)
    if below.size:
        out[order[: below[-1] + 1]] = True
    return out


@dataclass(frozen=True)
class AltTest:
    """Result of :func:`alt_test`.

    Attributes:
        annotators: Codes of the tested annotators.
        n_items: Items each tested annotator shares with the judge and another annotator.
        rho_judge: ``ρ_j^f``, the judge's advantage probability over each annotator.
        rho_human: ``ρ_j^h``, the annotator's over the judge.
        p_values: One-sided p-values of ``H0_j``.
        rejected: Whether BY rejects ``H0_j`` (the judge wins against ``j``).
        winning_rate: ``ω`` (NaN when nobody could be tested).
        advantage_probability: ``ρ`` (NaN when nobody could be tested).
        passed: ``ω ≥ 0.5``.
        skipped: Annotators left out for having fewer than ``min_items`` items.
        epsilon: The cost margin used.
        q: The FDR level used.
    """

    annotators: IntArray
    n_items: IntArray
    rho_judge: FloatArray
    rho_human: FloatArray
    p_values: FloatArray
    rejected: BoolArray
    winning_rate: float
    advantage_probability: float
    passed: bool
    skipped: IntArray
    epsilon: float
    q: float


def _scores(
    item: IntArray, label: FloatArray, judge: FloatArray, n_items: int, scoring: Scoring
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per response ``(S(human), S(judge), remaining count)`` against the item's other annotators."""
    m = np.bincount(item, minlength=n_items).astype(np.float64)
    rest = m[item] - 1.0
    j = judge[item]
    if scoring == "accuracy":
        codes = label.astype(np.int64)
        k = int(codes.max()) + 1 if codes.size else 1
        counts = np.zeros((n_items, max(k, int(np.nanmax(judge, initial=0)) + 1)))
        np.add.at(counts, (item, codes), 1.0)
        same_as_j = counts[item, j.astype(np.int64)] - (codes == j)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (counts[item, codes] - 1.0) / rest, same_as_j / rest, rest
    s1 = np.bincount(item, weights=label, minlength=n_items)[item]
    s2 = np.bincount(item, weights=label**2, minlength=n_items)[item]
    own = m[item] * label**2 - 2.0 * label * s1 + s2  # Σ_k (l − y_k)², the own term is 0
    theirs = m[item] * j**2 - 2.0 * j * s1 + s2 - (j - label) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return -np.sqrt(np.maximum(own, 0.0) / rest), -np.sqrt(np.maximum(theirs, 0.0) / rest), rest


def _one_sided_p(mean: FloatArray, sd: FloatArray, n: FloatArray, epsilon: float) -> FloatArray:
    """p-value of ``H0: mean ≥ ε`` against ``H1: mean < ε`` (one-sample t-test, ``ddof = 1``)."""
    from scipy import stats  # here, not at import: scipy.stats takes most of a second to load

    with np.errstate(divide="ignore", invalid="ignore"):
        t = (mean - epsilon) / (sd / np.sqrt(n))
    p = stats.t.cdf(t, df=n - 1.0)
    degenerate = ~(sd > 0)
    p = np.where(degenerate, np.where(mean < epsilon, 0.0, 1.0), p)
    out: FloatArray = p.astype(np.float64)
    return out


def alt_test(
    item: Any,
    annotator: Any,
    label: Any,
    judge: Any,
    *,
    epsilon: float = 0.1,
    q: float = 0.05,
    scoring: Scoring = "accuracy",
    min_items: int = 30,
    min_humans: int = 2,
) -> AltTest:
    """Run the alt-test (module docstring) on flat human annotations and one judge label per item.

    Args:
        item: Item code of each human annotation, in ``[0, n_items)``.
        annotator: Annotator code of each human annotation (each annotator labels an item at most once).
        label: The human label: a category code for ``accuracy``, a number for ``neg_rmse``.
        judge: The judge's label per item, indexed by item code (NaN or ``-1`` for ``accuracy``: none).
        epsilon: Cost margin ``ε`` in [0, 1).
        q: FDR level of the Benjamini–Yekutieli procedure.
        scoring: ``"accuracy"`` (categorical labels) or ``"neg_rmse"`` (numeric labels).
        min_items: Fewest items for an annotator to be tested (the paper asks for 30).
        min_humans: Fewest human labels for an item to be used (at least 2).

    Raises:
        ValueError: On bad codes, an annotator labelling an item twice, or parameters out of range.
    """
    if not 0.0 <= epsilon < 1.0:
        raise ValueError(f"epsilon must lie in [0, 1), got {epsilon!r}")
    if scoring not in ("accuracy", "neg_rmse"):
        raise ValueError(f"scoring must be 'accuracy' or 'neg_rmse', got {scoring!r}")
    it = as_index(item, "item")
    who = as_index(annotator, "annotator", length=it.shape[0])
    y = as_float(label, "label", length=it.shape[0])
    jd = np.asarray(judge, dtype=np.float64).reshape(-1)
    n_items = jd.shape[0]
    if it.size and (it.min() < 0 or it.max() >= n_items):
        raise ValueError(f"item codes must lie in [0, {n_items}) (one judge label per item)")
    if np.any(who < 0):
        raise ValueError("annotator codes must be >= 0")
    min_h = as_count(min_humans, "min_humans", 2)
    min_i = as_count(min_items, "min_items", 1)
    if scoring == "accuracy":
        if np.any(y < 0) or np.any(y != np.floor(y)):
            raise ValueError("accuracy scoring needs category codes >= 0 as labels")
        jd = np.where(jd < 0, np.nan, jd)
    n_annotators = int(who.max()) + 1 if who.size else 0
    if np.unique(it * max(n_annotators, 1) + who).shape[0] != it.shape[0]:
        raise ValueError("an annotator labelled the same item more than once")
    humans = np.bincount(it, minlength=n_items)
    keep = (humans[it] >= min_h) & np.isfinite(jd[it])
    it, who, y = it[keep], who[keep], y[keep]
    s_h, s_f, _ = _scores(it, y, np.nan_to_num(jd), n_items, scoring)
    w_f = (s_f >= s_h).astype(np.float64)
    w_h = (s_h >= s_f).astype(np.float64)
    d = w_h - w_f
    n = np.bincount(who, minlength=n_annotators).astype(np.float64)
    tested = np.flatnonzero(n >= min_i)
    skipped = np.flatnonzero((n > 0) & (n < min_i))
    nt = n[tested]
    rho_f = np.bincount(who, weights=w_f, minlength=n_annotators)[tested] / np.maximum(nt, 1)
    rho_h = np.bincount(who, weights=w_h, minlength=n_annotators)[tested] / np.maximum(nt, 1)
    mean = np.bincount(who, weights=d, minlength=n_annotators)[tested] / np.maximum(nt, 1)
    centred = d - np.bincount(who, weights=d, minlength=n_annotators)[who] / np.maximum(n[who], 1)
    ss = np.bincount(who, weights=centred**2, minlength=n_annotators)[tested]
    sd = np.sqrt(ss / np.maximum(nt - 1.0, 1.0))
    p = _one_sided_p(mean, sd, nt, epsilon)
    rejected = benjamini_yekutieli(p, q) if tested.size else np.zeros(0, dtype=bool)
    omega = float(rejected.mean()) if tested.size else float("nan")
    return AltTest(
        annotators=tested.astype(np.int64),
        n_items=nt.astype(np.int64),
        rho_judge=rho_f,
        rho_human=rho_h,
        p_values=p,
        rejected=rejected,
        winning_rate=omega,
        advantage_probability=float(rho_f.mean()) if tested.size else float("nan"),
        passed=bool(tested.size and omega >= 0.5),
        skipped=skipped.astype(np.int64),
        epsilon=float(epsilon),
        q=float(q),
    )
