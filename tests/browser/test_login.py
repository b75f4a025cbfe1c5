"""Browser login in headless Chromium (issue 10): a person signs in on the team server's page, then

- our client (a separate process) runs a job with the credentials it saved, and a second process starts
  without any prompt; ``rapidata-nb status`` agrees;
- the official ``rapidata`` SDK runs its own browser login against our server over TLS, and then
  authenticates with client credentials.

Every process gets a temporary HOME, so the real ``~/.config/rapidata`` is never touched.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import trustme

from rapidata_nb import cli

pytestmark = pytest.mark.slow

EMAIL, PASSWORD = "ann@example.org", "correct horse battery"
LINK = re.compile(r"(https?://\S+/connect/authorize/external\?\S+)")

OUR_CLIENT = """
import json
from rapidata_nb import RapidataClient

client = RapidataClient()
definition = client.job.create_compare_job_definition(
    name="after login", instruction="Which sentence reads better?",
    datapoints=[["A quick brown fox.", "Fox brown quick a."]], data_type="text", responses_per_datapoint=3,
)
job = client.audience.get_audience_by_id("global").assign_job(definition)
frame = job.get_results().to_pandas()
print("RESULT", json.dumps({"environment": client.environment, "rows": len(frame)}))
"""

OFFICIAL_SDK = """
from rapidata import RapidataClient

