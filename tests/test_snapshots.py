"""Columnar snapshots (data_access.snapshots, issue 15): a large kind read from its snapshot is exactly
the SQL read (rows of a window, columns asked), on SQLite and PostgreSQL; a write, a database rebuilt at
the same path or another schema never lets an old snapshot be used; the CLI prints the same figures
from snapshots as from SQL. The reference is always SQL on the same database, read independently."""
from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from dashboard.cli import main
from dashboard.facts import clear_cache, load_facts
from data_access import snapshots
from data_access.kinds import KINDS
from data_access.db import data_version, get_engine, init_db, write_transaction
from data_access.loaders import as_window, conform, kind_query, read_sql
from seed.demo import load_demo
from tests.test_pushdown import REQUESTS, TODAY, _cli_json, _same_figures

# none; a month; a period and last year's; open before; open after; mid-month to mid-month; no data at all
WINDOWS = [None, (date(2026, 10, 1), date(2026, 10, 31)),
           ((date(2026, 10, 1), date(2026, 10, 31)), (date(2025, 10, 1), date(2025, 10, 31))),
           (None, date(2026, 3, 31)), (date(2026, 9, 15), None), (date(2026, 8, 20), date(2026, 10, 9)),
           (date(2031, 1, 1), date(2031, 1, 31))]


@pytest.fixture
def demo(engine, tmp_path, monkeypatch):
    if engine.url.get_backend_name() == "sqlite":
        monkeypatch.delenv("PLANTKPI_SNAPSHOT_DIR", raising=False)  # beside the file, the default
    else:
        monkeypatch.setenv("PLANTKPI_SNAPSHOT_DIR", str(tmp_path / "columns"))
    load_demo(engine, "small", today=TODAY)
    clear_cache()
    return engine


def _sql(engine, kind: str, window=None):
    """The kind as SQL gives it, in id order."""
    return conform(read_sql(kind_query(kind, as_window(window)), engine), kind).sort("id")


def test_a_snapshot_read_is_the_sql_read(demo, monkeypatch):
    monkeypatch.setattr(snapshots, "CHUNK_ROWS", 3_000)  # the large kinds written in several chunks
    built = snapshots.build(demo)
    assert sorted(built) == sorted(snapshots.large_kinds())
    version = data_version(demo)
    filtered = 0
    for kind in built:
        whole = _sql(demo, kind)
        for window in WINDOWS if KINDS[kind].date_field else [None]:
            expected = _sql(demo, kind, window) if window else whole
            got = snapshots.read(demo, version, kind, None, as_window(window) if window else None)
            assert_frame_equal(got.sort("id"), expected)
            columns = ["id", *[c for c in expected.columns if c != "id"][-3:]]
            part = snapshots.read(demo, version, kind, columns, as_window(window) if window else None)
            assert part.columns == columns
            assert_frame_equal(part.sort("id"), expected.select(columns))
            filtered += 0 < expected.height < whole.height
    assert filtered >= 20  # the windows really kept only some rows of most kinds


def test_a_write_leaves_the_old_snapshot_unused_until_the_next_build(demo):
    snapshots.build(demo)
    with demo.connect() as conn:
        total = conn.execute(sa.text("SELECT SUM(good_qty) FROM production")).scalar()
        first = conn.execute(sa.text("SELECT MIN(id) FROM production WHERE good_qty > 1")).scalar()
    # an edit: the same rows, the same ids — only the state's stamp tells the snapshot is outdated
    with write_transaction(demo) as conn:
        conn.execute(sa.text("UPDATE production SET good_qty = good_qty - 1, total_qty = total_qty - 1 WHERE id = :id"),
                     {"id": first})
    added = -1
    version = data_version(demo)
    assert snapshots.read(demo, version, "production") is None
    assert snapshots.missing(demo, ["production", "scrap"]) == ["production", "scrap"]
    clear_cache()
    assert load_facts(demo, ["production"])["production"].get_column("good_qty").sum() == total + added

    assert "production" in snapshots.build(demo)
    from_snapshot = snapshots.read(demo, version, "production")
    assert from_snapshot.get_column("good_qty").sum() == total + added
    assert len(list(snapshots.root(demo).glob("v*"))) == 1  # the older state's directory is gone


