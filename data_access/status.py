"""What each department has reported (Home page, monthly summary): rows held, the latest record,
and the recent weeks without any record."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.cache import cache_for
from data_access.db import data_version, get_engine
from data_access.kinds import TRANSACTION_KINDS
from data_access.models import kind_table


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _as_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 7:  # a YYYY-MM month field
        return date(int(text[:4]), int(text[5:7]), 1)
    return date.fromisoformat(text[:10])


def data_status(engine: Engine | None = None, today: date | None = None, weeks: int = 8,
                week_start: Callable[[date], date] = _monday) -> pl.DataFrame:
    """data_status_uncached, kept in the version's cache (data_access.cache) per day, weeks and week
    start: Home and the open exceptions ask for the same status on every run, and on the large demo the
    counts scan millions of rows (every write bumps the data version, so it is never stale)."""
    engine = engine or get_engine()
    today = today or date.today()
    return cache_for(engine.url, data_version(engine)).get_or_build(
        "status", (today, weeks, week_start), lambda: data_status_uncached(engine, today, weeks, week_start))


def data_status_uncached(engine: Engine | None = None, today: date | None = None, weeks: int = 8,
                         week_start: Callable[[date], date] = _monday) -> pl.DataFrame:
    """One row per transaction kind: department, kind, rows, latest, missing_weeks (list of the
    Mondays of the last `weeks` complete weeks with no record), by the kind's reporting cadence:
    a monthly kind (costs, stocktake) covers a week when the week's month has a record or is not
    over yet; an event kind (complaints, hires) is never missing. `week_start` gives the first
    day of a week: the plant's (dashboard.kpi.calendar.week_start; data_access cannot import it)."""
    engine = engine or get_engine()
    today = today or date.today()
    this_week = week_start(today)
    window = [this_week - timedelta(weeks=w) for w in range(weeks, 0, -1)]  # complete weeks only
    rows = []
    with engine.connect() as conn:
        for kind in TRANSACTION_KINDS:
            table = kind_table(kind.name)
            column = table.c[kind.date_field]
            count, latest = conn.execute(sa.select(sa.func.count(), sa.func.max(column))).one()
            month_field = kind.field(kind.date_field).type == "month"
            lower = window[0].replace(day=1)  # from the first month the window touches
            lower = lower.strftime("%Y-%m") if month_field else lower
            seen = {_as_date(v) for (v,) in conn.execute(sa.select(column).where(column >= lower).distinct())}
            seen.discard(None)
            if kind.cadence == "event":
                covered = set(window)  # nothing is expected in any given week
            elif kind.cadence == "monthly":
                # a week is covered when its month has a record or is not over yet
                months_seen = {(d.year, d.month) for d in seen}
                covered = {w for w in window if (w.year, w.month) in months_seen
                           or _month_end(w) >= today}
            else:
                covered = {week_start(d) for d in seen}
            missing = [w for w in window if w not in covered]
            rows.append({
                "department": kind.department, "kind": kind.name, "rows": int(count),
                "latest": _as_date(latest), "missing_weeks": missing,
            })
    return pl.DataFrame(rows, schema={"department": pl.String, "kind": pl.String, "rows": pl.Int64,
                                      "latest": pl.Date, "missing_weeks": pl.List(pl.Date)})


def arrivals(engine: Engine | None = None) -> pl.DataFrame:
    """When each day's data of the weekly and monthly kinds first arrived (data timeliness, docs/kpis.md):
    department, kind, cadence, day (a monthly kind: the first day of its month), arrived (the earliest
    creation time of a live batch holding rows of that day; times as stored, UTC)."""
    engine = engine or get_engine()
    batches = sa.table("batches", sa.column("id"), sa.column("created_at"), sa.column("undone_at"))
    rows = []
    with engine.connect() as conn:
        for kind in TRANSACTION_KINDS:
            if kind.cadence not in ("weekly", "monthly"):
                continue
            table = kind_table(kind.name)
            column = table.c[kind.date_field]
            query = (sa.select(column, sa.func.min(batches.c.created_at))
                     .select_from(table.join(batches, table.c.batch_id == batches.c.id))
                     .where(batches.c.undone_at.is_(None)).group_by(column))
            for day, arrived in conn.execute(query):
                if isinstance(arrived, str):  # SQLite returns the text of an aggregate
                    arrived = datetime.fromisoformat(arrived)
                rows.append({"department": kind.department, "kind": kind.name, "cadence": kind.cadence,
                             "day": _as_date(day), "arrived": arrived})
    return pl.DataFrame(rows, schema={"department": pl.String, "kind": pl.String, "cadence": pl.String,
                                      "day": pl.Date, "arrived": pl.Datetime("us")})
