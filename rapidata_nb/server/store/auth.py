"""Repository of customers, API clients and bearer tokens (secrets and tokens are stored hashed)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from rapidata_nb.server.store.labeling import utcnow
from rapidata_nb.server.store.models import AccessToken, ClientCredential, Customer

__all__ = [
    "DEFAULT_CUSTOMER_ID",
    "authenticate_client",
    "ensure_customer",
    "hash_secret",
    "issue_token",
    "owner_mail",
    "register_client",
    "resolve_token",
    "verify_secret",
]

DEFAULT_CUSTOMER_ID = "6c6f6361-6c00-4000-8000-000000000001"
"""The customer of the local client and of clients registered at start (one team, one account).

Customer ids are UUIDs because the official SDK validates ``ownerId``/``createdById`` as UUIDs."""
_ITERATIONS = 60_000


def hash_secret(secret: str) -> str:
    """Salted PBKDF2-SHA256 hash, ``pbkdf2$<iterations>$<salt>$<hex>``."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), _ITERATIONS).hex()
    return f"pbkdf2${_ITERATIONS}${salt}${digest}"


def verify_secret(secret: str, stored: str) -> bool:
    """Constant-time check of ``secret`` against a :func:`hash_secret` value."""
    try:
        _, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ensure_customer(*, session: Session, customer_id: str, email: str) -> Customer:
    """Return the customer, creating it when missing."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        customer = Customer(id=customer_id, email=email)
        session.add(customer)
        session.flush()
    return customer


def owner_mail(*, session: Session, owner_id: str) -> str:
    """The owning customer's e-mail address (``""`` when the customer is unknown)."""
    customer = session.get(Customer, owner_id)
    return customer.email if customer is not None else ""


def register_client(
    *, session: Session, client_id: str, client_secret: str, customer_id: str, display_name: str | None = None
) -> ClientCredential:
    """Create the client or replace its secret."""
    client = session.get(ClientCredential, client_id)
    if client is None:
        client = ClientCredential(client_id=client_id, customer_id=customer_id, display_name=display_name)
        session.add(client)
    elif verify_secret(client_secret, client.secret_hash):
        return client
    client.secret_hash = hash_secret(client_secret)
    session.flush()
    return client


def authenticate_client(*, session: Session, client_id: str, client_secret: str) -> ClientCredential | None:
    """The client if the secret matches, else ``None``."""
    client = session.get(ClientCredential, client_id)
    if client is None or not verify_secret(client_secret, client.secret_hash):
        return None
    return client


def issue_token(*, session: Session, client: ClientCredential, scope: str | None, ttl_seconds: int) -> str:
    """Store a new bearer token for ``client`` and return it (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(
        AccessToken(
            token_hash=_token_hash(token),
            client_id=client.client_id,
            customer_id=client.customer_id,
            scope=scope,
            expires_at=utcnow() + timedelta(seconds=ttl_seconds),
        )
    )
    session.flush()
    return token


def resolve_token(*, session: Session, token: str, now: datetime | None = None) -> AccessToken | None:
    """The stored token if it exists and has not expired."""
    row = session.get(AccessToken, _token_hash(token))
    if row is None:
        return None
    if row.expires_at <= (now or utcnow()):
        return None
    return row
