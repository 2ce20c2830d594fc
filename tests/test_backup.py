"""Whole-database backup and restore (issue 8, README "Command line"): every table, ids, batches and the audit
trail move between SQLite and PostgreSQL in either direction; a damaged file changes nothing.

`fill_database` and `dump` are shared with tests/test_migrations.py.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.i18n import t
from data_access.backup import (KEY_ENV, KEY_FILE_ENV, BackupError, BackupKey, backup, backup_bytes, inspect_backup,
                                 restore, tables)
from data_access.permissions import database_owner
from data_access.db import data_version, write_transaction
from data_access.kinds import KINDS
from data_access.models import (AuditEntry, Batch, Commentary, Delivery, ExceptionAck, MappingPreset, ReplacedRow,
                                Subscription, User, UserSession, kind_table)
from data_access.store import audit, finish_batch, insert_rows, new_batch
from tests.conftest import make_database
from tests.support.examples import example_row, example_rows

T0 = datetime(2026, 3, 2, 6, 30, tzinfo=timezone.utc)
PLANT_KEY = "the plant's backup key, 2026"
OWNER = database_owner()  # what `plantkpi restore` runs as


@pytest.fixture(autouse=True)
def backup_key(monkeypatch, tmp_path):
    """Every test here signs and checks with this key (and never writes a key file into ./data)."""
    monkeypatch.setenv(KEY_ENV, PLANT_KEY)
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "no-key-file-here"))
    return BackupKey(PLANT_KEY.encode(), KEY_ENV)


def fill_database(engine: Engine, demo: bool = False) -> None:
    """A bit of everything: every kind (the example rows, or the small demo plant), several
    batches (one undone, one replace with the row it overwrote), audit entries, users, a mapping
    preset and a commentary, Chinese text included."""
    if demo:
        from seed.demo import load_demo

        load_demo(engine, "small")
    rows = example_rows()
    masters = [n for n in rows if KINDS[n].master]
    with write_transaction(engine) as conn:
        master_batch = new_batch(conn, "lines", "admin", "cli", file_name="主数据.xlsx", sha256="a" * 64)
        data_batch = new_batch(conn, "production", "clerk1", "upload", file_name="生产日报.csv", sha256="b" * 64)
        if not demo:
            for name in masters:
                insert_rows(conn, name, rows[name], master_batch)
            finish_batch(conn, master_batch, sum(len(rows[n]) for n in masters))
            for name in rows:
                if name not in masters:
                    insert_rows(conn, name, rows[name], data_batch)
            base = example_row("production")
            extra = [{**base, "date": base["date"] + timedelta(days=d), "shift": s} for d in range(1, 4) for s in "AB"]
            insert_rows(conn, "production", extra, data_batch)
            finish_batch(conn, data_batch, len(rows) - len(masters) + len(extra))
        replace_batch = new_batch(conn, "production", "clerk1", "upload", file_name="fix.csv", sha256="c" * 64,
                                  mode="replace")
        conn.execute(sa.insert(ReplacedRow.__table__).values(
            batch_id=replace_batch, kind="production", row_json=json.dumps({"good_qty": 1, "note": "=SUM(A1)"})))
        undone = new_batch(conn, "scrap", "clerk2", "form")
        conn.execute(sa.update(Batch.__table__).where(Batch.__table__.c.id == undone)
                     .values(undone_at=T0, undone_by="admin"))
        # Through tables cut to the columns the database has: the migration test fills a database
        # at the first schema revision with this function.
        conn.execute(sa.insert(as_in_database(conn, AuditEntry.__table__)), [
            dict(at=T0 + timedelta(minutes=i), user=f"user{i}", action=action, kind="production", batch_id=data_batch,
                 detail=json.dumps({"说明": "导入", "at": (T0 + timedelta(minutes=i)).isoformat()}, ensure_ascii=False))
            for i, action in enumerate(("import", "undo", "user"))])
        conn.execute(sa.insert(as_in_database(conn, User.__table__)), [
            dict(name="admin", password_hash="$argon2id$x", role="admin", lang="zh", failed_logins=0, demo=False,
                 created_at=T0),
            dict(name="李文员", password_hash="$argon2id$y", role="clerk", department="production", lang="zh",
                 failed_logins=3, locked_until=T0 + timedelta(minutes=15), demo=True, created_at=T0),
        ])
        conn.execute(sa.insert(MappingPreset.__table__).values(
            department="production", kind="production", mapping_json='{"日期": "date"}', updated_at=T0))
        conn.execute(sa.insert(Commentary.__table__).values(
            month="2026-02", text="二月产量下降：模具更换。\n+3% scrap", updated_by="admin", updated_at=T0))
        conn.execute(sa.insert(Subscription.__table__).values(
            id=1, user_name="admin", what="summary", kpi="", email="gm@plant.example", created_by="admin",
            created_at=T0))
        conn.execute(sa.insert(Delivery.__table__).values(
            subscription_id=1, period="2026-02", status="failed", attempts=2, last_error="连接被拒绝", updated_at=T0))
        conn.execute(sa.insert(ExceptionAck.__table__).values(
            key="kpi_off_target:scrap_ratio", measure=0.2, comment="模具已换,观察一周", acknowledged_by="admin",
            acknowledged_at=T0))
        conn.execute(sa.insert(UserSession.__table__).values(
            token_hash="d" * 64, username="李文员", credential_fingerprint="e" * 64, created_at=T0,
            expires_at=T0 + timedelta(hours=12), revoked_at=T0 + timedelta(hours=1)))


def as_in_database(conn, table: sa.Table) -> sa.Table:
    """The model's table with only the columns the database has (an older schema revision lacks
    the newer ones); typed like the model, and without the newer columns' defaults."""
    present = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    return sa.Table(table.name, sa.MetaData(), *[c._copy() for c in table.columns if c.name in present])


