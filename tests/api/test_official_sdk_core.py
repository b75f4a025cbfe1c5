"""The official SDK drives definitions, revisions (a 409), cost estimates, jobs and results on our server.

The SDK only speaks HTTPS to ``api.<env>``/``auth.<env>``; ``RAPIDATA_ENVIRONMENT=local@localhost:<port>``
makes ``api.local@`` URL userinfo, so both reach our one TLS origin (wire notes §6, approach A).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import trustme

pytestmark = [pytest.mark.sdk, pytest.mark.slow]
SCRIPT = Path(__file__).with_name("sdk_core_script.py")


def test_official_sdk_core_workflow(live_server_factory: Any, tmp_path: Path) -> None:
    ca = trustme.CA()
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    cert, key, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    server = live_server_factory(tls=(cert, key, ca_file))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
    env.update(
        RAPIDATA_ENVIRONMENT=f"local@localhost:{server.port}",
        RAPIDATA_CLIENT_ID=server.client_id,
        RAPIDATA_CLIENT_SECRET=server.client_secret,
        RAPIDATA_DISABLE_OTLP="1",
        SSL_CERT_FILE=str(ca_file),
        HOME=str(tmp_path / "home"),
    )
    proc = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SDK-CORE ")), None)
    assert line, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}\nserver:\n{server.log()}"
    out = json.loads(line.removeprefix("SDK-CORE "))
    assert out["get_name"] == "sdk classify"
    assert out["found"] is True
    assert out["saved"] == 2
    assert out["conflict"] and "2" in out["conflict"]
    assert out["revisions"] == [[1, None, "Completed"], [2, 1, "Completed"]]
    assert out["cost"] == [2, 6]
    assert {"option", "count", "ratio", "summedUserScore", "confidence", "privateMetadata_k"} <= set(
        out["classify_columns"]
    )
    assert out["classify_rows"] == 4
    assert out["job_found"] is True
    assert out["created"] == ["compare", "draw", "free_text", "locate", "ranking", "select_words"]
    assert out["ranking_type"] == "Ranking"
    assert {"asset_1", "asset_2", "asset_3", "0.jpg_scores"} <= set(out["ranking_columns"])
    assert out["locate_run"] == ["Locate", 1, 1]
    assert out["select_words_run"] == ["SelectWords", 1, 1]
