"""Accounts (docs/auth.md, issue 7): users, roles, Argon2 passwords, lock-out, language, demo accounts.

No Streamlit here: the login form (dashboard.ui.login), the admin page and the CLI all call these
functions. Every change to an account is written to the audit log (action "user") in the same
transaction; the audit detail never holds a password or a hash. Each one also checks its caller
`by` in that transaction (data_access.permissions.ensure_admin): an admin account, the database
owner (the CLI), or anyone while no account exists yet; anyone else gets PermissionDenied.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine

from dashboard.i18n import LANGS, t
from data_access import sessions
from data_access import users as user_rows
from data_access.kinds import DEPARTMENTS, KINDS
from data_access.permissions import database_owner, ensure_admin
from data_access.store import audit

ROLES = ("admin", "executive", "manager", "clerk")
MAX_FAILED_LOGINS = 5
LOCKOUT_PERIOD = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 80
DEMO_PASSWORD = "plantkpi-demo"
# Departments that own data kinds get a demo clerk each (planning owns none).
DEMO_CLERK_DEPARTMENTS = tuple(d for d in DEPARTMENTS if d != "admin" and any(k.department == d for k in KINDS.values()))

_log = logging.getLogger(__name__)
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user as the app needs it."""

    name: str
    role: str
    department: str | None
    lang: str = "en"


@dataclass(frozen=True)
class UserInfo:
    """An account as the admin page lists it (no hash)."""

    name: str
    role: str
    department: str | None
    lang: str
    failed_logins: int
    locked_until: datetime | None
    demo: bool
    created_at: datetime
    disabled: bool = False

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > _utc(now)


class AuthProblem(ValueError):
    """A refused account operation; message() says why in the user's language."""

    def __init__(self, key: str, **params):
        super().__init__(t(key, "en", **params))
        self.key, self.params = key, params

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class LoginResult:
    user: CurrentUser | None
    problem: AuthProblem | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.astimezone(UTC)  # a naive `now` is taken as local time


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not a real password")


def _current(row: user_rows.UserRow) -> CurrentUser:
    return CurrentUser(name=row.name, role=row.role, department=row.department, lang=row.lang)


def _info(row: user_rows.UserRow) -> UserInfo:
    return UserInfo(name=row.name, role=row.role, department=row.department, lang=row.lang,
                    failed_logins=row.failed_logins, locked_until=row.locked_until, demo=row.demo,
                    created_at=row.created_at, disabled=row.disabled)


# ------------------------------------------------------------------ validation
def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AuthProblem("auth.error.name_empty")
    if len(name) > MAX_NAME_LENGTH:
        raise AuthProblem("auth.error.name_long", max=MAX_NAME_LENGTH)
    if _CONTROL.search(name):
        raise AuthProblem("auth.error.name_control")
    return name


def check_role(role: str, department: str | None) -> str | None:
    """Validate a role and department pair; returns the department to store."""
    if role not in ROLES:
        raise AuthProblem("auth.error.role", role=role, roles=", ".join(ROLES))
    department = (department or "").strip() or None
    if department is not None and department not in DEPARTMENTS:
        raise AuthProblem("auth.error.department", department=department, departments=", ".join(DEPARTMENTS))
    if role == "clerk" and department is None:
        raise AuthProblem("auth.error.clerk_department", departments=", ".join(DEPARTMENTS))
    return department


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthProblem("auth.error.password_short", min=MIN_PASSWORD_LENGTH)


# ------------------------------------------------------------------ reading
def has_accounts(engine: Engine) -> bool:
    with engine.connect() as conn:
        return user_rows.count_users(conn) > 0


def list_users(engine: Engine) -> list[UserInfo]:
    with engine.connect() as conn:
        return [_info(r) for r in user_rows.list_users(conn)]


def get_user(engine: Engine, name: str) -> CurrentUser | None:
    """The account as a signed-in user; None when there is none or it is disabled."""
    with engine.connect() as conn:
        row = user_rows.get_user(conn, name)
    return _current(row) if row and not row.disabled else None


# ------------------------------------------------------------------ writing
def create_user(engine: Engine, name: str, password: str, role: str, department: str | None = None, *,
                by: str, lang: str = "en", demo: bool = False, now: datetime | None = None) -> CurrentUser:
    name = clean_name(name)
    department = check_role(role, department)
    check_password(password)
    password_hash = hash_password(password)  # before the transaction: hashing is slow on purpose
    try:
        with engine.begin() as conn:
            ensure_admin(conn, by, "accounts")
            if user_rows.get_user(conn, name) is not None:
                raise AuthProblem("auth.error.duplicate", name=name)
            user_rows.insert_user(conn, name=name, password_hash=password_hash, role=role, department=department,
                                  lang=lang if lang in LANGS else "en", demo=demo, now=_utc(now))
            audit(conn, by, "user", detail={"op": "add", "name": name, "role": role, "department": department,
                                            "demo": demo})
    except sa_exc.IntegrityError:  # the same name added by someone else at the same moment
        raise AuthProblem("auth.error.duplicate", name=name) from None
    return CurrentUser(name=name, role=role, department=department, lang=lang)


