"""SQL -> polars through Arrow, cached on the data version.

Analysis data is read as Arrow rather than as ORM objects: on this hardware a million rows take
about a second that way. PostgreSQL goes through connectorx; SQLite through ADBC in a reader
process of its own (data_access.sqlite_reader says why). Frames are cached per database URL and table, and
the cache entry is only valid for the data version it was read at, so a write made by any app
instance is seen by every other instance on its next rerun.
"""
from __future__ import annotations

import threading

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import data_version, get_engine
from data_access.kinds import KINDS
from data_access.models import stores_empty_as_blank
from data_access.sqlite_reader import read_sqlite

_POLARS_TYPES = {
    "int": pl.Int64,
    "float": pl.Float64,
    "date": pl.Date,
    "time": pl.Time,
    "datetime": pl.Datetime("us"),
    "bool": pl.Boolean,
    "month": pl.String,
    "enum": pl.String,
    "str": pl.String,
}

_cache: dict[tuple[str, str], tuple[int, pl.DataFrame]] = {}
_lock = threading.Lock()


def schema_of(kind_name: str) -> dict[str, pl.DataType]:
    """The polars schema of a kind's table (system columns first)."""
    kind = KINDS[kind_name]
    schema = {"id": pl.Int64, "batch_id": pl.Int64}
    schema.update({f.name: _POLARS_TYPES[f.type] for f in kind.fields})
    return schema


def read_sql(query: str, engine: Engine | None = None) -> pl.DataFrame:
    """Run a SELECT and return a polars frame through Arrow (see the module docstring)."""
    engine = engine or get_engine()
    url = engine.url
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database and url.database != ":memory:":
        return read_sqlite(url.database, query)
    if backend == "postgresql":
        uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return pl.read_database_uri(query, uri, engine="connectorx")
    with engine.connect() as conn:
        return pl.read_database(sa.text(query), conn)


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


def _conform(frame: pl.DataFrame, kind_name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Same dtypes whatever the database (SQLite and PostgreSQL report integers differently);
    optional key text stored as '' (see models.stores_empty_as_blank) comes back as null."""
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    kind = KINDS[kind_name]
    blank = [f.name for f in kind.fields if stores_empty_as_blank(kind, f)]
    frame = conform_types(frame, schema)
    if blank:
        frame = frame.with_columns(pl.col(c).replace("", None) for c in blank)
    return frame.select(pl.col(c) if c in frame.columns else pl.lit(None, t).alias(c) for c, t in schema.items())


def load_kind(kind_name: str, engine: Engine | None = None, version: int | None = None) -> pl.DataFrame:
    """All rows of one kind as a polars frame, cached until the next write."""
    engine = engine or get_engine()
    version = data_version(engine) if version is None else version
    key = (str(engine.url), kind_name)
    with _lock:
        hit = _cache.get(key)
    if hit and hit[0] == version:
        return hit[1]
    schema = schema_of(kind_name)
    columns = ", ".join(f'"{c}"' for c in schema)
    frame = _conform(read_sql(f'SELECT {columns} FROM "{kind_name}"', engine), kind_name, schema)
    with _lock:
        _cache[key] = (version, frame)
    return frame


def load_kinds(names: list[str] | tuple[str, ...], engine: Engine | None = None) -> dict[str, pl.DataFrame]:
    """Several kinds read at one data version (one version query for all of them)."""
    engine = engine or get_engine()
    version = data_version(engine)
    return {n: load_kind(n, engine, version) for n in names}


def clear_cache() -> None:
    with _lock:
        _cache.clear()
