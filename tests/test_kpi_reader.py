"""The SQLite reader pool and its zero-copy hand-over (data_access.sqlite_reader)."""
import os
import sqlite3

import polars as pl

from data_access import sqlite_reader
from data_access.sqlite_reader import read_sqlite, read_sqlite_many


def _db(tmp_path, n=20_000):
    db = tmp_path / "r.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, d TEXT, s TEXT, x REAL)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                         [(i, f"2026-03-{i % 28 + 1:02d}", f"S-{i % 7}", i / 4) for i in range(1, n + 1)])
    return str(db)


def test_the_result_outlives_its_hand_over_file_and_no_file_is_left(tmp_path, monkeypatch):
    db = _db(tmp_path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(sqlite_reader, "_SCRATCH", str(scratch))
    frame = read_sqlite(db, "SELECT s, x FROM t")
    assert os.listdir(scratch) == []  # unlinked at once; the frame still reads the mapped pages
    assert frame.schema == pl.Schema({"s": pl.String, "x": pl.Float64})
    assert frame["x"].sum() == sum(i / 4 for i in range(1, 20_001))
    assert frame.group_by("s").len().sort("s")["len"].to_list() == [2857, 2858, 2857, 2857, 2857, 2857, 2857]  # 20000 ≡ 1 (mod 7)
    changed = frame.with_columns(pl.col("x") * 2, pl.col("s").str.to_lowercase())  # the mapping is read-only
    assert changed["x"].max() == 10_000.0 and changed["s"][0] == "s-1"


def test_many_queries_come_back_in_order_and_equal_to_single_reads(tmp_path):
    db = _db(tmp_path)
    queries = [f"SELECT id, d FROM t WHERE id > {a} AND id <= {a + 5000}" for a in range(0, 20_000, 5000)]
    queries.append("SELECT COUNT(*) AS n FROM t WHERE d = '2026-03-01'")
    frames = read_sqlite_many(db, queries)
    assert [f.height for f in frames] == [5000, 5000, 5000, 5000, 1]
    assert pl.concat(frames[:4])["id"].to_list() == list(range(1, 20_001))
    assert frames[4]["n"][0] == len([i for i in range(1, 20_001) if i % 28 == 0])
    assert frames[2].equals(read_sqlite(db, queries[2]))


def test_an_empty_result_and_a_failing_query_in_a_batch(tmp_path):
    db = _db(tmp_path, n=10)
    assert read_sqlite(db, "SELECT id FROM t WHERE id < 0").height == 0
    try:
        read_sqlite_many(db, ["SELECT id FROM t", "SELECT nope FROM t"])
    except RuntimeError as exc:
        assert "no such column: nope" in str(exc)
    else:
        raise AssertionError("a bad query must raise")
    assert read_sqlite_many(db, ["SELECT id FROM t"])[0].height == 10  # the pool still serves


def test_the_reader_connection_is_read_only(tmp_path):
    db = _db(tmp_path, n=3)
    try:
        read_sqlite(db, "DELETE FROM t RETURNING id")
    except RuntimeError as exc:
        assert "readonly" in str(exc).replace(" ", "").lower() or "read-only" in str(exc).lower()
    else:
        raise AssertionError("the reader must not write")
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM t").fetchone()[0] == 3


def test_a_full_scratch_directory_falls_back_to_the_disk(tmp_path, monkeypatch):
    """/dev/shm is 64 MB in a default container: a result that does not fit goes through the
    disk's temporary directory instead. Simulated: the hand-over file in the scratch directory
    is a link to /dev/full, so the reader process gets "No space left on device" writing it."""
    import tempfile
    import types

    db = _db(tmp_path, n=100)
    full = tmp_path / "full"
    full.mkdir()
    monkeypatch.setattr(sqlite_reader, "_SCRATCH", str(full))
    asked = []

    def mkstemp(suffix="", dir=None):
        asked.append(dir)
        if dir == str(full):
            path = full / f"r{len(asked)}{suffix}"
            path.symlink_to("/dev/full")
            return os.open(path, os.O_RDONLY), str(path)
        return tempfile.mkstemp(suffix=suffix, dir=str(tmp_path))

    monkeypatch.setattr(sqlite_reader, "tempfile", types.SimpleNamespace(mkstemp=mkstemp))
    assert read_sqlite(db, "SELECT COUNT(*) AS n FROM t")["n"][0] == 100
    assert asked == [str(full), None]
    assert os.listdir(full) == []