def change_role(engine: Engine, name: str, role: str, department: str | None, *, by: str) -> None:
    department = check_role(role, department)
    with engine.begin() as conn:
        ensure_admin(conn, by, "accounts")
        row = user_rows.get_user(conn, name, for_update=True)
        if row is None:
            raise AuthProblem("auth.error.unknown_user", name=name)
        if row.role == "admin" and role != "admin" and user_rows.count_admins(conn) == 1:
            raise AuthProblem("auth.error.last_admin")
        user_rows.update_user(conn, name, role=role, department=department)
        audit(conn, by, "user", detail={"op": "role", "name": name,
                                        "before": {"role": row.role, "department": row.department},
                                        "after": {"role": role, "department": department}})


def delete_user(engine: Engine, name: str, *, by: str) -> None:
    """Remove an account (its audit entries stay). Not yourself, not the last admin."""
    if name == by:
        raise AuthProblem("auth.error.delete_self")
    with engine.begin() as conn:
        ensure_admin(conn, by, "accounts")
        row = user_rows.get_user(conn, name, for_update=True)
        if row is None:
            raise AuthProblem("auth.error.unknown_user", name=name)
        if row.role == "admin" and user_rows.count_admins(conn) == 1:
            raise AuthProblem("auth.error.last_admin")
        user_rows.delete_user(conn, name)
        audit(conn, by, "user", detail={"op": "delete", "name": name, "role": row.role,
                                        "department": row.department, "demo": row.demo})


def reset_password(engine: Engine, name: str, new_password: str, *, by: str) -> None:
    check_password(new_password)
    password_hash = hash_password(new_password)
    with engine.begin() as conn:
        ensure_admin(conn, by, "accounts")
        if not user_rows.update_user(conn, name, password_hash=password_hash, failed_logins=0, locked_until=None):
            raise AuthProblem("auth.error.unknown_user", name=name)
        audit(conn, by, "user", detail={"op": "password", "name": name})


def unlock_user(engine: Engine, name: str, *, by: str) -> None:
    with engine.begin() as conn:
        ensure_admin(conn, by, "accounts")
        if not user_rows.update_user(conn, name, failed_logins=0, locked_until=None):
            raise AuthProblem("auth.error.unknown_user", name=name)
        audit(conn, by, "user", detail={"op": "unlock", "name": name})


def set_disabled(engine: Engine, name: str, disabled: bool, *, by: str) -> None:
    """Disable an account (it can no longer sign in or write; its name stays in the history) or
    enable it again. Not the last enabled admin."""
    with engine.begin() as conn:
        ensure_admin(conn, by, "accounts")
        row = user_rows.get_user(conn, name, for_update=True)
        if row is None:
            raise AuthProblem("auth.error.unknown_user", name=name)
        if disabled and row.role == "admin" and not row.disabled and user_rows.count_admins(conn, enabled=True) == 1:
            raise AuthProblem("cli.user.last_admin_disable", name=name)
        user_rows.update_user(conn, name, disabled=disabled)
        audit(conn, by, "user", detail={"op": "disable" if disabled else "enable", "name": name})


def save_language(engine: Engine, user_name: str, lang: str) -> None:
    """Remember the user's language (a preference, not audited). Unknown names are ignored:
    the single-user admin of an install without accounts has no row."""
    if lang not in LANGS:
        raise AuthProblem("auth.error.lang", code=lang)
    with engine.begin() as conn:
        user_rows.update_user(conn, user_name, lang=lang)


# ------------------------------------------------------------------ signing in
def authenticate(engine: Engine, name: str, password: str, *, now: datetime | None = None) -> LoginResult:
    """Check a name and password. Five wrong passwords in a row lock the account for 15 minutes;
    while locked, even the right password is refused (and not checked).

    The slow Argon2 check runs outside any transaction (on SQLite a transaction holds the write
    lock); the outcome is then recorded in a short one that re-reads the row, so that concurrent
    attempts all count."""
    now = _utc(now)
    name = (name or "").strip()
    with engine.connect() as conn:
        row = user_rows.get_user(conn, name) if name else None
    if row is None:
        _verify(_dummy_hash(), password)  # same time as a real check: do not reveal which names exist
        return LoginResult(None, AuthProblem("auth.login.bad_credentials"))
    if _is_locked(row, now):
        return LoginResult(None, _locked_problem(row.locked_until))
    correct = _verify(row.password_hash, password)
    new_hash = hash_password(password) if correct and _hasher.check_needs_rehash(row.password_hash) else None

    with engine.begin() as conn:
        row = user_rows.get_user(conn, name, for_update=True)
        if row is None:  # deleted meanwhile
            return LoginResult(None, AuthProblem("auth.login.bad_credentials"))
        if _is_locked(row, now):  # locked by a concurrent attempt meanwhile
            return LoginResult(None, _locked_problem(row.locked_until))
        if correct and row.disabled:
            return LoginResult(None, AuthProblem("auth.login.disabled"))
        if correct:
            values = {"failed_logins": 0, "locked_until": None}
            if new_hash:
                values["password_hash"] = new_hash
            user_rows.update_user(conn, name, **values)
            return LoginResult(_current(row))
        failures = row.failed_logins + 1  # the count restarts at 0 when a lock is set
        if failures >= MAX_FAILED_LOGINS:
            locked_until = now + LOCKOUT_PERIOD
            user_rows.update_user(conn, name, failed_logins=0, locked_until=locked_until)
            audit(conn, name, "user", detail={"op": "locked", "name": name, "failures": failures,
                                              "until": locked_until})
            return LoginResult(None, _locked_problem(locked_until))
        user_rows.update_user(conn, name, failed_logins=failures, locked_until=None)
        return LoginResult(None, AuthProblem("auth.login.bad_credentials"))


