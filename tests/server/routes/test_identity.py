"""The browser-login protocol over HTTP (wire notes §3.1): bridge tokens, the sign-in page, ``/Client``."""

from __future__ import annotations

import httpx
import pytest

from rapidata_nb import cli

EMAIL, PASSWORD = "ann@example.org", "correct horse battery"


@pytest.fixture(scope="module")
def account(live_server) -> tuple[str, str]:
    """An account made by the admin command, next to the server's database (the server keeps running)."""
    assert (
        cli.main(
            [
                "user",
                "create",
                "--data-dir",
                str(live_server.data_dir),
                "--database-url",
                live_server.store_url,
                "--email",
                EMAIL,
                "--password",
                PASSWORD,
            ]
        )
        == 0
    )
    return EMAIL, PASSWORD


def start(url: str) -> tuple[str, str]:
    answer = httpx.post(f"{url}/identity/bridge-token", params={"clientId": "rapidata-cli"})
    assert answer.status_code == 200
    body = answer.json()
    return body["readKey"], body["writeKey"]


def sign_in(url: str, write_key: str, email: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{url}/connect/authorize/external",
        data={"writeKey": write_key, "email": email, "password": password, "confirm": "yes"},
    )


def browser_token(url: str, account: tuple[str, str]) -> str:
    read_key, write_key = start(url)
    assert sign_in(url, write_key, *account).status_code == 200
    answer = httpx.get(f"{url}/identity/bridge-token", params={"readKey": read_key})
    assert answer.status_code == 200
    return str(answer.json()["accessToken"])


