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

Signed backups (issue 14): `signature.json` holds an HMAC-SHA256 of the exact bytes of
manifest.json under the installation's backup key; the manifest holds every part's sha256 and row
count, so the signature covers the whole content. The key is the text of PLANTKPI_BACKUP_KEY, or
else of the key file (PLANTKPI_BACKUP_KEY_FILE, default ./data/backup.key beside the default
database); `backup` creates a random key file when there is no key at all (mode 600).
Restore refuses, unless the admin says trust_unsigned: an unsigned file, a file signed with
another key, a signature that does not match (rows altered and checksums recomputed), or no key
here to check it with. Whatever the signature: a backup that lacks a table of its schema
revision is refused, and so is one that would leave no admin account (accounts but no enabled
admin among them, or no accounts at all over a database that has some: sign-in would switch off
and every visitor become the single-user admin). Only an admin (or the database owner) restores.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data_access.audit_log import audit_guard_suspended
from data_access.db import init_db
from data_access.models import DataVersion, User, metadata
from data_access.permissions import ensure_admin
from data_access.store import audit

FORMAT = "plantkpi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
ALGORITHM = "HMAC-SHA256"
KEY_ENV = "PLANTKPI_BACKUP_KEY"
KEY_FILE_ENV = "PLANTKPI_BACKUP_KEY_FILE"
MIN_KEY_CHARS = 16
CHUNK = 5_000
Source = str | os.PathLike | IO[bytes]


class BackupError(ValueError):
    """A file that is not a usable backup. The message is the caller's to translate (data_access
    does not import dashboard.i18n): t(problem.key, lang, **problem.params)."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params
        super().__init__(f"{key} {params}" if params else key)


# ------------------------------------------------------------------ the backup key
@dataclass(frozen=True)
class BackupKey:
    secret: bytes
    source: str  # where it came from, for messages: the variable's name or the file's path

    @property
    def key_id(self) -> str:
        """Names the key in messages without revealing it."""
        return hashlib.sha256(b"plantkpi-backup-key-id\0" + self.secret).hexdigest()[:16]

    def sign(self, manifest_bytes: bytes) -> str:
        return hmac.new(self.secret, manifest_bytes, hashlib.sha256).hexdigest()


def key_file() -> Path:
    configured = os.environ.get(KEY_FILE_ENV, "").strip()
    return Path(configured) if configured else Path.cwd() / "data" / "backup.key"


def _key_from_text(text: str, source: str) -> BackupKey:
    text = text.strip()
    if len(text) < MIN_KEY_CHARS:
        raise BackupError("backup.error.key_short", source=source, min=MIN_KEY_CHARS)
    return BackupKey(text.encode(), source)


def load_key() -> BackupKey | None:
    """PLANTKPI_BACKUP_KEY, else the key file; None when neither exists."""
    text = os.environ.get(KEY_ENV, "")
    if text.strip():
        return _key_from_text(text, KEY_ENV)
    path = key_file()
    try:
        return _key_from_text(path.read_text(encoding="utf-8"), str(path))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError("backup.error.key_unreadable", path=str(path), detail=str(exc)) from None


def load_or_create_key() -> tuple[BackupKey, bool]:
    """The key to sign with, and whether it was just created (a random key in the key file, mode
    600, never overwriting an existing file)."""
    key = load_key()
    if key is not None:
        return key, False
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made one a moment ago: use that one
        return load_key(), False
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    return BackupKey(text.encode(), str(path)), True


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


def backup(engine: Engine, path: str | os.PathLike, *, key: BackupKey | None = None) -> dict:
    """Write the whole database to `path` (a zip) signed with `key` (default: the installation's
    key, created when there is none); returns the manifest.

    Written to a temporary file next to `path` and renamed at the end, so that a failed backup
    never leaves a half file under the real name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        with open(tmp_name, "wb") as out:
            manifest = write_backup(engine, out, key=key)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return manifest


def backup_bytes(engine: Engine, *, key: BackupKey | None = None) -> bytes:
    """The backup file's content (for a download button)."""
    buffer = io.BytesIO()
    write_backup(engine, buffer, key=key)
    return buffer.getvalue()


def write_backup(engine: Engine, out: IO[bytes], *, key: BackupKey | None = None) -> dict:
    key = key or load_or_create_key()[0]
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
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, json.dumps({"algorithm": ALGORITHM, "key_id": key.key_id,
                                                "manifest_hmac": key.sign(manifest_bytes)}, indent=2))
    return manifest