def _is_locked(row: user_rows.UserRow, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _locked_problem(until: datetime) -> AuthProblem:
    return AuthProblem("auth.login.locked", until=until.astimezone().strftime("%H:%M"),
                       minutes=int(LOCKOUT_PERIOD.total_seconds() // 60))


# ------------------------------------------------------------------ sessions (issue 14)
def start_session(engine: Engine, name: str, *, now: datetime | None = None) -> tuple[str, datetime] | None:
    """After a successful sign-in: a new server-side session; returns (cookie value, expiry), or
    None when the database has not been upgraded to hold sessions yet (`plantkpi init`)."""
    try:
        with engine.begin() as conn:
            return sessions.create_session(conn, name, now=_utc(now))
    except sa_exc.DBAPIError:
        if _sessions_table_missing(engine):
            return None
        raise


def _sessions_table_missing(engine: Engine) -> bool:
    """An app started on a database that `plantkpi init` has not migrated yet."""
    missing = not sa_inspect(engine).has_table(sessions.SESSIONS.name)
    if missing:
        _log.warning("the database has no sessions table: run `plantkpi init`; sign-ins last one browser tab")
    return missing


def session_user(engine: Engine, cookie_value: str | None, *, now: datetime | None = None) -> CurrentUser | None:
    """The account a session cookie stands for, or None when it is refused (unknown, forged,
    expired, signed out, account removed or disabled, password changed since sign-in). A session
    of a disabled account or of old credentials is revoked, so it stays ended."""
    if not cookie_value:
        return None
    try:
        with engine.connect() as conn:
            verdict = sessions.check_session(conn, cookie_value, now=now)
            row = user_rows.get_user(conn, verdict.username) if verdict.ok else None
    except sa_exc.DBAPIError:
        if _sessions_table_missing(engine):
            return None
        raise
    if verdict.reason in (sessions.DISABLED, sessions.CREDENTIALS_CHANGED):
        end_session(engine, cookie_value, now=now)
    return _current(row) if row is not None else None


def session_expiry(engine: Engine, cookie_value: str | None, *, now: datetime | None = None) -> datetime | None:
    """When a live session ends (None when the cookie is refused)."""
    with engine.connect() as conn:
        verdict = sessions.check_session(conn, cookie_value, now=now)
    return verdict.expires_at if verdict.ok else None


def end_session(engine: Engine, cookie_value: str | None, *, now: datetime | None = None) -> bool:
    """Sign-out: revoke the session. True when a live session was ended."""
    if not cookie_value:
        return False
    with engine.begin() as conn:
        return sessions.revoke_session(conn, cookie_value, now=_utc(now))


def account_enabled(engine: Engine, name: str) -> bool:
    """False when the account is gone or switched off (read defensively, see data_access.sessions)."""
    with engine.connect() as conn:
        return sessions.account_is_enabled(conn, name)


# ------------------------------------------------------------------ demo and command line
def demo_account_names() -> list[tuple[str, str, str | None]]:
    """(name, role, department) of the demo accounts."""
    return ([("admin", "admin", None), ("executive", "executive", None), ("manager", "manager", None)]
            + [(f"clerk-{d.replace('_', '-')}", "clerk", d) for d in DEMO_CLERK_DEPARTMENTS])


def ensure_demo_accounts(engine: Engine) -> list[str]:
    """Create the demo accounts that do not exist yet (password DEMO_PASSWORD, flagged demo) and
    return the lines to print. An existing account of the same name is left untouched."""
    lines = [t("auth.demo.header", "en", password=DEMO_PASSWORD)]
    for name, role, department in demo_account_names():
        with engine.connect() as conn:
            existing = user_rows.get_user(conn, name)  # a disabled one exists too
        if existing is None:
            create_user(engine, name, DEMO_PASSWORD, role, department, by=database_owner(), demo=True)
            lines.append(f"  {name:<26} {role:<10} {department or ''}")
        else:
            lines.append(f"  {name:<26} {t('auth.demo.kept', 'en')}")
    lines.append(t("auth.demo.footer", "en"))
    return lines
