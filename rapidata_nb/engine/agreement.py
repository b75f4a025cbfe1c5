"""Agreement between a judge and a crowd: raw agreement, Cohen's κ, Krippendorff's α, the human ceiling.

Every statistic here is a function of a *confusion matrix* ``C`` (rows: the judge's label, columns: the
reference label, ``K`` categories), so the kernels first count, once, how each item contributes to ``C``
and never look at the items again. With ``n = Σ C``:

- raw agreement ``p_o = tr(C) / n``;
- decisive agreement: the same on the sub-matrix without the ``tie`` category (items where both sides name a
  winner), reported with its share of items ``Σ C[¬tie, ¬tie] / n``;
- Cohen's κ ``= (p_o − p_e) / (1 − p_e)`` with chance agreement ``p_e = Σ_c r_c k_c / n²`` from the row and
  column totals (Cohen 1960);
- Krippendorff's α (nominal) ``= 1 − (N − 1) Σ_{c≠k} o_ck / Σ_{c≠k} N_c N_k`` over the coincidence matrix
  ``o`` of pairable values, ``N_c = Σ_k o_ck``, ``N = Σ_c N_c`` (Krippendorff 2011). For two coders per unit
  ``o = C + Cᵀ``; :func:`krippendorff_alpha` takes any number of coders per unit.

**The reference label** of an item is the crowd's plurality (:func:`plurality`); for compare tasks a tied
top counts as a ``tie``, the category a judge uses when it names no winner.

**The human ceiling** (leave-one-out). A judge cannot agree with people more than people agree with each
other. For every human vote ``v`` on item ``i`` the reference is the plurality of the *other* votes on
``i``; pairing ``v`` with it gives the humans' confusion matrix, and pairing the judge's label of ``i`` with
the same reference gives the judge's, on exactly the same (item, held-out vote) pairs
(:func:`leave_one_out`). Items with a single vote have no reference and are left out of both.

**Intervals** resample items with replacement (Efron & Tibshirani 1993): a replicate reweights each item's
contribution to ``C`` by its multinomial count, so ``B`` replicates are one ``[B, n] @ [n, K²]`` product
(:func:`bootstrap_confusions`), after which every statistic is evaluated on all replicates at once. When
each item contributes to one cell only, resampling items is a multinomial draw over the ``K²`` cells.

References: Cohen (1960), "A coefficient of agreement for nominal scales", Educational and Psychological
Measurement 20; Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"; Zheng et al. (2023),
"Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena" (agreement with and without ties).

Examples:
    >>> c = confusion_matrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 2], 3)
    >>> c.tolist()
    [[1, 1, 0], [0, 2, 0], [0, 0, 1]]
    >>> round(cohen_kappa(c), 4), round(raw_agreement(c), 2)
    (0.6875, 0.8)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checks import FloatArray, IntArray, as_count, as_index

__all__ = [
    "AgreementStats",
    "agreement_stats",
    "bootstrap_confusions",
    "cohen_kappa",
    "confusion_matrix",
    "decisive_agreement",
    "krippendorff_alpha",
    "leave_one_out",
    "plurality",
    "raw_agreement",
]


def confusion_matrix(judge: Any, reference: Any, n_categories: int) -> IntArray:
    """``C[a, b]`` = number of items the judge labelled ``a`` and the reference ``b``.

    Args:
        judge: The judge's label code per item, in ``[0, n_categories)``; ``-1`` marks a missing label.
        reference: The reference label code per item (same length); ``-1`` marks a missing label.
        n_categories: ``K``.

    Returns:
        A ``K × K`` integer matrix; items missing either label are not counted.
    """
    k = as_count(n_categories, "n_categories", 1)
    a = as_index(judge, "judge")
    b = as_index(reference, "reference", length=a.shape[0])
    keep = (a >= 0) & (b >= 0)
    if np.any(a[keep] >= k) or np.any(b[keep] >= k):
        raise ValueError(f"labels must lie in [0, {k}) (or be -1 for missing)")
    return np.bincount(a[keep] * k + b[keep], minlength=k * k).reshape(k, k).astype(np.int64)


def _stack(confusion: Any) -> FloatArray:
    c = np.asarray(confusion, dtype=np.float64)
    if c.ndim < 2 or c.shape[-1] != c.shape[-2]:
        raise ValueError(f"a confusion matrix must be square, got shape {c.shape}")
    return c


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    out: FloatArray = np.divide(num, den, out=np.full(np.shape(num), np.nan), where=den > 0)
    return out


def _out(values: Any) -> Any:
    """A float for one matrix, an array for a stack."""
    arr = np.asarray(values, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def raw_agreement(confusion: Any) -> Any:
    """``tr(C) / Σ C`` (NaN when empty); works on a stack ``[..., K, K]`` of matrices."""
    c = _stack(confusion)
    return _out(_ratio(np.trace(c, axis1=-2, axis2=-1), c.sum(axis=(-2, -1))))


def decisive_agreement(confusion: Any, tie: int | None) -> tuple[Any, Any]:
    """Agreement on items where both sides name a winner, and the share of items that is.

    Args:
        confusion: ``[..., K, K]`` confusion matrices.
        tie: The code of the ``tie`` category, or ``None`` (every item is decisive).

    Returns:
        ``(agreement, share)``.
    """
    c = _stack(confusion)
    if tie is None:
        return raw_agreement(c), _out(np.where(c.sum(axis=(-2, -1)) > 0, 1.0, np.nan))
    keep = np.arange(c.shape[-1]) != tie
    sub = c[..., keep, :][..., :, keep]
    share = _ratio(sub.sum(axis=(-2, -1)), c.sum(axis=(-2, -1)))
    return raw_agreement(sub), _out(share)


def cohen_kappa(confusion: Any) -> Any:
    """Cohen's κ of a confusion matrix (or a stack of them); NaN when chance agreement is 1 or ``C`` is
    empty.

    Examples:
        >>> round(cohen_kappa([[20, 5], [10, 15]]), 4)
        0.4
    """
    c = _stack(confusion)
    n = c.sum(axis=(-2, -1))
    p_o = _ratio(np.trace(c, axis1=-2, axis2=-1), n)
    p_e = _ratio((c.sum(axis=-1) * c.sum(axis=-2)).sum(axis=-1), n**2)
    return _out(_ratio(p_o - p_e, 1.0 - p_e))


def _alpha_from_coincidence(o: FloatArray) -> Any:
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    observed = o.sum(axis=(-2, -1)) - np.trace(o, axis1=-2, axis2=-1)
    expected = n**2 - (n_c**2).sum(axis=-1)
    return _out(1.0 - _ratio((n - 1.0) * observed, expected))


def krippendorff_alpha(counts: Any = None, *, confusion: Any = None) -> Any:
    """Krippendorff's α for nominal data (module docstring).

    Give either ``counts``, a ``[units, K]`` matrix of how many coders gave each value to each unit (units
    with fewer than two values are not pairable and are skipped), or ``confusion``, two coders' confusion
    matrix (or a stack), whose coincidence matrix is ``C + Cᵀ``.

    Returns:
        α (1 = perfect agreement, 0 = chance), NaN when nothing is pairable or no value varies.

    Examples:
        >>> # Krippendorff (2011), nominal example: 12 units, values 1..5 as columns, missing values left out
        >>> units = [[3, 0, 0, 0, 0], [0, 3, 1, 0, 0], [0, 0, 4, 0, 0], [0, 0, 4, 0, 0], [0, 4, 0, 0, 0],
        ...          [1, 1, 1, 1, 0], [0, 0, 0, 4, 0], [3, 1, 0, 0, 0], [0, 4, 0, 0, 0], [0, 0, 0, 0, 3],
        ...          [2, 0, 0, 0, 0], [0, 0, 1, 0, 0]]
        >>> round(krippendorff_alpha(units), 3)
        0.743
    """
    if (counts is None) == (confusion is None):
        raise ValueError("give exactly one of counts= or confusion=")
    if confusion is not None:
        c = _stack(confusion)
        return _alpha_from_coincidence(c + np.swapaxes(c, -1, -2))
    m = np.asarray(counts, dtype=np.float64)
    if m.ndim != 2:
        raise ValueError(f"counts must be a [units, categories] matrix, got shape {m.shape}")
    per_unit = m.sum(axis=1)
    m, per_unit = m[per_unit >= 2], per_unit[per_unit >= 2]
    if m.shape[0] == 0:
        return float("nan")
    weight = 1.0 / (per_unit - 1.0)
    o = np.einsum("u,uc,uk->ck", weight, m, m) - np.diag((m * weight[:, None]).sum(axis=0))
    return float(_alpha_from_coincidence(o))


def plurality(counts: Any, *, tie: int | None = None) -> IntArray:
    """The most voted category per row of a ``[items, K]`` count matrix.

    Args:
        counts: Vote counts per item and category.
        tie: Code to return when several categories share the top count (compare tasks: the ``tie``
            category); ``None`` returns ``-1`` there. Rows without votes are ``-1``.

    Examples:
        >>> plurality([[3, 2, 0], [2, 2, 0], [0, 0, 0]], tie=2).tolist()
        [0, 2, -1]
    """
    m = np.asarray(counts, dtype=np.float64)
    if m.ndim != 2:
        raise ValueError(f"counts must be a [items, categories] matrix, got shape {m.shape}")
    if m.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    top = m.max(axis=1)
    tied = (m == top[:, None]).sum(axis=1) > 1
    out = m.argmax(axis=1).astype(np.int64)
    out[tied] = -1 if tie is None else tie
    out[top <= 0] = -1
    return out


def leave_one_out(
    counts: Any, judge: Any, *, tie: int | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-item contributions to the humans' and the judge's leave-one-out confusion matrices.

    For item ``i`` with ``counts[i, c]`` human votes for ``c``, each vote for ``c`` is held out in turn; the
    reference is the plurality of the remaining votes (:func:`plurality` with ``tie``). The humans' cell is
    ``(c, reference)``, the judge's ``(judge[i], reference)``, each weighted by ``counts[i, c]``.

    Args:
        counts: ``[items, K]`` human vote counts.
        judge: The judge's label code per item (``-1``: none; the item then only counts for the humans).
        tie: The ``tie`` category code, or ``None``.

    Returns:
        ``(humans, judge, paired)``: ``[items, K²]`` flattened confusion contributions of the humans, of the
        judge, and of the humans restricted to items the judge labelled (the like-for-like ceiling).
    """
    m = np.asarray(counts, dtype=np.float64)
    if m.ndim != 2:
        raise ValueError(f"counts must be a [items, categories] matrix, got shape {m.shape}")
    n, k = m.shape
    j = as_index(judge, "judge", length=n)
    if np.any(j >= k):
        raise ValueError(f"judge labels must lie in [0, {k}) (or be -1 for missing)")
    humans = np.zeros((n, k * k))
    judged = np.zeros((n, k * k))
    rows = np.arange(n)
    for held in range(k):
        present = m[:, held] > 0
        rest = m.copy()
        rest[:, held] -= 1.0
        ref = plurality(rest, tie=tie)
        ok = present & (ref >= 0)
        weight = np.where(ok, m[:, held], 0.0)
        np.add.at(humans, (rows[ok], held * k + ref[ok]), weight[ok])
        has_judge = ok & (j >= 0)
        np.add.at(judged, (rows[has_judge], j[has_judge] * k + ref[has_judge]), weight[has_judge])
    paired = np.where((j >= 0)[:, None], humans, 0.0)
    return humans, judged, paired


