"""Engine, transactions and the data version (docs/architecture.md "Ingestion").

SQLite (default, a file under ./data/) runs in WAL mode with foreign keys on and a busy timeout,
and every transaction starts with BEGIN IMMEDIATE so that concurrent writers wait for each other
instead of failing with "database is locked". PostgreSQL is reached through psycopg 3.

A SQLite file that this process may not write (a read-only mount, a file or directory without
write permission) is opened read-only instead (issue 14): `mode=ro`, and `immutable=1` when even
the directory is read-only, since WAL mode would need to create its -shm file there. Reads work
(every analysis page, `plantkpi kpi`); transactions start deferred, and a command that writes
refuses first with DatabaseReadOnly (see ensure_writable).
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

ENV_URL = "PLANTKPI_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 60_000
_READ_ONLY: dict[str, str] = {}  # URL of an engine opened read-only -> the file the caller named


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


class DatabaseReadOnly(Exception):
    """A write asked of a database this process may only read. The caller translates
    t(KEY, lang, path=...) (data_access does not import dashboard.i18n)."""

    key = "db.read_only"

    def __init__(self, path: str):
        super().__init__(f"the database {path} is read-only: nothing was written")
        self.path = path


def _read_only_mode(path: Path) -> str | None:
    """None when the file can be written; else the SQLite URI flags to open it read-only."""
    if not path.exists():
        return None  # created below, in a directory that must then be writable
    directory_writable = os.access(path.parent, os.W_OK | os.X_OK)
    if os.access(path, os.W_OK) and directory_writable:
        return None
    # WAL needs the -shm file: a directory we cannot create it in means no one writes there
    return "mode=ro" if directory_writable else "mode=ro&immutable=1"


def _sqlite_engine(url: str) -> Engine:
    database = sa.make_url(url).database
    read_only = None
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        read_only = _read_only_mode(path)
        if read_only is None:
            path.parent.mkdir(parents=True, exist_ok=True)
    if read_only:
        uri = f"sqlite:///file:{Path(database).resolve().as_posix()}?{read_only}&uri=true"
        engine = sa.create_engine(uri, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _READ_ONLY[str(engine.url)] = database
    else:
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")  # a write: the file keeps the mode it was given
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")  # IMMEDIATE takes the write lock

    return engine


def read_only_path(engine: Engine) -> str | None:
    """The file of a SQLite database opened read-only, else None."""
    return _READ_ONLY.get(str(engine.url))


def sqlite_file(engine: Engine) -> str | None:
    """What the Arrow readers (data_access.sqlite_reader) open: the file, or for a read-only one
    its URI with the same flags; None when the engine is not a SQLite file."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if read_only_path(engine) is None:
        return url.database
    flags = "&".join(f"{k}={v}" for k, v in url.query.items() if k != "uri")
    return f"{url.database}?{flags}"


def ensure_writable(engine: Engine) -> None:
    """Raise DatabaseReadOnly before a command that writes starts on a read-only database."""
    path = read_only_path(engine)
    if path is not None:
        raise DatabaseReadOnly(path)


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: PLANTKPI_DATABASE_URL), one per URL per process."""
    return _engine_for(url or database_url())


@lru_cache(maxsize=32)
def _engine_for(url: str) -> Engine:
    if is_sqlite(url):
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def bump_version(conn: Connection) -> None:
    conn.execute(sa.text("UPDATE data_version SET version = version + 1, stamp = :stamp WHERE id = 1"),
                 {"stamp": secrets.token_hex(8)})


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


def data_state(engine: Engine | None = None) -> tuple[int, str | None]:
    """(version, stamp): the data version and the random stamp its write drew (bump_version)."""
    engine = engine or get_engine()
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT version, stamp FROM data_version WHERE id = 1")).one_or_none()
        conn.rollback()
    return (int(row[0] or 0), row[1]) if row is not None else (0, None)


def init_db(engine: Engine | None = None) -> None:
    """Create or migrate the database to the newest schema (Alembic head)."""
    from data_access.migrations import upgrade_to_head

    engine = engine or get_engine()
    if read_only_path(engine) is not None:
        if _at_head(engine):
            return  # nothing to do, and nothing could be written
        raise DatabaseReadOnly(read_only_path(engine))
    upgrade_to_head(engine)
    with engine.begin() as conn:
        if conn.execute(sa.text("SELECT COUNT(*) FROM data_version")).scalar() == 0:
            conn.execute(sa.text("INSERT INTO data_version (id, version, stamp) VALUES (1, 0, :stamp)"),
                         {"stamp": secrets.token_hex(8)})


def _at_head(engine: Engine) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from data_access.migrations import alembic_config

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return sa.make_url(url).render_as_string(hide_password=True)
