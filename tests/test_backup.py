"""Whole-database backup and restore (issue 8, README "Command line"): every table, ids, batches and the audit
trail move between SQLite and PostgreSQL in either direction; a damaged file changes nothing.

`fill_database` and `dump` are shared with tests/test_migrations.py.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.backup import BackupError, backup, backup_bytes, inspect_backup, restore, tables
from data_access.db import data_version, write_transaction
from data_access.kinds import KINDS
from data_access.models import (AuditEntry, Batch, Commentary, Delivery, MappingPreset, ReplacedRow, Subscription,
                                User, UserSession, kind_table)
from data_access.store import audit, finish_batch, insert_rows, new_batch
from tests.conftest import make_database
from tests.support.examples import example_row, example_rows

T0 = datetime(2026, 3, 2, 6, 30, tzinfo=timezone.utc)


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
        for i, action in enumerate(("import", "undo", "user")):
            audit(conn, f"user{i}", action, kind="production", batch_id=data_batch,
                  detail={"说明": "导入", "at": T0 + timedelta(minutes=i)})
        conn.execute(sa.insert(User.__table__), [
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
        conn.execute(sa.insert(UserSession.__table__).values(
            token_hash="d" * 64, username="李文员", credential_fingerprint="e" * 64, created_at=T0,
            expires_at=T0 + timedelta(hours=12), revoked_at=T0 + timedelta(hours=1)))


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, every column, ordered by primary key."""
    out = {}
    with engine.connect() as conn:
        for table in tables():
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))]
    return out


def without_restore_audit(snapshot: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The dump minus what a restore adds by design: its own audit entry and the data version."""
    audit_action = list(AuditEntry.__table__.c.keys()).index("action")
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
    restore(last, tmp_path / "b.zip")
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
    restore(engine, tmp_path / "plant.zip")
    assert without_restore_audit(dump(engine)) == without_restore_audit(before)


def test_restore_moves_id_sequences_past_the_restored_rows(engine, tmp_path, other_backend):
    fill_database(engine)
    backup(engine, tmp_path / "plant.zip")
    target = other_backend("sqlite" if engine.dialect.name == "postgresql" else "postgres")
    for eng in (engine, target):
        restore(eng, tmp_path / "plant.zip")
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
    restore(engine, tmp_path / "plant.zip")
    # a cached frame of any app instance was read at version <= live: it must not match any more
    assert data_version(engine) == live + 1


def test_audit_log_stays_append_only_after_restore(engine, tmp_path):
    fill_database(engine)
    backup(engine, tmp_path / "plant.zip")
    restore(engine, tmp_path / "plant.zip")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.delete(AuditEntry.__table__))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.update(AuditEntry.__table__).values(user="mallory"))


def test_backup_of_an_empty_database_restores_to_an_empty_database(engine, tmp_path):
    data = backup_bytes(engine)
    manifest = inspect_backup(io.BytesIO(data), engine)
    assert manifest["tables"]["production"]["rows"] == 0
    fill_database(engine)
    restore(engine, io.BytesIO(data))
    snapshot = without_restore_audit(dump(engine))
    assert all(rows == [] for rows in snapshot.values())


# ------------------------------------------------------------------ damaged or foreign files
def _rewrite(source: Path, target: Path, change) -> None:
    """Copy a backup zip, letting change(name, data) -> data alter a member."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))


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
def test_a_damaged_file_is_refused_and_the_database_is_untouched(engine, tmp_path, damage, message):
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
    else:
        _rewrite(good, bad, {"edited_row": _edited_row, "dropped_row": _dropped_row,
                             "newer_schema": _newer_schema}[damage])
    # the live database has moved on since the good backup: that state must survive
    with write_transaction(engine) as conn:
        insert_rows(conn, "production", [{**example_row("production"), "shift": "LIVE"}],
                    new_batch(conn, "production", "live", "form"))
    before, version = dump(engine), data_version(engine)
    with pytest.raises(BackupError, match=message) as refused:
        restore(engine, bad)
    assert dump(engine) == before and data_version(engine) == version
    assert refused.value.message("zh") != refused.value.message("en")  # says it in Chinese too


def test_missing_file_is_named(engine, tmp_path):
    with pytest.raises(BackupError, match="does not exist"):
        restore(engine, tmp_path / "nope.zip")


def test_the_manifest_counts_and_hashes_every_part(sqlite_engine, tmp_path):
    fill_database(sqlite_engine)
    manifest = backup(sqlite_engine, tmp_path / "plant.zip")
    import hashlib
    with zipfile.ZipFile(tmp_path / "plant.zip") as z:
        for name, info in manifest["tables"].items():
            data = z.read(info["file"])
            assert hashlib.sha256(data).hexdigest() == info["sha256"]
            assert len(data.splitlines()) == info["rows"]
    assert manifest["tables"]["users"]["rows"] == 2
    assert manifest["tables"]["audit_log"]["rows"] == 3
    assert manifest["tables"]["production"]["rows"] == 7
    assert set(manifest["tables"]) == {t.name for t in tables()}
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
    assert main(["restore", str(tmp_path / "junk.zip")]) == 1
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
