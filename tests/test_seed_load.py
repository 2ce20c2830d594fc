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


def test_a_row_breaking_a_check_fails_the_load(sqlite_engine):
    with sqlite_engine.connect() as conn:
        conn.connection.driver_connection.execute("PRAGMA ignore_check_constraints=ON")
        try:
            with conn.begin():
                batch = new_batch(conn, "customers", user="demo", source="seed")
                conn.execute(sa.text("INSERT INTO customers (batch_id, customer_code, name, abc_class) "
                                     "VALUES (:b, 'C-1', 'one', 'A'), (:b, 'C-2', 'two', 'Z')"), {"b": batch})
                with pytest.raises(sa.exc.IntegrityError, match="customers: 1 rows"):
                    demo._check_constraints(conn, "customers")
        finally:
            conn.connection.driver_connection.execute("PRAGMA ignore_check_constraints=OFF")


def test_a_row_with_an_unknown_reference_fails_the_load(sqlite_engine):
    with sqlite_engine.connect() as conn:
        conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                batch = new_batch(conn, "machines", user="demo", source="seed")
                conn.execute(sa.text("INSERT INTO machines (batch_id, machine_code, line_code, name, active) "
                                     "VALUES (:b, 'X-01', 'NOPE', 'x', 1)"), {"b": batch})
                with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY constraint failed in machines"):
                    demo._check_constraints(conn, "machines")
        finally:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
