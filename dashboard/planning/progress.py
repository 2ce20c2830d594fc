"""Progress tracking for PC (docs/architecture.md "The plant": PC, "production plan and progress"):
plan vs actual.

Per open order line, from the projection every planning view shares (projection.py):
  covered_qty   finished-goods stock allocated to the line (in the projection's sequence)
  wip_qty       pieces already between operations allocated to the line
  gap_qty       remaining_qty − covered_qty (still to produce, WIP included)
  status        late            promised date before today and quantity still to ship
                projected_late  the projection finishes it after its promised date
                behind          production should have started (today ≥ production start, see
                                schedule.production_start) and stock does not cover the line
                on_track        otherwise
Lines are listed late first (longest overdue first), then projected late (longest lateness first),
then behind (biggest share missing first), then on track (earliest promised date first).

Per week (from `weeks_back` weeks ago to the end of the horizon):
  due_qty       ordered quantity promised in the week; shipped_qty: shipped so far against those lines
  needed_qty    ordered quantity whose production starts in the week (the plan)
  produced_qty  finished output of the same products in the week (docs/kpis.md finished_qty: good output of
                each product's last operation, so a piece passing three operations counts once)
  cum_gap       cumulative needed − cumulative produced over the weeks shown (> 0: behind plan)
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from dashboard.planning.projection import Projection, project
from dashboard.planning.schedule import (DEFAULT_WEEKS, OPERATION_LEAD_DAYS, Frames, all_order_lines,
                                         production_start, routing_steps, step_counts, week_start)

STATUS_ORDER = {"late": 0, "projected_late": 1, "behind": 2, "on_track": 3}


def _finished_output(frames: Frames, today: date) -> pl.DataFrame:
    """date, product_code, good_qty of the rows at each product's last operation, up to today."""
    fact = frames.get("production_fact")
    schema = {"date": pl.Date, "product_code": pl.Categorical, "good_qty": pl.Float64}
    if fact is None or fact.height == 0:
        return pl.DataFrame(schema=schema)
    last = (routing_steps(frames).filter(pl.col("step") == pl.col("n_steps"))
            .select(product="product_code", machine="machine_code").unique())
    return (fact.filter(pl.col("date") <= today).join(last, on=["product", "machine"], how="inner")
            .select("date", product_code="product", good_qty=pl.col("good_qty").cast(pl.Float64)))


def line_progress(frames: Frames, today: date, op_lead_days: int = OPERATION_LEAD_DAYS,
                  projection: Projection | None = None) -> pl.DataFrame:
    """Open order lines with shipped share, stock coverage, projected finish and status; late lines first."""
    projection = projection or project(frames, today, op_lead_days=op_lead_days)
    days_late = (pl.lit(today) - pl.col("promised_date")).dt.total_days()
    out = (projection.lines
           .with_columns(production_start=production_start(pl.col("n_steps").replace(0, None), op_lead_days),
                         covered_qty="from_stock", wip_qty="from_wip",
                         gap_qty=pl.col("remaining_qty") - pl.col("from_stock"),
                         shipped_share=pl.col("shipped_qty") / pl.col("qty"),
                         days_late=pl.when(days_late > 0).then(days_late).otherwise(0))
           .with_columns(status=pl.when(pl.col("status") != "on_track").then(pl.col("status"))
                         .when((pl.col("production_start") <= today) & (pl.col("gap_qty") > 0)).then(pl.lit("behind"))
                         .otherwise(pl.lit("on_track")),
                         gap_share=pl.col("gap_qty") / pl.col("remaining_qty")))
    return (out.with_columns(_order=pl.col("status").replace_strict(STATUS_ORDER, return_dtype=pl.Int64),
                             _days=pl.when(pl.col("status") == "late").then(pl.col("days_late"))
                             .when(pl.col("status") == "projected_late").then(pl.col("lateness_days").fill_null(10**6))
                             .otherwise(0),
                             _missing=pl.when(pl.col("status") == "behind").then(pl.col("gap_share")).otherwise(0.0))
            .sort(["_order", "_days", "_missing", "promised_date", "order_no", "line_no"],
                  descending=[False, True, True, False, False, False])
            .select("status", "order_no", "line_no", "customer_code", "abc_class", "product_code", "qty", "shipped_qty",
                    "remaining_qty", "shipped_share", "promised_date", "production_start", "days_late",
                    "covered_qty", "wip_qty", "gap_qty", "projected_finish", "lateness_days"))


def weekly_progress(frames: Frames, today: date, weeks_back: int = 4, weeks_ahead: int = DEFAULT_WEEKS,
                    products: Sequence[str] | None = None, op_lead_days: int = OPERATION_LEAD_DAYS) -> pl.DataFrame:
    """week, due_qty, shipped_qty, needed_qty, produced_qty, cum_needed, cum_produced, cum_gap."""
    first = week_start(today) - timedelta(weeks=weeks_back)
    weeks = pl.DataFrame({"week": [first + timedelta(weeks=i) for i in range(weeks_back + weeks_ahead)]})
    lines = all_order_lines(frames).join(step_counts(frames), on="product_code", how="left")
    made = _finished_output(frames, today)
    if products:
        lines = lines.filter(pl.col("product_code").is_in(list(products)))
        made = made.filter(pl.col("product_code").is_in(list(products)))
    due = lines.group_by(week=pl.col("promised_date").dt.truncate("1w")).agg(
        due_qty=pl.col("qty").sum(), shipped_qty=pl.col("shipped_qty").sum())
    needed = (lines.with_columns(start=production_start(pl.col("n_steps"), op_lead_days))
              .group_by(week=pl.col("start").dt.truncate("1w")).agg(needed_qty=pl.col("qty").sum()))
    produced = made.group_by(week=pl.col("date").dt.truncate("1w")).agg(produced_qty=pl.col("good_qty").sum())
    return (weeks.join(due, on="week", how="left").join(needed, on="week", how="left")
            .join(produced, on="week", how="left")
            .with_columns(pl.col("due_qty", "shipped_qty", "needed_qty", "produced_qty").fill_null(0.0))
            .sort("week")
            .with_columns(cum_needed=pl.col("needed_qty").cum_sum(), cum_produced=pl.col("produced_qty").cum_sum())
            .with_columns(cum_gap=pl.col("cum_needed") - pl.col("cum_produced")))
