"""The test harness's server process: a port taken by another server is detected, not silently shared."""

from __future__ import annotations

from pathlib import Path

from tests.utils.server import LiveServer, listens_on


def test_a_server_given_a_taken_port_moves_to_a_new_one(tmp_path: Path) -> None:
    first = LiveServer(tmp_path / "first", crowd=False).start()
    second = LiveServer(tmp_path / "second", crowd=False)
    second.port, second.url = first.port, first.url  # what a free_port() race hands out
    try:
        second.start()
        assert second.port != first.port
        assert second.url.endswith(f":{second.port}")
        assert second.process is not None and listens_on(second.process.pid, second.port)
        assert first.process is not None and listens_on(first.process.pid, first.port)
        assert not listens_on(second.process.pid, first.port)
    finally:
        second.stop()
        first.stop()