def test_a_database_rebuilt_at_the_same_path_does_not_use_the_old_snapshot(tmp_path, monkeypatch):
    monkeypatch.delenv("PLANTKPI_SNAPSHOT_DIR", raising=False)
    path = tmp_path / "plant.db"
    first = get_engine(f"sqlite:///{path}")
    init_db(first)
    load_demo(first, "small", today=TODAY)
    snapshots.build(first)
    assert snapshots.sqlite_is_current(str(path))
    first.dispose()
    path.unlink()
    rebuilt = get_engine(f"sqlite:///{path}")
    init_db(rebuilt)
    load_demo(rebuilt, "small", today=date(2026, 6, 30))  # other data, the same number of writes
    assert data_version(rebuilt) == data_version(first)
    assert not snapshots.sqlite_is_current(str(path))
    assert snapshots.read(rebuilt, data_version(rebuilt), "production") is None
    clear_cache()
    with rebuilt.connect() as conn:
        rows = conn.execute(sa.text("SELECT COUNT(*) FROM production")).scalar()
    assert load_facts(rebuilt, ["production"])["production"].height == rows


def test_another_schema_is_another_file(demo, monkeypatch):
    """A migration changing a kind's columns: its old file is not read."""
    snapshots.build(demo)
    version = data_version(demo)
    assert snapshots.read(demo, version, "scrap") is not None
    from data_access import loaders

    real = loaders.schema_of
    monkeypatch.setattr(loaders, "schema_of", lambda k: {**real(k), "new_column": real(k)["id"]} if k == "scrap" else real(k))
    assert snapshots.read(demo, version, "scrap") is None
    assert snapshots.read(demo, version, "production") is not None


def test_the_cli_prints_the_same_figures_from_snapshots(demo, monkeypatch, capsys):
    url = demo.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PLANTKPI_SNAPSHOTS", "0")
    from_sql = [_cli_json(url, monkeypatch, capsys, True, request) for request in REQUESTS]
    monkeypatch.setenv("PLANTKPI_SNAPSHOTS", "1")
    assert snapshots.build(demo)
    for request, expected in zip(REQUESTS, from_sql):
        assert _cli_json(url, monkeypatch, capsys, True, request) == _same_figures(expected), request


def test_every_whole_history_fact_from_snapshots_is_the_one_from_sql(demo, monkeypatch):
    """What the pages build: every fact, whole history, with and without snapshots."""
    from dashboard.kpi.facts import FACTS

    monkeypatch.setenv("PLANTKPI_SNAPSHOTS", "0")
    clear_cache()
    from_sql = load_facts(demo)
    expected = {name: from_sql[name] for name in FACTS}
    monkeypatch.setenv("PLANTKPI_SNAPSHOTS", "1")
    snapshots.build(demo)
    clear_cache()
    from_snapshots = load_facts(demo)
    for name, frame in expected.items():
        got = from_snapshots[name]
        assert got.columns == frame.columns, name
        keys = [c for c in frame.columns if frame.schema[c].is_numeric() or frame.schema[c] in (pl.String, pl.Categorical, pl.Date)]
        assert_frame_equal(got.sort(keys, nulls_last=True), frame.sort(keys, nulls_last=True), check_exact=False,
                           rel_tol=1e-9), name


def test_an_unwritable_place_writes_nothing_and_reads_sql(demo, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the snapshots would go")
    monkeypatch.setenv("PLANTKPI_SNAPSHOT_DIR", str(blocked))
    assert snapshots.build(demo) == []
    clear_cache()
    with demo.connect() as conn:
        rows = conn.execute(sa.text("SELECT COUNT(*) FROM scrap")).scalar()
    assert load_facts(demo, ["scrap"])["scrap"].height == rows


def test_a_database_not_migrated_to_the_stamp_reads_sql(demo):
    """A CLI run against a database of the release before (no stamp yet: `plantkpi init` not run since
    the upgrade) neither writes nor reads a snapshot, and still answers."""
    with demo.begin() as conn:
        conn.execute(sa.text("ALTER TABLE data_version DROP COLUMN stamp"))
    assert snapshots.build(demo) == []
    assert snapshots.missing(demo, ["production"]) == []  # nothing to write either
    clear_cache()
    with demo.connect() as conn:
        rows = conn.execute(sa.text("SELECT COUNT(*) FROM production")).scalar()
    assert load_facts(demo, ["production"])["production"].height == rows
