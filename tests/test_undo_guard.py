"""Undo cannot be one careless click from deleting the production history (issue 14 item 6): the
batch picker never pre-selects a batch, also not after an undo, and a batch of more than 1,000
rows is only undone after the clerk types its number. Through Streamlit's AppTest on the
production input page."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dashboard.ui.history import LARGE_BATCH_ROWS
from data_access.models import kind_table
from data_access.store import finish_batch, insert_rows, new_batch
from data_access.db import write_transaction
from tests.support.examples import example_row
from tests.test_input_pages import db, open_page, open_section, texts  # noqa: F401  (db is a fixture)

PICK, UNDO, YES, TYPED = ("input_undo_pick_production", "input_undo_production", "input_undo_yes_production",
                          "input_undo_typed_production")


def production_batch(engine, rows: int, first_day: int = 0, file_name: str = "history.csv") -> int:
    """A committed batch of `rows` production rows, one per day from 2024-01-01 + first_day."""
    base = example_row("production")
    start = base["date"].replace(year=2024, month=1, day=1) + timedelta(days=first_day)
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "production", "pat", "upload", file_name=file_name)
        insert_rows(conn, "production", [{**base, "date": start + timedelta(days=i)} for i in range(rows)], batch)
        finish_batch(conn, batch, rows)
    return batch


def stored_rows(engine, batch: int) -> int:
    table = kind_table("production")
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.batch_id == batch)).scalar()


def history_page(engine):
    at = open_page("input_production.py")
    return open_section(at, "production", "Upload history and undo")


def test_the_picker_never_preselects_a_batch_not_even_after_an_undo(db):
    older, newer = production_batch(db, 3, 0, "week1.csv"), production_batch(db, 2, 10, "week2.csv")
    at = history_page(db)
    assert at.selectbox(key=PICK).value is None
    assert at.button(key=UNDO).disabled  # nothing chosen, nothing to undo
    at.selectbox(key=PICK).select(newer).run()
    assert not at.button(key=UNDO).disabled
    at.button(key=UNDO).click().run()
    at.button(key=YES).click().run()
    assert texts(at, "success") == [f"Batch #{newer} undone: 2 rows removed, 0 rows restored."]
    # the other batch is offered, not chosen: one more click must not undo it
    assert at.selectbox(key=PICK).value is None and at.button(key=UNDO).disabled
    [offered] = at.selectbox(key=PICK).options
    assert offered.startswith(f"#{older} · ")
    assert (stored_rows(db, older), stored_rows(db, newer)) == (3, 0)


def test_a_batch_over_1000_rows_is_undone_only_after_typing_its_number(db):
    assert LARGE_BATCH_ROWS == 1_000
    large = production_batch(db, 1_001, 0, "season.csv")
    at = history_page(db)
    at.selectbox(key=PICK).select(large).run()
    at.button(key=UNDO).click().run()
    assert at.text_input(key=TYPED).label == f"This batch holds 1,001 rows. Type its number {large} to confirm the undo:"
    assert at.button(key=YES).disabled
    at.text_input(key=TYPED).input(str(large + 1)).run()
    assert at.button(key=YES).disabled
    assert texts(at, "caption")[-1] == f"That is not {large}: the undo stays locked."
    assert stored_rows(db, large) == 1_001
    at.text_input(key=TYPED).input(str(large)).run()
    assert not at.button(key=YES).disabled
    at.button(key=YES).click().run()
    assert texts(at, "success") == [f"Batch #{large} undone: 1001 rows removed, 0 rows restored."]
    assert stored_rows(db, large) == 0


def test_a_batch_of_exactly_1000_rows_needs_no_typing(db):
    batch = production_batch(db, 1_000, 0, "month.csv")
    at = history_page(db)
    at.selectbox(key=PICK).select(batch).run()
    at.button(key=UNDO).click().run()
    assert not at.get("text_input") or all(ti.key != TYPED for ti in at.text_input)
    assert not at.button(key=YES).disabled
