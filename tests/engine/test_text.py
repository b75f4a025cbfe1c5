"""Tests for rapidata_nb.engine.text."""

from __future__ import annotations

import numpy as np
import pytest

from rapidata_nb.engine.text import shorten_context, split_sentences

STORY = (
    "The scene takes place in a busy train station at dusk. "
    "Commuters hurry past the ticket machines while announcements echo from the ceiling. "
    "The main character, a tall woman, wears a long green raincoat and black rubber boots. "
    "A street musician plays the violin near the entrance, collecting coins in an open case. "
    "Pigeons gather around a bench where someone dropped half a sandwich. "
    "Outside, the rain has just stopped and the pavement shines under the lamps. "
    "Her clothing matches the weather, although her umbrella is still folded."
)


def test_short_context_is_unchanged() -> None:
    assert shorten_context("Just one line.", "Anything?") == "Just one line."
    assert shorten_context("", "q") == ""


def test_keeps_relevant_sentences_in_order() -> None:
    assert len(STORY) > 400
    out = shorten_context(STORY, "Does the main character wear the right clothing?", limit=200)
    assert len(out) <= 200
    assert "green raincoat" in out and "clothing matches" in out
    assert out.index("green raincoat") < out.index("clothing matches")
    assert "Pigeons" not in out
    assert all(s in split_sentences(STORY) for s in split_sentences(out))  # whole sentences only


def test_result_is_deterministic_and_within_limit() -> None:
    rng = np.random.default_rng(0)
    words = "alpha beta gamma delta coat rain train music station woman boots".split()
    for _ in range(50):
        text = " ".join(
            " ".join(rng.choice(words, int(rng.integers(3, 15)))).capitalize() + "." for _ in range(20)
        )
        limit = int(rng.integers(30, 400))
        out = shorten_context(text, "What does the woman wear in the rain?", limit=limit)
        assert len(out) <= limit
        assert out == shorten_context(text, "What does the woman wear in the rain?", limit=limit)


def test_single_long_sentence_is_cut_at_a_word_boundary() -> None:
    sentence = "The woman wears " + "a very long scarf and " * 30 + "boots."
    out = shorten_context(sentence, "What does the woman wear?", limit=100)
    assert len(out) <= 100 and out.endswith("…")
    assert sentence.startswith(out[:-1])
    assert sentence[len(out) - 1] == " "  # the cut fell on a space


def test_default_limit_is_400() -> None:
    long = " ".join(f"Sentence number {k} mentions nothing useful." for k in range(40))
    assert len(shorten_context(long, "question")) <= 400


def test_split_sentences() -> None:
    assert split_sentences('He said "stop." Then left!  Why?\nEnd') == [
        'He said "stop."',
        "Then left!",
        "Why?",
        "End",
    ]
    assert split_sentences("   ") == []


def test_limit_validation() -> None:
    with pytest.raises(ValueError, match="limit"):
        shorten_context("abc", "q", limit=0)
