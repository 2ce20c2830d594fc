"""The demo's fast load (seed.demo.load_demo on SQLite: rollback journal, synchronous=OFF, CHECKs and
foreign keys verified per table in one query each): the tables hold exactly the generated frames, a bad
row still fails the load, and the connection is left as it was."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
import sqlalchemy as sa

from data_access.kinds import KINDS
from data_access.store import new_batch
from seed import demo

TODAY = date(2026, 3, 18)


def test_small_demo_tables_hold_the_generated_frames(sqlite_engine):
    frames = demo.generate("small", today=TODAY)
    counts = demo.load_demo(sqlite_engine, scale="small", today=TODAY)
    with sqlite_engine.connect() as conn:
        for name, frame in frames.items():
            numeric = [c for c, t in frame.schema.items() if t.is_numeric()]
            sums = ", ".join(f'TOTAL("{c}")' for c in numeric)
            row = conn.exec_driver_sql(f'SELECT COUNT(*){", " + sums if sums else ""} FROM "{name}"').one()
            assert row[0] == frame.height == counts[name], name
            for column, stored in zip(numeric, row[1:]):
                assert stored == pytest.approx(float(frame[column].cast(pl.Float64).sum()), rel=1e-12), (name, column)
        # what the build changed for itself is back: WAL, CHECKs enforced, a normal sync
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
        conn.rollback()
    assert set(counts) == set(KINDS)


@pytest.mark.parametrize("pragma, kind, insert, message", [
    ("ignore_check_constraints", "customers",
     "INSERT INTO customers (batch_id, customer_code, name, abc_class) VALUES (:b, 'C-1', 'one', 'A'), (:b, 'C-2', 'two', 'Z')",
     "customers: 1 rows"),
    ("foreign_keys", "machines",
     "INSERT INTO machines (batch_id, machine_code, line_code, name, active) VALUES (:b, 'X-01', 'NOPE', 'x', 1)",
     "FOREIGN KEY constraint failed in machines"),
], ids=["check", "reference"])
def test_a_row_the_unchecked_load_let_in_fails_the_load(sqlite_engine, pragma, kind, insert, message):
    """The fresh build writes with CHECKs and foreign keys off; the check after each table still refuses
    a row breaking a CHECK (abc_class 'Z') or naming an unknown reference (line NOPE)."""
    off, on = ("ON", "OFF") if pragma == "ignore_check_constraints" else ("OFF", "ON")
    with sqlite_engine.connect() as conn:
        conn.connection.driver_connection.execute(f"PRAGMA {pragma}={off}")
        try:
            with conn.begin():
                batch = new_batch(conn, kind, user="demo", source="seed")
                conn.execute(sa.text(insert), {"b": batch})
                with pytest.raises(sa.exc.IntegrityError, match=message):
                    demo._check_constraints(conn, kind)
        finally:
            conn.connection.driver_connection.execute(f"PRAGMA {pragma}={on}")
