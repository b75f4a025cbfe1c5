"""The official ``rapidata`` SDK (PyPI 3.27.x) runs the documented workflows against our server, unchanged.

The SDK hard-codes ``https://api.<environment>`` and ``https://auth.<environment>``; with
``RAPIDATA_ENVIRONMENT=local@localhost:<port>`` the ``api.local@`` part becomes URL userinfo and both
resolve to our single TLS origin (wire notes §6, approach A). A throwaway CA from ``trustme`` signs the
server's certificate and ``SSL_CERT_FILE`` makes the SDK trust it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.utils.official_sdk import SEEDS, run_official

pytestmark = pytest.mark.sdk


def test_quickstart_compare_unchanged(tls_server: dict[str, str], tmp_path: Path) -> None:
    """Seed example 07, byte for byte, through the official SDK."""
    outcome = run_official(SEEDS / "07_quickstart_complete_example.py", tls_server, tmp_path)
    assert outcome["type"] == "Compare"
    assert outcome["n_results"] == 1
    for column in ("assetA", "assetB", "A_aggregatedResults", "B_aggregatedResults", "A_summedUserScores"):
        assert column in outcome["columns"], outcome["columns"]
