"""The SQLite Arrow reader: fresh after every write, whatever the column's first rows hold."""
import os
import sqlite3

import pytest

from data_access.sqlite_reader import read_sqlite


def test_text_column_null_in_its_first_rows_is_read_as_text(tmp_path):
    db = tmp_path / "t.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (a TEXT, b INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, i) for i in range(5000)] + [("S-01", 5000)])
    frame = read_sqlite(str(db), "SELECT a, b FROM t")
    assert frame.height == 5001
    assert frame["a"].drop_nulls().to_list() == ["S-01"]
    assert frame["b"].sum() == sum(range(5001))


def test_sees_commits_while_another_connection_keeps_the_database_open(tmp_path):
    db = tmp_path / "w.db"
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t (a INTEGER)")
    writer.commit()
    for n in range(1, 4):
        writer.execute("INSERT INTO t VALUES (?)", (n,))
        writer.commit()
        assert read_sqlite(str(db), "SELECT COUNT(*) AS n FROM t")["n"][0] == n
    writer.close()


def test_a_bad_query_raises_a_clear_error(tmp_path):
    db = tmp_path / "e.db"
    sqlite3.connect(db).close()
    with pytest.raises(RuntimeError, match="no such table"):
        read_sqlite(str(db), "SELECT * FROM missing")


def _mapped_results() -> list[str]:
    """The reader's result files (tempfile *.arrow) this process still has mapped."""
    with open("/proc/self/maps") as maps:
        return [line.split(None, 5)[-1].strip() for line in maps if ".arrow" in line]


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="Linux: the process's mappings are in /proc")
def test_a_kept_column_does_not_keep_the_whole_result_mapped(tmp_path):
    """A frame's columns own their memory: keeping one column of a result (as a fact keeps a kind's
    numbers) keeps none of the result file mapped — formerly the whole file stayed mapped while any
    column of it lived, the columns nobody kept included."""
    db = tmp_path / "m.db"
    rows = [(i, f"LOT-{i:012d}", "2026-01-0" + str(1 + i % 9)) for i in range(20_000)]
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (n INTEGER, lot TEXT, day TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    frame = read_sqlite(str(db), "SELECT n, lot, day FROM t")
    kept_numbers, kept_text = frame.select("n"), frame.select("lot")
    del frame
    assert _mapped_results() == []
    assert kept_numbers["n"].sum() == sum(range(20_000))
    assert kept_text["lot"].to_list() == [r[1] for r in rows]
