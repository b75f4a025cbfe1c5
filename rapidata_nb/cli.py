"""The ``rapidata-nb`` command line (also ``python -m rapidata_nb``).

::

    rapidata-nb serve ...                      run a team server (options of ``python -m rapidata_nb.server``)
    rapidata-nb demo ...                       a compare and a classification job on the embedded backend
    rapidata-nb status [--environment ENV]     can this machine authenticate? exit 0 / 1, never logs in
    rapidata-nb login  [--environment ENV]     browser sign-in; saves API credentials for RapidataClient()
    rapidata-nb logout [--environment ENV]     forget the saved credentials of an environment
    rapidata-nb token create|list|revoke       API clients (id + secret) of your account on a team server
    rapidata-nb user create|list|set-password|delete   accounts on a team server (run next to its database)
    rapidata-nb skill [--install]              the agent skill (SKILL.md) shipped with this package
    rapidata-nb mcp [--transport stdio|http]   the agent tools as a Model Context Protocol server

Every failure is one line on stderr and a non-zero exit: 1 when the command ran and the answer is "no"
or the server said no, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import httpx

from rapidata_nb.api.auth import ClientCredentialsAuth, StaticTokenAuth
from rapidata_nb.api.errors import RapidataError
from rapidata_nb.api.transport import Transport

__all__ = ["SKILL_TARGETS", "main", "skill_text"]

PROG = "rapidata-nb"

SKILL_TARGETS: dict[str, str] = {
    "claude": ".claude/skills/rapidata-nb/SKILL.md",
    "codex": ".codex/skills/rapidata-nb/SKILL.md",
    "cursor": ".cursor/rules/rapidata-nb.mdc",
    "copilot": ".github/instructions/rapidata-nb.instructions.md",
}
"""Where ``skill --install`` writes, relative to the project (or, with ``--user``, the home directory)."""


class CommandError(Exception):
    """A failure reported as one line and exit status 1."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


# --- environment and credentials --------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    environment: str | None
    """``None``: nothing configured, so ``RapidataClient()`` uses the embedded backend."""
    origin: str
    """Where the environment came from (for messages)."""


def _resolve_environment(arg: str | None) -> _Target:
    """``--environment`` → ``$RAPIDATA_ENVIRONMENT`` → last used saved credential → embedded (DESIGN §4)."""
    from rapidata_nb.api.auth import read_stored_credentials
    from rapidata_nb.client.client import _environment_from_auth_url

    if arg:
        return _Target(arg, "--environment")
    if os.environ.get("RAPIDATA_ENVIRONMENT"):
        return _Target(os.environ["RAPIDATA_ENVIRONMENT"], "RAPIDATA_ENVIRONMENT")
    stored = read_stored_credentials()
    if stored is not None:
        return _Target(_environment_from_auth_url(stored.auth_url), "the saved credentials")
    return _Target(None, "nothing configured")


@dataclass(frozen=True)
class _Credentials:
    client_id: str | None
    client_secret: str | None
    token: str | None
    source: str


def _credentials_for(auth_url: str) -> _Credentials | None:
    """The credentials ``RapidataClient()`` would use for ``auth_url``, without logging in."""
    from rapidata_nb.api.auth import read_stored_credentials

    token_file = os.environ.get("RAPIDATA_TOKEN_FILE")
    if token_file:
        try:
            token = json.loads(Path(token_file).expanduser().read_text())["access_token"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"RAPIDATA_TOKEN_FILE {token_file} holds no usable token ({exc})") from None
        return _Credentials(None, None, str(token), f"the token file {token_file}")
    client_id, secret = os.environ.get("RAPIDATA_CLIENT_ID"), os.environ.get("RAPIDATA_CLIENT_SECRET")
    if client_id and secret:
        return _Credentials(client_id, secret, None, "RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET")
    stored = read_stored_credentials(auth_url)
    if stored is not None:
        return _Credentials(stored.client_id, stored.client_secret, None, "the saved credentials")
    return None


_SCOPE = "openid email api"
"""The scopes the client asks for (``RapidataClient(oauth_scope=...)``'s default)."""


def _unreachable(auth_url: str, exc: RapidataError) -> CommandError:
    """The one line for a request that got no answer (``RapidataError`` without a status)."""
    return CommandError(f"Cannot reach {auth_url}: {exc.original_exception or exc.message}")


