"""Secrets at rest (issue 15, finding 5): no bearer token in the database, private files, secure_delete."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from rapidata_nb import cli
from rapidata_nb.server.store.db import make_engine
from tests.utils.pgcluster import postgres_requested
from tests.utils.server import LiveServer
from tests.utils.stores import STORES, database_args, engine_of

EMAIL, PASSWORD = "ann@example.org", "correct horse battery"


def _every_value(server: LiveServer) -> str:
    """Every value of every table of the server's database, as one text."""
    engine = engine_of(server)
    with engine.connect() as conn:
        tables = ["access_token", "bridge_token", "client_credential", "user_account"]
        rows = [str(tuple(row)) for table in tables for row in conn.execute(text(f"SELECT * FROM {table}"))]
    engine.dispose()
    return "\n".join(rows)


def _files_of(data_dir: Path) -> bytes:
    return b"".join(path.read_bytes() for path in data_dir.rglob("*") if path.is_file())


@pytest.mark.parametrize("store", STORES)
def test_a_browser_sign_in_stores_no_bearer_token(store: str, tmp_path: Path) -> None:
    database = database_args(store)
    server = LiveServer(tmp_path / "data", crowd=False, extra_args=database).start()
    try:
        args = [
            "user",
            "create",
            "--data-dir",
            str(server.data_dir),
            *(database or ("--database-url", server.store_url)),
        ]
        assert cli.main([*args, "--email", EMAIL, "--password", PASSWORD]) == 0
        keys = httpx.post(f"{server.url}/identity/bridge-token", params={"clientId": "rapidata-cli"}).json()
        signed_in = httpx.post(
            f"{server.url}/connect/authorize/external",
            data={"writeKey": keys["writeKey"], "email": EMAIL, "password": PASSWORD, "confirm": "yes"},
        )
        assert signed_in.status_code == 200, signed_in.text
        parked = _every_value(server)  # between sign-in and the command line's read
        answer = httpx.get(f"{server.url}/identity/bridge-token", params={"readKey": keys["readKey"]})
        token = answer.json()["accessToken"]
        assert (
            httpx.get(f"{server.url}/connect/userinfo", headers={"Authorization": f"Bearer {token}"}).json()[
                "email"
            ]
            == EMAIL
        )
        assert token not in parked and token not in _every_value(server)
        if store == "sqlite":  # the database, its WAL and everything else the server wrote
            assert token.encode() not in _files_of(server.data_dir)
    finally:
        server.stop()


def test_the_data_directory_and_the_database_are_private(tmp_path: Path) -> None:
    if postgres_requested():
        pytest.skip("file modes are about SQLite's files; this pass runs the servers on PostgreSQL")
    server = LiveServer(tmp_path / "data", crowd=False).start()
    try:
        server.token()  # something written, so the WAL exists
        assert stat.S_IMODE(server.data_dir.stat().st_mode) == 0o700
        files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in server.data_dir.glob("rapidata.db*")}
        assert files.keys() >= {"rapidata.db", "rapidata.db-wal"} and set(files.values()) == {0o600}
    finally:
        server.stop()


def test_an_older_database_file_is_made_private_and_deletes_securely(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    database.touch()
    os.chmod(database, 0o644)
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    engine.dispose()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