def bootstrap_confusions(
    contributions: Any, n_categories: int, n_rounds: int = 1000, random_state: Any = None
) -> FloatArray:
    """Confusion matrices of ``n_rounds`` item-bootstrap replicates, shape ``[n_rounds, K, K]``.

    Args:
        contributions: ``[items, K²]``: each item's flattened contribution to ``C`` (one 1 per item for
            item-level labels; several cells for :func:`leave_one_out`).
        n_categories: ``K``.
        n_rounds: Replicates.
        random_state: Seed or ``numpy.random.Generator``.
    """
    x = np.asarray(contributions, dtype=np.float64)
    k = as_count(n_categories, "n_categories", 1)
    if x.ndim != 2 or x.shape[1] != k * k:
        raise ValueError(f"contributions must have shape [items, {k * k}], got {x.shape}")
    rounds = as_count(n_rounds, "n_rounds", 1)
    rng = np.random.default_rng(random_state)
    n = x.shape[0]
    if n == 0:
        return np.zeros((rounds, k, k))
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=rounds).astype(np.float64)
    out: FloatArray = (weights @ x).reshape(rounds, k, k)
    return out


@dataclass(frozen=True)
class AgreementStats:
    """Agreement statistics of one confusion matrix, with percentile bootstrap intervals.

    Attributes:
        n: Items (or pairs) counted.
        agreement: Raw agreement, ties included.
        decisive_agreement: Agreement where both sides name a winner.
        decisive_share: Share of ``n`` that is decisive.
        kappa: Cohen's κ.
        alpha: Krippendorff's α (two coders).
        intervals: ``{statistic: (lower, upper)}`` for the four statistics above.
    """

    n: float
    agreement: float
    decisive_agreement: float
    decisive_share: float
    kappa: float
    alpha: float
    intervals: dict[str, tuple[float, float]]


