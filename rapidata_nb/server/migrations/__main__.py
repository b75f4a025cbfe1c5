"""``python -m rapidata_nb.server.migrations <upgrade|current|revision -m MSG> --database-url URL``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from alembic import command

from rapidata_nb.server.migrations import alembic_config

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one Alembic command against ``--database-url`` with the package's migrations."""
    parser = argparse.ArgumentParser(prog="python -m rapidata_nb.server.migrations")
    parser.add_argument("action", choices=("upgrade", "current", "revision", "history"))
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-m", "--message", default="schema change")
    parser.add_argument("--rev-id", default=None)
    args = parser.parse_args(argv)
    config = alembic_config(url=args.database_url)
    if args.action == "upgrade":
        command.upgrade(config, "head")
    elif args.action == "current":
        command.current(config)
    elif args.action == "history":
        command.history(config)
    else:
        command.upgrade(config, "head")
        command.revision(config, message=args.message, autogenerate=True, rev_id=args.rev_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
