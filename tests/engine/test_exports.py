"""The engine's public surface: ``__all__`` is complete and every docstring example runs."""

from __future__ import annotations

import doctest
import importlib

import pytest

import rapidata_nb.engine as engine

MODULES = [
    "active",
    "aggregate",
    "agreement",
    "alt_test",
    "budget",
    "judge_bias",
    "leaderboards",
    "matchmaking",
    "ppi",
    "ranking",
    "referee",
    "scores",
    "spatial",
    "text",
]


def test_engine_reexports_every_module_name() -> None:
    names: set[str] = set()
    for name in MODULES:
        module = importlib.import_module(f"rapidata_nb.engine.{name}")
        names.update(module.__all__)
    assert set(engine.__all__) == names
    assert len(engine.__all__) == len(names)
    for name in engine.__all__:
        assert getattr(engine, name) is not None


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"rapidata_nb.engine.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
