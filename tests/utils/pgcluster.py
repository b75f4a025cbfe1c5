"""A throwaway PostgreSQL cluster for the tests: Debian binaries, loopback only, trust auth, data in /tmp.

One cluster per pytest process, started on first use and stopped at exit; every caller gets a fresh database
(``CREATE DATABASE ... TEMPLATE template0``). We run as root in CI, and ``initdb`` refuses root, so the
cluster runs as the ``postgres`` system user (``runuser``).

``RAPIDATA_NB_TEST_DATABASE=postgres`` makes ``tests/conftest.py::LiveServer`` start every server on its own
database of this cluster, so the same server tests run against both stores.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = [
    "PostgresCluster",
    "find_bin_dir",
    "free_port",
    "new_database_url",
    "postgres_requested",
    "shared_cluster",
]

_ENV = "RAPIDATA_NB_TEST_DATABASE"
_lock = threading.Lock()
_shared: PostgresCluster | None = None


def postgres_requested() -> bool:
    """Whether ``$RAPIDATA_NB_TEST_DATABASE`` asks the server tests to run on PostgreSQL."""
    return os.environ.get(_ENV, "").strip().lower() in ("postgres", "postgresql", "pg")


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding ``initdb``, or ``None``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """A PostgreSQL server on 127.0.0.1:``port`` with its data directory in a temporary directory.

    Args:
        bin_dir: Directory of ``initdb``/``pg_ctl``/``psql`` (``find_bin_dir()``).
    """

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="rapidata-nb-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        self._counter = 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [*(["runuser", "-u", "postgres", "--"] if self._as_root else []), *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> PostgresCluster:
        """``initdb`` (trust auth, no fsync: the tests never power-cycle the machine) and ``pg_ctl start``."""
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            "-c synchronous_commit=on -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB"
        )
        done = self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if done.returncode != 0:
            log = (
                (self.root / "server.log").read_text(errors="replace")
                if (self.root / "server.log").exists()
                else ""
            )
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log[-3000:]}")
        return self

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        """Run one SQL statement as the superuser and return its output."""
        done = self._run(
            str(self.bin_dir / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-c",
            sql,
        )
        return done.stdout

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its SQLAlchemy URL (``postgresql+psycopg://``)."""
        with _lock:
            self._counter += 1
            name = f"{prefix}_{os.getpid()}_{self._counter}"
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def restart(self) -> None:
        """Restart the server on the same port and data, cutting every connection (as a failover does)."""
        log = str(self.root / "server.log")  # else the new server holds our captured pipes open
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", log, "-m", "fast", "-w", "restart"
        )

    def stop(self) -> None:
        """Stop the server (immediate mode) and delete its files."""
        if self.data.exists():
            self._run(
                str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
            )
        shutil.rmtree(self.root, ignore_errors=True)


def shared_cluster() -> PostgresCluster:
    """The process-wide cluster, started on first use (stopped at interpreter exit).

    Raises:
        RuntimeError: PostgreSQL's binaries are not installed (``apt-get install postgresql``).
    """
    global _shared
    with _lock:
        if _shared is None:
            bin_dir = find_bin_dir()
            if bin_dir is None:
                raise RuntimeError(
                    "PostgreSQL is not installed: apt-get install -y postgresql (Debian's package)"
                )
            _shared = PostgresCluster(bin_dir).start()
            atexit.register(_shared.stop)
        return _shared


def new_database_url(prefix: str = "t") -> str:
    """A fresh database on the shared cluster."""
    return shared_cluster().create_database(prefix)


def wait_port(port: int, timeout: float = 30.0) -> None:
    """Wait until something listens on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def wait_for_lock_wait(engine: Any, timeout: float = 60.0) -> None:
    """Until some backend of ``engine``'s database waits on a lock (a racing transaction is parked there):
    tests stage races by what PostgreSQL reports, not by sleeping."""
    from sqlalchemy import text

    deadline = time.monotonic() + timeout
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(query).scalar():
                return
    raise AssertionError("no transaction ever waited for a lock")
