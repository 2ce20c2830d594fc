"""The last step of an import: the validated rows into their table, in the caller's transaction,
the fastest way each database offers (issue 15 item 4). PostgreSQL: COPY through psycopg 3;
SQLite: executemany of multi-row INSERTs of plain tuples, the values already in the text forms SQLAlchemy's SQLite
types store (so that reads and key lookups through SQLAlchemy see exactly what they would have
written). Both skip building a dict per row, which cost more than the database's own work."""
from __future__ import annotations

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.kinds import get_kind
from data_access.models import kind_table, stores_empty_as_blank

MULTI_ROWS = 10  # rows per INSERT statement on SQLite (measured: 10 to 200 alike)
# SQLAlchemy's storage formats for SQLite (sqlalchemy.dialects.sqlite DATE, DATETIME, TIME).
_SQLITE_TEXT = {pl.Date: "%Y-%m-%d", pl.Datetime: "%Y-%m-%d %H:%M:%S.%6f", pl.Time: "%H:%M:%S.%6f"}


def table_frame(kind_name: str, rows: pl.DataFrame, batch_id: int) -> pl.DataFrame:
    """The rows as the table's columns: the kind's fields in order (optional text keys as ''),
    then batch_id."""
    kind = get_kind(kind_name)
    return rows.select(
        [pl.col(f.name).fill_null("") if stores_empty_as_blank(kind, f) else pl.col(f.name) for f in kind.fields]
    ).with_columns(pl.lit(batch_id, pl.Int64).alias("batch_id"))


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def copy_rows(conn: Connection, table_name: str, frame: pl.DataFrame) -> None:
    """PostgreSQL COPY FROM STDIN in CSV form: an unquoted empty field is NULL, "" is empty text."""
    frame = frame.with_columns(pl.col(pl.Time).dt.strftime("%H:%M:%S.%6f"))
    raw = conn.connection.driver_connection  # psycopg 3, inside the caller's transaction
    with raw.cursor() as cursor:
        with cursor.copy(f'COPY "{table_name}" ({_quoted(frame.columns)}) FROM STDIN (FORMAT csv)') as copy:
            for start in range(0, frame.height, 50_000):  # bounded memory for the CSV text
                copy.write(frame.slice(start, 50_000).write_csv(include_header=False, null_value=""))


def _statement_rows(frame: pl.DataFrame, per: int) -> list[tuple]:
    """The parameters of the multi-row INSERTs: `per` consecutive rows side by side in one tuple,
    made by polars (rows j, j+per, ... as the j-th group of columns) rather than a tuple per row
    chained in Python. frame.height is a multiple of per."""
    if per == 1:
        return frame.rows()
    names = frame.columns
    wide = pl.concat([frame.gather_every(per, offset=j).rename({c: f"{c}#{j}" for c in names}) for j in range(per)],
                     how="horizontal")
    return wide.rows()


def executemany_rows(conn: Connection, table_name: str, frame: pl.DataFrame) -> None:
    """SQLite: one executemany of tuples, dates and times as SQLAlchemy stores them, booleans 1/0."""
    frame = frame.with_columns(
        [pl.col(c).dt.strftime(_SQLITE_TEXT[dtype.base_type()]) for c, dtype in frame.schema.items()
         if dtype.base_type() in _SQLITE_TEXT]
        + [pl.col(c).cast(pl.Int8) for c, dtype in frame.schema.items() if dtype == pl.Boolean])
    one = "(" + ", ".join("?" for _ in frame.columns) + ")"
    head = f'INSERT INTO "{table_name}" ({_quoted(frame.columns)}) VALUES '
    # Several rows per statement: SQLite rebuilds a CHECK's IN-list once per statement run, and the
    # per-statement overhead is shared; rows keep their order (and ids). 999 = SQLite's oldest variable limit.
    per = max(1, min(MULTI_ROWS, 999 // len(frame.columns)))
    many = head + ", ".join([one] * per)
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, frame.height, 100_000):  # tuples made in bulk, memory bounded
            part = frame.slice(start, 100_000)
            full = part.height // per * per
            if full:
                cursor.executemany(many, _statement_rows(part.slice(0, full), per))
            if full < part.height:
                cursor.executemany(head + one, part.slice(full).rows())
    finally:
        cursor.close()


def bulk_insert(conn: Connection, kind_name: str, rows: pl.DataFrame, batch_id: int) -> int:
    """Insert parsed rows (the kind's fields in their declared types) under one batch."""
    if rows.height == 0:
        return 0
    frame = table_frame(kind_name, rows, batch_id)
    table = kind_table(kind_name).name
    if conn.dialect.name not in ("postgresql", "sqlite"):  # any other database: SQLAlchemy Core
        conn.execute(kind_table(kind_name).insert(), frame.to_dicts())
        return rows.height
    driver_error = conn.dialect.loaded_dbapi.Error
    try:
        (copy_rows if conn.dialect.name == "postgresql" else executemany_rows)(conn, table, frame)
    except driver_error as exc:
        # The driver's own error, as SQLAlchemy would have raised it (IntegrityError for a key that
        # another importer wrote a moment ago, OperationalError for a read-only disk, ...).
        raise sa.exc.DBAPIError.instance(f"bulk insert into {table}", None, exc, driver_error) from exc
    return rows.height
