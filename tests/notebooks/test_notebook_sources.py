"""The committed notebooks match their builder and are ready for nbval (outputs stored, clean backend)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import BUILDERS, NOTEBOOKS  # noqa: E402


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_notebook_matches_builder_and_has_outputs(name: str) -> None:
    stored = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    built = BUILDERS[name]()
    sources = [(c.cell_type, c.source) for c in stored.cells]
    assert sources == [(c.cell_type, c.source) for c in built.cells], (
        f"notebooks/{name}.ipynb differs from tests/notebooks/build_notebooks.py; rebuild it with "
        f"`.venv/bin/python tests/notebooks/build_notebooks.py --execute {name}`"
    )
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert "RAPIDATA_NB_HOME" in code[0].source
    assert all(c.execution_count is not None for c in code), f"{name} is not executed"
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    assert "widgets" not in stored.metadata


def test_sanitize_file_exists() -> None:
    assert (NOTEBOOKS / "nbval_sanitize.cfg").read_text().count("regex:") >= 4