class Dump(dict):
    """{table: rows}; `columns` names each table's columns."""

    columns: dict[str, list[str]]


def dump(engine: Engine, like: Dump | None = None) -> Dump:
    """Every row of every table, every column the database has, ordered by primary key (with
    `like`, an earlier dump: only the columns that one had, to compare across an upgrade)."""
    out = Dump()
    out.columns = {}
    with engine.connect() as conn:
        for table in tables():
            names = like.columns[table.name] if like else [c.name for c in as_in_database(conn, table).columns]
            query = sa.select(*[table.c[n] for n in names]).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(query)]
            out.columns[table.name] = names
    return out


def without_restore_audit(snapshot: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The dump minus what a restore adds by design: its own audit entry and the data version."""
    audit_action = snapshot.columns["audit_log"].index("action")
    return {name: ([r for r in rows if r[audit_action] != "restore"] if name == "audit_log" else rows)
            for name, rows in snapshot.items() if name != "data_version"}


def restore_entries(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            sa.select(AuditEntry.__table__).where(AuditEntry.__table__.c.action == "restore"))]


@pytest.fixture
def other_backend(request, tmp_path):
    """Databases made on demand within a test: other_backend('postgres') -> engine."""
    drops = []

    def make(backend: str) -> Engine:
        eng, drop = make_database(backend, tmp_path)
        drops.append(drop)
        return eng

    yield make
    for drop in drops:
        drop()


# ------------------------------------------------------------------ round trips
def round_trip_sqlite_postgres_sqlite(make, tmp_path, demo: bool) -> None:
    """backup SQLite -> restore into PostgreSQL -> backup -> restore into a new SQLite, comparing
    every table (all columns, ids, batches, audit) at each step."""
    first = make("sqlite")
    fill_database(first, demo=demo)
    original = dump(first)
    assert all(original[t.name] for t in tables())  # no table left empty: each one is really tested

    manifest = backup(first, tmp_path / "a.zip")
    assert manifest["schema_revision"] is not None
    assert {n: i["rows"] for n, i in manifest["tables"].items()} == {n: len(r) for n, r in original.items()}

    pg = make("postgres")
    restore(pg, tmp_path / "a.zip", user="admin")
    in_pg = dump(pg)
    assert without_restore_audit(in_pg) == without_restore_audit(original)
    [entry] = restore_entries(pg)
    assert entry["user"] == "admin"
    assert json.loads(entry["detail"])["rows"] == sum(len(r) for r in original.values())

    backup(pg, tmp_path / "b.zip")
    last = make("sqlite")
    restore(last, tmp_path / "b.zip", user=OWNER)
    in_last = dump(last)
    # the PostgreSQL restore's audit entry travelled with the data; the new restore added one more
    assert without_restore_audit(in_last) == without_restore_audit(original)
    assert len(restore_entries(last)) == 2
    assert in_last["audit_log"][:-1] == in_pg["audit_log"]


@pytest.mark.postgres
def test_sqlite_to_postgres_to_sqlite_keeps_every_row(other_backend, tmp_path):
    round_trip_sqlite_postgres_sqlite(other_backend, tmp_path, demo=False)


@pytest.mark.postgres
@pytest.mark.slow
def test_demo_plant_survives_sqlite_to_postgres_to_sqlite(other_backend, tmp_path):
    round_trip_sqlite_postgres_sqlite(other_backend, tmp_path, demo=True)  # ~160k rows


def test_round_trip_on_the_same_backend_replaces_newer_data(engine, tmp_path):
    fill_database(engine)
    before = dump(engine)
    backup(engine, tmp_path / "plant.zip")
    # work done after the backup: a new batch of rows and a new user; restore must drop them
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "production", "late", "form")
        insert_rows(conn, "production", [{**example_row("production"), "shift": "N"}], batch)
        conn.execute(sa.insert(User.__table__).values(name="late", password_hash="x", role="manager", lang="en",
                                                      failed_logins=0, demo=False, created_at=T0))
    restore(engine, tmp_path / "plant.zip", user=OWNER)
    assert without_restore_audit(dump(engine)) == without_restore_audit(before)


def test_restore_moves_id_sequences_past_the_restored_rows(engine, tmp_path, other_backend):
    fill_database(engine)
    backup(engine, tmp_path / "plant.zip")
    target = other_backend("sqlite" if engine.dialect.name == "postgresql" else "postgres")
    for eng in (engine, target):
        restore(eng, tmp_path / "plant.zip", user=OWNER)
        with eng.connect() as conn:
            top_batch = conn.execute(sa.select(sa.func.max(Batch.__table__.c.id))).scalar()
            top_row = conn.execute(sa.select(sa.func.max(kind_table("production").c.id))).scalar()
            top_audit = conn.execute(sa.select(sa.func.max(AuditEntry.__table__.c.id))).scalar()
        with write_transaction(eng) as conn:
            batch = new_batch(conn, "production", "after", "form")
            insert_rows(conn, "production", [{**example_row("production"), "shift": "Z"}], batch)
            audit(conn, "after", "form", batch_id=batch)
        with eng.connect() as conn:
            new_row = conn.execute(sa.select(kind_table("production").c.id).where(
                kind_table("production").c.shift == "Z")).scalar()
            new_audit = conn.execute(sa.select(sa.func.max(AuditEntry.__table__.c.id))).scalar()
        assert (batch, new_row, new_audit) == (top_batch + 1, top_row + 1, top_audit + 1)


def test_restore_bumps_the_data_version_above_old_and_restored(engine, tmp_path):
    fill_database(engine)
    backup(engine, tmp_path / "plant.zip")
    for _ in range(5):  # the live database moves on
        with write_transaction(engine):
            pass
    live = data_version(engine)
    restore(engine, tmp_path / "plant.zip", user=OWNER)
    # a cached frame of any app instance was read at version <= live: it must not match any more
    assert data_version(engine) == live + 1


def test_audit_log_stays_append_only_after_restore(engine, tmp_path):
    fill_database(engine)
    backup(engine, tmp_path / "plant.zip")
    restore(engine, tmp_path / "plant.zip", user=OWNER)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.delete(AuditEntry.__table__))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.update(AuditEntry.__table__).values(user="mallory"))


def test_backup_of_an_empty_database_restores_over_a_database_without_accounts(engine, tmp_path):
    """A single-user install (no accounts) stays one: the empty backup empties every table."""
    data = backup_bytes(engine)
    manifest = inspect_backup(io.BytesIO(data), engine)
    assert manifest["tables"]["production"]["rows"] == 0
    fill_database(engine)
    with engine.begin() as conn:
        conn.execute(sa.delete(User.__table__))
    restore(engine, io.BytesIO(data), user=OWNER)
    snapshot = without_restore_audit(dump(engine))
    assert all(rows == [] for rows in snapshot.values())


# ------------------------------------------------------------------ damaged or foreign files
def _rewrite(source: Path, target: Path, change, *, sign_with: BackupKey | None = None) -> None:
    """Copy a backup zip, letting change(name, data) -> data (or None: leave the member out)
    alter a member. With `sign_with`, the manifest as changed is signed again with that key (the
    holder of a key at work); without, the old signature.json is copied (someone without it)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if sign_with is not None and info.filename == "signature.json":
                continue
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info.filename, data)
            if sign_with is not None and info.filename == "manifest.json":
                dst.writestr("signature.json", json.dumps({"algorithm": "HMAC-SHA256", "key_id": sign_with.key_id,
                                                           "manifest_hmac": sign_with.sign(data)}))