# ------------------------------------------------------------------ reading a backup file
def _open(source: Source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise BackupError("backup.error.missing", file=str(source)) from None
        raise BackupError("backup.error.not_a_backup", detail=str(exc)) from None


def _manifest(archive: zipfile.ZipFile) -> tuple[dict, bytes]:
    try:
        raw = archive.read(MANIFEST)
        manifest = json.loads(raw)
    except KeyError:
        raise BackupError("backup.error.not_a_backup", detail=f"no {MANIFEST}") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib_error()) as exc:
        raise BackupError("backup.error.corrupt", part=MANIFEST, detail=str(exc)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("tables"), dict):
        raise BackupError("backup.error.not_a_backup", detail=f"{MANIFEST} is not a PlantKPI manifest")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError("backup.error.newer_format", version=manifest.get("format_version"))
    return manifest, raw


def _check_signature(archive: zipfile.ZipFile, manifest_bytes: bytes, key: BackupKey | None) -> None:
    """Refuse unless manifest.json carries a valid signature under this installation's key."""
    try:
        signature = json.loads(archive.read(SIGNATURE))
    except KeyError:
        raise BackupError("backup.error.unsigned") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib_error()):
        raise BackupError("backup.error.forged") from None
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        raise BackupError("backup.error.forged")
    if key is None:
        raise BackupError("backup.error.no_key", env=KEY_ENV, path=str(key_file()))
    if signature.get("key_id") != key.key_id:
        raise BackupError("backup.error.other_key", theirs=str(signature.get("key_id")), ours=key.key_id,
                          source=key.source)
    if not hmac.compare_digest(str(signature.get("manifest_hmac", "")), key.sign(manifest_bytes)):
        raise BackupError("backup.error.forged")


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _lines(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    with archive.open(part) as member:
        yield from member


SIGNATURE_ERRORS = ("backup.error.unsigned", "backup.error.forged", "backup.error.no_key",
                    "backup.error.other_key")


def inspect_backup(source: Source, engine: Engine | None = None, *, key: BackupKey | None = None,
                   trust_unsigned: bool = False) -> dict:
    """Check a backup file completely without changing any database: manifest, signature (under
    `key`, default the installation's; skipped with trust_unsigned), schema revision known to this
    PlantKPI, every table of that revision present, every part's sha256 and row count, and an
    admin account left after restoring it over `engine`'s database. Returns the manifest, with
    "signature" set to "valid" or "not verified". Raises BackupError naming what is wrong
    (SIGNATURE_ERRORS: the ones that trust_unsigned lets pass)."""
    with _open(source) as archive:
        manifest, manifest_bytes = _manifest(archive)
        if trust_unsigned:
            manifest["signature"] = "not verified"
        else:
            _check_signature(archive, manifest_bytes, key or load_key())
            manifest["signature"] = "valid"
        _check_revision(manifest, engine)
        known = {t.name: t for t in tables()}
        for name, info in manifest["tables"].items():
            table = known.get(name)
            if table is None:
                raise BackupError("backup.error.unknown_table", table=name)
            unknown = [c for c in info.get("columns", []) if c not in table.columns]
            if unknown:
                raise BackupError("backup.error.unknown_column", table=name, column=", ".join(unknown))
            # a column the database needs a value for (no default), absent from the file
            lacking = [c.name for c in table.columns if not c.nullable and c.server_default is None
                       and c.name not in info.get("columns", [])]
            if lacking:
                raise BackupError("backup.error.missing_columns", table=name, columns=", ".join(lacking))
        missing = sorted(tables_of_revision(manifest["schema_revision"], engine) - set(manifest["tables"]))
        if missing:
            raise BackupError("backup.error.missing_tables", tables=", ".join(missing),
                              revision=manifest["schema_revision"])
        for name, info in manifest["tables"].items():
            digest, count, rows = hashlib.sha256(), 0, []
            try:
                for line in _lines(archive, info["file"]):
                    digest.update(line)
                    count += 1
                    if name == User.__tablename__:
                        rows.append(line)
            except KeyError:
                raise BackupError("backup.error.corrupt", part=info.get("file"), detail="missing") from None
            except (zipfile.BadZipFile, EOFError, OSError, zlib_error()) as exc:
                raise BackupError("backup.error.corrupt", part=info["file"], detail=str(exc)) from None
            if digest.hexdigest() != info.get("sha256") or count != info.get("rows"):
                raise BackupError("backup.error.checksum", part=info["file"], rows=count, expected=info.get("rows"))
            if name == User.__tablename__:
                _check_accounts(_accounts_in(info["columns"], rows), engine)
    return manifest


def _accounts_in(columns: list[str], lines: list[bytes]) -> tuple[int, int]:
    """(accounts, enabled admins) among the backed-up users rows."""
    role, disabled = columns.index("role"), columns.index("disabled") if "disabled" in columns else None
    admins = 0
    for number, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
            admins += row[role] == "admin" and not (disabled is not None and row[disabled])
        except (ValueError, TypeError, IndexError, KeyError):
            raise BackupError("backup.error.bad_rows", table=User.__tablename__, detail=f"line {number}") from None
    return len(lines), admins


def _check_accounts(accounts: tuple[int, int], engine_or_conn, *, current: int | None = None) -> None:
    """Refuse a restore that would leave no admin: accounts but no enabled admin among them, or no
    accounts at all over a database that has some (sign-in would switch off)."""
    users, admins = accounts
    if users and not admins:
        raise BackupError("backup.error.no_admin", accounts=users)
    if not users:
        if current is None and engine_or_conn is not None:
            with engine_or_conn.connect() as conn:
                current = _count(conn, User.__table__)
        if current:
            raise BackupError("backup.error.no_accounts", now=current)


def _count(conn: Connection, table: sa.Table, *where) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar() or 0)


