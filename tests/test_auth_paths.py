"""Issue 7, security: a clerk's attempts to write another department's data through every write
path (upload, form, data editor, undo, CLI import) are refused and leave the database unchanged;
the owning department's clerk succeeds through the same paths. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

import dashboard.auth as auth
from dashboard.auth import create_user
from data_access.db import write_transaction
from dashboard.commands.ingest import import_file
from data_access.ingest.commit import apply_edits, import_upload, submit_record, undo_batch
from data_access.permissions import database_owner
from data_access.store import insert_rows, new_batch
from dashboard.ingest_messages import message

OWNER = database_owner()  # acts on accounts as the CLI does

HEADER = "date,stage,lot_no,item_code,inspected_qty,passed_first_qty,rejected_qty"
TABLES = ("inspections", "batches", "replaced_rows", "audit_log", "data_version")


@pytest.fixture(autouse=True)
def quick_hasher(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def plant(engine):
    """A product to inspect, one inspection lot already recorded by quality, and the people."""
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "products", "seed", "seed")
        insert_rows(conn, "products", [{"product_code": "P-1", "name": "Housing", "unit": "pcs",
                                        "standard_cost": 1.5, "stage": "market"}], batch)
    for name, role, department in [("root", "admin", None), ("pat", "clerk", "production"),
                                   ("quinn", "clerk", "quality"), ("li", "manager", None)]:
        create_user(engine, name, "long-enough", role, department, by=OWNER)
    first = import_upload(engine, "inspections", f"{HEADER}\n2026-03-02,final,L-1,P-1,100,98,2\n".encode(),
                          "lots.csv", "quinn")
    assert first.written, first.problems
    return engine, first.batch_id


def dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t: sorted(tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t}"))) for t in TABLES}


def lot_id(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM inspections WHERE lot_no = 'L-1'")).scalar_one()


def test_production_clerk_cannot_write_quality_data_through_any_path(plant, tmp_path, capsys):
    engine, quality_batch = plant
    before = dump(engine)
    new_lot = f"{HEADER}\n2026-03-03,final,L-2,P-1,50,50,0\n"
    form = {"date": date(2026, 3, 3), "stage": "final", "lot_no": "L-3", "item_code": "P-1",
            "inspected_qty": 10, "passed_first_qty": 10, "rejected_qty": 0}

    reasons = {}
    for user in ("pat", "li", "nobody"):  # another department, a read-only role, no account
        upload = import_upload(engine, "inspections", new_lot.encode(), "mine.csv", user)
        assert not upload.written and len(upload.errors) == 1, user
        reasons[user] = message(upload.errors[0], "en")
        entered = submit_record(engine, "inspections", form, user)
        assert not entered.written, user
        edited = apply_edits(engine, "inspections", [{"id": lot_id(engine), "passed_first_qty": 90,
                                                      "rejected_qty": 10}], user)
        assert not edited.written, user
        undone = undo_batch(engine, quality_batch, user)
        assert not undone.ok, user
    assert reasons == {"pat": "pat may only write the data of their own department, not Inspection lots.",
                       "li": "li's role may not write Inspection lots.",
                       "nobody": "User nobody is not known and may not write Inspection lots."}

    path = tmp_path / "lots.csv"
    path.write_text(new_lot, encoding="utf-8")
    assert import_file("inspections", path, user="pat", engine=engine) == 2
    assert "pat" in capsys.readouterr().out

    assert dump(engine) == before  # rows, batches, replaced rows, audit log and data version untouched


def test_the_quality_clerk_and_the_admin_may_write_quality_data(plant, tmp_path):
    engine, quality_batch = plant
    assert import_upload(engine, "inspections", f"{HEADER}\n2026-03-03,final,L-2,P-1,50,50,0\n".encode(),
                         "more.csv", "quinn").written
    assert apply_edits(engine, "inspections", [{"id": lot_id(engine), "passed_first_qty": 90,
                                                "rejected_qty": 10}], "quinn").written
    path = tmp_path / "lots.csv"
    path.write_text(f"{HEADER}\n2026-03-04,final,L-4,P-1,20,20,0\n", encoding="utf-8")
    assert import_file("inspections", path, user="root", engine=engine) == 0
    with engine.connect() as conn:
        lots = dict(conn.execute(sa.text("SELECT lot_no, passed_first_qty FROM inspections")).all())
    assert lots == {"L-1": 90, "L-2": 50, "L-4": 20}
