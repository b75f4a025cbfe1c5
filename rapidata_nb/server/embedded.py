"""The embedded backend: one local server per data directory, started on demand (DESIGN §5).

``start_embedded()`` is the only entry point the client uses to touch the server package. It returns a live
server: the one this process already runs for that data directory, another process's server found through
``<data_dir>/server.json`` (health-checked), or a new uvicorn server in a daemon thread on a free 127.0.0.1
port.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from rapidata_nb.server.app import LOCAL_CREDENTIALS_FILE, create_app
from rapidata_nb.server.settings import ServerSettings, default_data_dir

__all__ = ["EmbeddedServer", "start_embedded", "stop_embedded"]

logger = logging.getLogger("rapidata_nb.server")

SERVER_FILE = "server.json"
_STARTUP_TIMEOUT = 30.0
_lock = threading.Lock()
_running: dict[Path, EmbeddedServer] = {}


@dataclass
class EmbeddedServer:
    """A running local server.

    Attributes:
        url: Origin of the API and auth paths (``http://127.0.0.1:<port>``).
        client_id: The local client's id.
        client_secret: The local client's secret.
        data_dir: Where its database and assets live.
        owned: True if this process runs it (False when reusing another process's server).
    """

    url: str
    client_id: str
    client_secret: str
    data_dir: Path
    owned: bool = False
    _server: Any = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def label_url(self) -> str:
        """Where humans label in a browser."""
        return f"{self.url}/label"

    def stop(self) -> None:
        """Stop the server if this process runs it."""
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._server = None
            _running.pop(self.data_dir, None)
            server_file = self.data_dir / SERVER_FILE
            try:
                if json.loads(server_file.read_text()).get("pid") == os.getpid():
                    server_file.unlink()
            except (OSError, ValueError):
                pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        return httpx.get(f"{url}/local/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def _credentials(data_dir: Path) -> dict[str, str]:
    data: dict[str, str] = json.loads((data_dir / LOCAL_CREDENTIALS_FILE).read_text())
    return data


def _reuse_other_process(data_dir: Path) -> EmbeddedServer | None:
    try:
        info = json.loads((data_dir / SERVER_FILE).read_text())
        url = str(info["url"])
    except (OSError, ValueError, KeyError):
        return None
    if info.get("pid") == os.getpid() or not _healthy(url):
        return None
    creds = _credentials(data_dir)
    return EmbeddedServer(
        url=url, client_id=creds["client_id"], client_secret=creds["client_secret"], data_dir=data_dir
    )


def start_embedded(data_dir: Path | None = None, **settings: Any) -> EmbeddedServer:
    """Start (or reuse) the local server for ``data_dir`` and return it.

    Args:
        data_dir: Data directory; defaults to ``$RAPIDATA_NB_HOME`` or the user data directory.
        **settings: Further :class:`ServerSettings` fields (``crowd``, ``crowd_pace``, ...).

    Returns:
        The running server with its URL and the local client's credentials.
    """
    import uvicorn

    resolved = Path(data_dir).expanduser().resolve() if data_dir is not None else default_data_dir().resolve()
    with _lock:
        existing = _running.get(resolved)
        if existing is not None and _healthy(existing.url):
            return existing
        other = _reuse_other_process(resolved)
        if other is not None:
            return other
        server_settings = ServerSettings(data_dir=resolved, **settings)
        app = create_app(server_settings)
        port = _free_port()
        # asyncio, not uvloop: in the notebook's process the loop shares the interpreter with the crowd
        # thread, and uvloop measured no faster there (bench/RESULTS.md, "Issue 14 at the end of 2026-12-07")
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", loop="asyncio"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="rapidata-nb-server", daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the embedded server did not start on {url}")
            time.sleep(0.02)
        creds = app.state.local_credentials
        embedded = EmbeddedServer(
            url=url,
            client_id=creds["client_id"],
            client_secret=creds["client_secret"],
            data_dir=resolved,
            owned=True,
            _server=server,
            _thread=thread,
        )
        (resolved / SERVER_FILE).write_text(json.dumps({"url": url, "pid": os.getpid()}))
        _running[resolved] = embedded
        print(
            f"rapidata_nb: local backend at {url} (data: {resolved}) · "
            f"label in a browser: {embedded.label_url}"
        )
        return embedded


def stop_embedded(data_dir: Path | None = None) -> None:
    """Stop the server this process runs for ``data_dir`` (all of them when None)."""
    with _lock:
        targets = (
            list(_running.values())
            if data_dir is None
            else [s for p, s in _running.items() if p == Path(data_dir).expanduser().resolve()]
        )
    for server in targets:
        server.stop()
