"""SQL -> polars through Arrow, cached on the data version.

Analysis data is read as Arrow rather than as ORM objects: on this hardware a million rows take
about a second that way. PostgreSQL goes through connectorx; SQLite through ADBC in reader
processes of their own (data_access.sqlite_reader says why). read_sql_many runs several reads at
once (one per core). Whole kind frames are cached in the "kinds" section of the one cache of their
database and data version (data_access.cache), so a write made by any app instance is seen by every
other instance on its next rerun.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import cache
from data_access.db import data_version, get_engine, sqlite_file
from data_access.kinds import KINDS
from data_access.kinds.base import stores_empty_as_blank
from data_access.sqlite_reader import pool_size, read_sqlite, read_sqlite_here, read_sqlite_many, readers_started


def schema_of(kind_name: str) -> dict[str, pl.DataType]:
    """The polars schema of a kind frame as the app reads it (conform; system columns first): codes
    are Categorical (Field.frame_dtype), the rest as text_schema_of."""
    kind = KINDS[kind_name]
    schema = {"id": pl.Int64, "batch_id": pl.Int64}
    schema.update({f.name: f.frame_dtype for f in kind.fields})
    return schema


def text_schema_of(kind_name: str) -> dict[str, pl.DataType]:
    """The polars schema of a kind's rows as a file, a form or the editor holds them (system columns
    first): each field's type's dtype (FieldType.polars), codes as text."""
    kind = KINDS[kind_name]
    schema = {"id": pl.Int64, "batch_id": pl.Int64}
    schema.update({f.name: f.field_type.polars for f in kind.fields})
    return schema


def read_sql(query: str, engine: Engine | None = None) -> pl.DataFrame:
    """Run a SELECT and return a polars frame through Arrow (see the module docstring)."""
    engine = engine or get_engine()
    url = engine.url
    database = _sqlite_file(engine)
    if database:
        return read_sqlite(database, query)
    if url.get_backend_name() == "postgresql":
        uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return pl.read_database_uri(query, uri, engine="connectorx")
    with engine.connect() as conn:
        return pl.read_database(sa.text(query), conn)


def _sqlite_file(engine: Engine) -> str | None:
    return sqlite_file(engine)  # a read-only file is opened by URI with its flags


def read_sql_many(queries: list[str], engine: Engine | None = None,
                  then: Callable[[int, pl.DataFrame], object] | None = None, workers: int | None = None,
                  in_process: bool = False) -> list:
    """Several SELECTs read concurrently (SQLite: the reader processes; PostgreSQL: a connection
    each), results in the order of the queries; `then(i, frame)` and `workers` (at most that many at
    once, on SQLite) as in read_sqlite_many. `in_process` (SQLite, a read of few rows): one after
    the other in this process (sqlite_reader.read_sqlite_here), no reader process started."""
    engine = engine or get_engine()
    database = _sqlite_file(engine)
    if database and in_process and not readers_started():  # readers already running read faster
        frames = (read_sqlite_here(database, q) for q in queries)
        return [then(i, f) if then else f for i, f in enumerate(frames)]
    if database:
        return read_sqlite_many(database, queries, then, workers)

    def one(i: int):
        frame = read_sql(queries[i], engine)
        return then(i, frame) if then else frame

    if engine.url.get_backend_name() == "postgresql" and len(queries) > 1:
        with ThreadPoolExecutor(min(len(queries), parallel_reads())) as threads:
            return list(threads.map(one, range(len(queries))))
    return [one(i) for i in range(len(queries))]


def parallel_reads() -> int:
    """How many reads read_sql_many runs at once (one per core, at most 4)."""
    return pool_size()


def _cast(column: str, source: pl.DataType, target: pl.DataType) -> pl.Expr:
    """Cast one column to its declared type; SQLite hands dates and times over as ISO text."""
    col = pl.col(column)
    if source == pl.String and target == pl.Date:
        return col.str.slice(0, 10).str.to_date("%Y-%m-%d")
    if source == pl.String and isinstance(target, pl.Datetime):
        return col.str.to_datetime(time_unit="us", time_zone=None)
    if source == pl.String and target == pl.Time:
        return col.str.to_time("%H:%M:%S%.f")
    return col.cast(target)


def conform_types(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The frame's columns (those in `schema`) with the declared dtypes, on any database."""
    casts = [_cast(c, frame.schema[c], t) for c, t in schema.items() if c in frame.columns and frame.schema[c] != t]
    return frame.with_columns(casts) if casts else frame


