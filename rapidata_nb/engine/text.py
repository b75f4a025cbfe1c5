"""Extractive shortening of a datapoint's context to the 400-character limit.

A context longer than ``limit`` is cut into sentences (after ``.``, ``!``, ``?`` or ``…`` followed by
white space, and at line breaks). Each sentence is scored by its relevance to the question: the summed
``idf`` of the question's content words it contains (lower-cased, a small stop-word list removed, a light
plural/verb-suffix stemmer), where ``idf = 1 + log((1 + S) / (1 + df))`` over the ``S`` sentences of the
context, divided by ``sqrt(1 + words in the sentence)`` so long sentences do not win by size alone. The first
sentence gets a small bonus (it usually introduces the subject). Sentences are taken greedily by decreasing
score (ties: earlier first) while the selection, joined with single spaces in the original order, stays
within ``limit``. Nothing is ever cut mid-sentence, unless the most relevant sentence is by itself longer
than ``limit`` (or no sentence fits at all): then that sentence is truncated at a word boundary and ends with
``…``. The result is deterministic and at most ``limit`` characters.

The selection is a single deterministic pass (nothing iterates to convergence).

Reference: the scoring is the classic tf-idf sentence extraction of Luhn (1958) and Salton & Buckley (1988),
reduced to what a short question needs.

Examples:
    >>> ctx = "The sky is blue. A man in a red coat stands near the door. Birds fly south."
    >>> shorten_context(ctx, "What colour is the man's coat?", limit=45)
    'A man in a red coat stands near the door.'
    >>> shorten_context("Short.", "anything")
    'Short.'
"""

from __future__ import annotations

import math
import re

__all__ = ["shorten_context", "split_sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"')\]])\s+|\n+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being do does did
    has have had it its this that these those there here what which who whom whose when where why how
    i you he she we they me him her us them my your his our their not no yes can could would should will
    shall may might must than then so such into onto over under about any all each some very just
    also""".split()
)
_FIRST_SENTENCE_BONUS = 0.05


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into stripped, non-empty sentences, in order.

    Examples:
        >>> split_sentences("One. Two!  Three?\\nFour")
        ['One.', 'Two!', 'Three?', 'Four']
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _terms(text: str) -> list[str]:
    words = (w.lower().split("'")[0] for w in _WORD.findall(text))
    return [_stem(w) for w in words if w not in _STOP]


def _truncate(sentence: str, limit: int) -> str:
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:-")
    return (cut + "…")[:limit]


def shorten_context(context: str, question: str, limit: int = 400) -> str:
    """Keep the sentences of ``context`` most relevant to ``question`` within ``limit`` characters.

    Args:
        context: The text to shorten. Returned unchanged when it already fits.
        question: The instruction or question the context is shown with.
        limit: Maximum length of the result (>= 1).

    Returns:
        The selected sentences in their original order, joined by single spaces (at most ``limit`` chars).

    Raises:
        ValueError: If ``limit`` is below 1.

    Examples:
        >>> shorten_context("x" * 10, "q", limit=4)
        'xxx…'
    """
    if isinstance(limit, bool) or int(limit) != limit or limit < 1:
        raise ValueError(f"limit must be an integer >= 1, got {limit!r}")
    if len(context) <= limit:
        return context
    sentences = split_sentences(context)
    if not sentences:
        return _truncate(" ".join(context.split()), limit)
    sent_terms = [_terms(s) for s in sentences]
    n = len(sentences)
    df: dict[str, int] = {}
    for terms in sent_terms:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    query = set(_terms(question))
    scores = []
    for k, terms in enumerate(sent_terms):
        hits = query.intersection(terms)
        relevance = sum(1.0 + math.log((1 + n) / (1 + df[t])) for t in hits)
        score = relevance / math.sqrt(1 + len(terms)) + (_FIRST_SENTENCE_BONUS if k == 0 else 0.0)
        scores.append(score)
    order = sorted(range(n), key=lambda k: (-scores[k], k))
    best = order[0]
    if len(sentences[best]) > limit and scores[best] > _FIRST_SENTENCE_BONUS:
        # the most relevant sentence alone is over the limit: keep its beginning rather than drop it
        return _truncate(sentences[best], limit)
    chosen: list[int] = []
    length = -1  # joining k sentences adds k - 1 spaces
    for k in order:
        extra = len(sentences[k]) + 1
        if length + extra <= limit:
            chosen.append(k)
            length += extra
    if not chosen:
        return _truncate(sentences[order[0]], limit)
    return " ".join(sentences[k] for k in sorted(chosen))
