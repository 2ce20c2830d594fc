"""Whole database to one portable file and back: `plantkpi backup FILE` / `restore FILE` (README
"Command line").

The file is a zip holding one JSON-lines part per table of data_access.models.metadata (one JSON
array per row, columns listed in the manifest) and `manifest.json`: format, schema version (the
Alembic revision of the source), creation time, source database kind, and for every table its
columns, row count and the sha256 of its part. JSON keeps it readable by anything and independent
of the database: a backup of SQLite restores into PostgreSQL and the other way round.

Restore checks the whole file before it touches the database (a truncated, corrupt or foreign
file is refused with a clear message, the database unchanged), migrates the target to head, then
replaces every table in ONE transaction: deletes children before parents, inserts parents
before children (metadata.sorted_tables: masters before transactions, batches before kind
tables), resets PostgreSQL id sequences, sets the data version above both the old and the
restored one (so no app instance keeps serving a cached frame), and writes an audit entry.
audit_log is append-only (migration 0002); restore is its one legitimate rewrite and goes
through data_access.audit_log.audit_guard_suspended.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dashboard.i18n import t
from data_access.audit_log import audit_guard_suspended
from data_access.db import init_db
from data_access.models import DataVersion, metadata
from data_access.store import audit

FORMAT = "plantkpi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 5_000
Source = str | os.PathLike | IO[bytes]


class BackupError(ValueError):
    """A file that is not a usable backup; `key`/`params` give the message in either language."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params
        super().__init__(t(key, "en", **params))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


# ------------------------------------------------------------------ values <-> JSON
def _python_type(column: sa.Column) -> type | None:
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):  # e.g. SQLModel's UTCDateTime: judge by what it stores
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _encoder(column: sa.Column) -> Callable[[Any], Any]:
    if _python_type(column) in (datetime, date, time):
        return lambda v: None if v is None else v.isoformat()
    return lambda v: v


def _decoder(column: sa.Column) -> Callable[[Any], Any]:
    kind = _python_type(column)
    parse = {datetime: datetime.fromisoformat, date: date.fromisoformat, time: time.fromisoformat}.get(kind)
    if parse is not None:
        return lambda v: None if v is None else parse(v)
    if kind is float:  # JSON writes 3.0 as 3.0, but a hand-made file may say 3
        return lambda v: None if v is None else float(v)
    return lambda v: v


def tables() -> list[sa.Table]:
    """Every table of the app, parents before children."""
    return list(metadata.sorted_tables)


def schema_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _known_revisions(engine: Engine) -> tuple[set[str], str]:
    from alembic.script import ScriptDirectory

    from data_access.migrations import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return {r.revision for r in scripts.walk_revisions()}, scripts.get_current_head()


# ------------------------------------------------------------------ backup
def _snapshot(engine: Engine) -> Connection:
    """A connection that sees one consistent state of the whole database."""
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return engine.connect()  # SQLite: the engine begins with BEGIN IMMEDIATE, writers wait


def backup(engine: Engine, path: str | os.PathLike) -> dict:
    """Write the whole database to `path` (a zip); returns the manifest.

    Written to a temporary file next to `path` and renamed at the end, so that a failed backup
    never leaves a half file under the real name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        with open(tmp_name, "wb") as out:
            manifest = write_backup(engine, out)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return manifest


def backup_bytes(engine: Engine) -> bytes:
    """The backup file's content (for a download button)."""
    buffer = io.BytesIO()
    write_backup(engine, buffer)
    return buffer.getvalue()


def write_backup(engine: Engine, out: IO[bytes]) -> dict:
    manifest: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "source_database": engine.dialect.name,
        "tables": {},
    }
    with _snapshot(engine) as conn, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with conn.begin():
            manifest["schema_revision"] = schema_revision(conn)
            for table in tables():
                columns = list(table.columns)
                encoders = [_encoder(c) for c in columns]
                digest, count = hashlib.sha256(), 0
                part = f"tables/{table.name}.jsonl"
                order = list(table.primary_key.columns) or columns
                result = conn.execution_options(yield_per=CHUNK).execute(sa.select(*columns).order_by(*order))
                with archive.open(part, "w") as member:
                    for row in result:
                        line = (json.dumps([enc(v) for enc, v in zip(encoders, row)], ensure_ascii=False)
                                + "\n").encode()
                        digest.update(line)
                        member.write(line)
                        count += 1
                manifest["tables"][table.name] = {
                    "file": part, "columns": [c.name for c in columns], "rows": count, "sha256": digest.hexdigest(),
                }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