def conform(frame: pl.DataFrame, kind_name: str, columns: list[str] | None = None) -> pl.DataFrame:
    """A read of a kind's columns (default: all) as the app sees it: the declared dtypes whatever
    the database (SQLite and PostgreSQL report integers differently), optional key text stored
    as '' (see kinds.base.stores_empty_as_blank) back as null, the columns in the order asked."""
    schema = schema_of(kind_name)
    schema = {c: schema[c] for c in columns} if columns is not None else schema
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    kind = KINDS[kind_name]
    blank = [f.name for f in kind.fields if f.name in schema and stores_empty_as_blank(kind, f)]
    if blank:
        frame = frame.with_columns(pl.col(c).replace("", None) for c in blank if c in frame.columns)
    frame = conform_types(frame, schema)
    return frame.select(pl.col(c) if c in frame.columns else pl.lit(None, t).alias(c) for c, t in schema.items())


def _select_all(kind_name: str) -> str:
    return f'SELECT {", ".join(chr(34) + c + chr(34) for c in schema_of(kind_name))} FROM "{kind_name}"'


def kind_query(kind_name: str, window: Window | None = None) -> str:
    """The SELECT load_kind reads a kind with (for callers batching reads with read_sql_many); with a
    window, only the rows whose date field lies in it (date_where)."""
    where = date_where(kind_name, window) if window else ""
    return _select_all(kind_name) + (f" WHERE {where}" if where else "")


SMALL_KINDS = ("reasons", "bom", "materials", "products", "machines", "lines", "customers", "suppliers",
               "routings", "targets", "wage_rates", "employees")  # master data: hundreds of rows


# A window: date ranges (first, last day inclusive; None = open on that side), e.g. a period and its
# comparison periods.
Window = tuple[tuple[date | None, date | None], ...]


def as_window(window) -> Window | None:
    """(from, to) or several such pairs -> a Window of sorted, merged ranges (hashable, a cache key)."""
    if window is None:
        return None
    pairs = [window] if len(window) == 2 and not isinstance(window[0], (tuple, list)) else list(window)
    pairs = sorted(((a, b) for a, b in pairs), key=lambda r: (r[0] is not None, r[0] or date.min))
    merged: list[tuple[date | None, date | None]] = []
    for lo, hi in pairs:
        if merged:
            last_lo, last_hi = merged[-1]
            if last_hi is None or lo is None or lo <= last_hi + timedelta(days=1):
                merged[-1] = (last_lo, None if last_hi is None or hi is None else max(last_hi, hi))
                continue
        merged.append((lo, hi))
    return tuple(merged)


def _window_bounds(kind_name: str, window: Sequence[tuple[date | None, date | None]]
                   ) -> list[tuple[str | date | None, str | date | None]] | None:
    """The one rule of a window on a kind's date field (Kind.date_field), for date_where (SQL) and
    window_filter (polars): per range (from, before) — `from` inclusive, `before` the next day, exclusive,
    so that a value stored with a time is kept; a month field ('YYYY-MM') keeps the months the ranges
    touch, both ends inclusive. None when a range is open on both ends (every row is kept)."""
    kind = KINDS[kind_name]
    monthly = kind.field(kind.date_field).field_type.monthly
    bounds = []
    for lo, hi in window:
        if lo is None and hi is None:
            return None
        if monthly:
            bounds.append((lo and f"{lo:%Y-%m}", hi and f"{hi:%Y-%m}"))
        else:
            bounds.append((lo, hi and hi + timedelta(days=1)))
    return bounds


def _monthly(kind_name: str) -> bool:
    kind = KINDS[kind_name]
    return kind.field(kind.date_field).field_type.monthly