def _quantiles(values: FloatArray, ci: float) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("nan"), float("nan")
    q = (1.0 - ci) / 2.0
    lo, hi = np.quantile(finite, [q, 1.0 - q])
    return float(lo), float(hi)


def agreement_stats(
    contributions: Any,
    n_categories: int,
    *,
    tie: int | None = None,
    n_rounds: int = 1000,
    ci: float = 0.95,
    random_state: Any = None,
) -> AgreementStats:
    """All statistics of the module docstring for one comparison, with item-bootstrap intervals.

    Args:
        contributions: ``[items, K²]`` per-item confusion contributions (e.g. one-hot of ``judge · K + ref``,
            or a :func:`leave_one_out` output).
        n_categories: ``K``.
        tie: The ``tie`` category, or ``None``.
        n_rounds: Bootstrap replicates (0: no intervals, NaN bounds).
        ci: Interval coverage.
        random_state: Seed of the bootstrap.
    """
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must lie strictly between 0 and 1, got {ci!r}")
    x = np.asarray(contributions, dtype=np.float64)
    k = as_count(n_categories, "n_categories", 1)
    point = x.sum(axis=0).reshape(k, k) if x.size else np.zeros((k, k))
    agree_d, share = decisive_agreement(point, tie)
    names = ("agreement", "decisive_agreement", "kappa", "alpha")
    intervals = {name: (float("nan"), float("nan")) for name in names}
    if n_rounds > 0 and x.shape[0] > 0:
        reps = bootstrap_confusions(x, k, n_rounds, random_state)
        values = {
            "agreement": raw_agreement(reps),
            "decisive_agreement": decisive_agreement(reps, tie)[0],
            "kappa": cohen_kappa(reps),
            "alpha": krippendorff_alpha(confusion=reps),
        }
        intervals = {name: _quantiles(np.asarray(values[name], dtype=np.float64), ci) for name in names}
    return AgreementStats(
        n=float(point.sum()),
        agreement=float(raw_agreement(point)),
        decisive_agreement=float(agree_d),
        decisive_share=float(share),
        kappa=float(cohen_kappa(point)),
        alpha=float(krippendorff_alpha(confusion=point)),
        intervals=intervals,
    )