def _newer_schema(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["schema_revision"] = "9999_from_the_future"
    return json.dumps(manifest).encode()


def _edited_row(name: str, data: bytes) -> bytes:
    return data.replace(b'"admin"', b'"mallory"') if name == "tables/users.jsonl" else data


def _dropped_row(name: str, data: bytes) -> bytes:
    return b"".join(data.splitlines(keepends=True)[1:]) if name == "tables/production.jsonl" else data


@pytest.mark.parametrize("damage, message", [
    ("truncated", "damaged or incomplete|not a PlantKPI backup"),
    ("not_a_zip", "not a PlantKPI backup"),
    ("foreign_zip", "not a PlantKPI backup"),
    ("edited_row", "damaged: part tables/users.jsonl"),
    ("dropped_row", "damaged: part tables/production.jsonl holds 6 rows .* \\(expected 7 rows\\)"),
    ("newer_schema", "newer database schema \\(9999_from_the_future\\)"),
])
def test_a_damaged_file_is_refused_and_the_database_is_untouched(engine, tmp_path, damage, message, backup_key):
    fill_database(engine)
    good = tmp_path / "good.zip"
    backup(engine, good)
    bad = tmp_path / "bad.zip"
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    elif damage == "not_a_zip":
        bad.write_text("date,shift,machine_code\n2026-01-05,A,INJ-01\n", encoding="utf-8")
    elif damage == "foreign_zip":
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("report.xlsx", b"PK...")
    else:  # signed again with the plant's key: the checks behind the signature refuse it
        _rewrite(good, bad, {"edited_row": _edited_row, "dropped_row": _dropped_row,
                             "newer_schema": _newer_schema}[damage], sign_with=backup_key)
    # the live database has moved on since the good backup: that state must survive
    with write_transaction(engine) as conn:
        insert_rows(conn, "production", [{**example_row("production"), "shift": "LIVE"}],
                    new_batch(conn, "production", "live", "form"))
    before, version = dump(engine), data_version(engine)
    with pytest.raises(BackupError) as refused:
        restore(engine, bad, user=OWNER)
    assert re.search(message, said(refused.value, "en")), said(refused.value, "en")
    assert dump(engine) == before and data_version(engine) == version
    assert said(refused.value, "zh") != said(refused.value, "en")  # says it in Chinese too


# ------------------------------------------------------------------ signed backups, what restore refuses (issue 14)
def _manifest_edit(edit, drop_parts: tuple[str, ...] = ()):
    """A _rewrite change: edit(manifest) in place; the parts of `drop_parts` tables left out."""
    def change(name: str, data: bytes) -> bytes | None:
        if name in {f"tables/{t}.jsonl" for t in drop_parts}:
            return None
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return change


def _clerk_made_admin():
    """A _rewrite change: the clerk 李文员 becomes an admin, and the manifest gets the users part's
    new sha256, so every checksum is consistent again (what a forger without the key can do)."""
    columns = list(User.__table__.c.keys())  # the order write_backup writes them in
    new_sha = {}

    def change(name: str, data: bytes) -> bytes:
        if name == "tables/users.jsonl":
            rows = [json.loads(line) for line in data.splitlines()]
            for row in rows:
                if row[columns.index("name")] == "李文员":
                    row[columns.index("role")], row[columns.index("department")] = "admin", None
            data = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)
            new_sha["users"] = hashlib.sha256(data).hexdigest()
        elif name == "manifest.json":
            manifest = json.loads(data)
            manifest["tables"]["users"]["sha256"] = new_sha["users"]
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        return data
    return change


