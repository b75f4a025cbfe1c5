"""A PostgreSQL restart under a running team server (a failover): the request that finds its pooled
connection cut answers 503 with ``Retry-After`` (never 500), and the requests after it are served on new
connections. (Which request finds a cut connection first, one of ours or a background thread's, is not
staged here; ``test_a_cut_connection_is_busy_not_broken`` checks the 503 itself.) The cluster is this
test's own: restarting the shared one would cut other tests' servers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from rapidata_nb.server.errors import is_busy
from tests.utils.pgcluster import PostgresCluster, find_bin_dir
from tests.utils.server import LiveServer
from tests.utils.stores import require_postgres

pytestmark = pytest.mark.slow


def test_a_restarted_database_costs_one_retry_and_no_server_error(tmp_path: Path) -> None:
    require_postgres()
    cluster = PostgresCluster(find_bin_dir()).start()
    url = cluster.create_database("restart")
    server = LiveServer(tmp_path / "data", crowd=False, extra_args=("--database-url", url)).start()
    try:
        with server.client() as api:
            assert api.get("/audiences").status_code == 200  # a pooled connection, idle from now on
            cluster.restart()
            first, *after = [api.get("/audiences") for _ in range(4)]
        assert first.status_code in (200, 503), first.text
        if first.status_code == 503:
            assert int(first.headers["retry-after"]) >= 1
        assert [a.status_code for a in after] == [200, 200, 200]
    finally:
        server.stop()
        cluster.stop()


def test_a_cut_connection_is_busy_not_broken() -> None:
    cut = OperationalError(
        "SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True
    )
    assert is_busy(cut)
    assert not is_busy(OperationalError("SELECT 1", {}, Exception("syntax error")))
