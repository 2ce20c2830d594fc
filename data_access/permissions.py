"""Who may write what (docs/auth.md), checked below the UI: inside the write transaction of every
data_access function that writes on behalf of a caller (issue 14 item 3;
tests/test_write_permissions.py walks them all).

- No accounts yet (a fresh single-user install): anyone may write.
- admin: everything. clerk: the kinds of their own department (and that department's mapping
  presets). executive, manager: no data kinds; they may write the month's commentary.
- A disabled account may write nothing; an unknown name neither.
- The database owner (`DatabaseOwner`: the CLI run without `--user`, `plantkpi init --demo`)
  passes every check: whoever holds the database URL or file could write the tables directly
  anyway. It is a distinct type, not a name, so no account name typed into a page can become it.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.kinds import KINDS
from data_access.models import User

COMMENTARY_ROLES = ("admin", "executive", "manager")


class DatabaseOwner(str):
    """The caller that holds the database itself, recorded under this text (e.g. "owner:alice",
    with the operating-system user beside it in the audit log)."""


def database_owner() -> DatabaseOwner:
    from data_access.audit_log import process_os_user

    return DatabaseOwner(f"owner:{process_os_user()}")


# What a refusal names when it is not a data kind (a kind names itself: Kind.label).
WHAT = {"commentary": ("the month's commentary", "月度评述"),
        "restore": ("a restore of the whole database", "整个数据库的恢复"),
        "accounts": ("accounts", "账户"),
        "subscriptions": ("another user's e-mail subscriptions", "其他用户的邮件订阅"),
        "exceptions": ("an acknowledgement of an exception", "异常的确认")}


class PermissionDenied(Exception):
    """`kind` is a data kind's name, or one of WHAT. The message is the caller's to translate
    (data_access does not import dashboard.i18n): t(refusal.key, lang, **refusal.params(lang))."""

    def __init__(self, user: str, kind: str, reason_key: str):
        super().__init__(f"{user} may not write {kind} ({reason_key})")
        self.user, self.kind, self.reason_key = user, kind, reason_key

    @property
    def key(self) -> str:
        return f"ingest.err.permission.{self.reason_key}"

    def params(self, lang: str) -> dict[str, str]:
        if self.kind in KINDS:
            what = KINDS[self.kind].label(lang)
        else:
            en, zh = WHAT.get(self.kind, (self.kind, self.kind))
            what = zh if lang == "zh" else en
        return {"user": self.user, "kind": what}


def may_write(role: str | None, department: str | None, kind_name: str) -> bool:
    if role == "admin":
        return True
    if role == "clerk":
        return department is not None and KINDS[kind_name].department == department
    return False


def writable_kinds(role: str | None, department: str | None) -> list[str]:
    """The kinds a role may write, for pages that offer forms and uploads (same rule as above)."""
    return [name for name in KINDS if may_write(role, department, name)]


def _account(conn: Connection, user: str, what: str):
    """The caller's (role, department), or None when the check is passed without one (database
    owner, no accounts yet); raises PermissionDenied for an unknown or disabled account."""
    if isinstance(user, DatabaseOwner):
        return None
    users = User.__table__
    if conn.execute(sa.select(sa.func.count()).select_from(users)).scalar() == 0:
        return None
    row = conn.execute(sa.select(users.c.role, users.c.department, users.c.disabled)
                       .where(users.c.name == user)).first()
    if row is None:
        raise PermissionDenied(user, what, "unknown_user")
    if row.disabled:
        raise PermissionDenied(user, what, "disabled")
    return row


def ensure_can_write(conn: Connection, user: str, kind_name: str) -> None:
    """Raise PermissionDenied unless `user` may write `kind_name`."""
    row = _account(conn, user, kind_name)
    if row is not None and not may_write(row.role, row.department, kind_name):
        raise PermissionDenied(user, kind_name, "other_department" if row.role == "clerk" else "role")


def ensure_can_save_preset(conn: Connection, user: str, department: str, kind_name: str) -> None:
    """A mapping preset belongs to a department and kind: an admin, or a clerk of that department
    who may write the kind."""
    row = _account(conn, user, kind_name)
    if row is None or row.role == "admin":
        return
    if not may_write(row.role, row.department, kind_name) or row.department != department:
        raise PermissionDenied(user, kind_name, "other_department" if row.role == "clerk" else "role")


def ensure_can_write_commentary(conn: Connection, user: str) -> None:
    """The month's commentary of the executive summary: admin, executive, manager."""
    row = _account(conn, user, "commentary")
    if row is not None and row.role not in COMMENTARY_ROLES:
        raise PermissionDenied(user, "commentary", "role")


def ensure_admin(conn: Connection, user: str, what: str) -> None:
    """Whole-database operations (restore) and account management: admins only."""
    row = _account(conn, user, what)
    if row is not None and row.role != "admin":
        raise PermissionDenied(user, what, "role")


def ensure_can_manage_subscriptions(conn: Connection, user: str, owner: str) -> None:
    """What `owner` receives by e-mail: `owner` themself, or an admin."""
    row = _account(conn, user, "subscriptions")
    if row is not None and user != owner and row.role != "admin":
        raise PermissionDenied(user, "subscriptions", "role")


def ensure_can_acknowledge(conn: Connection, user: str) -> None:
    """Acknowledging an exception (dashboard.exceptions): admin, executive, manager."""
    row = _account(conn, user, "exceptions")
    if row is not None and row.role not in COMMENTARY_ROLES:
        raise PermissionDenied(user, "exceptions", "role")
