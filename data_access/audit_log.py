"""Reading the audit log, and the database guard that keeps it append-only (issue 7).

Rows are written by data_access.store.audit. Nothing in the app updates or deletes them, and the
database refuses it too: triggers (migration 0002) reject UPDATE and DELETE on audit_log (and
TRUNCATE on PostgreSQL).

Whole-database restore is the one legitimate exception. Wrap its audit_log rewrite in
`with audit_guard_suspended(conn):` on the restore's own connection, inside its transaction:
- PostgreSQL: sets the transaction-local setting plantkpi.audit_maintenance = 'on', which the
  trigger function honours until the transaction ends (SET LOCAL; other sessions still refused).
- SQLite: drops the triggers and creates them again at the end, in the same transaction (SQLite
  DDL is transactional, and BEGIN IMMEDIATE keeps other writers out meanwhile).
A restore that drops and re-creates the tables must call install_audit_guard(conn) afterwards
(or re-run the migrations), because triggers go with their table.
"""
from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data_access.models import AuditEntry

AUDIT = AuditEntry.__table__
BYPASS_SETTING = "plantkpi.audit_maintenance"

_SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (PlantKPI)'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (PlantKPI)'); END""",
]
_SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"]

_PG_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION plantkpi_audit_log_append_only() RETURNS trigger AS $$
        BEGIN
            IF current_setting('{BYPASS_SETTING}', true) = 'on' THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END IF;
            RAISE EXCEPTION USING MESSAGE = 'audit_log is append-only (PlantKPI): ' || TG_OP || ' refused';
        END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION plantkpi_audit_log_append_only()""",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION plantkpi_audit_log_append_only()""",
]
_PG_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP FUNCTION IF EXISTS plantkpi_audit_log_append_only()",
]


@lru_cache(maxsize=1)
def process_os_user() -> str:
    """The operating-system user running this process: recorded beside the account name in every
    audit entry, so that a CLI write shows who ran it in which shell (issue 14), and a web write
    shows the app server's service user."""
    try:
        return getpass.getuser()[:80]
    except Exception:  # no login name (some containers): the numeric uid still says who
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "?"


def install_audit_guard(conn: Connection) -> None:
    for statement in (_PG_INSTALL if conn.dialect.name == "postgresql" else _SQLITE_INSTALL):
        conn.exec_driver_sql(statement)


def remove_audit_guard(conn: Connection) -> None:
    for statement in (_PG_REMOVE if conn.dialect.name == "postgresql" else _SQLITE_REMOVE):
        conn.exec_driver_sql(statement)


@contextmanager
def audit_guard_suspended(conn: Connection) -> Iterator[Connection]:
    """Let this transaction (only) update or delete audit rows: for whole-database restore."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT set_config(:name, 'on', true)"), {"name": BYPASS_SETTING})
        # Switched off again only on success: after a failure the transaction may be aborted (any
        # statement would fail and hide the real error) and is rolled back, which ends the
        # transaction-local setting as well.
        yield conn
        conn.execute(sa.text("SELECT set_config(:name, 'off', true)"), {"name": BYPASS_SETTING})
    else:
        for statement in _SQLITE_REMOVE:
            conn.exec_driver_sql(statement)
        try:
            yield conn
        finally:
            install_audit_guard(conn)


# ------------------------------------------------------------------ reading
def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone(UTC)


def _where(user: str | None, action: str | None, kind: str | None, date_from: date | None,
           date_to: date | None) -> list:
    where = []
    if user:
        where.append(AUDIT.c.user == user)
    if action:
        where.append(AUDIT.c.action == action)
    if kind:
        where.append(AUDIT.c.kind == kind)
    if date_from:
        where.append(AUDIT.c.at >= _local_day_start(date_from))
    if date_to:  # inclusive: up to the end of that (local) day
        where.append(AUDIT.c.at < _local_day_start(date_to + timedelta(days=1)))
    return where


def read_audit(engine: Engine, *, user: str | None = None, action: str | None = None, kind: str | None = None,
               date_from: date | None = None, date_to: date | None = None,
               limit: int | None = None) -> tuple[pl.DataFrame, int]:
    """Audit entries matching the filters, newest first, times in local time; and the total count."""
    where = _where(user, action, kind, date_from, date_to)
    query = sa.select(AUDIT.c.id, AUDIT.c.at, AUDIT.c.user, AUDIT.c.os_user, AUDIT.c.action, AUDIT.c.kind,
                      AUDIT.c.batch_id, AUDIT.c.detail).where(*where).order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc())
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(AUDIT).where(*where)).scalar() or 0)
        rows = conn.execute(query).all()
    frame = pl.DataFrame(
        {"id": [r.id for r in rows],
         "at": [r.at.astimezone().replace(tzinfo=None, microsecond=0) for r in rows],
         "user": [r.user for r in rows], "os_user": [r.os_user for r in rows], "action": [r.action for r in rows], "kind": [r.kind for r in rows],
         "batch_id": [r.batch_id for r in rows], "detail": [r.detail for r in rows]},
        schema={"id": pl.Int64, "at": pl.Datetime("us"), "user": pl.String, "os_user": pl.String, "action": pl.String,
                "kind": pl.String, "batch_id": pl.Int64, "detail": pl.String},
    )
    return frame, total


def audit_filter_values(engine: Engine) -> dict[str, list[str]]:
    """The users, actions and kinds that occur in the log, for filter choices."""
    out = {}
    with engine.connect() as conn:
        for column in ("user", "action", "kind"):
            col = AUDIT.c[column]
            out[column] = [v for (v,) in conn.execute(sa.select(col).where(col.is_not(None)).distinct().order_by(col))]
    return out
