"""The SQLite Arrow reader: fresh after every write, whatever the column's first rows hold."""
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