def _without_signature(name: str, data: bytes) -> bytes | None:
    return None if name == "signature.json" else data


def said(problem: BackupError, lang: str) -> str:
    """What the user reads: data_access gives key and parameters, the caller translates."""
    return t(problem.key, lang, **problem.params)


def refused(engine: Engine, path, message: str, **options) -> BackupError:
    """Restore must raise BackupError matching `message`, in either language, and change nothing."""
    before, version = dump(engine), data_version(engine)
    with pytest.raises(BackupError) as refusal:
        restore(engine, path, user=OWNER, **options)
    assert re.search(message, said(refusal.value, "en")), said(refusal.value, "en")
    assert dump(engine) == before and data_version(engine) == version
    assert said(refusal.value, "zh") != said(refusal.value, "en")
    return refusal.value


def roles(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(User.__table__.c.name, User.__table__.c.role)).all())


@pytest.fixture
def good_backup(engine, tmp_path) -> Path:
    fill_database(engine)
    path = tmp_path / "good.zip"
    backup(engine, path)
    return path


def test_a_backup_holding_no_tables_is_refused_and_the_accounts_survive(engine, tmp_path, good_backup, backup_key):
    """The probe: a well-formed, even correctly signed, backup without any table used to empty
    every table, users included. The refusal names every table of the schema revision."""
    empty = tmp_path / "empty.zip"
    _rewrite(good_backup, empty, _manifest_edit(lambda m: m["tables"].clear(), drop_parts=tuple(t.name for t in tables())),
             sign_with=backup_key)
    problem = refused(engine, empty, "lacks tables that its schema revision")
    assert problem.params["tables"] == ", ".join(sorted(t.name for t in tables()))
    assert roles(engine) == {"admin": "admin", "李文员": "clerk"}


