"""Progress tracking for PC (docs/architecture.md "The plant": PC, "production plan and progress"):
plan vs actual.

Per open order line:
  covered_qty   finished product available for the line: the product's good output since the
                earliest order date among its open lines, minus what those lines already shipped,
                handed out to the open lines in promised-date order (then order_no, line_no)
  gap_qty       remaining_qty − covered_qty (still to produce)
  status        late     promised date before today and quantity still to ship
                behind   production should have started (today ≥ production start, see
                         schedule.production_start) and output does not cover the line
                on_track otherwise
Lines are listed late first (longest overdue first), then behind (biggest share missing first),
then on track (earliest promised date first).

Per week (from `weeks_back` weeks ago to the end of the horizon):
  due_qty       ordered quantity promised in the week; shipped_qty: shipped so far against those lines
  needed_qty    ordered quantity whose production starts in the week (the plan)
  produced_qty  good output of the same products in the week (the actual)
  cum_gap       cumulative needed − cumulative produced over the weeks shown (> 0: behind plan)
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from dashboard.planning.schedule import (DEFAULT_WEEKS, OPERATION_LEAD_DAYS, Frames, all_order_lines, open_order_lines,
                                         production_start, step_counts, week_start)

STATUS_ORDER = {"late": 0, "behind": 1, "on_track": 2}


def _production(frames: Frames, today: date) -> pl.DataFrame:
    fact = frames.get("production_fact")
    if fact is None or fact.height == 0:
        return pl.DataFrame(schema={"date": pl.Date, "product_code": pl.String, "good_qty": pl.Float64})
    return fact.filter(pl.col("date") <= today).select("date", product_code="product",
                                                        good_qty=pl.col("good_qty").cast(pl.Float64))


def line_progress(frames: Frames, today: date, op_lead_days: int = OPERATION_LEAD_DAYS) -> pl.DataFrame:
    """Open order lines with shipped share, coverage by output, status; behind lines first."""
    lines = (open_order_lines(frames).join(step_counts(frames), on="product_code", how="left")
             .with_columns(production_start=production_start(pl.col("n_steps"), op_lead_days)))
    since = lines.group_by("product_code").agg(since=pl.col("order_date").min(), shipped_open=pl.col("shipped_qty").sum())
    made = (_production(frames, today).join(since, on="product_code", how="inner")
            .filter(pl.col("date") >= pl.col("since"))
            .group_by("product_code").agg(made=pl.col("good_qty").sum()))
    pool = (since.join(made, on="product_code", how="left")
            .select("product_code", pool=(pl.col("made").fill_null(0.0) - pl.col("shipped_open")).clip(lower_bound=0.0)))
    days_late = (pl.lit(today) - pl.col("promised_date")).dt.total_days()
    out = (lines.join(pool, on="product_code", how="left")
           .sort("product_code", "promised_date", "order_no", "line_no")
           .with_columns(before=pl.col("remaining_qty").cum_sum().over("product_code") - pl.col("remaining_qty"))
           .with_columns(covered_qty=(pl.col("pool").fill_null(0.0) - pl.col("before")).clip(0.0, None))
           .with_columns(covered_qty=pl.min_horizontal("covered_qty", "remaining_qty"))
           .with_columns(gap_qty=pl.col("remaining_qty") - pl.col("covered_qty"),
                         shipped_share=pl.col("shipped_qty") / pl.col("qty"),
                         days_late=pl.when(days_late > 0).then(days_late).otherwise(0))
           .with_columns(status=pl.when(pl.col("promised_date") < today).then(pl.lit("late"))
                         .when((pl.col("production_start") <= today) & (pl.col("gap_qty") > 0)).then(pl.lit("behind"))
                         .otherwise(pl.lit("on_track")),
                         gap_share=pl.col("gap_qty") / pl.col("remaining_qty")))
    return (out.with_columns(_order=pl.col("status").replace_strict(STATUS_ORDER, return_dtype=pl.Int64),
                             _missing=pl.when(pl.col("status") == "behind").then(pl.col("gap_share")).otherwise(0.0))
            .sort(["_order", "days_late", "_missing", "promised_date", "order_no", "line_no"],
                  descending=[False, True, True, False, False, False])
            .select("status", "order_no", "line_no", "customer_code", "abc_class", "product_code", "qty", "shipped_qty",
                    "remaining_qty", "shipped_share", "promised_date", "production_start", "days_late",
                    "covered_qty", "gap_qty"))


def weekly_progress(frames: Frames, today: date, weeks_back: int = 4, weeks_ahead: int = DEFAULT_WEEKS,
                    products: Sequence[str] | None = None, op_lead_days: int = OPERATION_LEAD_DAYS) -> pl.DataFrame:
    """week, due_qty, shipped_qty, needed_qty, produced_qty, cum_needed, cum_produced, cum_gap."""
    first = week_start(today) - timedelta(weeks=weeks_back)
    weeks = pl.DataFrame({"week": [first + timedelta(weeks=i) for i in range(weeks_back + weeks_ahead)]})
    lines = all_order_lines(frames).join(step_counts(frames), on="product_code", how="left")
    made = _production(frames, today)
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
