"""The SQL side of accounts (table `users`). Policy (hashing, lock-out, validation) lives in
dashboard.auth; these functions only read and write rows on a connection the caller owns.

Times are timezone-aware UTC: the columns are SQLModel UTCDateTime, which refuses naive values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.models import User

USERS = User.__table__


@dataclass(frozen=True)
class UserRow:
    name: str
    password_hash: str
    role: str
    department: str | None
    lang: str
    failed_logins: int
    locked_until: datetime | None
    demo: bool
    created_at: datetime
    disabled: bool = False


def _row(r) -> UserRow:
    return UserRow(name=r.name, password_hash=r.password_hash, role=r.role, department=r.department,
                   lang=r.lang, failed_logins=int(r.failed_logins or 0), locked_until=r.locked_until,
                   demo=bool(r.demo), created_at=r.created_at, disabled=bool(r.disabled))


def count_users(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(USERS)).scalar() or 0)


def get_user(conn: Connection, name: str, *, for_update: bool = False) -> UserRow | None:
    query = sa.select(USERS).where(USERS.c.name == name)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()  # two failed logins at once must both count
    r = conn.execute(query).first()
    return _row(r) if r else None


def list_users(conn: Connection) -> list[UserRow]:
    return [_row(r) for r in conn.execute(sa.select(USERS).order_by(USERS.c.role, USERS.c.name))]


def count_admins(conn: Connection, *, enabled: bool = False) -> int:
    """Admin accounts (with enabled=True: only those not disabled)."""
    where = [USERS.c.role == "admin"] + ([sa.not_(USERS.c.disabled)] if enabled else [])
    return int(conn.execute(sa.select(sa.func.count()).select_from(USERS).where(*where)).scalar() or 0)


def insert_user(conn: Connection, *, name: str, password_hash: str, role: str, department: str | None,
                lang: str, demo: bool, now: datetime) -> None:
    conn.execute(sa.insert(USERS).values(name=name, password_hash=password_hash, role=role, department=department,
                                         lang=lang, failed_logins=0, locked_until=None, demo=demo, created_at=now))


def update_user(conn: Connection, name: str, **values) -> int:
    """Set columns of one user; returns the number of rows changed (0: no such user)."""
    return conn.execute(sa.update(USERS).where(USERS.c.name == name).values(**values)).rowcount


def delete_user(conn: Connection, name: str) -> int:
    return conn.execute(sa.delete(USERS).where(USERS.c.name == name)).rowcount
