"""``RapidataClient`` against a team server: browser login, saved credentials, rejected credentials.

The person's part of the login (opening the link, typing the password) is done here with a plain form
POST; ``tests/browser/test_login.py`` does it in Chromium. HOME is a temporary directory (conftest).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import stat
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from rapidata_nb import RapidataClient, RapidataError, cli
from rapidata_nb.api.auth import credentials_path, read_stored_credentials, store_credential

EMAIL, PASSWORD = "ann@example.org", "correct horse battery"


@pytest.fixture(scope="module")
def account(live_server: Any) -> tuple[str, str]:
    assert (
        cli.main(
            [
                "user",
                "create",
                "--data-dir",
                str(live_server.data_dir),
                "--email",
                EMAIL,
                "--password",
                PASSWORD,
            ]
        )
        == 0
    )
    return EMAIL, PASSWORD


class Background:
    """Construct a client in a thread (it blocks in the login) and collect what it prints."""

    def __init__(self, capsys: pytest.CaptureFixture[str], **kwargs: Any) -> None:
        self.capsys = capsys
        self.err = ""
        self.client: RapidataClient | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, kwargs=kwargs, daemon=True)
        self.thread.start()

    def _run(self, **kwargs: Any) -> None:
        try:
            self.client = RapidataClient(**kwargs)
        except BaseException as exc:  # handed to the test
            self.error = exc

    def link(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.err += self.capsys.readouterr().err
            found = re.search(r"(http\S+/connect/authorize/external\S+)", self.err)
            if found:
                return found.group(1)
            assert self.thread.is_alive(), f"client ended without a login link: {self.error!r}"
            time.sleep(0.05)
        raise AssertionError(f"no login link printed; stderr so far:\n{self.err}")

    def result(self, timeout: float = 60) -> RapidataClient:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "client still waiting"
        if self.error is not None:
            raise self.error
        assert self.client is not None
        return self.client


def sign_in(link: str, email: str = EMAIL, password: str = PASSWORD) -> None:
    """What the person does on the sign-in page."""
    parsed = urlparse(link)
    write_key = parse_qs(parsed.query)["writeKey"][0]
    answer = httpx.post(
        f"{parsed.scheme}://{parsed.netloc}{parsed.path}",
        data={"writeKey": write_key, "email": email, "password": password, "confirm": "yes"},
    )
    assert answer.status_code == 200, answer.text


def test_first_client_signs_in_and_later_clients_start_silently(live_server, account, capsys) -> None:
    waiting = Background(capsys, environment=live_server.url)
    link = waiting.link()
    assert link.startswith(f"{live_server.url}/connect/authorize/external?clientId=rapidata-cli&scope=openid")
    assert "To sign in, open this link" in waiting.err  # no display here: the link is printed, no browser
    shown = httpx.get(link).text  # the code the page shows is the one the client printed
    code = re.search(r"<p class='code' id='code'>([A-Z0-9-]+)</p>", shown)
    assert (
        code is not None
        and f"The page shows the code {code.group(1)}: sign in only if it does." in waiting.err
    )
    sign_in(link)
    client = waiting.result()
    assert client.audience.get_audience_by_id("global").id == "global"

    path = credentials_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    saved = json.loads(path.read_text())
    assert list(saved) == [live_server.url]
    (entry,) = saved[live_server.url]
    assert set(entry) == {"display_name", "client_id", "client_secret", "endpoint", "created_at", "last_used"}
    assert entry["endpoint"] == live_server.url
    assert [p.name for p in path.parent.iterdir()] == ["credentials.json"]  # no temp files left behind

    # A later client, even without naming the environment, reuses them without a prompt.
    again = RapidataClient()
    assert again.environment == live_server.url
    assert "sign in" not in capsys.readouterr().err.lower()
    assert again.audience.get_audience_by_id("global").id == "global"

    again.reset_credentials()
    assert read_stored_credentials(live_server.url) is None


def test_revoked_saved_credentials_are_forgotten_and_login_runs_again(
    live_server, account, capsys, caplog
) -> None:
    created = httpx.post(
        f"{live_server.url}/Client",
        json={"displayName": "old"},
        headers={"Authorization": f"Bearer {live_server.token()}"},
    ).json()
    store_credential(live_server.url, created["clientId"], created["clientSecret"], "old")
    assert RapidataClient(environment=live_server.url).environment == live_server.url  # they work
    revoked = httpx.delete(
        f"{live_server.url}/Client/{created['clientId']}",
        headers={"Authorization": f"Bearer {live_server.token()}"},
    )
    assert revoked.status_code == 204

    with caplog.at_level(logging.WARNING):
        waiting = Background(capsys, environment=live_server.url)
        sign_in(waiting.link())
        client = waiting.result()
    assert any("rejected the saved credentials" in r.getMessage() for r in caplog.records)
    entries = json.loads(credentials_path().read_text())[live_server.url]
    assert [e["client_id"] for e in entries] == [client._transport.http.auth.client_id]  # type: ignore[union-attr]
    assert created["clientId"] not in credentials_path().read_text()


def test_most_recently_used_entry_wins(live_server, account) -> None:
    store_credential(live_server.url, live_server.client_id, live_server.client_secret, "team")
    store_credential(live_server.url, "stale", "stale-secret", "stale")  # newer, but rejected
    client = RapidataClient(environment=live_server.url)  # forgets the stale one, falls back to "team"
    assert client._transport.http.auth.client_id == live_server.client_id  # type: ignore[union-attr]
    assert [e["client_id"] for e in json.loads(credentials_path().read_text())[live_server.url]] == ["test"]


def test_explicit_wrong_secret_is_one_clear_error(live_server, monkeypatch) -> None:
    with pytest.raises(RapidataError) as info:
        RapidataClient(environment=live_server.url, client_id=live_server.client_id, client_secret="wrong")
    message = str(info.value)
    assert message.startswith(
        f"401: {live_server.url} rejected client id 'test' from the client_id/client_secret"
    )
    assert info.value.__suppress_context__ and info.value.__cause__ is None
    assert not credentials_path().exists()

    monkeypatch.setenv("RAPIDATA_CLIENT_ID", live_server.client_id)
    monkeypatch.setenv("RAPIDATA_CLIENT_SECRET", "wrong")
    with pytest.raises(RapidataError, match="from RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET"):
        RapidataClient(environment=live_server.url)


def test_empty_environment_variables_count_as_unset(live_server, monkeypatch) -> None:
    store_credential(live_server.url, live_server.client_id, live_server.client_secret)
    for name in (
        "RAPIDATA_CLIENT_ID",
        "RAPIDATA_CLIENT_SECRET",
        "RAPIDATA_ENVIRONMENT",
        "RAPIDATA_TOKEN_FILE",
    ):
        monkeypatch.setenv(name, "")
    client = RapidataClient()
    assert client.environment == live_server.url


def test_environment_variables_and_tokens(live_server, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RAPIDATA_ENVIRONMENT", live_server.url)
    monkeypatch.setenv("RAPIDATA_CLIENT_ID", live_server.client_id)
    monkeypatch.setenv("RAPIDATA_CLIENT_SECRET", live_server.client_secret)
    client = RapidataClient()
    token = client.get_token()
    assert token["token_type"] == "Bearer" and token["expires_at"] > time.time() + 3000
    assert not credentials_path().exists()  # explicit credentials are never written to the file

    monkeypatch.delenv("RAPIDATA_CLIENT_ID")
    monkeypatch.delenv("RAPIDATA_CLIENT_SECRET")
    by_token = RapidataClient(
        token={
            "access_token": token["access_token"],
            "token_type": "Bearer",
            "expires_at": token["expires_at"],
        }
    )
    assert by_token.audience.get_audience_by_id("global").id == "global"
    token_file = tmp_path / "token.json"
    token_file.write_text(json.dumps(token))
    monkeypatch.setenv("RAPIDATA_TOKEN_FILE", str(token_file))
    assert RapidataClient().audience.get_audience_by_id("global").id == "global"


def test_unreachable_server_is_one_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(RapidataError, match=f"Cannot reach {url}"):
        RapidataClient(environment=url, client_id="a", client_secret="b")
    with pytest.raises(RapidataError, match=f"Cannot reach {url} to sign in"):
        RapidataClient(environment=url)


def test_nobody_signing_in_ends_with_a_clear_error(live_server, monkeypatch) -> None:
    monkeypatch.setenv("RAPIDATA_NB_LOGIN_TIMEOUT", "0")
    with pytest.raises(RapidataError, match="Nobody signed in within 0 s"):
        RapidataClient(environment=live_server.url)
    assert not credentials_path().exists()