def test_a_backup_of_empty_tables_over_a_database_with_accounts_is_refused(engine, tmp_path):
    """Every table present but empty: restoring it would switch sign-in off (no accounts) and let
    every visitor in as the single-user admin."""
    empty = tmp_path / "empty-tables.zip"
    backup(engine, empty)
    fill_database(engine)
    refused(engine, empty, "holds no accounts while this database has 2")
    assert roles(engine) == {"admin": "admin", "李文员": "clerk"}


def test_a_manifest_without_production_is_refused(engine, tmp_path, good_backup, backup_key):
    partial = tmp_path / "no-production.zip"
    _rewrite(good_backup, partial, _manifest_edit(lambda m: m["tables"].pop("production"), drop_parts=("production",)),
             sign_with=backup_key)
    refused(engine, partial, r"lacks tables that its schema revision \S+ has: production\. ")


def _from_revision_0002():
    """A _rewrite change: the backup as PlantKPI at schema revision 0002 wrote it (users without
    the `disabled` column of 0003), checksums consistent."""
    columns = list(User.__table__.c.keys())
    gone = columns.index("disabled")
    new_sha = {}

    def change(name: str, data: bytes) -> bytes:
        if name == "tables/users.jsonl":
            rows = [json.loads(line) for line in data.splitlines()]
            data = b"".join(json.dumps(r[:gone] + r[gone + 1:], ensure_ascii=False).encode() + b"\n" for r in rows)
            new_sha["users"] = hashlib.sha256(data).hexdigest()
        elif name == "manifest.json":
            manifest = json.loads(data)
            manifest["schema_revision"] = "0002"
            manifest["tables"]["users"].update(sha256=new_sha["users"], columns=columns[:gone] + columns[gone + 1:])
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        return data
    return change


def test_a_backup_of_an_older_schema_revision_is_judged_by_that_revisions_tables(engine, tmp_path, good_backup,
                                                                                   backup_key):
    """Revision 0002 had every table of today (0003 only added columns): complete, it restores and
    its accounts come back enabled; without `production` it is refused, naming revision 0002."""
    older = tmp_path / "older.zip"
    _rewrite(good_backup, older, _from_revision_0002(), sign_with=backup_key)
    partial = tmp_path / "older-partial.zip"
    _rewrite(older, partial, _manifest_edit(lambda m: m["tables"].pop("production"), drop_parts=("production",)),
             sign_with=backup_key)
    refused(engine, partial, r"schema revision 0002 has: production\.")
    with write_transaction(engine) as conn:
        conn.execute(sa.update(User.__table__).values(disabled=True).where(User.__table__.c.name == "李文员"))
    restore(engine, older, user=OWNER)
    with engine.connect() as conn:
        assert dict(conn.execute(sa.select(User.__table__.c.name, User.__table__.c.disabled)).all()) == \
            {"admin": False, "李文员": False}


