"""Who may write which kind (docs/auth.md), checked below the UI: in the ingestion layer and the CLI.

- No accounts yet (a fresh single-user install): anyone may write.
- admin: every kind. clerk: the kinds of their own department. executive, manager: none.
- The demo seed and restore run as the system and do not come through here.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.kinds import KINDS
from data_access.models import User


class PermissionDenied(Exception):
    def __init__(self, user: str, kind: str, reason_key: str):
        super().__init__(f"{user} may not write {kind} ({reason_key})")
        self.user, self.kind, self.reason_key = user, kind, reason_key


def may_write(role: str | None, department: str | None, kind_name: str) -> bool:
    if role == "admin":
        return True
    if role == "clerk":
        return department is not None and KINDS[kind_name].department == department
    return False


def writable_kinds(role: str | None, department: str | None) -> list[str]:
    """The kinds a role may write, for pages that offer forms and uploads (same rule as above)."""
    return [name for name in KINDS if may_write(role, department, name)]


def ensure_can_write(conn: Connection, user: str, kind_name: str) -> None:
    """Raise PermissionDenied unless `user` may write `kind_name`."""
    users = User.__table__
    if conn.execute(sa.select(sa.func.count()).select_from(users)).scalar() == 0:
        return
    row = conn.execute(sa.select(users.c.role, users.c.department).where(users.c.name == user)).first()
    if row is None:
        raise PermissionDenied(user, kind_name, "unknown_user")
    if not may_write(row.role, row.department, kind_name):
        raise PermissionDenied(user, kind_name, "other_department" if row.role == "clerk" else "role")
