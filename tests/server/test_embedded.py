"""The embedded backend: start on demand, reuse within a process and across processes, local credentials."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rapidata_nb.server.embedded import start_embedded, stop_embedded


def test_start_reuse_and_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "home"
    server = start_embedded(data_dir, crowd=False)
    try:
        banner = capsys.readouterr().out
        assert banner.count("\n") == 1 and server.url in banner and str(data_dir) in banner
        assert httpx.get(f"{server.url}/local/health").json() == {"status": "ok"}
        creds_file = data_dir / "local_credentials.json"
        assert creds_file.stat().st_mode & 0o777 == 0o600
        assert json.loads(creds_file.read_text()) == {
            "client_id": server.client_id,
            "client_secret": server.client_secret,
        }
        token = httpx.post(
            f"{server.url}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(server.client_id, server.client_secret),
        )
        assert token.status_code == 200
        # same process: the same server, no second banner
        assert start_embedded(data_dir, crowd=False) is server
        assert capsys.readouterr().out == ""
        # another process finds it through server.json and reuses it
        script = (
            "from rapidata_nb.server.embedded import start_embedded;"
            f"s = start_embedded({str(data_dir)!r}, crowd=False); print('URL', s.url, s.owned)"
        )
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        out = run.stdout
        assert f"URL {server.url} False" in out
    finally:
        stop_embedded(data_dir)
    assert not (data_dir / "server.json").exists()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/local/health", timeout=2)


def test_credentials_survive_a_restart(tmp_path: Path) -> None:
    first = start_embedded(tmp_path, crowd=False)
    client_id, secret = first.client_id, first.client_secret
    stop_embedded(tmp_path)
    second = start_embedded(tmp_path, crowd=False)
    try:
        assert (second.client_id, second.client_secret) == (client_id, secret)
        assert second.url != "" and second.owned
    finally:
        stop_embedded(tmp_path)
