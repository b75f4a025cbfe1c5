"""The ``rapidata-nb`` command line: ``serve`` a team server, run the ``demo``.

Each subcommand is a thin shim over a function of the package, so everything the command line does can
also be done from Python.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _serve(argv: Sequence[str]) -> int:
    from rapidata_nb.server.__main__ import main as serve_main

    return serve_main(list(argv))


def _demo(argv: Sequence[str]) -> int:
    from rapidata_nb.demo import main as demo_main

    return demo_main(list(argv))


COMMANDS = {
    "serve": (_serve, "run the backend as a standalone (team) server; see `rapidata-nb serve --help`"),
    "demo": (_demo, "run a compare and a classification job on the embedded backend and print the results"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rapidata-nb`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="rapidata-nb", description="Human feedback, native to Jupyter.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    if not args or args[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        parser.error(f"unknown command {command!r}; choose one of: {', '.join(COMMANDS)}")
    return COMMANDS[command][0](rest)


if __name__ == "__main__":
    sys.exit(main())