def _auth_transport(auth_url: str, cert_path: str | None, auth: httpx.Auth | None = None) -> Transport:
    """The client's transport to the auth origin, without retries: a command answers at once."""
    return Transport(
        auth_url,
        auth=auth,
        verify=cert_path or True,
        max_retries=0,
        timeout=httpx.Timeout(15.0, connect=5.0),
    )


def _signed_in(auth_url: str, cert_path: str | None, creds: _Credentials) -> Transport:
    """A transport that sends ``creds`` as the client would: the token as it is, or client credentials.

    Raises:
        CommandError: When the token exchange is refused or the server cannot be reached.
    """
    if creds.token is not None:
        return _auth_transport(auth_url, cert_path, StaticTokenAuth(token={"access_token": creds.token}))
    assert creds.client_id is not None and creds.client_secret is not None
    auth = ClientCredentialsAuth(f"{auth_url}/connect/token", creds.client_id, creds.client_secret, _SCOPE)
    transport = _auth_transport(auth_url, cert_path, auth)
    try:
        auth.fetch_token(transport)
    except RapidataError as exc:
        transport.close()
        if exc.status_code is None:
            raise _unreachable(auth_url, exc) from None
        raise CommandError(
            f"{auth_url} rejected client id {creds.client_id!r} from {creds.source}: {exc.message}"
        ) from None
    return transport


# --- status / login / logout -------------------------------------------------------------------------