def test_a_backup_without_an_enabled_admin_is_refused(engine, tmp_path):
    fill_database(engine)
    users = User.__table__
    for change, name in ((dict(role="manager"), "no-admin.zip"), (dict(disabled=True), "admin-disabled.zip")):
        with engine.begin() as conn:
            conn.execute(sa.update(users).where(users.c.name == "admin").values(**change))
        backup(engine, tmp_path / name)
        with engine.begin() as conn:
            conn.execute(sa.update(users).where(users.c.name == "admin").values(role="admin", disabled=False))
        refused(engine, tmp_path / name, "holds 2 accounts but no enabled admin")


def test_a_clerk_made_admin_with_recomputed_checksums_is_refused(engine, tmp_path, good_backup):
    forged = tmp_path / "forged.zip"
    _rewrite(good_backup, forged, _clerk_made_admin())
    refused(engine, forged, "altered after it was signed")
    unsigned = tmp_path / "forged-unsigned.zip"
    _rewrite(forged, unsigned, _without_signature)
    refused(engine, unsigned, "is not signed")
    assert roles(engine)["李文员"] == "clerk"


def test_trust_unsigned_restores_what_the_signature_check_refuses(engine, tmp_path, good_backup):
    forged = tmp_path / "forged.zip"
    _rewrite(good_backup, forged, _clerk_made_admin())
    manifest = restore(engine, forged, user=OWNER, trust_unsigned=True)
    assert manifest["signature"] == "not verified"
    assert roles(engine) == {"admin": "admin", "李文员": "admin"}
    [entry] = restore_entries(engine)
    assert json.loads(entry["detail"])["signature"] == "not verified"  # the audit says it was not checked


def test_a_backup_signed_with_another_key_is_refused(engine, tmp_path, backup_key):
    fill_database(engine)
    elsewhere = BackupKey(b"the other plant's backup key", "elsewhere")
    backup(engine, tmp_path / "other.zip", key=elsewhere)
    problem = refused(engine, tmp_path / "other.zip", "signed with another key")
    assert (problem.params["theirs"], problem.params["ours"]) == (elsewhere.key_id, backup_key.key_id)
    assert restore(engine, tmp_path / "other.zip", user=OWNER, key=elsewhere)["signature"] == "valid"


def test_without_a_key_here_a_signed_backup_cannot_be_checked(engine, good_backup, monkeypatch):
    monkeypatch.delenv(KEY_ENV)
    refused(engine, good_backup, "No backup key is set up here")


def test_a_good_signed_backup_round_trips(engine, tmp_path, good_backup):
    before = dump(engine)
    with write_transaction(engine) as conn:  # work after the backup, which restore must drop
        conn.execute(sa.delete(kind_table("production")))
    manifest = restore(engine, good_backup, user="admin")  # an admin of the live database
    assert manifest["signature"] == "valid"
    assert without_restore_audit(dump(engine)) == without_restore_audit(before)
    [entry] = restore_entries(engine)
    assert (entry["user"], json.loads(entry["detail"])["signature"]) == ("admin", "valid")


def test_only_an_admin_restores(engine, good_backup):
    from data_access.permissions import PermissionDenied

    before = dump(engine)
    for caller in ("李文员", "nobody"):
        with pytest.raises(PermissionDenied):
            restore(engine, good_backup, user=caller)
    assert dump(engine) == before


