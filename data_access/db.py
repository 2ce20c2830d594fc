"""Engine, transactions and the data version (docs/architecture.md "Ingestion").

SQLite (default, a file under ./data/) runs in WAL mode with foreign keys on and a busy timeout,
and every transaction starts with BEGIN IMMEDIATE so that concurrent writers wait for each other
instead of failing with "database is locked". PostgreSQL is reached through psycopg 3.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

ENV_URL = "PLANTKPI_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 60_000


def default_url() -> str:
    return f"sqlite:///{(Path.cwd() / 'data' / 'plantkpi.db').resolve()}"


def database_url() -> str:
    url = os.environ.get(ENV_URL, "").strip() or default_url()
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(url_or_engine) -> bool:
    url = url_or_engine.url if isinstance(url_or_engine, Engine) else sa.make_url(str(url_or_engine))
    return url.get_backend_name() == "sqlite"


def _sqlite_engine(url: str) -> Engine:
    database = sa.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: PLANTKPI_DATABASE_URL), one per URL per process."""
    return _engine_for(url or database_url())


@lru_cache(maxsize=32)
def _engine_for(url: str) -> Engine:
    if is_sqlite(url):
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def bump_version(conn: Connection) -> None:
    conn.execute(sa.text("UPDATE data_version SET version = version + 1 WHERE id = 1"))


@contextmanager
def write_transaction(engine: Engine | None = None) -> Iterator[Connection]:
    """One transaction that also bumps the data version, so readers see the write next rerun."""
    engine = engine or get_engine()
    with engine.begin() as conn:
        yield conn
        bump_version(conn)


def data_version(engine: Engine | None = None) -> int:
    engine = engine or get_engine()
    with engine.connect() as conn:
        value = conn.execute(sa.text("SELECT version FROM data_version WHERE id = 1")).scalar()
        conn.rollback()
    return int(value or 0)


def init_db(engine: Engine | None = None) -> None:
    """Create or migrate the database to the newest schema (Alembic head)."""
    from data_access.migrations import upgrade_to_head

    engine = engine or get_engine()
    upgrade_to_head(engine)
    with engine.begin() as conn:
        if conn.execute(sa.text("SELECT COUNT(*) FROM data_version")).scalar() == 0:
            conn.execute(sa.text("INSERT INTO data_version (id, version) VALUES (1, 0)"))


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return sa.make_url(url).render_as_string(hide_password=True)
