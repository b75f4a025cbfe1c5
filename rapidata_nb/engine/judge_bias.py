"""Biases of a pairwise judge: position, order flips, length and self-preference.

Inputs are flat per-verdict codes: the item, the side picked (``0`` = A, ``1`` = B, ``2`` = tie, ``-1`` =
none), the side shown first (``0`` = A, ``1`` = B) and, for the length and self-preference rates, a side of
interest per verdict (the longer answer, the judge's own model; ``-1`` when there is none). The same
functions measure people: pass the crowd's responses and their shown order.

- **Position bias** ``P(first) − P(second)`` among decisive verdicts, on the order actually shown: 0 for an
  order-blind judge, +0.1 for one that picks the first answer 55 % of the time. Zheng et al. (2023) report
  +0.07 for GPT-4 on Chatbot Arena; GPT-3.5 picks the first answer 86 % of the time.
- **Flip rate**: among items judged in both orders, the share whose verdict (in A/B terms) changes when the
  order is swapped. A consistent judge has 0; a judge that always picks the first answer has 1.
- **Preference for a side** ``P(pick = side)`` among decisive verdicts where the side is defined: with the
  longer answer as the side (lengths differing by more than 30 characters), the verbosity bias; with the
  judge's own model, self-preference (Panickssery et al. 2024). Read them next to the crowd's rate on the same
  items: people also prefer longer answers when they are better, so the bias is the judge's excess.

Every rate is a ratio of sums over verdicts, ``Σ num / Σ den``; its interval resamples items (all verdicts
of an item move together, so an item judged in both orders is one unit), as a ``[B, n] @ [n]`` product of
multinomial weights with per-item sums.

References: Zheng et al. (2023), "Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena", NeurIPS;
Wang et al. (2023), "Large Language Models are not Fair Evaluators"; Panickssery, Bowman & Feng (2024),
"LLM Evaluators Recognize and Favor Their Own Generations", NeurIPS.

Examples:
    >>> rate = position_bias([0, 1, 2, 3], [0, 0, 1, 1], [0, 0, 1, 0], n_rounds=0)
    >>> rate.value, rate.n  # 3 of 4 decisive verdicts picked the side shown first
    (0.5, 4)
    >>> flip_rate([0, 0, 1, 1], [0, 1, 1, 1], [0, 1, 0, 1], n_rounds=0).value  # item 0 flips, item 1 holds
    0.5
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checks import FloatArray, IntArray, as_count, as_index

__all__ = ["Rate", "flip_rate", "longer_side", "position_bias", "side_preference"]

A, B, TIE = 0, 1, 2

#: Lengths must differ by more than this many characters for one answer to count as the longer one.
LENGTH_MARGIN = 30


@dataclass(frozen=True)
class Rate:
    """A rate with its item-bootstrap interval.

    Attributes:
        value: The rate (NaN when nothing was counted).
        lower: Lower end of the interval (NaN without bootstrap).
        upper: Upper end.
        n: Verdicts (or items, for the flip rate) in the denominator.
    """

    value: float
    lower: float
    upper: float
    n: int


def _codes(item: Any, pick: Any) -> tuple[IntArray, IntArray, int]:
    it = as_index(item, "item")
    pk = as_index(pick, "pick", length=it.shape[0])
    if np.any(it < 0):
        raise ValueError("item codes must be >= 0")
    if np.any((pk < -1) | (pk > TIE)):
        raise ValueError("pick must be 0 (A), 1 (B), 2 (tie) or -1 (none)")
    return it, pk, int(it.max()) + 1 if it.size else 0


def _side(values: Any, name: str, length: int) -> IntArray:
    side = as_index(values, name, length=length)
    if np.any((side < -1) | (side > B)):
        raise ValueError(f"{name} must be 0 (A), 1 (B) or -1 (none)")
    return side


def _rate(
    item: IntArray,
    num: FloatArray,
    den: FloatArray,
    n_items: int,
    n_rounds: int,
    ci: float,
    random_state: Any,
) -> Rate:
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must lie strictly between 0 and 1, got {ci!r}")
    total = float(den.sum())
    value = float(num.sum()) / total if total > 0 else float("nan")
    lower = upper = float("nan")
    rounds = as_count(n_rounds, "n_rounds")
    if rounds and total > 0:
        per_num = np.bincount(item, weights=num, minlength=n_items)
        per_den = np.bincount(item, weights=den, minlength=n_items)
        rng = np.random.default_rng(random_state)
        weights = rng.multinomial(n_items, np.full(n_items, 1.0 / n_items), size=rounds).astype(np.float64)
        d = weights @ per_den
        reps = np.divide(weights @ per_num, d, out=np.full(rounds, np.nan), where=d > 0)
        q = (1.0 - ci) / 2.0
        lower, upper = (float(v) for v in np.nanquantile(reps, [q, 1.0 - q]))
    return Rate(value=value, lower=lower, upper=upper, n=int(round(total)))


def position_bias(
    item: Any, pick: Any, shown_first: Any, *, n_rounds: int = 1000, ci: float = 0.95, random_state: Any = 0
) -> Rate:
    """``P(first) − P(second)`` among decisive verdicts (module docstring).

    Args:
        item: Item code per verdict.
        pick: Side picked per verdict (0 = A, 1 = B, 2 = tie, -1 = none).
        shown_first: Side shown first per verdict (0 = A, 1 = B).
        n_rounds: Bootstrap replicates (0: no interval).
        ci: Interval coverage.
        random_state: Seed of the bootstrap.
    """
    it, pk, n_items = _codes(item, pick)
    first = _side(shown_first, "shown_first", it.shape[0])
    decisive = (pk == A) | (pk == B)
    if np.any(decisive & (first < 0)):
        raise ValueError("shown_first must be 0 or 1 for every decisive verdict")
    num = np.where(decisive, np.where(pk == first, 1.0, -1.0), 0.0)
    return _rate(it, num, decisive.astype(np.float64), n_items, n_rounds, ci, random_state)


def flip_rate(
    item: Any, pick: Any, shown_first: Any, *, n_rounds: int = 1000, ci: float = 0.95, random_state: Any = 0
) -> Rate:
    """Share of items judged in both orders whose verdict changes with the order (module docstring).

    An item counts when it has a verdict with A shown first and one with B shown first (the first of each is
    used); a change to or from a tie is a flip.
    """
    it, pk, n_items = _codes(item, pick)
    first = _side(shown_first, "shown_first", it.shape[0])
    verdict = np.full((2, n_items), -1, dtype=np.int64)
    answered = pk >= 0
    for order in (A, B):
        rows = np.flatnonzero(answered & (first == order))
        items_seen, first_row = np.unique(it[rows], return_index=True)
        verdict[order, items_seen] = pk[rows[first_row]]
    both = (verdict >= 0).all(axis=0)
    items = np.arange(n_items)
    num = (both & (verdict[0] != verdict[1])).astype(np.float64)
    return _rate(items, num, both.astype(np.float64), n_items, n_rounds, ci, random_state)


def side_preference(
    item: Any, pick: Any, side: Any, *, n_rounds: int = 1000, ci: float = 0.95, random_state: Any = 0
) -> Rate:
    """``P(pick = side)`` among decisive verdicts whose ``side`` is defined (``-1``: not counted).

    With :func:`longer_side` as ``side`` this is the preference for the longer answer; with the side of the
    judge's own model it is self-preference.
    """
    it, pk, n_items = _codes(item, pick)
    s = _side(side, "side", it.shape[0])
    counted = ((pk == A) | (pk == B)) & (s >= 0)
    num = (counted & (pk == s)).astype(np.float64)
    return _rate(it, num, counted.astype(np.float64), n_items, n_rounds, ci, random_state)


def longer_side(length_a: Any, length_b: Any, *, margin: int = LENGTH_MARGIN) -> IntArray:
    """``0`` where A is longer than B by more than ``margin`` characters, ``1`` where B is, else ``-1``.

    Examples:
        >>> longer_side([100, 10, 50], [20, 90, 60]).tolist()
        [0, 1, -1]
    """
    a = np.asarray(length_a, dtype=np.float64)
    b = np.asarray(length_b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"length_a and length_b must be 1-D of one length, got {a.shape} and {b.shape}")
    out = np.full(a.shape[0], -1, dtype=np.int64)
    out[a - b > margin] = A
    out[b - a > margin] = B
    return out