@lru_cache(maxsize=8)
def _tables_at(revision: str) -> frozenset[str]:
    """The tables that the migrations up to `revision` create, found by running them on an
    in-memory SQLite database (exact for every revision, including ones written later)."""
    from alembic import command

    from data_access.migrations import alembic_config

    scratch = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    try:
        command.upgrade(alembic_config(scratch), revision)
        names = set(sa.inspect(scratch).get_table_names()) - {"alembic_version"}
    finally:
        scratch.dispose()
    return frozenset(names)


def tables_of_revision(revision: str, engine: Engine | None = None) -> set[str]:
    """Every table a database at schema `revision` has (head: the models' tables)."""
    _, head = _known_revisions(engine or _default_engine())
    if revision == head:
        return {t.name for t in tables()}
    return set(_tables_at(revision))


def _default_engine() -> Engine:
    from data_access.db import get_engine

    return get_engine()


def _check_revision(manifest: dict, engine: Engine | None) -> None:
    revision = manifest.get("schema_revision")
    known, head = _known_revisions(engine or _default_engine())
    if revision is None:
        raise BackupError("backup.error.no_revision")
    if revision not in known:
        raise BackupError("backup.error.newer_schema", revision=revision, head=head)


# ------------------------------------------------------------------ restore
def restore(engine: Engine, path: Source, *, user: str, key: BackupKey | None = None,
            trust_unsigned: bool = False) -> dict:
    """Replace the whole database with the backup at `path` as `user` (an admin, or the database
    owner); returns the backup's manifest.

    Nothing is written unless the whole file checks out (inspect_backup) and `user` may restore;
    the data is replaced in one transaction, so other sessions see either the old database or
    the restored one, and a restored database without an admin is rolled back."""
    manifest = inspect_backup(path, engine, key=key, trust_unsigned=trust_unsigned)
    with engine.connect() as conn:  # refuse before migrating anything
        ensure_admin(conn, user, "restore")
    init_db(engine)
    if hasattr(path, "seek"):
        path.seek(0)
    users = User.__table__
    with _open(path) as archive, engine.begin() as conn:
        _lock_all(conn)
        ensure_admin(conn, user, "restore")
        accounts_before = _count(conn, users)
        old_version = _current_version(conn)
        with audit_guard_suspended(conn):
            for table in reversed(tables()):
                conn.execute(table.delete())
            for table in tables():
                info = manifest["tables"].get(table.name)
                if info and info["rows"]:
                    try:
                        _insert_part(conn, archive, table, info)
                    except (ValueError, TypeError, IndexError, sa.exc.SQLAlchemyError, conn.dialect.loaded_dbapi.Error) as exc:
                        # rows the database refuses (only an unsigned or hand-made file has them):
                        # leaving the `with` rolls the whole restore back
                        raise BackupError("backup.error.bad_rows", table=table.name,
                                          detail=str(exc).splitlines()[0][:300]) from None
        # The rule again on what is now in the table: raising here rolls the whole restore back.
        _check_accounts((_count(conn, users), _count(conn, users, users.c.role == "admin",
                                                     sa.not_(users.c.disabled))),
                        None, current=accounts_before)
        _reset_sequences(conn)
        restored_version = _current_version(conn)
        _set_version(conn, max(old_version, restored_version) + 1)
        counts = {name: info["rows"] for name, info in manifest["tables"].items()}
        audit(conn, user, "restore", detail={
            "file": Path(str(getattr(path, "name", path))).name, "created_at": manifest.get("created_at"),
            "source_database": manifest.get("source_database"), "schema_revision": manifest.get("schema_revision"),
            "signature": manifest["signature"], "rows": sum(counts.values()), "tables": counts})
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
        # str(): SQLAlchemy's quoted_name sends polars into endless recursion when put in a frame
        return {str(t.name): _count(conn, t) for t in tables()}
