"""What every tool shares: the client it works on, its error reporting, the datapoint policy."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from rapidata_nb.client import FailedUploadException, RapidataClient, RapidataError

__all__ = ["ClientSource", "ToolError", "Toolbox", "reported"]

ClientSource = Callable[[], AbstractContextManager[RapidataClient]]
"""Hands out the client one tool call works on: the local user's (stdio) or the caller's token's (HTTP)."""

_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
F = TypeVar("F", bound=Callable[..., Any])


def reported(tool: F) -> F:
    """Turn what the client raises into a tool error the model can act on (``isError: true``).

    The SDK shows the model only the text of a ``ToolError``; any other exception becomes a bare "Error
    executing tool", so the client's messages (which say what to fix) are re-raised as ``ToolError``.
    """

    @functools.wraps(tool)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return tool(*args, **kwargs)
        except (ValueError, RuntimeError, FailedUploadException) as exc:
            raise ToolError(str(exc)) from exc
        except RapidataError as exc:
            raise ToolError(f"the backend refused: {exc}") from exc

    return call  # type: ignore[return-value]


class Toolbox:
    """Base of the tool groups: a client per call and the rule for media datapoints.

    Args:
        clients: Where each call gets its client.
        local_files: Whether media datapoints may name files on this machine (stdio: the user's own
            machine). Over HTTP they may not: the server would upload its own files for any caller.
    """

    def __init__(self, clients: ClientSource, *, local_files: bool) -> None:
        self._clients = clients
        self._local_files = local_files

    def client(self) -> AbstractContextManager[RapidataClient]:
        """The client of this call (``with self.client() as client: ...``)."""
        return self._clients()

    def check_media(self, field: str, items: Sequence[str] | Sequence[Sequence[str]]) -> None:
        """Raise a ``ToolError`` naming the first item that is neither a URL nor (where allowed) a file."""
        for where, item in _flatten(field, items):
            if _URL.match(item):
                continue
            if not self._local_files:
                raise ToolError(
                    f"{where}: {item[:80]!r} is not an http(s) URL. This server takes media by URL only; "
                    "for texts pass data_type='text'."
                )
            if not Path(item).expanduser().is_file():
                raise ToolError(
                    f"{where}: {item[:80]!r} is neither an http(s) URL nor an existing file; "
                    "for texts pass data_type='text'."
                )


def _flatten(field: str, items: Sequence[str] | Sequence[Sequence[str]]) -> Iterator[tuple[str, str]]:
    for i, item in enumerate(items):
        if isinstance(item, str):
            yield f"{field}[{i}]", item
        else:
            for j, inner in enumerate(item):
                yield f"{field}[{i}][{j}]", inner