# ------------------------------------------------------------------ reading a backup file
def _open(source: Source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise BackupError("backup.error.missing", file=str(source)) from None
        raise BackupError("backup.error.not_a_backup", detail=str(exc)) from None


def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("backup.error.not_a_backup", detail=f"no {MANIFEST}") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib_error()) as exc:
        raise BackupError("backup.error.corrupt", part=MANIFEST, detail=str(exc)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("tables"), dict):
        raise BackupError("backup.error.not_a_backup", detail=f"{MANIFEST} is not a PlantKPI manifest")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError("backup.error.newer_format", version=manifest.get("format_version"))
    return manifest


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _lines(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    with archive.open(part) as member:
        yield from member


def inspect_backup(source: Source, engine: Engine | None = None) -> dict:
    """Check a backup file completely (manifest, every part's sha256 and row count, schema version
    known to this PlantKPI) without touching any database; returns its manifest.
    Raises BackupError naming what is wrong."""
    with _open(source) as archive:
        manifest = _manifest(archive)
        _check_revision(manifest, engine)
        known = {t.name: t for t in tables()}
        for name, info in manifest["tables"].items():
            table = known.get(name)
            if table is None:
                raise BackupError("backup.error.unknown_table", table=name)
            unknown = [c for c in info.get("columns", []) if c not in table.columns]
            if unknown:
                raise BackupError("backup.error.unknown_column", table=name, column=", ".join(unknown))
            digest, count = hashlib.sha256(), 0
            try:
                for line in _lines(archive, info["file"]):
                    digest.update(line)
                    count += 1
            except KeyError:
                raise BackupError("backup.error.corrupt", part=info.get("file"), detail="missing") from None
            except (zipfile.BadZipFile, EOFError, OSError, zlib_error()) as exc:
                raise BackupError("backup.error.corrupt", part=info["file"], detail=str(exc)) from None
            if digest.hexdigest() != info.get("sha256") or count != info.get("rows"):
                raise BackupError("backup.error.checksum", part=info["file"], rows=count, expected=info.get("rows"))
    return manifest


def _check_revision(manifest: dict, engine: Engine | None) -> None:
    from data_access.db import get_engine

    revision = manifest.get("schema_revision")
    known, head = _known_revisions(engine or get_engine())
    if revision is not None and revision not in known:
        raise BackupError("backup.error.newer_schema", revision=revision, head=head)


# ------------------------------------------------------------------ restore
def restore(engine: Engine, path: Source, *, user: str = "cli") -> dict:
    """Replace the whole database with the backup at `path`; returns the backup's manifest.

    Nothing is written unless the whole file checks out; the data is replaced in one
    transaction, so other sessions see either the old database or the restored one."""
    manifest = inspect_backup(path, engine)
    init_db(engine)
    if hasattr(path, "seek"):
        path.seek(0)
    with _open(path) as archive, engine.begin() as conn:
        _lock_all(conn)
        old_version = _current_version(conn)
        with audit_guard_suspended(conn):
            for table in reversed(tables()):
                conn.execute(table.delete())
            for table in tables():
                info = manifest["tables"].get(table.name)
                if info and info["rows"]:
                    _insert_part(conn, archive, table, info)
        _reset_sequences(conn)
        restored_version = _current_version(conn)
        _set_version(conn, max(old_version, restored_version) + 1)
        counts = {name: info["rows"] for name, info in manifest["tables"].items()}
        audit(conn, user, "restore", detail={
            "file": Path(str(getattr(path, "name", path))).name, "created_at": manifest.get("created_at"),
            "source_database": manifest.get("source_database"), "schema_revision": manifest.get("schema_revision"),
            "rows": sum(counts.values()), "tables": counts})
    return manifest


def _lock_all(conn: Connection) -> None:
    """PostgreSQL: no other writer may slip rows in between our delete and insert (plain reads
    still run and see the old data until we commit). SQLite's BEGIN IMMEDIATE already does this."""
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables())
        conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def _insert_part(conn: Connection, archive: zipfile.ZipFile, table: sa.Table, info: dict) -> None:
    """Rows straight to the driver (COPY on PostgreSQL, executemany on SQLite), through each
    column type's own bind conversion: a restore of a million rows through ORM-style dicts
    would take minutes."""
    columns = [table.c[name] for name in info["columns"]]
    convert = []
    for column in columns:
        decode, bind = _decoder(column), column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        convert.append(decode if bind is None else (lambda v, d=decode, b=bind: b(d(v))))
    rows = ([f(v) for f, v in zip(convert, json.loads(line))] for line in _lines(archive, info["file"]))
    quoted = ", ".join(f'"{c.name}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
            chunk: list[list] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    cursor.executemany(statement, chunk)
                    chunk = []
            if chunk:
                cursor.executemany(statement, chunk)
    finally:
        cursor.close()


def _reset_sequences(conn: Connection) -> None:
    """Restored rows keep their ids; PostgreSQL's sequences must move past them, or the next
    insert collides. (SQLite takes max(rowid) + 1 by itself.)"""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if not (isinstance(column.type, sa.Integer) and column.autoincrement in (True, "auto")):
                continue
            sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": f'"{table.name}"', "c": column.name}).scalar()
            if sequence:
                conn.execute(sa.text(
                    f'SELECT setval(:s, COALESCE(MAX("{column.name}"), 1), MAX("{column.name}") IS NOT NULL) '
                    f'FROM "{table.name}"'), {"s": sequence})


def _current_version(conn: Connection) -> int:
    table = DataVersion.__table__
    return int(conn.execute(sa.select(sa.func.max(table.c.version))).scalar() or 0)


def _set_version(conn: Connection, version: int) -> None:
    table = DataVersion.__table__
    if conn.execute(sa.update(table).where(table.c.id == 1).values(version=version)).rowcount == 0:
        conn.execute(sa.insert(table).values(id=1, version=version))


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table now (shown beside a backup's counts before a restore)."""
    with engine.connect() as conn:
        return {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0) for t in tables()}
