"""The statistics office's commentary on a month (executive summary, its PDF and XLSX exports).

One row per month (Commentary table). Saving writes the text and an audit entry in one
transaction that also bumps the data version, so every app instance shows the new text. Only
admins, executives and managers may write it (data_access.permissions, checked in that
transaction).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import get_engine, write_transaction
from data_access.models import Commentary, utcnow
from data_access.permissions import ensure_can_write_commentary
from data_access.store import audit

MAX_CHARS = 4000
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_TABLE = Commentary.__table__


@dataclass(frozen=True)
class MonthNote:
    month: str
    text: str
    updated_by: str
    updated_at: datetime | None


def _check_month(month: str) -> None:
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ValueError(f"month {month!r} is not YYYY-MM")


def get_commentary(engine: Engine | None, month: str) -> MonthNote | None:
    """The month's commentary, or None when nobody has written one."""
    _check_month(month)
    engine = engine or get_engine()
    with engine.connect() as conn:
        row = conn.execute(sa.select(_TABLE.c.month, _TABLE.c.text, _TABLE.c.updated_by, _TABLE.c.updated_at)
                           .where(_TABLE.c.month == month)).one_or_none()
        conn.rollback()
    return MonthNote(*row) if row is not None else None


def save_commentary(engine: Engine | None, month: str, text: str, user: str) -> MonthNote:
    """Write (or replace) the month's commentary; audited with the previous and the new text.
    Raises PermissionDenied (nothing written) unless `user` may write commentary."""
    _check_month(month)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_CHARS:
        raise ValueError(f"commentary is {len(text)} characters long; at most {MAX_CHARS}")
    engine = engine or get_engine()
    now = utcnow()
    with write_transaction(engine) as conn:
        ensure_can_write_commentary(conn, user)
        previous = conn.execute(sa.select(_TABLE.c.text).where(_TABLE.c.month == month)).scalar_one_or_none()
        values = {"text": text, "updated_by": user, "updated_at": now}
        if previous is None:
            conn.execute(sa.insert(_TABLE).values(month=month, **values))
        else:
            conn.execute(sa.update(_TABLE).where(_TABLE.c.month == month).values(**values))
        audit(conn, user, "commentary", detail={"month": month, "previous": previous, "text": text})
    return MonthNote(month, text, user, now)


__all__ = ["MAX_CHARS", "MonthNote", "get_commentary", "save_commentary"]