client = RapidataClient()
audience = client.audience.get_audience_by_id("global")
print("SDK-OK", audience.id)
"""


class Process:
    """A Python subprocess whose stderr is read in the background (so a pending prompt never blocks)."""

    def __init__(self, code: str, env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            cwd=cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def link(self, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, f"exited without a login link:\n{''.join(self.err)}"
                continue
            self.err.append(line)
            found = LINK.search(re.sub(r"\x1b\[[0-9;]*m", "", line))
            if found:
                return found.group(1)
        raise AssertionError(f"no login link within {timeout}s:\n{''.join(self.err)}")

    def finish(self, timeout: float = 180) -> str:
        # stderr belongs to the pump thread, so read stdout alone (communicate() would read and close both).
        assert self.proc.stdout is not None and self.proc.stderr is not None
        out = self.proc.stdout.read()  # until the process exits (bounded by pytest-timeout)
        self.proc.wait(timeout=timeout)
        self.pump.join(timeout=timeout)
        self.proc.stdout.close()
        self.proc.stderr.close()
        while not self.lines.empty():
            self.err.append(self.lines.get())
        assert self.proc.returncode == 0, f"stdout:\n{out[-3000:]}\nstderr:\n{''.join(self.err)[-3000:]}"
        return out


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA") and k != "DISPLAY"}
    env.update(HOME=str(home), RAPIDATA_NB_HOME=str(home / "nb"), **extra)
    return env


def sign_in_with_chromium(browser: Any, link: str) -> None:
    """What a person does: open the link, type email and password, press Sign in."""
    context = browser.new_context(ignore_https_errors=True)  # the test CA is not in Chromium's store
    try:
        page = context.new_page()
        page.goto(link)
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill("not the password")
        page.get_by_label("I started this sign-in").check()
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
        assert "Wrong email or password." in page.get_by_role("alert").inner_text()
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("I started this sign-in").check()
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="You are signed in").wait_for()
        assert EMAIL in page.content()
    finally:
        context.close()


def create_account(data_dir: Path) -> None:
    argv = ["user", "create", "--data-dir", str(data_dir), "--email", EMAIL, "--password", PASSWORD]
    assert cli.main(argv) == 0


def test_our_client_signs_in_in_the_browser_then_runs_a_job(browser, live_server, tmp_path) -> None:
    create_account(live_server.data_dir)
    home = tmp_path / "home"
    env = clean_env(home, RAPIDATA_ENVIRONMENT=live_server.url)

    first = Process(OUR_CLIENT, env, tmp_path)
    link = first.link()
    assert link.startswith(f"{live_server.url}/connect/authorize/external?clientId=rapidata-cli")
    sign_in_with_chromium(browser, link)
    result = json.loads(first.finish().split("RESULT ", 1)[1])
    assert result == {"environment": live_server.url, "rows": 1}
    saved = json.loads((home / ".config/rapidata/credentials.json").read_text())
    assert len(saved[live_server.url]) == 1

    # A second process: no environment variable, no prompt (a prompt would fail at once).
    second_env = clean_env(home, RAPIDATA_NB_LOGIN_TIMEOUT="0")
    second = Process(OUR_CLIENT, second_env, tmp_path)
    assert json.loads(second.finish().split("RESULT ", 1)[1])["environment"] == live_server.url
    assert not any("sign in" in line.lower() for line in second.err)

    status = subprocess.run(
        [sys.executable, "-m", "rapidata_nb", "status"],
        env=second_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(f"Signed in to {live_server.url} as {EMAIL}")


@pytest.fixture(scope="module")
def tls_server(live_server_factory: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    certs = tmp_path_factory.mktemp("login_certs")
    ca = trustme.CA()
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    ca.cert_pem.write_to_path(str(certs / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(certs / "key.pem"))
    leaf.cert_chain_pems[0].write_to_path(str(certs / "cert.pem"))
    server = live_server_factory(tls=(certs / "cert.pem", certs / "key.pem", certs / "ca.pem"))
    create_account(server.data_dir)
    return server


@pytest.mark.sdk
def test_official_sdk_browser_login_then_client_credentials(browser, tls_server, tmp_path) -> None:
    ca = str(tls_server.tls[2])
    home = tmp_path / "sdk_home"
    env = clean_env(
        home,
        RAPIDATA_ENVIRONMENT=f"local@localhost:{tls_server.port}",  # wire notes §6, approach A
        RAPIDATA_DISABLE_OTLP="1",
        SSL_CERT_FILE=ca,  # httpx (API calls)
        REQUESTS_CA_BUNDLE=ca,  # requests (the SDK's login calls)
        BROWSER="true",  # webbrowser.open runs `true <url>`: Chromium below plays the person
    )
    sdk = Process(OFFICIAL_SDK, env, tmp_path)
    link = sdk.link()
    assert "/connect/authorize/external?clientId=rapidata-cli&scope=openid%20profile%20email%20api" in link
    # The SDK's URL carries "auth.local@" as userinfo (its hard-coded auth. prefix); the origin is ours.
    sign_in_with_chromium(browser, re.sub(r"//[^/@]+@", "//", link))
    assert "SDK-OK global" in sdk.finish()

    saved = json.loads((home / ".config/rapidata/credentials.json").read_text())
    (entry,) = saved[f"https://auth.local@localhost:{tls_server.port}"]
    assert entry["display_name"].endswith(" - Python API Client")

    # Client credentials: the saved ones (silent start), then a token made with `rapidata-nb token create`.
    again = Process(OFFICIAL_SDK, env, tmp_path)
    assert "SDK-OK global" in again.finish()
    assert not any("authorize/external" in line for line in again.err)

    our_env = clean_env(
        tmp_path / "our_home",
        SSL_CERT_FILE=ca,
        RAPIDATA_CLIENT_ID=entry["client_id"],
        RAPIDATA_CLIENT_SECRET=entry["client_secret"],
    )
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "rapidata_nb",
            "token",
            "create",
            "--name",
            "sdk",
            "--json",
            "--environment",
            tls_server.url,
            "--cert-path",
            ca,
        ],
        env=our_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    token = json.loads(created.stdout)
    env.update(
        RAPIDATA_CLIENT_ID=token["clientId"],
        RAPIDATA_CLIENT_SECRET=token["clientSecret"],
        HOME=str(tmp_path / "fresh_home"),
    )
    by_secret = Process(OFFICIAL_SDK, env, tmp_path)
    assert "SDK-OK global" in by_secret.finish()
