"""A real server process over HTTP for tests (no mocks of our own code).

``LiveServer`` starts ``python -m rapidata_nb.server`` on a free port with a temporary data directory, the
crowd at full speed (``--crowd-pace 0``) and the API client ``test`` / ``test-secret``. ``.kill()`` sends
SIGKILL; ``.restart()`` starts a new process on the same data directory and port.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.utils.pgcluster import new_database_url, postgres_requested

CLIENT_ID = "test"
CLIENT_SECRET = "test-secret"
_STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds the listening TCP socket of ``port`` (Linux ``/proc``).

    ``free_port()`` frees its port before the server binds it, so two servers started at once can be given the
    same one: the second fails to bind while the first answers its health checks. This tells them apart.
    """
    fds = Path(f"/proc/{pid}/fd")
    try:
        names = os.listdir(fds)
    except OSError:  # the process is gone
        return False
    owned = set()
    for fd in names:
        try:
            owned.add(os.readlink(fds / fd))
        except OSError:  # closed while we looked
            continue
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port and f"socket:[{inode}]" in owned:
            return True
    return False


class LiveServer:
    """A server subprocess on a fixed port and data directory.

    Attributes:
        url: ``http://127.0.0.1:<port>``.
        client_id: Registered API client id (``test``).
        client_secret: Its secret (``test-secret``).
        data_dir: The server's data directory.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        crowd: bool = True,
        extra_args: tuple[str, ...] = (),
        tls: tuple[Path, Path, Path] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.tls = tls
        """``(certfile, keyfile, ca_file)``: serve HTTPS on ``https://localhost:<port>``."""
        self.url = f"https://localhost:{self.port}" if tls else f"http://127.0.0.1:{self.port}"
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.crowd = crowd
        self.extra_args = extra_args
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"
        self.database_url: str | None = None
        """A fresh PostgreSQL database when ``RAPIDATA_NB_TEST_DATABASE=postgres`` (tests/scale/)."""
        if postgres_requested() and not any(a.startswith("--database-url") for a in extra_args):
            self.database_url = new_database_url()

    def start(self) -> LiveServer:
        """Start the process and wait until it answers ``/local/health``.

        On a first start whose port another process took meanwhile, try again on a new port.
        """
        first = self.process is None
        for _ in range(3):
            if self._launch():
                return self
            if not first:
                break
            self.port = free_port()
            self.url = f"{self.url.rsplit(':', 1)[0]}:{self.port}"
        raise RuntimeError(f"port {self.port} is served by another process")

    def _launch(self) -> bool:
        """Start the process; ``False`` when the server answering on the port is not ours."""
        args = [
            sys.executable,
            "-m",
            "rapidata_nb.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--crowd-pace",
            "0",
            "--client-id",
            self.client_id,
            "--client-secret",
            self.client_secret,
            "--crowd" if self.crowd else "--no-crowd",
            *self.extra_args,
        ]
        if self.database_url:
            args += ["--database-url", self.database_url]
        if self.tls:
            args += ["--ssl-certfile", str(self.tls[0]), "--ssl-keyfile", str(self.tls[1])]
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while True:
            try:
                if httpx.get(f"{self.url}/local/health", timeout=1, verify=self.verify).status_code == 200:
                    if listens_on(self.process.pid, self.port):
                        return True
                    self.kill()
                    return False
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                self.kill()  # never leave an orphan server behind
                raise RuntimeError(f"server did not come up:\n{self.log()}")
            time.sleep(0.05)

    @property
    def store_url(self) -> str:
        """The server's database: the PostgreSQL one when set, else the SQLite file in ``data_dir``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'rapidata.db'}"

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """What httpx should verify against (the test CA when serving HTTPS)."""
        return ssl.create_default_context(cafile=str(self.tls[2])) if self.tls else True

    def log(self) -> str:
        """The server's combined output so far."""
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the process (no shutdown hooks run) and wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Terminate gracefully (SIGTERM), falling back to SIGKILL."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> LiveServer:
        """Start again on the same data directory and port (after ``kill()`` or ``stop()``)."""
        self.stop()
        return self.start()

    def token(self) -> str:
        """A fresh bearer token for the test client."""
        return get_token(self.url, self.client_id, self.client_secret, verify=self.verify)

    def client(self, token: str | None = None) -> httpx.Client:
        """An httpx client with a bearer token for the API."""
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token or self.token()}"},
            timeout=30,
            verify=self.verify,
        )


def get_token(url: str, client_id: str, client_secret: str, verify: ssl.SSLContext | bool = True) -> str:
    """Client-credentials token exchange (Basic auth, as the official SDK does it)."""
    response = httpx.post(
        f"{url}/connect/token",
        data={"grant_type": "client_credentials", "scope": "openid email api"},
        auth=(client_id, client_secret),
        timeout=30,
        verify=verify,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def wait_for(fn: Any, *, timeout: float = 60.0, interval: float = 0.05, message: str = "condition") -> Any:
    """Call ``fn`` until it returns a truthy value or ``timeout`` passes (no bare sleeps as
    synchronisation)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