def test_cli_refuses_a_forgery_with_exit_2_unless_trusted(sqlite_engine, tmp_path, monkeypatch, capsys):
    from dashboard.cli import main

    fill_database(sqlite_engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    assert main(["backup", str(tmp_path / "good.zip")]) == 0
    _rewrite(tmp_path / "good.zip", tmp_path / "forged.zip", _clerk_made_admin())
    before = dump(sqlite_engine)
    assert main(["restore", str(tmp_path / "forged.zip"), "--lang", "zh"]) == 2
    assert "签名后被改动过" in capsys.readouterr().err
    assert dump(sqlite_engine) == before
    assert main(["restore", str(tmp_path / "forged.zip"), "--trust-unsigned"]) == 0
    out = capsys.readouterr()
    assert "--trust-unsigned" in out.err and "signature: not verified" in out.out
    assert roles(sqlite_engine)["李文员"] == "admin"


def test_cli_backup_creates_a_private_key_file_once(sqlite_engine, tmp_path, monkeypatch, capsys):
    from dashboard.cli import main

    fill_database(sqlite_engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv(KEY_ENV)
    key_path = tmp_path / "keys" / "backup.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(key_path))
    assert main(["backup", str(tmp_path / "one.zip")]) == 0
    assert f"A new backup key was created in {key_path}" in capsys.readouterr().err
    assert key_path.stat().st_mode & 0o777 == 0o600
    first_key = key_path.read_text()
    assert main(["backup", str(tmp_path / "two.zip")]) == 0
    assert "new backup key" not in capsys.readouterr().err and key_path.read_text() == first_key
    signatures = [json.loads(zipfile.ZipFile(tmp_path / f).read("signature.json")) for f in ("one.zip", "two.zip")]
    assert signatures[0]["key_id"] == signatures[1]["key_id"]
    assert main(["restore", str(tmp_path / "two.zip")]) == 0  # the same key checks it


def _replace_part(table: str, data: bytes, edit_columns=None):
    """A _rewrite change: the part of `table` replaced by `data`, the manifest's checksum and row
    count to match (edit_columns(columns) may change its column list)."""
    def change(name: str, old: bytes) -> bytes:
        if name == f"tables/{table}.jsonl":
            return data
        if name == "manifest.json":
            manifest = json.loads(old)
            info = manifest["tables"][table]
            info.update(sha256=hashlib.sha256(data).hexdigest(), rows=len(data.splitlines()))
            if edit_columns:
                info["columns"] = edit_columns(info["columns"])
            return json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        return old
    return change


@pytest.mark.parametrize("part, columns, message", [
    (b'[1, "not", "a", "production", "row"]\n', None, "table 'production' holds rows the database refuses"),
    (b"{not json\n", None, "table 'production' holds rows the database refuses"),
    (b"", lambda cols: [c for c in cols if c != "good_qty"], "table 'production' lacks columns .*: good_qty"),
])
def test_rows_the_database_refuses_roll_the_trusted_restore_back(engine, tmp_path, good_backup, part, columns,
                                                                   message):
    """Even with --trust-unsigned a hand-made file changes nothing when its rows do not fit."""
    bad = tmp_path / "bad-rows.zip"
    _rewrite(good_backup, bad, _replace_part("production", part, columns))
    refused(engine, bad, message, trust_unsigned=True)


def test_missing_file_is_named(engine, tmp_path):
    with pytest.raises(BackupError) as refusal:
        restore(engine, tmp_path / "nope.zip", user=OWNER)
    assert "does not exist" in said(refusal.value, "en")


def test_the_manifest_counts_and_hashes_every_part(sqlite_engine, tmp_path):
    fill_database(sqlite_engine)
    manifest = backup(sqlite_engine, tmp_path / "plant.zip")
    with zipfile.ZipFile(tmp_path / "plant.zip") as z:
        for name, info in manifest["tables"].items():
            data = z.read(info["file"])
            assert hashlib.sha256(data).hexdigest() == info["sha256"]
            assert len(data.splitlines()) == info["rows"]
    assert manifest["tables"]["users"]["rows"] == 2
    assert manifest["tables"]["audit_log"]["rows"] == 3
    assert manifest["tables"]["production"]["rows"] == 7
    assert set(manifest["tables"]) == {t.name for t in tables()}
    with zipfile.ZipFile(tmp_path / "plant.zip") as z:  # HMAC-SHA256 of the manifest's bytes, by hand
        signature = json.loads(z.read("signature.json"))
        expected = hmac.new(PLANT_KEY.encode(), z.read("manifest.json"), hashlib.sha256).hexdigest()
    assert signature["manifest_hmac"] == expected
    assert not list(tmp_path.glob("*.part"))  # no temporary file left behind


def test_cli_backup_and_restore(sqlite_engine, tmp_path, monkeypatch, capsys):
    from dashboard.cli import main

    fill_database(sqlite_engine)
    before = dump(sqlite_engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    assert main(["backup", str(tmp_path / "cli.zip")]) == 0
    with write_transaction(sqlite_engine) as conn:
        conn.execute(sa.delete(kind_table("production")))
    assert main(["restore", str(tmp_path / "cli.zip")]) == 0
    assert without_restore_audit(dump(sqlite_engine)) == without_restore_audit(before)
    (tmp_path / "junk.zip").write_bytes(b"junk")
    assert main(["restore", str(tmp_path / "junk.zip")]) == 2
    assert "not a PlantKPI backup" in capsys.readouterr().err


# ------------------------------------------------------------------ admin page
def _backup_page(engine: Engine, monkeypatch, role: str):
    from streamlit.testing.v1 import AppTest

    from dashboard.auth import CurrentUser

    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    page = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "pages" / "admin_backup.py"),
                             default_timeout=30)
    page.session_state["_plantkpi_user"] = CurrentUser("admin" if role == "admin" else "李文员", role,
                                                       None if role == "admin" else "production", "en")
    return page.run()


def test_admin_page_offers_the_backup_for_download(sqlite_engine, monkeypatch):
    fill_database(sqlite_engine)
    page = _backup_page(sqlite_engine, monkeypatch, "admin")
    assert not page.exception
    assert page.title[0].value == "Backup & restore"
    page.button(key="backup_prepare").click().run()
    [download] = page.get("download_button")
    assert download.label.startswith("Download plantkpi-backup-") and download.label.endswith(".zip")


def test_backup_page_is_for_admins_only(sqlite_engine, monkeypatch):
    fill_database(sqlite_engine)
    page = _backup_page(sqlite_engine, monkeypatch, "clerk")
    assert not page.get("button") or all(b.key != "backup_prepare" for b in page.button)
    assert any("admin" in e.value.lower() for e in page.error)


def test_admin_page_refuses_a_forgery_until_the_admin_trusts_it_explicitly(sqlite_engine, monkeypatch, tmp_path):
    fill_database(sqlite_engine)
    backup(sqlite_engine, tmp_path / "good.zip")
    _rewrite(tmp_path / "good.zip", tmp_path / "forged.zip", _clerk_made_admin())
    page = _backup_page(sqlite_engine, monkeypatch, "admin")
    page.file_uploader(key="backup_upload").set_value(
        ("forged.zip", (tmp_path / "forged.zip").read_bytes(), "application/zip")).run()
    assert not page.exception
    assert any("altered after it was signed" in e.value for e in page.error)
    assert all(b.key != "backup_restore" for b in page.button)  # nothing to press yet
    assert any("nothing proves the file was not altered" in w.value for w in page.warning)
    page.checkbox(key="backup_trust").check().run()
    assert any("NOT verified" in e.value for e in page.error)
    assert page.button(key="backup_restore").disabled  # still the usual confirmation
    page.checkbox(key="backup_confirm").check().run()
    page.button(key="backup_restore").click().run()
    assert not page.exception
    assert roles(sqlite_engine)["李文员"] == "admin"
    assert any("Database restored from forged.zip" in s.value for s in page.success)


def test_admin_page_shows_a_valid_signature_and_refuses_an_empty_backup(sqlite_engine, monkeypatch, tmp_path,
                                                                        backup_key):
    fill_database(sqlite_engine)
    backup(sqlite_engine, tmp_path / "good.zip")
    _rewrite(tmp_path / "good.zip", tmp_path / "empty.zip",
             _manifest_edit(lambda m: m["tables"].clear(), drop_parts=tuple(t.name for t in tables())),
             sign_with=backup_key)
    page = _backup_page(sqlite_engine, monkeypatch, "admin")
    page.file_uploader(key="backup_upload").set_value(
        ("good.zip", (tmp_path / "good.zip").read_bytes(), "application/zip")).run()
    assert any("Signature valid" in s.value for s in page.success)
    page.file_uploader(key="backup_upload").set_value(
        ("empty.zip", (tmp_path / "empty.zip").read_bytes(), "application/zip")).run()
    assert any("lacks tables" in e.value and "users" in e.value for e in page.error)
    assert all(b.key != "backup_restore" for b in page.button)
    assert not page.get("checkbox") or all(c.key != "backup_trust" for c in page.checkbox)  # not overridable
