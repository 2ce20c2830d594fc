"""Acknowledgements of exceptions (dashboard.exceptions): who said "seen, being handled", with a
comment and the exception's measure at that moment. The list hides an acknowledged exception
while its measure is no worse than that; the rule is dashboard.exceptions', this module only
reads and writes rows. Only admins, executives and managers may acknowledge (checked here, in the
write transaction, data_access.permissions); every acknowledgement is in the audit log.
"""
from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import get_engine, write_transaction
from data_access.models import ExceptionAck, utcnow
from data_access.permissions import ensure_can_acknowledge
from data_access.store import audit

MAX_COMMENT = 1000
_TABLE = ExceptionAck.__table__
ACK_SCHEMA = {"key": pl.String, "ack_measure": pl.Float64, "comment": pl.String, "acknowledged_by": pl.String,
              "acknowledged_at": pl.Datetime(time_zone="UTC")}


def acknowledge_exception(engine: Engine | None, user: str, key: str, measure: float, comment: str) -> int:
    """Record that `user` acknowledged the exception `key` at `measure`; returns the new row's id.
    Raises PermissionDenied (nothing written) unless the user may acknowledge, ValueError on a bad
    key, measure or an overlong comment."""
    comment = (comment or "").replace("\r\n", "\n").strip()
    if not key or len(key) > 200:
        raise ValueError(f"exception key {key!r}")
    if measure is None or measure != measure:
        raise ValueError("an exception without a measure cannot be acknowledged")
    if len(comment) > MAX_COMMENT:
        raise ValueError(f"comment is {len(comment)} characters long; at most {MAX_COMMENT}")
    engine = engine or get_engine()
    with write_transaction(engine) as conn:
        ensure_can_acknowledge(conn, user)
        new_id = conn.execute(sa.insert(_TABLE).values(key=key, measure=float(measure), comment=comment,
                                                       acknowledged_by=user, acknowledged_at=utcnow())
                              ).inserted_primary_key[0]
        audit(conn, user, "exception_ack", detail={"id": new_id, "key": key, "measure": float(measure),
                                                   "comment": comment})
    return int(new_id)


def latest_acknowledgements(engine: Engine | None = None) -> pl.DataFrame:
    """The newest acknowledgement of every exception key (ACK_SCHEMA)."""
    engine = engine or get_engine()
    newest = sa.select(_TABLE.c.key, sa.func.max(_TABLE.c.id).label("id")).group_by(_TABLE.c.key).subquery()
    query = (sa.select(_TABLE.c.key, _TABLE.c.measure, _TABLE.c.comment, _TABLE.c.acknowledged_by,
                       _TABLE.c.acknowledged_at).join(newest, newest.c.id == _TABLE.c.id))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    return pl.DataFrame(rows, schema=ACK_SCHEMA, orient="row")


__all__ = ["ACK_SCHEMA", "MAX_COMMENT", "acknowledge_exception", "latest_acknowledgements"]
