"""``rapidata-nb demo`` on a fresh backend: both jobs finish and recover the truth they were given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_prints_results_that_match_the_drawn_shapes(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
    env.update(RAPIDATA_NB_HOME=str(tmp_path / "home"), RAPIDATA_NB_CROWD_PACE="0", HOME=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "rapidata_nb.cli", "demo", "--responses", "7"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    shape_rows = [line.split() for line in out.splitlines() if line.startswith("img")]
    assert len(shape_rows) == 6
    assert all(row[1] == row[2] and row[3] == "7" for row in shape_rows), out
    pair_rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("pair")}
    assert pair_rows["pair0"][3] == "B" and pair_rows["pair1"][3] == "A", out
    assert "Done." in out
