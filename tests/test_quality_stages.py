"""Quality stages the source names (品管: 半成品入库、成品入库、出库检验, issue 17 item 6): the new
stages are stored on SQLite and PostgreSQL (the CHECK constraint of migration 0011 takes them and
still refuses others), and pass rate, scrap rate and reasons per stage are hand-computed.

Lots (inspected / passed first / rejected, disposition, reason):
  semi_in      S1 200 / 190 / 10 scrap DF-DIM;  S2 100 / 96 / 4 rework DF-DIM;  S3 100 / 98 / 2 rework DF-COLOR
  finished_in  F1 500 / 495 / 5 rework DF-PACK
  outgoing     O1 250 / 250 / 0 accept;  O2 250 / 249 / 1 scrap DF-PACK
semi_in: pass 384/400 = 0.96, scrap 10/400 = 0.025, reasons DF-DIM 14 (14/16 = 0.875), DF-COLOR 2 (0.125)
finished_in: pass 495/500 = 0.99, scrap 0 (reworked); outgoing: pass 499/500 = 0.998, scrap 1/500 = 0.002."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from dashboard.kpi.engine import Filters
from dashboard.kpi.quality_stages import stage_reasons, stage_summary
from data_access.db import write_transaction
from dashboard.facts import load_facts
from data_access.kinds.inspections import STAGES
from data_access.store import insert_rows, new_batch

D = date(2026, 3, 2)
REASONS = [{"reason_code": c, "kind": "defect", "name_en": c, "name_zh": c} for c in ("DF-DIM", "DF-COLOR", "DF-PACK")]


def lot(stage, no, inspected, passed, rejected, disposition, reason=None, day=D):
    return {"date": day, "stage": stage, "lot_no": no, "item_code": "P-1", "inspected_qty": inspected,
            "passed_first_qty": passed, "rejected_qty": rejected, "disposition": disposition, "reason_code": reason}


LOTS = [lot("semi_in", "S1", 200, 190, 10, "scrap", "DF-DIM"), lot("semi_in", "S2", 100, 96, 4, "rework", "DF-DIM"),
        lot("semi_in", "S3", 100, 98, 2, "rework", "DF-COLOR"), lot("finished_in", "F1", 500, 495, 5, "rework", "DF-PACK"),
        lot("outgoing", "O1", 250, 250, 0, "accept"), lot("outgoing", "O2", 250, 249, 1, "scrap", "DF-PACK"),
        lot("final", "X1", 100, 50, 50, "scrap", "DF-DIM", day=date(2026, 1, 5))]  # outside the period below


def test_stages_stored_and_summarised_per_stage(engine):
    assert set(STAGES) >= {"incoming", "in_process", "final", "semi_in", "finished_in", "outgoing"}
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "inspections", "test", "form")
        insert_rows(conn, "reasons", REASONS, batch)
        insert_rows(conn, "products", [{"product_code": "P-1", "name": "P", "unit": "pcs", "standard_cost": 1.0,
                                        "stage": "market"}], batch)
        insert_rows(conn, "inspections", LOTS, batch)
    facts = load_facts(engine)
    period = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    summary = {r["stage"]: r for r in stage_summary(facts, period).iter_rows(named=True)}
    assert list(summary) == ["semi_in", "finished_in", "outgoing"]  # flow order; final is outside the period
    assert summary["semi_in"]["lots"] == 3
    assert summary["semi_in"]["pass_rate"] == pytest.approx(0.96)
    assert summary["semi_in"]["scrap_rate"] == pytest.approx(0.025)
    assert summary["finished_in"]["pass_rate"] == pytest.approx(0.99) and summary["finished_in"]["scrap_rate"] == 0
    assert summary["outgoing"]["pass_rate"] == pytest.approx(0.998)
    assert summary["outgoing"]["scrap_rate"] == pytest.approx(0.002)
    reasons = stage_reasons(facts, period)
    semi = reasons.filter(reasons["stage"] == "semi_in")
    assert semi.get_column("reason").to_list() == ["DF-DIM", "DF-COLOR"]
    assert semi.get_column("rejected").to_list() == [14, 2]
    assert semi.get_column("share").to_list() == pytest.approx([0.875, 0.125])
    assert reasons.filter(reasons["stage"] == "outgoing").get_column("rejected").to_list() == [1]


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
    """Every stage has lots in the small demo; first-pass rates 95–100 %, later stages no worse than
    the semi-finished receipt, scrap rate of the new stages under 1 %."""
    from seed.demo import load_demo
    from tests.conftest import make_database
    engine, drop = make_database("sqlite", tmp_path)
    try:
        load_demo(engine, "small", today=date(2026, 6, 15))
        summary = {r["stage"]: r for r in stage_summary(load_facts(engine)).iter_rows(named=True)}
    finally:
        drop()
    assert set(summary) == set(STAGES)
    assert all(0.95 <= r["pass_rate"] <= 1.0 for r in summary.values())
    assert summary["outgoing"]["pass_rate"] >= summary["finished_in"]["pass_rate"] >= summary["semi_in"]["pass_rate"]
    assert all(0 < summary[s]["scrap_rate"] < 0.01 for s in ("semi_in", "finished_in", "outgoing"))
