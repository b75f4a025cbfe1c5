"""``python -m rapidata_nb.server``: run the server standalone (team mode, tests, the official SDK over
TLS)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command-line options (``rapidata-nb serve`` delegates here)."""
    parser = argparse.ArgumentParser(
        prog="python -m rapidata_nb.server", description="Run the rapidata_nb server."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--database-url", default="", help="SQLAlchemy URL (default: SQLite in the data dir)")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="default: $RAPIDATA_NB_HOME or user data dir"
    )
    parser.add_argument("--ssl-certfile", default=None)
    parser.add_argument("--ssl-keyfile", default=None)
    parser.add_argument(
        "--crowd",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the simulated crowd (default: on)",
    )
    parser.add_argument("--crowd-pace", type=float, default=None, help="seconds per simulated response")
    parser.add_argument("--crowd-seed", type=int, default=None)
    parser.add_argument("--crowd-size", type=int, default=None)
    parser.add_argument("--client-id", default=None, help="register this API client at start")
    parser.add_argument("--client-secret", default=None)
    parser.add_argument("--token-ttl-seconds", type=int, default=None, help="lifetime of bearer tokens")
    parser.add_argument(
        "--session-seconds",
        type=float,
        default=None,
        help="labeling session deadline in seconds (default 25)",
    )
    parser.add_argument(
        "--db-lock-timeout",
        type=float,
        default=None,
        help="seconds to wait for a database lock before answering 503 (default 10)",
    )
    parser.add_argument(
        "--sign-in-failures-per-address",
        type=int,
        default=None,
        help="failed sign-ins allowed per client address per 10 minutes (default 20)",
    )
    parser.add_argument(
        "--sign-in-failures-per-account",
        type=int,
        default=None,
        help="failed sign-ins allowed per account per 10 minutes (default 10)",
    )
    parser.add_argument(
        "--labelers-per-address-per-hour",
        type=int,
        default=None,
        help="new labelers allowed per client address per hour (default 100; raise it behind one NAT)",
    )
    parser.add_argument("--public-url", default=None, help="origin used in links (default: the request's)")
    parser.add_argument("--log-level", default="warning")
    parser.add_argument(
        "--loop",
        choices=["auto", "asyncio", "uvloop"],
        default="auto",
        help="event loop (default auto: uvloop where installed, as uvicorn picks it)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (replicas; use PostgreSQL for more than one)",
    )
    return parser


_SETTINGS_ENV = "RAPIDATA_NB_SERVER_SETTINGS"


def app_from_environment() -> Any:
    """The app of one ``--workers`` process, from the settings the parent validated (issue 9)."""
    from rapidata_nb.server.app import create_app
    from rapidata_nb.server.settings import ServerSettings

    return create_app(ServerSettings.model_validate_json(os.environ[_SETTINGS_ENV]))


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, build the app and serve it until interrupted."""
    import uvicorn
    from pydantic import ValidationError

    from rapidata_nb.server.app import create_app
    from rapidata_nb.server.settings import ServerSettings

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    options = {
        "database_url": args.database_url,
        "crowd": args.crowd,
        "crowd_pace": args.crowd_pace,
        "crowd_seed": args.crowd_seed,
        "crowd_size": args.crowd_size,
        "client_id": args.client_id,
        "client_secret": args.client_secret,
        "public_url": args.public_url,
        "token_ttl_seconds": args.token_ttl_seconds,
        "session_seconds": args.session_seconds,
        "db_lock_timeout": args.db_lock_timeout,
        "sign_in_failures_per_address": args.sign_in_failures_per_address,
        "sign_in_failures_per_account": args.sign_in_failures_per_account,
        "labelers_per_address_per_hour": args.labelers_per_address_per_hour,
    }
    if args.data_dir is not None:
        options["data_dir"] = args.data_dir
    try:
        settings = ServerSettings(**{k: v for k, v in options.items() if v is not None})
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    app: Any = create_app(settings)  # with workers: migrate and seed once, before they start
    scheme = "https" if args.ssl_certfile else "http"
    print(f"rapidata_nb server on {scheme}://{args.host}:{args.port} (data: {settings.data_dir})", flush=True)
    if args.workers > 1:
        os.environ[_SETTINGS_ENV] = settings.model_dump_json()
        app = "rapidata_nb.server.__main__:app_from_environment"
    uvicorn.run(
        app,
        factory=args.workers > 1,
        workers=args.workers if args.workers > 1 else None,
        host=args.host,
        port=args.port,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level=args.log_level,
        loop=args.loop,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
