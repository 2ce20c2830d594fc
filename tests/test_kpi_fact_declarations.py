"""The fact declarations (dashboard.kpi.facts) built from small hand-made frames: no database."""
from datetime import date

import polars as pl
import pytest

from dashboard.kpi.facts import FACTS, FrameFacts, kinds_for, windowed_facts

D = date(2026, 3, 2)
MACHINES = pl.DataFrame({"machine_code": ["M1", "M2"], "line_code": ["INJ", "DMC"]})
REASONS = pl.DataFrame({"reason_code": ["R1"], "category": ["breakdown"]})


def test_downtime_gets_its_machine_line_and_an_unknown_reason_reads_unassigned():
    facts = FrameFacts({"downtime": pl.DataFrame({"date": [D, D], "shift": ["A", "B"], "machine_code": ["M1", "M2"],
                                                  "reason_code": ["R1", "XX"], "minutes": [30.0, 12.0]}),
                        "reasons": REASONS, "machines": MACHINES})
    rows = facts["downtime"].sort("machine").select("line", "reason", "category", "minutes").rows()
    assert rows == [("INJ", "R1", "breakdown", 30.0), ("DMC", "Unassigned", "Unassigned", 12.0)]


def test_shipments_carry_their_order_lines_customer_and_class():
    """A fact built on another (order_shipments uses order_lines): 40 of 100 pieces to C1, class A."""
    facts = FrameFacts({
        "orders": pl.DataFrame({"id": [7], "order_no": ["SO1"], "line_no": [1], "customer_code": ["C1"],
                                "product_code": ["P1"], "order_date": [D], "promised_date": [D], "qty": [100],
                                "unit_price": [2.5]}),
        "customers": pl.DataFrame({"customer_code": ["C1"], "abc_class": ["A"]}),
        "shipments": pl.DataFrame({"order_no": ["SO1"], "line_no": [1], "ship_date": [D], "qty": [40]})})
    row = facts["order_shipments"].row(0, named=True)
    assert (row["line_id"], row["customer"], row["abc_class"], row["product"], row["qty"]) == (7, "C1", "A", "P1", 40.0)


def test_a_build_reading_an_undeclared_kind_is_refused():
    facts = FrameFacts({"costs": pl.DataFrame({"month": ["2026-03"], "department": ["hr"], "category": ["other"],
                                               "amount": [5.0]})})
    assert facts["costs"].row(0) == (D.replace(day=1), "hr", "other", 5.0)
    with pytest.raises(KeyError, match="add it to its inputs"):
        from dashboard.kpi.facts import _Inputs
        _Inputs(FACTS["costs"], facts).kind("machines")


def test_declarations_are_consistent():
    """Every used fact is declared, a windowed fact reads its own kind, and kinds_for follows uses."""
    for f in FACTS.values():
        assert all(u in FACTS for u in f.uses), f.name
    assert set(windowed_facts()) == {"production", "scrap", "downtime", "inspections", "surveys", "complaints",
                                     "attendance", "costs"}
    assert set(kinds_for(["order_shipments"])) == {"shipments", "orders", "customers"}
