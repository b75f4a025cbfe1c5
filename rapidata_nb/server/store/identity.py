"""Repository of people and their API clients: user accounts, browser-login bridge tokens, client credentials.

The browser login (wire notes §3.1) runs through three rows:

1. ``create_bridge`` stores a pending :class:`BridgeToken` (read and write keys, hashed).
2. ``complete_bridge`` is called by the sign-in page once the person's password checked out: it records
   who signed in on the bridge row.
3. ``read_bridge`` then issues a bearer token for the person's *browser client* (one hidden ``user_<id>``
   client per account) and hands it to the waiting command line, exactly once. Issuing it only here means
   no bearer token is ever parked in the database, where it would outlive the row in free pages and the WAL.

The command line then creates a real API client with ``create_client`` (``POST /Client``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rapidata_nb.server.store import auth as auth_store
from rapidata_nb.server.store.labeling import utcnow
from rapidata_nb.server.store.models import AccessToken, BridgeToken, ClientCredential, Customer, UserAccount

__all__ = [
    "BROWSER_CLIENT_PREFIX",
    "BRIDGE_TTL_SECONDS",
    "authenticate_user",
    "bridge_code",
    "complete_bridge",
    "create_bridge",
    "create_client",
    "create_user",
    "delete_user",
    "hash_password",
    "list_clients",
    "list_users",
    "read_bridge",
    "revoke_client",
    "set_password",
    "verify_password",
]

BROWSER_CLIENT_PREFIX = "user_"
"""Client ids of the hidden per-account clients that browser sign-ins issue tokens to."""
BRIDGE_TTL_SECONDS = 600
"""A login link works for ten minutes (the SDK waits five)."""
MIN_PASSWORD_LENGTH = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """Salted scrypt hash, ``scrypt$<n>$<r>$<p>$<salt>$<hex>``."""
    salt = secrets.token_hex(16)
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a :func:`hash_password` value."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(password.encode(), salt=salt.encode(), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- user accounts -----------------------------------------------------------------------------------


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: use at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    *, session: Session, email: str, password: str, customer_id: str | None = None
) -> UserAccount:
    """Create an account; with ``customer_id=None`` the person gets a customer (own resources) of their own.

    Raises:
        ValueError: The email is malformed or taken, or the password is too short.
    """
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise ValueError(f"email: {email!r} is not an email address")
    _check_password(password)
    if session.scalar(select(UserAccount).where(UserAccount.email == email)) is not None:
        raise ValueError(f"email: an account for {email} already exists")
    customer_id = customer_id or str(uuid.uuid4())
    auth_store.ensure_customer(session=session, customer_id=customer_id, email=email)
    user = UserAccount(
        id=uuid.uuid4().hex, email=email, password_hash=hash_password(password), customer_id=customer_id
    )
    session.add(user)
    session.flush()
    return user


def list_users(*, session: Session) -> list[UserAccount]:
    """Every account, oldest first."""
    return list(session.scalars(select(UserAccount).order_by(UserAccount.created_at, UserAccount.email)))


def _user_by_email(session: Session, email: str) -> UserAccount:
    user = session.scalar(select(UserAccount).where(UserAccount.email == email.strip().lower()))
    if user is None:
        raise ValueError(f"email: no account for {email.strip().lower()}")
    return user


def set_password(*, session: Session, email: str, password: str) -> UserAccount:
    """Replace an account's password.

    Raises:
        ValueError: No such account, or the password is too short.
    """
    _check_password(password)
    user = _user_by_email(session, email)
    user.password_hash = hash_password(password)
    session.flush()
    return user


def delete_user(*, session: Session, email: str) -> None:
    """Delete an account and its browser client's tokens (API clients it created keep working).

    Raises:
        ValueError: No such account.
    """
    user = _user_by_email(session, email)
    browser_client = f"{BROWSER_CLIENT_PREFIX}{user.id}"
    session.execute(delete(AccessToken).where(AccessToken.client_id == browser_client))
    session.execute(delete(ClientCredential).where(ClientCredential.client_id == browser_client))
    session.delete(user)
    session.flush()


def authenticate_user(*, session: Session, email: str, password: str) -> UserAccount | None:
    """The account if the password matches and the account is enabled, else ``None``."""
    user = session.scalar(select(UserAccount).where(UserAccount.email == email.strip().lower()))
    if user is None:
        # Same work as a real check, so a wrong email and a wrong password take the same time.
        verify_password(password, hash_password("x" * MIN_PASSWORD_LENGTH))
        return None
    if user.disabled or not verify_password(password, user.password_hash):
        return None
    return user


# --- bridge tokens (browser login) ---------------------------------------------------------------------


def create_bridge(*, session: Session, client_id: str) -> tuple[str, str]:
    """Start a browser login; returns ``(read_key, write_key)``. Expired bridges are swept here."""
    now = utcnow()
    session.execute(delete(BridgeToken).where(BridgeToken.expires_at < now))
    read_key, write_key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        BridgeToken(
            read_key_hash=_sha(read_key),
            write_key_hash=_sha(write_key),
            client_id=client_id,
            expires_at=now + timedelta(seconds=BRIDGE_TTL_SECONDS),
        )
    )
    session.flush()
    return read_key, write_key


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def bridge_code(write_key: str) -> str:
    """The short code of a sign-in link (``XXXX-XXXX``): the command line prints it, the sign-in page shows
    it, and the person signs in only if the two match (as in device-code logins)."""
    number = int(_sha(f"code:{write_key}")[:16], 16)
    letters = [_CODE_ALPHABET[(number >> (5 * i)) % 32] for i in range(8)]
    return "".join(letters[:4]) + "-" + "".join(letters[4:])


def find_pending_bridge(*, session: Session, write_key: str) -> BridgeToken | None:
    """The live, not yet completed bridge of ``write_key``."""
    row = session.scalar(select(BridgeToken).where(BridgeToken.write_key_hash == _sha(write_key)))
    if row is None or row.user_id is not None or row.expires_at <= utcnow():
        return None
    return row


def complete_bridge(*, session: Session, write_key: str, user: UserAccount) -> bool:
    """Record that ``user`` signed in through the bridge; ``False`` if the link is stale."""
    row = find_pending_bridge(session=session, write_key=write_key)
    if row is None:
        return False
    row.user_id = user.id
    session.flush()
    return True


def read_bridge(*, session: Session, read_key: str, ttl_seconds: int) -> str | None:
    """A new access token of the person who signed in (the row is then deleted), ``None`` while pending.

    Raises:
        LookupError: Unknown or expired read key, or the account was deleted or disabled meanwhile.
    """
    row = session.get(BridgeToken, _sha(read_key))
    if row is None or row.expires_at <= utcnow():
        raise LookupError("readKey: unknown or expired login; start a new one")
    if row.user_id is None:
        return None
    user = session.get(UserAccount, row.user_id)
    session.delete(row)
    session.flush()
    if user is None or user.disabled:
        raise LookupError("readKey: the account that signed in no longer exists; start a new login")
    browser_client = auth_store.register_client(
        session=session,
        client_id=f"{BROWSER_CLIENT_PREFIX}{user.id}",
        client_secret=secrets.token_urlsafe(32),  # never handed out: only sign-ins issue its tokens
        customer_id=user.customer_id,
        display_name=f"browser sign-in ({user.email})",
    )
    return auth_store.issue_token(
        session=session, client=browser_client, scope="openid profile email api", ttl_seconds=ttl_seconds
    )


# --- API clients ---------------------------------------------------------------------------------------


def create_client(*, session: Session, customer_id: str, display_name: str | None) -> tuple[str, str]:
    """Create an API client for ``customer_id``; returns ``(client_id, client_secret)`` (the secret once)."""
    if session.get(Customer, customer_id) is None:
        auth_store.ensure_customer(session=session, customer_id=customer_id, email="")
    client_id, secret = secrets.token_hex(16), secrets.token_urlsafe(32)
    auth_store.register_client(
        session=session,
        client_id=client_id,
        client_secret=secret,
        customer_id=customer_id,
        display_name=(display_name or "API client")[:200],
    )
    return client_id, secret


def list_clients(*, session: Session, customer_id: str) -> list[ClientCredential]:
    """The customer's API clients, oldest first (hidden browser clients left out)."""
    rows = session.scalars(
        select(ClientCredential)
        .where(ClientCredential.customer_id == customer_id)
        .order_by(ClientCredential.created_at, ClientCredential.client_id)
    )
    return [row for row in rows if not row.client_id.startswith(BROWSER_CLIENT_PREFIX)]


def revoke_client(*, session: Session, customer_id: str, client_id: str) -> bool:
    """Delete the customer's client and every token issued to it; ``False`` if it is not theirs."""
    row = session.get(ClientCredential, client_id)
    if row is None or row.customer_id != customer_id or client_id.startswith(BROWSER_CLIENT_PREFIX):
        return False
    session.execute(delete(AccessToken).where(AccessToken.client_id == client_id))
    session.delete(row)
    session.flush()
    return True