def date_where(kind_name: str, window: Sequence[tuple[date | None, date | None]]) -> str:
    """The SQL condition keeping a kind's rows whose date field lies in the window (_window_bounds);
    '' when it keeps every row. Dates compare as ISO text on SQLite and as dates on PostgreSQL."""
    bounds = _window_bounds(kind_name, window)
    if not bounds:
        return ""
    column, upper = f'"{KINDS[kind_name].date_field}"', "<=" if _monthly(kind_name) else "<"

    def text(bound) -> str:
        return bound if isinstance(bound, str) else bound.isoformat()

    ranges = []
    for lo, hi in bounds:
        conditions = [f"{column} >= '{text(lo)}'"] if lo is not None else []
        conditions += [f"{column} {upper} '{text(hi)}'"] if hi is not None else []
        ranges.append(" AND ".join(conditions))
    return "(" + " OR ".join(f"({r})" for r in ranges) + ")"


def window_filter(kind_name: str, window: Sequence[tuple[date | None, date | None]]) -> pl.Expr | None:
    """date_where as a polars condition on a conformed frame (the same rows, _window_bounds; a null date
    is never kept); None when it keeps every row."""
    bounds = _window_bounds(kind_name, window)
    if not bounds:
        return None
    field = KINDS[kind_name].date_field
    column, timed = pl.col(field), schema_of(kind_name)[field] == pl.Datetime

    def value(day):
        return pl.lit(datetime(day.year, day.month, day.day)) if timed and isinstance(day, date) else pl.lit(day)

    ranges = [pl.all_horizontal(([column >= value(lo)] if lo is not None else [])
                                + ([(column <= value(hi)) if _monthly(kind_name) else (column < value(hi))]
                                   if hi is not None else []))
              for lo, hi in bounds]
    return pl.any_horizontal(ranges)


def first_date(kind_name: str, engine: Engine) -> date | None:
    """The earliest value of a kind's date field over its whole history (None: no rows); a month
    field gives its first day. Cheap: the date fields are indexed."""
    kind = KINDS[kind_name]
    with engine.connect() as conn:
        value = conn.execute(sa.text(f'SELECT MIN("{kind.date_field}") FROM "{kind_name}"')).scalar()
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = str(value)
    return date.fromisoformat(text + "-01" if len(text) == 7 else text[:10])


def cached_kind(engine: Engine, version: int, kind_name: str) -> pl.DataFrame | None:
    return cache.cache_for(engine.url, version).get("kinds", kind_name)


def cache_kind(engine: Engine, version: int, kind_name: str, raw: pl.DataFrame) -> pl.DataFrame:
    """Keep the result of kind_query (read elsewhere) as load_kind's frame for that version."""
    return cache.cache_for(engine.url, version).put("kinds", kind_name, conform(raw, kind_name))


def load_kind(kind_name: str, engine: Engine | None = None, version: int | None = None) -> pl.DataFrame:
    """All rows of one kind as a polars frame, cached until the next write."""
    engine = engine or get_engine()
    version = data_version(engine) if version is None else version
    return _load([kind_name], engine, version)[kind_name]


def _load(names: list[str], engine: Engine, version: int) -> dict[str, pl.DataFrame]:
    version_cache = cache.cache_for(engine.url, version)
    out = {n: frame for n in names if (frame := version_cache.get("kinds", n)) is not None}
    missing = [n for n in names if n not in out]
    frames = read_sql_many([_select_all(n) for n in missing], engine)
    for n, frame in zip(missing, frames):
        out[n] = version_cache.put("kinds", n, conform(frame, n))
    return {n: out[n] for n in names}


def load_kinds(names: list[str] | tuple[str, ...], engine: Engine | None = None,
               version: int | None = None) -> dict[str, pl.DataFrame]:
    """Several kinds read at one data version, those not cached read concurrently."""
    engine = engine or get_engine()
    return _load(list(dict.fromkeys(names)), engine, data_version(engine) if version is None else version)


def clear_cache() -> None:
    """Forget everything cached of every database (tests): the one cache, data_access.cache.clear."""
    cache.clear()
