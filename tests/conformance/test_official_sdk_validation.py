"""The official SDK (3.27.1) builds validation sets, runs a job that names one, and reads billing, unchanged,
against ``rapidata-nb serve`` over TLS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.sdk, pytest.mark.slow]
SCRIPT = Path(__file__).with_name("sdk_validation_script.py")


def test_official_sdk_validation_sets_and_billing(tls_server: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=tls_server,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SDK-VALIDATION ")), None)
    assert line, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    out = json.loads(line.removeprefix("SDK-VALIDATION "))
    assert out["found"] == ["sdk sharper", ["sharpness"]]
    assert out["listed"] == [True]
    assert out["saved_revision"] == 2
    assert out["definition_set"] is True
    assert out["results"] == 1
    assert out["mixed_dimensions"] == ["animals"]
    assert out["after_delete"] == []
    assert out["billing"] == ["Open", 3, 0]  # the job's 3 responses, free
    assert out["outstanding"] == 0
