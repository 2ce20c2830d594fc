"""Sign-in sessions (issue 14): what the session cookie holds and how the server checks it.

The cookie value is `<token>.<signature>`: `token` is 32 random bytes (URL-safe base64) and
`signature` an HMAC-SHA256 of the token under the server's session key. The table `sessions`
keeps only SHA-256(token), never the token, with the account, creation, expiry and revocation
time. A cookie is accepted only when

- its signature is right (a forged or altered value, or a row slipped into the table by someone
  without the key, is refused),
- a row with its hash exists, is not revoked and has not expired,
- the account still exists and is not disabled, and
- the account's stored password hash is still the one the session was started with (its
  fingerprint is kept in the row): a password change, by the user, an admin or the CLI, ends
  every session of the account without those code paths knowing about sessions.

A session found bound to a disabled account or to old credentials is revoked on the spot, so it
stays ended when the account is enabled again. Sign-out revokes explicitly.

The key comes from PLANTKPI_SESSION_KEY, else from the file PLANTKPI_SESSION_KEY_FILE (default
./data/session.key, created with mode 600 on first use). Several app instances must share it.
The lifetime is PLANTKPI_SESSION_HOURS (default 12), counted from sign-in.

Rows only: the caller owns the connection (and the transaction for writes), like data_access.users.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.models import UserSession

SESSIONS = UserSession.__table__
SESSION_HOURS_ENV = "PLANTKPI_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 12.0
MAX_SESSION_HOURS = 24.0 * 90  # a typo such as 1e9 must not mean "forever"
KEY_ENV = "PLANTKPI_SESSION_KEY"
KEY_FILE_ENV = "PLANTKPI_SESSION_KEY_FILE"
MIN_KEY_LENGTH = 32
# Rows that expired this long ago are deleted when a new session starts (the table stays small).
KEEP_EXPIRED = timedelta(days=7)

# Why a cookie was refused (or "ok"); the app only needs ok / not ok, tests and logs the reason.
OK, MALFORMED, BAD_SIGNATURE, UNKNOWN, REVOKED, EXPIRED, NO_ACCOUNT, DISABLED, CREDENTIALS_CHANGED = (
    "ok", "malformed", "bad_signature", "unknown", "revoked", "expired", "no_account", "disabled",
    "credentials_changed")

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a cookie: `reason` is OK or why it was refused."""

    reason: str
    username: str | None = None
    expires_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.reason == OK


# ------------------------------------------------------------------ configuration
def session_lifetime() -> timedelta:
    """PLANTKPI_SESSION_HOURS (hours, may be fractional), else 12 h; nonsense falls back to 12 h."""
    raw = os.environ.get(SESSION_HOURS_ENV, "").strip()
    if not raw:
        return timedelta(hours=DEFAULT_SESSION_HOURS)
    try:
        hours = float(raw)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= MAX_SESSION_HOURS:
        _log.warning("%s=%r is not a number of hours between 0 and %g; using %g",
                     SESSION_HOURS_ENV, raw, MAX_SESSION_HOURS, DEFAULT_SESSION_HOURS)
        return timedelta(hours=DEFAULT_SESSION_HOURS)
    return timedelta(hours=hours)


def default_key_file() -> Path:
    return Path.cwd() / "data" / "session.key"


def session_key() -> bytes:
    """The key that signs session cookies (see the module docstring for where it comes from)."""
    return _key(os.environ.get(KEY_ENV, ""), os.environ.get(KEY_FILE_ENV, "") or str(default_key_file()))


@lru_cache(maxsize=8)
def _key(from_env: str, key_file: str) -> bytes:
    if from_env:
        if len(from_env) < MIN_KEY_LENGTH:
            _log.warning("%s is shorter than %d characters: use a long random value", KEY_ENV, MIN_KEY_LENGTH)
        return from_env.encode()
    path = Path(key_file)
    try:
        return _read_or_create_key(path)
    except OSError as error:
        # A read-only install still signs people in; their sessions end when this process does.
        _log.warning("cannot read or create the session key file %s (%s): sessions last only until the app "
                     "restarts and are not shared between instances; set %s", path, error, KEY_ENV)
        return secrets.token_bytes(32)


def _read_or_create_key(path: Path) -> bytes:
    if path.exists():
        key = path.read_bytes().strip()
        if len(key) >= MIN_KEY_LENGTH:
            return key
        raise OSError(f"{path} holds fewer than {MIN_KEY_LENGTH} bytes")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another instance created it a moment ago: use theirs
        return _read_or_create_key(path)
    with os.fdopen(fd, "wb") as out:
        out.write(key + b"\n")
    return key


