"""Receivables and payables at a date, per party and per invoice (docs/kpis.md "Sales and finance"),
from the settlements fact (dated changes: see dashboard.kpi.facts.settlement_changes). Pure polars."""
from __future__ import annotations

from datetime import date

import polars as pl

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")


def open_invoices(settlements: pl.DataFrame, side: str, at: date, party: str | None = None) -> pl.DataFrame:
    """invoice_no, party, due_date, open, days_overdue (≤ 0: not due yet), bucket: the invoices with
    something open at `at`, the most overdue first."""
    party_col = "customer" if side == "ar" else "supplier"
    rows = settlements.filter((pl.col("side") == side) & (pl.col("measure") == "open") & (pl.col("date") <= at))
    if party is not None:
        rows = rows.filter(pl.col(party_col) == party)
    days = (pl.lit(at) - pl.col("due_date")).dt.total_days()
    bucket = (pl.when(days <= 0).then(pl.lit("not_due")).when(days <= 30).then(pl.lit("1_30"))
              .when(days <= 60).then(pl.lit("31_60")).when(days <= 90).then(pl.lit("61_90")).otherwise(pl.lit("over_90")))
    return (rows.group_by("invoice_no", party_col, "due_date").agg(open=pl.col("change").sum().round(2))
            .filter(pl.col("open") > 0.005)
            .select("invoice_no", party=pl.col(party_col), due_date="due_date", open="open",
                    days_overdue=days, bucket=bucket)
            .sort("days_overdue", "open", descending=[True, True]))


def ageing_by_party(settlements: pl.DataFrame, side: str, at: date) -> pl.DataFrame:
    """party, open, overdue and one column per BUCKETS at `at`: the parties with most overdue first."""
    invoices = open_invoices(settlements, side, at)
    schema = {"party": pl.String, "open": pl.Float64, "overdue": pl.Float64, **{b: pl.Float64 for b in BUCKETS}}
    if invoices.height == 0:
        return pl.DataFrame(schema=schema)
    wide = invoices.group_by("party").agg(
        open=pl.col("open").sum(), overdue=pl.col("open").filter(pl.col("bucket") != "not_due").sum(),
        **{b: pl.col("open").filter(pl.col("bucket") == b).sum() for b in BUCKETS})
    return wide.select(list(schema)).sort("overdue", "open", descending=[True, True])