def _embedded_status() -> int:
    from rapidata_nb.server.settings import default_data_dir

    data_dir = default_data_dir()
    running = None
    try:
        url = json.loads((data_dir / "server.json").read_text())["url"]
        if httpx.get(f"{url}/local/health", timeout=2).status_code == 200:
            running = url
    except (OSError, ValueError, KeyError, TypeError, httpx.HTTPError):
        pass
    where = f"running at {running}" if running else "started on first use"
    print(
        f"No environment configured: RapidataClient() uses the embedded backend ({where}; data in "
        f"{data_dir}). No sign-in needed."
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    target = _resolve_environment(args.environment)
    if target.environment is None:
        return _embedded_status()
    print(_probe(target, args.cert_path))
    return 0


def _probe(target: _Target, cert_path: str | None) -> str:
    """One line saying who we are signed in as; ``CommandError`` when the server or credentials fail."""
    from rapidata_nb.client.client import endpoints_for

    assert target.environment is not None
    auth_url = endpoints_for(target.environment).auth
    creds = _credentials_for(auth_url)
    if creds is None:
        transport = _auth_transport(auth_url, cert_path)
        try:
            transport.request("GET", "/connect/userinfo")
        except RapidataError as exc:
            if exc.status_code is None:
                raise CommandError(
                    f"Cannot reach {auth_url}: {exc.original_exception or exc.message}"
                ) from None
        finally:
            transport.close()
        raise CommandError(
            f"Not signed in to {target.environment} (from {target.origin}): run `{PROG} login` or set "
            "RAPIDATA_CLIENT_ID and RAPIDATA_CLIENT_SECRET."
        )
    transport = _signed_in(auth_url, cert_path, creds)
    try:
        info = transport.request("GET", "/connect/userinfo") or {}
    except RapidataError as exc:
        if exc.status_code is None:
            raise _unreachable(auth_url, exc) from None
        raise CommandError(f"{auth_url} rejected the token from {creds.source}: {exc.message}") from None
    finally:
        transport.close()
    account = info.get("email") or info.get("sub")
    client = f" with client {creds.client_id}" if creds.client_id else ""
    return f"Signed in to {target.environment} as {account}{client} (credentials from {creds.source})."


def _login(args: argparse.Namespace) -> int:
    from rapidata_nb.client._login import browser_login
    from rapidata_nb.client.client import endpoints_for

    target = _resolve_environment(args.environment)
    if target.environment is None:
        raise CommandError(
            "Nothing to sign in to: without an environment RapidataClient() uses the embedded backend, "
            "which needs no sign-in. Pass --environment URL for a team server."
        )
    auth_url = endpoints_for(target.environment).auth
    if not args.force and _credentials_for(auth_url) is not None:
        try:
            print(f"{_probe(target, args.cert_path)} `{PROG} login --force` signs in again.")
            return 0
        except CommandError as exc:
            print(f"{exc} Signing in again.", file=sys.stderr)
    browser_login(
        auth_url,
        verify=args.cert_path or True,
        timeout=args.timeout,
        open_browser=False if args.no_browser else None,
    )
    return 0


def _logout(args: argparse.Namespace) -> int:
    from rapidata_nb.api.auth import remove_stored_credentials
    from rapidata_nb.client.client import endpoints_for

    target = _resolve_environment(args.environment)
    if target.environment is None:
        raise CommandError("No environment configured, so no saved credentials to forget.")
    auth_url = endpoints_for(target.environment).auth
    if remove_stored_credentials(auth_url):
        print(f"Forgot the saved credentials for {auth_url}.")
    else:
        print(f"No saved credentials for {auth_url}.")
    return 0


# --- token create|list|revoke ------------------------------------------------------------------------


def _token(args: argparse.Namespace) -> int:
    from rapidata_nb.client.client import endpoints_for

    target = _resolve_environment(args.environment)
    if target.environment is None:
        raise CommandError(
            "No team server configured: pass --environment URL (the embedded backend has no tokens)."
        )
    auth_url = endpoints_for(target.environment).auth
    creds = _credentials_for(auth_url)
    if creds is None:
        raise CommandError(f"Not signed in to {target.environment}: run `{PROG} login` first.")
    transport = _signed_in(auth_url, args.cert_path, creds)
    try:
        if args.action == "create":
            answer = transport.request("POST", "/Client", json={"displayName": args.name})
        elif args.action == "list":
            answer = transport.request("GET", "/Client")
        else:
            answer = transport.request("DELETE", f"/Client/{args.client_id}")
    except RapidataError as exc:
        if exc.status_code is None:
            raise _unreachable(auth_url, exc) from None
        raise CommandError(f"{auth_url} answered {exc.status_code}: {exc.message}") from None
    finally:
        transport.close()
    if args.action == "revoke":
        print(f"Revoked client {args.client_id}; its tokens stop working now.")
    elif args.json:
        print(json.dumps(answer, indent=2))
    elif args.action == "create":
        print(f"client_id:     {answer['clientId']}\nclient_secret: {answer['clientSecret']}")
        print(
            "Keep the secret now: it is not shown again. Use it as RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET."
        )
    else:
        rows = answer or []
        if not rows:
            print("No API clients.")
        for row in rows:
            print(f"{row['clientId']}  {row.get('createdAt', '')[:19]}  {row.get('displayName') or ''}")
    return 0


# --- user create|list|set-password|delete (next to the server's database) ----------------------------


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return str(args.password)
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("give --password or --password-stdin (no terminal to prompt on)")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat: ") != first:
        raise CommandError("the passwords do not match")
    return first


def _user(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from rapidata_nb.server.settings import ServerSettings
    from rapidata_nb.server.store import auth as auth_store
    from rapidata_nb.server.store import identity
    from rapidata_nb.server.store.db import create_schema, make_engine, make_session_factory

    options: dict[str, Any] = {"database_url": args.database_url or "", "crowd": False}
    if args.data_dir is not None:
        options["data_dir"] = args.data_dir
    settings = ServerSettings(**options)
    settings.make_data_dir()
    engine = make_engine(settings.database_url)
    try:
        create_schema(engine)
        with make_session_factory(engine)() as session:
            if args.action == "create":
                customer = auth_store.DEFAULT_CUSTOMER_ID if args.shared else None
                if customer is not None:
                    auth_store.ensure_customer(session=session, customer_id=customer, email="you@localhost")
                user = identity.create_user(
                    session=session, email=args.email, password=_password(args), customer_id=customer
                )
                message = f"Created account {user.email}."
            elif args.action == "set-password":
                user = identity.set_password(session=session, email=args.email, password=_password(args))
                message = f"Changed the password of {user.email}."
            elif args.action == "delete":
                identity.delete_user(session=session, email=args.email)
                message = f"Deleted account {args.email.strip().lower()}."
            else:
                users = identity.list_users(session=session)
                message = "\n".join(
                    f"{u.email}  {u.created_at:%Y-%m-%d}  customer {u.customer_id}" for u in users
                )
                message = message or "No accounts yet."
            session.commit()
    except SQLAlchemyError as exc:
        raise CommandError(f"database {settings.database_url}: {exc.__class__.__name__}: {exc}") from None
    finally:
        engine.dispose()
    print(message)
    return 0


# --- skill ------------------------------------------------------------------------------------------


def skill_text() -> str:
    """The ``SKILL.md`` shipped in the package."""
    return resources.files("rapidata_nb").joinpath("SKILL.md").read_text(encoding="utf-8")


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    head, _, body = text[4:].partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return meta, body.lstrip("\n")


def _skill_for(agent: str, text: str) -> str:
    """The skill in the format ``agent`` loads (Claude/Codex skills as-is; Cursor and Copilot rules)."""
    meta, body = _split_front_matter(text)
    description = meta.get("description", "How to use rapidata_nb.")
    if agent == "cursor":
        return (
            f"---\ndescription: {description}\nglobs: **/*.py,**/*.ipynb\nalwaysApply: false\n---\n\n{body}"
        )
    if agent == "copilot":
        return f"---\napplyTo: '**/*.py,**/*.ipynb'\ndescription: {description}\n---\n\n{body}"
    return text


def _skill(args: argparse.Namespace) -> int:
    text = skill_text()
    if not args.install:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `rapidata-nb skill | head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    root = Path.home() if args.user else args.dir
    agents = sorted(SKILL_TARGETS) if args.agent == "all" else [args.agent]
    for agent in agents:
        target = root / SKILL_TARGETS[agent]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_skill_for(agent, text), encoding="utf-8")
        print(f"Installed the rapidata-nb skill for {agent}: {target}")
    return 0


# --- mcp ----------------------------------------------------------------------------------------


def _mcp(args: argparse.Namespace) -> int:
    try:
        from rapidata_nb.mcp import serve_http, serve_stdio
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("mcp"):
            raise
        raise CommandError("the MCP server needs the mcp extra: pip install 'rapidata-nb[mcp]'") from None
    if args.transport == "stdio":
        serve_stdio(environment=args.environment, cert_path=args.cert_path)
    else:
        serve_http(environment=args.environment, cert_path=args.cert_path, host=args.host, port=args.port)
    return 0


# --- serve / demo (pass-through) --------------------------------------------------------------------


_SERVE_HELP = {
    "--host": "interface to listen on (default 127.0.0.1; 0.0.0.0 to serve your team)",
    "--port": "TCP port (default 8000)",
    "--ssl-certfile": "TLS certificate (PEM): serve https, as the official SDK requires",
    "--ssl-keyfile": "TLS private key (PEM) of --ssl-certfile",
    "--crowd-seed": "seed of the simulated crowd (default 7)",
    "--crowd-size": "number of simulated labelers (default 600)",
    "--client-secret": "secret of --client-id",
    "--log-level": "log level: debug, info, warning (default), error",
}


def _serve(argv: Sequence[str]) -> int:
    from rapidata_nb.server.__main__ import build_parser
    from rapidata_nb.server.__main__ import main as serve_main

    parser = build_parser()
    parser.prog = f"{PROG} serve"
    parser.description = (
        "Run the backend as a standalone team server: the API, the sign-in page for accounts made with "
        f"`{PROG} user create`, the labeling app at /label and (unless --no-crowd) the simulated crowd."
    )
    parser.error = _Parser.error.__get__(parser)  # type: ignore[method-assign]
    for action in parser._actions:  # complete the help of options the server module leaves bare
        if action.help is None and action.option_strings:
            action.help = _SERVE_HELP.get(action.option_strings[0])
    parser.parse_args(list(argv))  # validate (and answer --help) under this command's name
    return serve_main(list(argv))


def _demo(argv: Sequence[str]) -> int:
    from rapidata_nb.demo import main as demo_main

    return demo_main(list(argv))


PASS_THROUGH: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "serve": (_serve, "run a team server (see `rapidata-nb serve --help`)"),
    "demo": (_demo, "run a compare and a classification job on the embedded backend"),
}


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--environment",
        metavar="ENV",
        help="server origin (http://host:8000) or domain; default: $RAPIDATA_ENVIRONMENT, else the last "
        "environment you signed in to, else the embedded backend",
    )
    parser.add_argument("--cert-path", metavar="PEM", help="CA bundle to verify the server's TLS certificate")


def build_parser() -> argparse.ArgumentParser:
    """The full command line (``serve`` and ``demo`` only appear here; they parse their own options)."""
    parser = _Parser(
        prog=PROG,
        description="Human feedback, native to Jupyter: run a team server, sign in to it, install the "
        "agent skill, serve the agent tools (MCP).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (_, help_text) in PASS_THROUGH.items():
        sub.add_parser(name, help=help_text, add_help=False)

    status = sub.add_parser(
        "status",
        help="check that the configured environment answers and the credentials work (exit 0/1, no login)",
        description="Report whether RapidataClient() can authenticate here, without starting a login. "
        "Exit 0 when it can (or when the embedded backend is used), 1 otherwise.",
    )
    _add_connection_options(status)
    status.set_defaults(run=_status)

    login = sub.add_parser(
        "login",
        help="sign in through the browser and save API credentials for RapidataClient()",
        description="Open (or print) a sign-in link, wait for it, then create API credentials and save "
        "them in ~/.config/rapidata/credentials.json.",
    )
    _add_connection_options(login)
    login.add_argument("--force", action="store_true", help="sign in even when the saved credentials work")
    login.add_argument("--no-browser", action="store_true", help="only print the link")
    login.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="default 300")
    login.set_defaults(run=_login)

    logout = sub.add_parser("logout", help="forget the saved credentials of an environment")
    _add_connection_options(logout)
    logout.set_defaults(run=_logout)

    token = sub.add_parser(
        "token",
        help="create, list or revoke API clients (id + secret) on a team server",
        description="Manage the API clients of your account, authenticated with your current credentials.",
    )
    token_sub = token.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    create = token_sub.add_parser("create", help="create a client and print its id and secret once")
    create.add_argument("--name", default="rapidata-nb token", help="display name")
    token_sub.add_parser("list", help="list your clients (no secrets)")
    revoke = token_sub.add_parser("revoke", help="revoke a client; its tokens stop working at once")
    revoke.add_argument("client_id", metavar="CLIENT_ID", help="the id `token list` shows")
    for action in token_sub.choices.values():
        _add_connection_options(action)
        action.add_argument("--json", action="store_true", help="print the server's JSON answer")
        action.set_defaults(run=_token)

    user = sub.add_parser(
        "user",
        help="manage the accounts people sign in with (on the server machine)",
        description="Accounts live in the server's database: run this where `rapidata-nb serve` runs, "
        "with the same --data-dir or --database-url. The server need not be stopped.",
    )
    user_sub = user.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    user_create = user_sub.add_parser("create", help="create an account")
    user_create.add_argument(
        "--shared",
        action="store_true",
        help="act as the server's team account (sees what --client-id clients create) instead of a "
        "private one",
    )
    user_password = user_sub.add_parser("set-password", help="change an account's password")
    user_delete = user_sub.add_parser("delete", help="delete an account (API clients it created remain)")
    user_list = user_sub.add_parser("list", help="list the accounts")
    for action in (user_create, user_password, user_delete, user_list):
        action.add_argument("--data-dir", type=Path, default=None, help="the server's data dir")
        action.add_argument("--database-url", default=None, help="the server's database URL")
        action.set_defaults(run=_user)
    for action in (user_create, user_password, user_delete):
        action.add_argument("--email", required=True, help="the account's sign-in name")
    for action in (user_create, user_password):
        action.add_argument("--password", default=None, help="(visible to other local users; prefer stdin)")
        action.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    skill = sub.add_parser(
        "skill",
        help="print the agent skill (SKILL.md), or install it where coding agents look",
        description="Print the SKILL.md that teaches coding agents this toolkit, or write it into a project.",
    )
    skill.add_argument("--install", action="store_true", help="write it instead of printing it")
    skill.add_argument(
        "--agent",
        choices=[*sorted(SKILL_TARGETS), "all"],
        default="claude",
        help="which agent's location (default: claude): "
        + ", ".join(f"{k} → {v}" for k, v in SKILL_TARGETS.items()),
    )
    skill.add_argument("--dir", type=Path, default=Path.cwd(), help="project root (default: here)")
    skill.add_argument("--user", action="store_true", help="install into your home directory instead")
    skill.set_defaults(run=_skill)

    mcp = sub.add_parser(
        "mcp",
        help="serve the agent tools over the Model Context Protocol (stdio, or Streamable HTTP)",
        description="Run a Model Context Protocol server whose tools create labeling tasks (as drafts: only "
        "start_job spends), start them and read their results. stdio serves you with your credentials (the "
        "embedded backend by default); HTTP serves anyone holding a bearer token of the backend.",
    )
    mcp.add_argument("--transport", choices=["stdio", "http"], default="stdio", help="default: stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="(http) interface to listen on (default 127.0.0.1)")
    mcp.add_argument("--port", type=int, default=8765, help="(http) TCP port (default 8765), path /mcp")
    _add_connection_options(mcp)
    mcp.set_defaults(run=_mcp)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rapidata-nb`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args[0] in PASS_THROUGH:
            return PASS_THROUGH[args[0]][0](args[1:])
        namespace = parser.parse_args(args)
        return int(namespace.run(namespace))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (CommandError, ValueError, OSError, ImportError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # RapidataError and friends: still one line, never a traceback
        from rapidata_nb.client.exceptions import RapidataError

        if not isinstance(exc, RapidataError):
            raise
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
