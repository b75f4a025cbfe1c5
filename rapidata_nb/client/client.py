"""``RapidataClient``: resolves where to talk to and with which credentials, and holds the managers.

Resolution (DESIGN §4), written once in ``resolve_connection``:

- environment: argument → ``RAPIDATA_ENVIRONMENT`` → the most recently used entry of the credentials file →
  the **embedded backend** (started, or reused, on this machine). Empty values count as unset.
- credentials: ``token``/``token_file`` (or ``RAPIDATA_TOKEN_FILE``) → ``client_id``/``client_secret``
  arguments → ``RAPIDATA_CLIENT_ID``/``RAPIDATA_CLIENT_SECRET`` → the credentials file entry for the
  environment's auth URL → (embedded backend only) the local credentials it reports → the browser login
  (``_login.py``), which saves new credentials to the file.
- rejected credentials: saved ones are forgotten and the browser login runs again (as the official SDK
  does); explicit ones (arguments, environment) raise one clear ``RapidataError``.

An environment with a scheme (``http://127.0.0.1:8000``) is one origin for API, auth and pages; a bare domain
``x`` means ``https://api.x`` (API), ``https://auth.x`` (auth), ``https://app.x`` (pages), ``https://assets.x``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from rapidata_nb.api.auth import (
    ClientCredentialsAuth,
    StaticTokenAuth,
    StoredCredential,
    forget_credential,
    mark_credential_used,
    read_stored_credentials,
    remove_stored_credentials,
)
from rapidata_nb.api.transport import Transport
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client.audience import RapidataAudienceManager
from rapidata_nb.client.benchmark import RapidataBenchmarkManager
from rapidata_nb.client.billing import RapidataBillingManager
from rapidata_nb.client.context import ContextManager
from rapidata_nb.client.exceptions import RapidataError
from rapidata_nb.client.flow import RapidataFlowManager
from rapidata_nb.client.job import RapidataJobManager
from rapidata_nb.client.order import RapidataOrderManager
from rapidata_nb.client.signal import RapidataSignalManager
from rapidata_nb.client.simulation import SimulationManager
from rapidata_nb.client.validation import ValidationSetManager
from rapidata_nb.config import logger, rapidata_config

__all__ = ["Endpoints", "RapidataClient", "endpoints_for"]


@dataclass(frozen=True)
class Endpoints:
    """The origins of one environment."""

    environment: str
    api: str
    auth: str
    app: str
    assets: str


def endpoints_for(environment: str) -> Endpoints:
    """Map an environment to its origins (scheme → one origin; bare domain → api./auth./app./assets.)."""
    env = environment.strip().rstrip("/")
    if "://" in env:
        return Endpoints(env, env, env, env, f"{env}/assets")
    return Endpoints(
        env, f"https://api.{env}", f"https://auth.{env}", f"https://app.{env}", f"https://assets.{env}"
    )


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _environment_from_auth_url(auth_url: str) -> str:
    prefix = "https://auth."
    return auth_url[len(prefix) :].rstrip("/") if auth_url.startswith(prefix) else auth_url.rstrip("/")


class RapidataClient:
    """The entry point: ``client.audience``, ``client.job``, ``client.order``, ``client.context``.

    With nothing configured it starts (or reuses) the embedded backend on this machine, so notebooks run
    with no account and no network.

    Args:
        client_id: OAuth client id.
        client_secret: OAuth client secret.
        environment: ``"rapidata.ai"``-style domain, or an origin such as ``"http://127.0.0.1:8000"``.
        oauth_scope: Scopes requested with the token.
        cert_path: CA bundle to verify the server's TLS certificate.
        token: A ready token ``{"access_token", "token_type", "expires_at"}`` (skips the token exchange).
        token_file: A JSON file holding such a token (re-read when it changes).
        leeway: Refresh the token this many seconds before it expires.
        transport: An ``httpx.BaseTransport`` to send requests through (tests).
    """

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        environment: str | None = None,
        oauth_scope: str = "openid email api",
        cert_path: str | None = None,
        token: dict[str, Any] | None = None,
        token_file: str | None = None,
        leeway: int = 60,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._scope = oauth_scope
        self._leeway = leeway
        self._embedded: Any = None
        environment = environment or _env("RAPIDATA_ENVIRONMENT")
        token_file = token_file or _env("RAPIDATA_TOKEN_FILE")
        self._credential_source = "argument" if client_id else "environment"
        client_id = client_id or _env("RAPIDATA_CLIENT_ID")
        client_secret = client_secret or _env("RAPIDATA_CLIENT_SECRET")

        if environment is None and token is None and token_file is None and client_id is None:
            stored = read_stored_credentials()
            if stored is not None:
                environment = _environment_from_auth_url(stored.auth_url)
        if environment is None:
            environment = self._start_embedded()

        self.endpoints = endpoints_for(environment)
        verify: bool | str = cert_path or True
        self._verify = verify
        auth = self._auth(client_id, client_secret, token, token_file)
        self._transport = Transport(
            self.endpoints.api,
            auth=auth,
            transport=transport,
            verify=verify,
            max_retries=rapidata_config.upload.maxRetries,
        )
        if isinstance(auth, ClientCredentialsAuth):
            self._fetch_first_token(auth)
        namespace = f"embedded:{self._embedded.data_dir}" if self._embedded is not None else ""
        self._ctx = ClientContext(
            self._transport,
            environment=self.endpoints.environment,
            app_url=self.endpoints.app,
            assets_url=self.endpoints.assets,
            cache_namespace=namespace,
        )

        self.audience = RapidataAudienceManager(self._ctx)
        """Create, find and train audiences."""
        self.job = RapidataJobManager(self._ctx)
        """Create job definitions; find definitions and jobs."""
        self.order = RapidataOrderManager(self._ctx, self.job)
        """The order API (a definition run on the global audience)."""
        self.context = ContextManager(self._ctx)
        """Shorten long contexts."""
        self.simulation = SimulationManager(self._ctx)
        """Steer the simulated crowd of a rapidata_nb server (known truths, pace)."""
        self.validation = ValidationSetManager(self._ctx)
        """Create and find validation sets (tasks with known answers that grade labelers)."""
        self.billing = RapidataBillingManager(self._ctx)
        """The current billing period and the outstanding balance."""
        self.signals = RapidataSignalManager(self._ctx)
        """Run a job definition for an audience on a repeating schedule."""
        self.flow = RapidataFlowManager(self._ctx)
        """Flows: batches labeled within a time to live, under one configuration."""
        self.mri = RapidataBenchmarkManager(self._ctx)
        """Model Ranking Insights: benchmarks, leaderboards and participants."""

    # --- resolution --------------------------------------------------------------------------------

    def _start_embedded(self) -> str:
        from rapidata_nb.server.embedded import start_embedded  # the only import of the server package

        self._embedded = start_embedded()
        return str(self._embedded.url)

    def _auth(
        self,
        client_id: str | None,
        client_secret: str | None,
        token: dict[str, Any] | None,
        token_file: str | None,
    ) -> httpx.Auth:
        if token is not None or token_file is not None:
            return StaticTokenAuth(token=token, token_file=token_file)
        if client_id is None or client_secret is None:
            stored = read_stored_credentials(self.endpoints.auth)
            if stored is not None:
                client_id, client_secret = stored.client_id, stored.client_secret
                self._credential_source = "stored"
            elif self._embedded is not None:
                client_id, client_secret = self._embedded.client_id, self._embedded.client_secret
                self._credential_source = "embedded"
            else:
                fresh = self._login()
                client_id, client_secret = fresh.client_id, fresh.client_secret
        return ClientCredentialsAuth(
            f"{self.endpoints.auth}/connect/token", client_id, client_secret, self._scope, self._leeway
        )

    def _login(self) -> StoredCredential:
        """Run the browser login against this environment (saves the new credentials)."""
        from rapidata_nb.client._login import browser_login

        self._credential_source = "login"
        return browser_login(self.endpoints.auth, verify=self._verify)

    def _fetch_first_token(self, auth: ClientCredentialsAuth) -> None:
        for _ in range(10):  # each round forgets one rejected saved credential
            try:
                auth.fetch_token(self._transport)
            except RapidataError as exc:
                if exc.status_code is None:  # no answer at all, after the transport's retries
                    reason = exc.original_exception or exc
                    raise RapidataError(message=f"Cannot reach {self.endpoints.auth}: {reason}") from None
                if exc.status_code not in (400, 401, 403):
                    raise
                self._recover_from_rejection(auth, exc)
                continue
            if self._credential_source == "stored":
                mark_credential_used(self.endpoints.auth, auth.client_id)
            return
        raise RapidataError(message=f"{self.endpoints.auth} keeps rejecting the saved credentials.")

    def _recover_from_rejection(self, auth: ClientCredentialsAuth, exc: RapidataError) -> None:
        """Swap in other credentials after a rejected token request, or raise one clear error."""
        if self._embedded is not None and auth.client_id != self._embedded.client_id:
            # Placeholder credentials (the docs' "Your client ID") against the local backend: use its own.
            logger.warning(
                "The embedded backend rejected client id %r; using its local credentials.", auth.client_id
            )
            auth.client_id, auth.client_secret = self._embedded.client_id, self._embedded.client_secret
            return
        if self._credential_source == "stored":
            logger.warning(
                "%s rejected the saved credentials (client id %s; revoked, or a wrong secret): forgetting "
                "them and signing in again.",
                self.endpoints.auth,
                auth.client_id,
            )
            forget_credential(self.endpoints.auth, auth.client_id)
            fresh = read_stored_credentials(self.endpoints.auth)
            if fresh is None:
                fresh = self._login()
            auth.client_id, auth.client_secret = fresh.client_id, fresh.client_secret
            return
        origin = {
            "argument": "the client_id/client_secret arguments",
            "environment": "RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET",
        }.get(self._credential_source, "a new sign-in")
        raise RapidataError(
            status_code=exc.status_code,
            message=f"{self.endpoints.auth} rejected client id {auth.client_id!r} from {origin} "
            f"({exc.message}). Fix them, or leave them unset to sign in through the browser.",
        ) from None

    # --- public helpers ----------------------------------------------------------------------------

    @property
    def environment(self) -> str:
        """The environment this client talks to."""
        return self.endpoints.environment

    def get_token(self) -> dict[str, Any]:
        """The current access token."""
        auth = self._transport.http.auth
        if isinstance(auth, ClientCredentialsAuth):
            if auth._expired():
                auth.fetch_token(self._transport)
            assert auth.token is not None
            return dict(auth.token)
        if isinstance(auth, StaticTokenAuth):
            return dict(auth.token)
        raise RuntimeError("This client has no token.")

    def set_token(self, token: dict[str, Any]) -> None:
        """Use ``token`` from now on (no refresh)."""
        self._transport.http.auth = StaticTokenAuth(token=token)

    def maintain_token_file(self, path: str, interval: float = 60) -> threading.Thread:
        """Keep ``path`` holding a valid token (rewritten atomically every ``interval`` seconds).

        Other processes can then authenticate with ``RapidataClient(token_file=path)``.

        Returns:
            The daemon thread doing it.
        """
        target = Path(path).expanduser()

        def write() -> None:
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_text(json.dumps(self.get_token()))
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)

        write()

        def loop() -> None:
            while True:
                time.sleep(interval)
                try:
                    write()
                except Exception as exc:  # keep trying; the file keeps the last good token
                    logger.warning("Could not refresh token file %s: %s", target, exc)

        thread = threading.Thread(target=loop, name="rapidata-token-file", daemon=True)
        thread.start()
        return thread

    def reset_credentials(self) -> None:
        """Forget the credentials stored for this environment in ``~/.config/rapidata/credentials.json``."""
        if remove_stored_credentials(self.endpoints.auth):
            logger.info("Removed the stored credentials for %s.", self.endpoints.auth)

    def clear_all_caches(self) -> None:
        """Forget every cached upload (in memory and on disk)."""
        self._ctx.uploader.clear_cache()

    def close(self) -> None:
        """Close the HTTP connections."""
        self._transport.close()

    def __enter__(self) -> RapidataClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RapidataClient(environment={self.endpoints.environment!r})"
