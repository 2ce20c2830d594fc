"""Low-level writes shared by the ingestion pipeline, forms, edits, the seed and the CLI.

Every function takes an open connection: the caller owns the transaction (see
db.write_transaction), so a batch, its rows and the data-version bump commit together.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.audit_log import process_os_user
from data_access.kinds import KINDS
from data_access.models import (
    AuditEntry,
    Batch,
    kind_table,
    stores_empty_as_blank,
    utcnow,
)

INSERT_CHUNK = 5_000


def new_batch(conn: Connection, kind: str, user: str, source: str, *, department: str | None = None,
              file_name: str | None = None, sha256: str | None = None, mode: str = "strict") -> int:
    department = department or KINDS[kind].department
    result = conn.execute(
        sa.insert(Batch.__table__).values(kind=kind, department=department, user=user, source=source,
                                          file_name=file_name, sha256=sha256, rows=0, replaced=0,
                                          mode=mode, created_at=utcnow())
        .returning(Batch.__table__.c.id)
    )
    return int(result.scalar_one())


def finish_batch(conn: Connection, batch_id: int, rows: int, replaced: int = 0) -> None:
    conn.execute(sa.update(Batch.__table__).where(Batch.__table__.c.id == batch_id)
                 .values(rows=rows, replaced=replaced))


def _records(kind_name: str, rows: pl.DataFrame | list[dict[str, Any]], batch_id: int) -> list[dict[str, Any]]:
    kind = KINDS[kind_name]
    records = rows.to_dicts() if isinstance(rows, pl.DataFrame) else [dict(r) for r in rows]
    blank_keys = [f.name for f in kind.fields if stores_empty_as_blank(kind, f)]
    names = kind.field_names
    out = []
    for r in records:
        rec = {n: r.get(n) for n in names}
        for n in blank_keys:
            if rec[n] is None:
                rec[n] = ""
        rec["batch_id"] = batch_id
        out.append(rec)
    return out


def insert_rows(conn: Connection, kind_name: str, rows: pl.DataFrame | list[dict[str, Any]], batch_id: int) -> int:
    """Insert parsed rows (python values of the declared types) under one batch."""
    records = _records(kind_name, rows, batch_id)
    table = kind_table(kind_name)
    for start in range(0, len(records), INSERT_CHUNK):
        conn.execute(table.insert(), records[start:start + INSERT_CHUNK])
    return len(records)


def audit(conn: Connection, user: str, action: str, *, kind: str | None = None, batch_id: int | None = None,
          detail: dict | None = None) -> None:
    conn.execute(sa.insert(AuditEntry.__table__).values(
        at=utcnow(), user=user, os_user=process_os_user(), action=action, kind=kind, batch_id=batch_id,
        detail=json.dumps(detail or {}, ensure_ascii=False, default=json_default)))


def json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    raise TypeError(type(value).__name__)
