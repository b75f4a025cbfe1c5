"""Server settings: one pydantic class, validated when loaded (DESIGN §5)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, field_validator, model_validator

__all__ = ["ServerSettings", "default_data_dir"]


def default_data_dir() -> Path:
    """``$RAPIDATA_NB_HOME``, else the platform's user data directory for ``rapidata_nb``."""
    home = os.environ.get("RAPIDATA_NB_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("rapidata_nb"))


def default_crowd_pace() -> float:
    """``$RAPIDATA_NB_CROWD_PACE`` (seconds per simulated response), else 0.03: progress stays visible."""
    value = os.environ.get("RAPIDATA_NB_CROWD_PACE", "").strip()
    try:
        return float(value) if value else 0.03
    except ValueError:
        raise ValueError(f"RAPIDATA_NB_CROWD_PACE must be a number of seconds, got {value!r}") from None


class ServerSettings(BaseModel):
    """Everything the server needs to start.

    Attributes:
        data_dir: Where the SQLite database, stored assets and local credentials live.
        database_url: SQLAlchemy URL; defaults to ``sqlite:///<data_dir>/rapidata.db`` (WAL).
            ``postgres://`` is rewritten to ``postgresql+psycopg://``.
        crowd: Run the simulated crowd.
        crowd_pace: Seconds per simulated response (0 = as fast as possible); ``$RAPIDATA_NB_CROWD_PACE``.
        crowd_seed: Seed of the simulated population and its answers.
        crowd_size: Number of simulated labelers.
        client_id: Optional API client registered at start (with ``client_secret``).
        client_secret: Secret of ``client_id``.
        token_ttl_seconds: Lifetime of issued bearer tokens.
        public_url: Base URL used in links (asset URLs, pages); defaults to the request's origin.
        session_seconds: How long a served task stays answerable by a human labeler (the docs' 25 s of
            work per session); later answers are rejected.
        db_lock_timeout: Seconds a request waits for a database lock (or a pooled connection) before the
            server answers 503 with ``Retry-After``: a busy store is a reason to come back, not an error.
        sign_in_failures_per_address: Failed credential checks (client secrets, passwords) allowed per
            client address; the budget refills over ten minutes, and a spent one answers 429.
        sign_in_failures_per_account: The same per account (a client id or an email), so guesses spread
            over many addresses are slow too.
        labelers_per_address_per_hour: New labelers (first labeling sessions) allowed per client address
            per hour; more answer 429. Raise it for many people behind one NAT or reverse proxy.
    """

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    crowd: bool = True
    crowd_pace: float = Field(default_factory=default_crowd_pace, ge=0)
    crowd_seed: int = 7
    crowd_size: int = Field(600, ge=1)
    client_id: str | None = None
    client_secret: str | None = None
    token_ttl_seconds: int = Field(3600, ge=1)
    public_url: str | None = None
    session_seconds: float = Field(25.0, gt=0, le=3600)
    db_lock_timeout: float = Field(10.0, gt=0, le=600)
    sign_in_failures_per_address: int = Field(20, ge=1, le=100_000)
    sign_in_failures_per_account: int = Field(10, ge=1, le=100_000)
    labelers_per_address_per_hour: int = Field(100, ge=1, le=1_000_000)

    @field_validator("database_url", mode="before")
    @classmethod
    def _normalise_url(cls, value: object) -> object:
        if isinstance(value, str) and value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.removeprefix("postgres://")
        if isinstance(value, str) and value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _defaults(self) -> ServerSettings:
        self.data_dir = Path(self.data_dir).expanduser().resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'rapidata.db'}"
        if bool(self.client_id) != bool(self.client_secret):
            raise ValueError("client_id and client_secret must be given together")
        return self

    def make_data_dir(self) -> Path:
        """Create the data directory, when missing, private to this user (0700): it holds the database
        and the local client's secret. An existing directory is the operator's to set."""
        if not self.data_dir.exists():
            self.data_dir.mkdir(mode=0o700, parents=True)
        return self.data_dir

    @property
    def assets_dir(self) -> Path:
        """Where servers before asset chunks kept uploaded files; moved into the database at start."""
        return self.data_dir / "assets"
