"""What every manager and resource object shares: the transport, link builders, the asset uploader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidata_nb.api.transport import Transport

if TYPE_CHECKING:
    from rapidata_nb.client.upload import AssetUploader

__all__ = ["ClientContext"]


@dataclass
class ClientContext:
    """Shared state of one ``RapidataClient``.

    Attributes:
        transport: The API transport.
        environment: The environment as given (``rapidata.ai`` or ``http://127.0.0.1:8000``).
        app_url: Base URL of the browser pages (``https://app.rapidata.ai`` or the local origin).
        assets_url: Base URL of hosted assets.
    """

    transport: Transport
    environment: str
    app_url: str
    assets_url: str
    cache_namespace: str = ""
    """Prefix of upload-cache keys: the environment, or the data directory of an embedded backend (its port
    changes between sessions, its stored assets do not)."""
    _uploader: AssetUploader | None = field(default=None, repr=False)

    @property
    def uploader(self) -> AssetUploader:
        """The asset uploader (created on first use)."""
        if self._uploader is None:
            from rapidata_nb.client.upload import AssetUploader

            self._uploader = AssetUploader(self)
        return self._uploader

    @property
    def is_local(self) -> bool:
        """Whether the API runs on this machine (poll fast: it answers in milliseconds)."""
        from urllib.parse import urlparse

        host = urlparse(self.transport.api_url).hostname or ""
        return host in ("127.0.0.1", "localhost", "::1") or host.endswith(".localhost")

    def link(self, path: str) -> str:
        """A browser link to ``path`` (``definitions/<id>``, ``audiences/<a>/job/<j>``)."""
        return f"{self.app_url.rstrip('/')}/{path.lstrip('/')}"
