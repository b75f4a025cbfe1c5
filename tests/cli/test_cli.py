"""``rapidata-nb`` status, login, logout, token, user and the error contract (one line, non-zero exit).

Commands run in-process through ``cli.main`` with ``HOME`` pointing at a temporary directory, so the real
``~/.config/rapidata`` is never touched; the server is a real process (``live_server``).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rapidata_nb import cli
from rapidata_nb.api.auth import credentials_path, read_stored_credentials, store_credential

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME and data dir, and no RAPIDATA_* variables from the outer environment."""
    for name in list(os.environ):
        if name.startswith("RAPIDATA"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RAPIDATA_NB_HOME", str(tmp_path / "nb"))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- status ------------------------------------------------------------------------------------------


def test_status_embedded_backend(capsys) -> None:
    code, out, err = run(capsys, "status")
    assert code == 0, err
    assert "embedded backend" in out and "No sign-in needed" in out
    assert not credentials_path().exists()  # status never logs in nor writes


def test_status_with_good_credentials(live_server, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RAPIDATA_ENVIRONMENT", live_server.url)
    monkeypatch.setenv("RAPIDATA_CLIENT_ID", live_server.client_id)
    monkeypatch.setenv("RAPIDATA_CLIENT_SECRET", live_server.client_secret)
    code, out, err = run(capsys, "status")
    assert code == 0, err
    assert out.startswith(f"Signed in to {live_server.url} as ")
    assert "RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET" in out


def test_status_with_saved_credentials(live_server, capsys) -> None:
    store_credential(live_server.url, live_server.client_id, live_server.client_secret)
    code, out, _ = run(capsys, "status")  # the environment comes from the saved entry
    assert code == 0 and "saved credentials" in out


def test_status_with_a_wrong_secret(live_server, capsys) -> None:
    store_credential(live_server.url, live_server.client_id, "wrong")
    code, out, err = run(capsys, "status", "--environment", live_server.url)
    assert code == 1 and out == ""
    assert "rejected client id 'test' from the saved credentials" in one_line(err)
    assert read_stored_credentials(live_server.url) is not None  # status changes nothing


def test_status_not_signed_in(live_server, capsys) -> None:
    code, _, err = run(capsys, "status", "--environment", live_server.url)
    assert code == 1 and "Not signed in" in one_line(err) and "rapidata-nb login" in err


def test_status_unreachable_server(monkeypatch, capsys) -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    code, _, err = run(capsys, "status", "--environment", url)
    assert code == 1 and f"Cannot reach {url}" in one_line(err)
    monkeypatch.setenv("RAPIDATA_CLIENT_ID", "x")
    monkeypatch.setenv("RAPIDATA_CLIENT_SECRET", "y")
    code, _, err = run(capsys, "status", "--environment", url)
    assert code == 1 and f"Cannot reach {url}" in one_line(err)


@pytest.mark.slow
def test_status_as_a_process_answers_with_its_exit_code(live_server, home) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA")}
    env.update(
        HOME=str(home),
        RAPIDATA_ENVIRONMENT=live_server.url,
        RAPIDATA_CLIENT_ID="test",
        RAPIDATA_CLIENT_SECRET="test-secret",
    )
    ok = subprocess.run(
        [sys.executable, "-m", "rapidata_nb", "status"], env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    env["RAPIDATA_CLIENT_SECRET"] = "nope"
    bad = subprocess.run(
        [sys.executable, "-m", "rapidata_nb", "status"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 1 and bad.stdout == "" and bad.stderr.count("\n") == 1


# --- login / logout ----------------------------------------------------------------------------------


def test_login_without_environment_is_refused(capsys) -> None:
    code, _, err = run(capsys, "login")
    assert code == 1 and "embedded backend" in one_line(err)


def test_login_when_already_signed_in_does_nothing(live_server, capsys) -> None:
    store_credential(live_server.url, live_server.client_id, live_server.client_secret)
    code, out, _ = run(capsys, "login", "--environment", live_server.url)
    assert code == 0 and "--force" in out
    assert len(json.loads(credentials_path().read_text())[live_server.url]) == 1


def test_login_times_out_with_one_line(live_server, capsys) -> None:
    code, _, err = run(capsys, "login", "--environment", live_server.url, "--timeout", "0", "--no-browser")
    assert code == 1
    assert "/connect/authorize/external?clientId=rapidata-cli" in err
    assert err.splitlines()[-1].startswith("rapidata-nb: error: Nobody signed in within 0 s.")


def test_logout_forgets_only_that_environment(live_server, capsys) -> None:
    store_credential(live_server.url, "a", "b")
    store_credential("https://auth.example.org", "c", "d")
    code, out, _ = run(capsys, "logout", "--environment", live_server.url)
    assert code == 0 and "Forgot" in out
    assert read_stored_credentials(live_server.url) is None
    assert read_stored_credentials("https://auth.example.org") is not None


# --- token -------------------------------------------------------------------------------------------


def test_token_create_list_revoke(live_server, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RAPIDATA_CLIENT_ID", live_server.client_id)
    monkeypatch.setenv("RAPIDATA_CLIENT_SECRET", live_server.client_secret)
    env = ("--environment", live_server.url)
    code, out, err = run(capsys, "token", "create", "--name", "ci", "--json", *env)
    assert code == 0, err
    created = json.loads(out)
    assert created["displayName"] == "ci"
    token = httpx.post(
        f"{live_server.url}/connect/token",
        data={"grant_type": "client_credentials"},
        auth=(created["clientId"], created["clientSecret"]),
    )
    assert token.status_code == 200

    code, out, _ = run(capsys, "token", "list", *env)
    assert code == 0 and created["clientId"] in out and "ci" in out and created["clientSecret"] not in out

    code, out, _ = run(capsys, "token", "revoke", created["clientId"], *env)
    assert code == 0 and "Revoked" in out
    code, _, err = run(capsys, "token", "revoke", created["clientId"], *env)
    assert code == 1 and "404" in one_line(err)
    again = httpx.post(
        f"{live_server.url}/connect/token",
        data={"grant_type": "client_credentials"},
        auth=(created["clientId"], created["clientSecret"]),
    )
    assert again.status_code == 401


def test_token_needs_credentials(live_server, capsys) -> None:
    code, _, err = run(capsys, "token", "list", "--environment", live_server.url)
    assert code == 1 and "rapidata-nb login" in one_line(err)


# --- user --------------------------------------------------------------------------------------------


def test_user_create_list_password_delete(tmp_path, capsys, monkeypatch) -> None:
    data = ("--data-dir", str(tmp_path / "server"))
    code, out, err = run(
        capsys, "user", "create", *data, "--email", "Bob@Example.org", "--password", PASSWORD
    )
    assert code == 0 and out == "Created account bob@example.org.\n", err
    code, _, err = run(capsys, "user", "create", *data, "--email", "bob@example.org", "--password", PASSWORD)
    assert code == 1 and "already exists" in one_line(err)
    code, _, err = run(capsys, "user", "create", *data, "--email", "eve@example.org", "--password", "short")
    assert code == 1 and "at least 8 characters" in one_line(err)
    code, _, err = run(capsys, "user", "create", *data, "--email", "not-an-email", "--password", PASSWORD)
    assert code == 1 and "not an email address" in one_line(err)

    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("another secret\n"))
    code, out, _ = run(
        capsys, "user", "set-password", *data, "--email", "bob@example.org", "--password-stdin"
    )
    assert code == 0 and "Changed the password" in out

    code, out, _ = run(capsys, "user", "list", *data)
    assert code == 0 and out.startswith("bob@example.org  ")
    code, _, _ = run(capsys, "user", "delete", *data, "--email", "bob@example.org")
    assert code == 0
    code, out, _ = run(capsys, "user", "list", *data)
    assert out == "No accounts yet.\n"
    code, _, err = run(capsys, "user", "delete", *data, "--email", "bob@example.org")
    assert code == 1 and "no account" in one_line(err)


def test_user_create_without_a_password_source_is_refused(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO(""))
    code, _, err = run(capsys, "user", "create", "--data-dir", str(tmp_path), "--email", "a@b.c")
    assert code == 1 and "--password-stdin" in one_line(err)


# --- usage errors and help ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["token"],
        ["token", "revoke"],
        ["user", "create"],
        ["status", "--bogus"],
        ["serve", "--port", "x"],
        ["login", "--timeout", "soon"],
        ["mcp", "--transport", "carrier-pigeon"],
    ],
)
def test_usage_errors_are_one_line(argv, capsys) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert one_line(err).startswith("rapidata-nb")


def test_no_command_prints_help_and_fails(capsys) -> None:
    code, _, err = run(capsys)
    assert code == 2 and "status" in err and "skill" in err


def test_every_option_has_help(capsys) -> None:
    for argv in (
        ["--help"],
        ["status", "--help"],
        ["login", "--help"],
        ["token", "create", "--help"],
        ["user", "create", "--help"],
        ["skill", "--help"],
        ["mcp", "--help"],
        ["serve", "--help"],
    ):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and out.startswith("usage: rapidata-nb"), argv

    def bare(parser: argparse.ArgumentParser) -> list[str]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                found += [
                    name
                    for name in action.choices
                    if name not in cli.PASS_THROUGH
                    and not any(choice.dest == name and choice.help for choice in action._choices_actions)
                ]
                for name, sub in action.choices.items():
                    found += bare(sub) if name not in cli.PASS_THROUGH else []
            elif action.help is None:
                found.append(f"{parser.prog} {'/'.join(action.option_strings) or action.dest}")
        return found

    assert bare(cli.build_parser()) == []


def test_mcp_without_the_extra_says_what_to_install() -> None:
    """Without the optional ``mcp`` package, ``rapidata-nb mcp`` fails with one line naming the extra."""
    hide_mcp = "import sys\nsys.modules['mcp'] = None  # as if not installed\nfrom rapidata_nb import cli\n"
    hide_mcp += "sys.exit(cli.main(['mcp']))"
    proc = subprocess.run([sys.executable, "-c", hide_mcp], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        "rapidata-nb: error: the MCP server needs the mcp extra: pip install 'rapidata-nb[mcp]'\n"
    )


def test_demo_is_delegated(monkeypatch, capsys) -> None:
    calls = []
    module = type(sys)("rapidata_nb.demo")
    module.main = lambda argv: calls.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rapidata_nb.demo", module)
    assert cli.main(["demo", "--fast"]) == 0 and calls == [["--fast"]]
