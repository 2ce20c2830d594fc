"""Quality stages of docs/kinds.md (incoming|in_process|final|receipt|outgoing; the source's 品管: 入库、出库检验,
issue 17 item 6): the new stages are stored on SQLite and PostgreSQL (the CHECK constraint of migration
0012 takes them and still refuses others, a CSV with them imports, one with the retired semi_in is
refused at its row), and pass rate, scrap rate and reasons per stage are hand-computed.

Lots (inspected / passed first / rejected, disposition, reason), March 2026:
  final     F1 300 / 291 / 9 rework DF-DIM
  receipt   R1 200 / 190 / 10 scrap DF-DIM;  R2 100 / 96 / 4 rework DF-DIM;  R3 100 / 98 / 2 rework DF-COLOR;
            R4 500 / 495 / 5 rework DF-PACK
  outgoing  O1 250 / 250 / 0 accept;  O2 250 / 249 / 1 scrap DF-PACK
final: pass 291/300 = 0.97, scrap 0 (reworked).
receipt: inspected 900, passed 190+96+98+495 = 879 → pass 879/900 = 0.97666…, scrap 10/900 = 0.01111…;
  rejects 21: DF-DIM 10+4 = 14 (2/3), DF-PACK 5 (5/21), DF-COLOR 2 (2/21).
outgoing: pass 499/500 = 0.998, scrap 1/500 = 0.002."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from dashboard.ingest_messages import describe

from dashboard.kpi.engine import Filters
from dashboard.kpi.quality_stages import stage_reasons, stage_summary
from data_access.db import write_transaction
from data_access.ingest import import_upload
from dashboard.facts import load_facts
from data_access.kinds.inspections import STAGES
from data_access.store import insert_rows, new_batch

D = date(2026, 3, 2)
PRODUCT = {"product_code": "P-1", "name": "P", "unit": "pcs", "standard_cost": 1.0, "stage": "market"}
REASONS = [{"reason_code": c, "kind": "defect", "name_en": c, "name_zh": c} for c in ("DF-DIM", "DF-COLOR", "DF-PACK")]


def lot(stage, no, inspected, passed, rejected, disposition, reason=None, day=D):
    return {"date": day, "stage": stage, "lot_no": no, "item_code": "P-1", "inspected_qty": inspected,
            "passed_first_qty": passed, "rejected_qty": rejected, "disposition": disposition, "reason_code": reason}


LOTS = [lot("final", "F1", 300, 291, 9, "rework", "DF-DIM"),
        lot("receipt", "R1", 200, 190, 10, "scrap", "DF-DIM"), lot("receipt", "R2", 100, 96, 4, "rework", "DF-DIM"),
        lot("receipt", "R3", 100, 98, 2, "rework", "DF-COLOR"), lot("receipt", "R4", 500, 495, 5, "rework", "DF-PACK"),
        lot("outgoing", "O1", 250, 250, 0, "accept"), lot("outgoing", "O2", 250, 249, 1, "scrap", "DF-PACK"),
        lot("final", "X1", 100, 50, 50, "scrap", "DF-DIM", day=date(2026, 1, 5))]  # outside the period below


def test_stages_stored_and_summarised_per_stage(engine):
    assert STAGES == ("incoming", "in_process", "final", "receipt", "outgoing")  # docs/kinds.md, in flow order
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "inspections", "test", "form")
        insert_rows(conn, "reasons", REASONS, batch)
        insert_rows(conn, "products", [PRODUCT], batch)
        insert_rows(conn, "inspections", LOTS, batch)
    facts = load_facts(engine)
    period = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    summary = {r["stage"]: r for r in stage_summary(facts, period).iter_rows(named=True)}
    assert list(summary) == ["final", "receipt", "outgoing"]  # flow order, not alphabetical; X1 is outside
    assert summary["final"]["pass_rate"] == pytest.approx(0.97) and summary["final"]["scrap_rate"] == 0
    assert summary["receipt"]["lots"] == 4 and summary["receipt"]["inspected"] == 900
    assert summary["receipt"]["pass_rate"] == pytest.approx(879 / 900)
    assert summary["receipt"]["scrap_rate"] == pytest.approx(10 / 900)
    assert summary["outgoing"]["pass_rate"] == pytest.approx(0.998)
    assert summary["outgoing"]["scrap_rate"] == pytest.approx(0.002)
    reasons = stage_reasons(facts, period)
    receipt = reasons.filter(reasons["stage"] == "receipt")
    assert receipt.get_column("reason").to_list() == ["DF-DIM", "DF-PACK", "DF-COLOR"]
    assert receipt.get_column("rejected").to_list() == [14, 5, 2]
    assert receipt.get_column("share").to_list() == pytest.approx([2 / 3, 5 / 21, 2 / 21])
    assert reasons.filter(reasons["stage"] == "outgoing").get_column("rejected").to_list() == [1]


HEADER = "date,stage,lot_no,item_code,inspected_qty,passed_first_qty,rejected_qty,reason_code,disposition"


def test_csv_with_receipt_or_outgoing_imports_and_semi_in_is_refused_at_its_row(engine):
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "products", "test", "form")
        insert_rows(conn, "reasons", REASONS, batch)
        insert_rows(conn, "products", [PRODUCT], batch)
    for stage, no in (("receipt", "R-1"), ("outgoing", "O-1")):
        data = f"{HEADER}\n2026-03-02,{stage},{no},P-1,200,198,2,DF-PACK,rework\n".encode()
        result = import_upload(engine, "inspections", data, f"{stage}.csv", "admin")
        assert result.written and result.rows_written == 1, [str(p) for p in result.problems]
    data = f"{HEADER}\n2026-03-03,receipt,R-2,P-1,100,100,0,,accept\n2026-03-03,semi_in,S-1,P-1,100,99,1,DF-DIM,rework\n"
    result = import_upload(engine, "inspections", data.encode(), "old.csv", "admin")
    assert not result.written
    assert [(p.row, p.column, p.value) for p in result.errors] == [(3, "stage", "semi_in")]  # header is row 1
    for lang, row in (("en", "row 3"), ("zh", "第 3 行")):
        assert "semi_in" in describe(result.errors[0], lang) and row in describe(result.errors[0], lang)
    with engine.connect() as conn:  # nothing of the refused file, the two good lots only
        stored = conn.execute(sa.text("SELECT stage, lot_no FROM inspections ORDER BY lot_no")).all()
    assert [tuple(r) for r in stored] == [("outgoing", "O-1"), ("receipt", "R-1")]


def test_unknown_stage_refused_by_the_database(engine):
    with pytest.raises(sa.exc.IntegrityError):
        with write_transaction(engine) as conn:
            insert_rows(conn, "inspections", [lot("shipping", "Z1", 10, 10, 0, "accept")], new_batch(
                conn, "inspections", "test", "form"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM inspections")).scalar() == 0


def test_zero_inspected_gives_null_rates():
    import polars as pl
    frame = pl.DataFrame({"date": [D], "stage": ["outgoing"], "inspected_qty": [0], "passed_first_qty": [0],
                          "rejected_qty": [0], "disposition": ["accept"], "reason": [None]},
                         schema_overrides={"reason": pl.String})
    row = stage_summary({"inspections": frame}).row(0, named=True)
    assert row["pass_rate"] is None and row["scrap_rate"] is None


@pytest.mark.slow
def test_small_demo_has_plausible_lots_at_every_stage(tmp_path):
    """Every stage has lots in the small demo; first-pass rates 95–100 %, outgoing no worse than
    receipt, scrap rate of the new stages under 1 %; receipt lots come from both semi-finished (SRI-)
    and finished goods (FRI-) moves."""
    from data_access.loaders import load_kind
    from seed.demo import load_demo
    from tests.conftest import make_database
    engine, drop = make_database("sqlite", tmp_path)
    try:
        load_demo(engine, "small", today=date(2026, 6, 15))
        facts = load_facts(engine)
        summary = {r["stage"]: r for r in stage_summary(facts).iter_rows(named=True)}
        lots = load_kind("inspections", engine)
    finally:
        drop()
    assert set(summary) == set(STAGES)
    assert all(0.95 <= r["pass_rate"] <= 1.0 for r in summary.values())
    assert summary["outgoing"]["pass_rate"] >= summary["receipt"]["pass_rate"]
    assert all(0 < summary[s]["scrap_rate"] < 0.01 for s in ("receipt", "outgoing"))
    assert {no[:4] for no in lots.filter(lots["stage"] == "receipt")["lot_no"]} == {"SRI-", "FRI-"}


def test_migration_0012_downgrades_and_upgrades_again(engine):
    """Down to 0011 the receipt and outgoing lots go (the old schema has no place for them) and
    the CHECK refuses receipt again; back at head receipt is stored. SQLite and PostgreSQL."""
    from alembic import command

    from data_access.migrations import alembic_config, upgrade_to_head
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "inspections", "test", "form")
        insert_rows(conn, "reasons", REASONS, batch)
        insert_rows(conn, "products", [PRODUCT], batch)
        insert_rows(conn, "inspections", LOTS, batch)
    engine.dispose()
    command.downgrade(alembic_config(engine), "0011_pm_plan")
    count = "SELECT stage, COUNT(*) FROM inspections GROUP BY stage ORDER BY stage"
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(sa.text(count))] == [("final", 2)]  # F1 and X1
    insert = sa.text("INSERT INTO inspections (batch_id, date, stage, lot_no, item_code, inspected_qty, "
                     "passed_first_qty, rejected_qty) SELECT batch_id, date, :stage, 'N1', item_code, 10, 10, 0 "
                     "FROM inspections WHERE lot_no = 'F1'")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"stage": "receipt"})
    engine.dispose()
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.execute(insert, {"stage": "receipt"})
        assert [tuple(r) for r in conn.execute(sa.text(count))] == [("final", 2), ("receipt", 1)]
