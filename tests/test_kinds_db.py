"""Every data kind round-trips through its generated table, and the database itself refuses
rows that break the declared rules (not only the Python validator). SQLite and PostgreSQL."""
from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa

from data_access.db import data_version, write_transaction
from data_access.kinds import KINDS
from data_access.loaders import load_kind
from data_access.models import kind_table
from data_access.store import insert_rows, new_batch
from tests.support.examples import example_row, example_rows


def load_examples(engine) -> int:
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for name, rows in example_rows().items():
            insert_rows(conn, name, rows, batch)
    return batch


def test_every_kind_round_trips(engine):
    before = data_version(engine)
    load_examples(engine)
    assert data_version(engine) == before + 1  # one transaction, one bump
    for name, rows in example_rows().items():
        frame = load_kind(name, engine).drop("id", "batch_id")
        assert frame.to_dicts() == rows, name


def test_loaded_frames_have_declared_dtypes_on_empty_and_full_tables(engine):
    empty = load_kind("production", engine)
    load_examples(engine)
    full = load_kind("production", engine)
    assert empty.schema == full.schema
    assert full.schema["date"] == pl.Date and full.schema["good_qty"] == pl.Int64


BREAKERS = [
    ("production", {"good_qty": -1, "total_qty": 969}, "negative quantity"),
    ("production", {"total_qty": 999}, "total differs from good + defect + scrap"),
    ("production", {"downtime_min": 500}, "downtime longer than planned time"),
    ("production", {"machine_code": "NOPE"}, "unknown machine"),
    ("production", {"product_code": "NOPE"}, "unknown product"),
    ("customers", {"abc_class": "D"}, "class outside A/B/C"),
    ("surveys", {"score": 6}, "score above 5"),
    ("inspections", {"passed_first_qty": 499}, "passed + rejected above inspected"),
    ("inspections", {"stage": "incoming", "supplier_code": None}, "incoming lot without supplier"),
    ("shipments", {"line_no": 9}, "shipment of an order line that does not exist"),
    ("maintenance", {"end": example_row("maintenance")["start"].replace(hour=7)}, "end before start"),
    ("bom", {"loss_rate": 1.5}, "loss rate above 1"),
    ("material_moves", {"qty": -5}, "negative issue"),
]


@pytest.mark.parametrize("kind_name,change,why", BREAKERS, ids=[b[2] for b in BREAKERS])
def test_database_refuses_rule_breaking_rows(engine, kind_name, change, why):
    load_examples(engine)
    row = {**example_row(kind_name), **change}
    # make the natural key new so that only the broken rule can be the reason
    for key_field in KINDS[kind_name].key:
        if key_field in change:
            continue
        field = KINDS[kind_name].field(key_field)
        if field.field_type.text and not field.ref:
            row[key_field] = f"{row[key_field]}-X"
    table = kind_table(kind_name)
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as conn:
            conn.execute(table.insert(), [{**row, "batch_id": 1}])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 1


def test_database_refuses_duplicate_natural_key(engine):
    load_examples(engine)
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as conn:
            conn.execute(kind_table("production").insert(), [{**example_row("production"), "batch_id": 1}])


def test_negative_adjustment_is_allowed(engine):
    load_examples(engine)
    row = {**example_row("material_moves"), "move": "adjust", "qty": -5.0}
    with write_transaction(engine) as conn:
        insert_rows(conn, "material_moves", [row], 1)
    assert load_kind("material_moves", engine)["qty"].to_list() == [250.0, -5.0]


def test_every_reference_names_an_existing_key_column():
    for kind in KINDS.values():
        for f in kind.fields:
            for table, column in f.ref_targets:
                target = KINDS[table]
                assert column in target.field_names, (kind.name, f.name, table, column)
                assert (column,) == target.key or column in target.key, (kind.name, f.name)
