"""The Python example of ``docs/agents.md`` runs as written (embedded backend, temporary home)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mcp")

PAGE = Path(__file__).resolve().parents[2] / "docs" / "agents.md"


def test_the_agents_page_example_runs(tmp_path: Path) -> None:
    (block,) = re.findall(r"^```python\n(.*?)^```", PAGE.read_text(), flags=re.DOTALL | re.MULTILINE)
    (tmp_path / "agent.py").write_text(block)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA")}
    env.update(HOME=str(tmp_path), RAPIDATA_NB_HOME=str(tmp_path / "nb"))
    proc = subprocess.run(
        [sys.executable, "agent.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0] == "responses to confirm: 5"
    votes = ast.literal_eval(lines[1])  # the aggregated votes of the one pair, as printed
    assert sorted(votes) == ["She has two brothers.", "She have two brothers."]
    assert sum(votes.values()) == 5