# ------------------------------------------------------------------ tokens
def _utc(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now.astimezone(UTC)


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back what was stored; make sure comparisons are between aware UTC times.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _signature(token: str, key: bytes) -> str:
    digest = hmac.new(key, b"plantkpi-session:" + token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def credential_fingerprint(password_hash: str) -> str:
    """Changes whenever the stored password hash does (Argon2 hashes are salted: even a reset to
    the same password changes it)."""
    return hashlib.sha256(b"plantkpi-credentials:" + password_hash.encode()).hexdigest()


def _split(cookie_value: str | None, key: bytes) -> tuple[str | None, str]:
    """(token, OK) when the value is well-formed and correctly signed, else (None, reason)."""
    if not cookie_value or cookie_value.count(".") != 1 or len(cookie_value) > 200:
        return None, MALFORMED
    token, signature = cookie_value.split(".")
    if not token or not signature:
        return None, MALFORMED
    if not hmac.compare_digest(signature, _signature(token, key)):
        return None, BAD_SIGNATURE
    return token, OK


# ------------------------------------------------------------------ rows
def _account(conn: Connection, username: str):
    return conn.execute(sa.text("SELECT * FROM users WHERE name = :name"), {"name": username}).first()


def account_enabled(account) -> bool:
    """False when the account is switched off (users.disabled: `plantkpi user disable`, the users page)."""
    return not bool(account._mapping.get("disabled"))


def account_is_enabled(conn: Connection, username: str) -> bool:
    account = _account(conn, username)
    return account is not None and account_enabled(account)


def create_session(conn: Connection, username: str, *, now: datetime | None = None,
                   lifetime: timedelta | None = None, key: bytes | None = None) -> tuple[str, datetime]:
    """Start a session for an existing account: returns (cookie value, expiry). The raw token
    leaves this function only inside the cookie value."""
    now = _utc(now)
    account = _account(conn, username)
    if account is None:
        raise LookupError(f"no account {username!r}")
    expires_at = now + (lifetime if lifetime is not None else session_lifetime())
    token = secrets.token_urlsafe(32)
    conn.execute(sa.delete(SESSIONS).where(SESSIONS.c.expires_at < now - KEEP_EXPIRED))
    conn.execute(sa.insert(SESSIONS).values(
        token_hash=token_hash(token), username=username, credential_fingerprint=credential_fingerprint(
            account.password_hash), created_at=now, expires_at=expires_at, revoked_at=None))
    return f"{token}.{_signature(token, key or session_key())}", expires_at


def check_session(conn: Connection, cookie_value: str | None, *, now: datetime | None = None,
                  key: bytes | None = None) -> Verdict:
    """Read-only check of a cookie value. A DISABLED or CREDENTIALS_CHANGED verdict means the
    caller should revoke the session (revoke_session) so that it stays ended."""
    now = _utc(now)
    token, reason = _split(cookie_value, key or session_key())
    if token is None:
        return Verdict(reason)
    row = conn.execute(sa.select(SESSIONS).where(SESSIONS.c.token_hash == token_hash(token))).first()
    if row is None:
        return Verdict(UNKNOWN)
    if row.revoked_at is not None:
        return Verdict(REVOKED, row.username)
    expires_at = _as_utc(row.expires_at)
    if expires_at <= now:
        return Verdict(EXPIRED, row.username, expires_at)
    account = _account(conn, row.username)
    if account is None:
        return Verdict(NO_ACCOUNT, row.username)
    if not account_enabled(account):
        return Verdict(DISABLED, row.username)
    if not hmac.compare_digest(row.credential_fingerprint, credential_fingerprint(account.password_hash)):
        return Verdict(CREDENTIALS_CHANGED, row.username)
    return Verdict(OK, row.username, expires_at)


def revoke_session(conn: Connection, cookie_value: str | None, *, now: datetime | None = None,
                   key: bytes | None = None) -> bool:
    """End one session (sign-out). True when a live row was revoked."""
    token, _reason = _split(cookie_value, key or session_key())
    if token is None:
        return False
    return conn.execute(sa.update(SESSIONS).where(SESSIONS.c.token_hash == token_hash(token),
                                                  SESSIONS.c.revoked_at.is_(None))
                        .values(revoked_at=_utc(now))).rowcount > 0


def revoke_user_sessions(conn: Connection, username: str, *, now: datetime | None = None) -> int:
    """End every live session of an account (for `disable`, `remove`, an admin's "sign out
    everywhere"); returns how many."""
    return conn.execute(sa.update(SESSIONS).where(SESSIONS.c.username == username, SESSIONS.c.revoked_at.is_(None))
                        .values(revoked_at=_utc(now))).rowcount


def live_sessions(conn: Connection, username: str, *, now: datetime | None = None) -> int:
    """How many unrevoked, unexpired sessions an account has (the admin page may show it)."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(SESSIONS).where(
        SESSIONS.c.username == username, SESSIONS.c.revoked_at.is_(None),
        SESSIONS.c.expires_at > _utc(now))).scalar() or 0)


__all__ = ["BAD_SIGNATURE", "CREDENTIALS_CHANGED", "DISABLED", "EXPIRED", "MALFORMED", "NO_ACCOUNT", "OK",
           "REVOKED", "UNKNOWN", "Verdict", "account_enabled", "account_is_enabled", "check_session", "create_session",
           "credential_fingerprint", "live_sessions", "revoke_session", "revoke_user_sessions", "session_key",
           "session_lifetime", "token_hash"]