def test_bridge_is_pending_until_sign_in_then_hands_out_the_token_once(live_server, account) -> None:
    url = live_server.url
    read_key, write_key = start(url)
    pending = httpx.get(f"{url}/identity/bridge-token", params={"readKey": read_key})
    assert pending.status_code == 202

    page = httpx.get(
        f"{url}/connect/authorize/external",
        params={"clientId": "rapidata-cli", "scope": "openid profile email api", "writeKey": write_key},
    )
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "name='password'" in page.text and write_key in page.text

    done = sign_in(url, write_key, EMAIL.upper(), PASSWORD)  # emails are case-insensitive
    assert done.status_code == 200 and "You are signed in" in done.text

    answer = httpx.get(f"{url}/identity/bridge-token", params={"readKey": read_key})
    assert answer.status_code == 200
    token = answer.json()["accessToken"]
    who = httpx.get(f"{url}/connect/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert who.json()["email"] == EMAIL
    again = httpx.get(f"{url}/identity/bridge-token", params={"readKey": read_key})
    assert again.status_code == 404 and "readKey" in again.json()["message"]


def test_wrong_password_shows_the_form_again_and_completes_nothing(live_server, account) -> None:
    url = live_server.url
    read_key, write_key = start(url)
    for email, password in ((EMAIL, "wrong password"), ("nobody@example.org", PASSWORD)):
        answer = sign_in(url, write_key, email, password)
        assert answer.status_code == 401
        assert "Wrong email or password." in answer.text and "name='password'" in answer.text
    assert httpx.get(f"{url}/identity/bridge-token", params={"readKey": read_key}).status_code == 202
    assert sign_in(url, write_key, *account).status_code == 200


def test_a_used_or_unknown_link_is_refused(live_server, account) -> None:
    url = live_server.url
    _, write_key = start(url)
    assert sign_in(url, write_key, *account).status_code == 200
    reused = sign_in(url, write_key, *account)
    assert reused.status_code == 400 and "expired" in reused.text
    assert httpx.get(f"{url}/connect/authorize/external", params={"writeKey": "nope"}).status_code == 400
    assert httpx.get(f"{url}/connect/authorize/external").status_code == 400
    missing = httpx.get(f"{url}/identity/bridge-token")
    assert missing.status_code == 422 and "readKey" in missing.json()["message"]


def test_client_credentials_are_created_listed_and_revoked(live_server, account) -> None:
    url = live_server.url
    bearer = {"Authorization": f"Bearer {browser_token(url, account)}"}
    created = httpx.post(f"{url}/Client", json={"displayName": "laptop - Python API Client"}, headers=bearer)
    assert created.status_code == 200
    client_id, secret = created.json()["clientId"], created.json()["clientSecret"]

    token = httpx.post(
        f"{url}/connect/token",
        data={"grant_type": "client_credentials", "scope": "openid"},
        auth=(client_id, secret),
    )
    assert token.status_code == 200
    api_bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert httpx.get(f"{url}/audience/global", headers=api_bearer).status_code == 200

    listed = httpx.get(f"{url}/Client", headers=bearer).json()
    assert {"clientId": client_id, "displayName": "laptop - Python API Client"}.items() <= listed[-1].items()
    assert all("clientSecret" not in row for row in listed)
    assert not any(row["clientId"].startswith("user_") for row in listed)
    # The team's registered client belongs to another account: invisible, and not revocable from here.
    assert live_server.client_id not in {row["clientId"] for row in listed}
    assert httpx.delete(f"{url}/Client/{live_server.client_id}", headers=bearer).status_code == 404

    assert httpx.delete(f"{url}/Client/{client_id}", headers=bearer).status_code == 204
    assert httpx.get(f"{url}/audience/global", headers=api_bearer).status_code == 401  # its tokens die too
    rejected = httpx.post(
        f"{url}/connect/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert rejected.status_code == 401 and rejected.json()["error"] == "invalid_client"


def test_client_routes_need_a_token(live_server) -> None:
    assert httpx.post(f"{live_server.url}/Client", json={}).status_code == 401
    assert httpx.get(f"{live_server.url}/Client").status_code == 401


def test_accounts_own_what_they_create_and_shared_accounts_join_the_team(
    live_server, account, tmp_path
) -> None:
    url = live_server.url
    mine = browser_token(url, account)
    assert (
        cli.main(
            [
                "user",
                "create",
                "--data-dir",
                str(live_server.data_dir),
                "--database-url",
                live_server.store_url,
                "--email",
                "team@example.org",
                "--password",
                PASSWORD,
                "--shared",
            ]
        )
        == 0
    )
    team = browser_token(url, ("team@example.org", PASSWORD))
    sub_mine = httpx.get(f"{url}/connect/userinfo", headers={"Authorization": f"Bearer {mine}"}).json()["sub"]
    sub_team = httpx.get(f"{url}/connect/userinfo", headers={"Authorization": f"Bearer {team}"}).json()["sub"]
    sub_registered = httpx.get(
        f"{url}/connect/userinfo", headers={"Authorization": f"Bearer {live_server.token()}"}
    ).json()["sub"]
    assert sub_mine != sub_registered
    assert sub_team == sub_registered


def test_the_page_shows_the_code_and_client_and_needs_the_persons_confirmation(live_server, account) -> None:
    url = live_server.url
    started = httpx.post(f"{url}/identity/bridge-token", params={"clientId": "my-notebook"}).json()
    code = started["code"]
    assert len(code) == 9 and code[4] == "-" and code.replace("-", "").isalnum()
    page = httpx.get(f"{url}/connect/authorize/external", params={"writeKey": started["writeKey"]}).text
    assert f"<p class='code' id='code'>{code}</p>" in page and "<b>my-notebook</b>" in page
    unconfirmed = httpx.post(
        f"{url}/connect/authorize/external",
        data={"writeKey": started["writeKey"], "email": EMAIL, "password": PASSWORD},
    )
    assert unconfirmed.status_code == 400 and "same code" in unconfirmed.text
    assert (
        httpx.get(f"{url}/identity/bridge-token", params={"readKey": started["readKey"]}).status_code == 202
    )
    assert sign_in(url, started["writeKey"], *account).status_code == 200
    assert (
        httpx.get(f"{url}/identity/bridge-token", params={"readKey": started["readKey"]}).status_code == 200
    )
