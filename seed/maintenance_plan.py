"""The demo plant's preventive-maintenance plan and the resin price rise (issue 17), from their own
random stream (the demo's seed + SEED_OFFSET), so the other demo figures stay as they were:

- PM plan: every machine has a monthly PM planned on the first Sunday of the month (the demo's
  PM work, seed.demo). Most are done that day; LATE_SHARE are done one or two Sundays late and
  MISSED_SHARE are not done at all (still planned, no cost); the rest of the current month is
  planned (not yet due). PM compliance comes out near 90 %; maintenance cost stays what the work cost (¥30–38k a
  month, repairs included).
- Resin price rise: PO lines of the resin materials ordered from RISE_FROM (1 July of the last full
  half-year) cost RISE_FIRST_MONTH more in the first month and RISE more from then on, on top of the
  demo's small seasonal swing: the price trend and the price variance show it. The receipts' moves are
  valued at the new PO prices too (supplier invoices are built later, from the POs).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

SEED_OFFSET = 1711
LATE_SHARE = 0.07
MISSED_SHARE = 0.04
PLAN_AHEAD_MONTHS = 1  # the rest of this month: later months would give the costs future months
RESINS = ("M-PA66-BK", "M-PA66-NT", "M-PBT-GF", "M-PC-CL", "M-PP-NT", "M-ABS-WH")
RISE_FIRST_MONTH, RISE = 0.05, 0.12


def rise_from(today: date) -> date:
    """1 July of this year when today is past September (a few months of the new prices), else of last year."""
    return date(today.year if today.month >= 10 else today.year - 1, 7, 1)


def _first_sunday(month: date) -> date:
    return month + timedelta(days=(6 - month.weekday()) % 7)


def pm_plan(maintenance: pl.DataFrame, machines: list[str], today: date, rng: np.random.Generator) -> pl.DataFrame:
    """The maintenance rows with the PM plan: planned_date and status on every PM, a few late or missed,
    the coming months planned."""
    pm = maintenance.filter(pl.col("type") == "preventive").sort("start", "machine_code")
    n = pm.height
    draw = rng.random(n)
    late_days = np.where(draw < LATE_SHARE, rng.choice([7, 14], n, p=[0.7, 0.3]), 0)
    missed = (draw >= LATE_SHARE) & (draw < LATE_SHARE + MISSED_SHARE)
    shift = pl.duration(days=pl.Series(late_days))
    pm = pm.with_columns(planned_date=pl.col("start").dt.date(), status=pl.lit("done"))
    pm = pm.with_columns(start=pl.col("start") + shift, end=pl.col("end") + shift)
    # late work done after today is not done yet: it is missed (still planned) as of today
    missed = missed | (pm["start"].dt.date() > today).to_numpy()
    pm = pm.with_columns(status=pl.when(pl.Series(missed)).then(pl.lit("planned")).otherwise(pl.col("status")),
                         cost=pl.when(pl.Series(missed)).then(0.0).otherwise(pl.col("cost")))
    # a missed PM stays in the plan at its planned time (its row was never updated)
    pm = pm.with_columns(start=pl.when(pl.Series(missed)).then(pl.col("start") - shift).otherwise(pl.col("start")),
                         end=pl.when(pl.Series(missed)).then(pl.col("end") - shift).otherwise(pl.col("end")))
    ahead = []
    month = today.replace(day=1)
    for _ in range(PLAN_AHEAD_MONTHS):
        sunday = _first_sunday(month)
        if sunday > today:
            for code in machines:
                start = datetime.combine(sunday, datetime.min.time()).replace(hour=7)
                ahead.append((code, start, start + timedelta(hours=3), "preventive", 0.0, "monthly PM 月度保养",
                              sunday, "planned"))
        month = (month + timedelta(days=32)).replace(day=1)
    coming = pl.DataFrame(ahead, schema={"machine_code": pl.String, "start": pl.Datetime("us"),
                                         "end": pl.Datetime("us"), "type": pl.String, "cost": pl.Float64,
                                         "note": pl.String, "planned_date": pl.Date, "status": pl.String},
                          orient="row")
    repairs = maintenance.filter(pl.col("type") != "preventive").with_columns(
        planned_date=pl.lit(None, pl.Date), status=pl.lit("done"))
    return pl.concat([pm, coming, repairs], how="diagonal_relaxed").sort("start", "machine_code")


def resin_prices(purchase_orders: pl.DataFrame, moves: pl.DataFrame, today: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """PO lines of resins ordered from rise_from(today) at the risen price, and the receipt moves valued at it."""
    start = rise_from(today)
    first_month_end = (start + timedelta(days=32)).replace(day=1)
    factor = (pl.when(~pl.col("material_code").is_in(RESINS) | (pl.col("order_date") < pl.lit(start))).then(1.0)
              .when(pl.col("order_date") < pl.lit(first_month_end)).then(1.0 + RISE_FIRST_MONTH)
              .otherwise(1.0 + RISE))
    pos = purchase_orders.with_columns(unit_price=(pl.col("unit_price") * factor).round(3))
    price = pos.select(ref=pl.format("{}/{}", pl.col("po_no"), pl.col("line_no")), new_price=pl.col("unit_price"))
    moves = (moves.join(price, on="ref", how="left")
             .with_columns(unit_cost=pl.when(pl.col("move") == "receipt").then(pl.col("new_price"))
                           .otherwise(pl.col("unit_cost")).fill_null(pl.col("unit_cost")))
             .drop("new_price"))
    return pos, moves


def generate(frames: dict[str, pl.DataFrame], start: date, today: date, seed: int) -> dict[str, pl.DataFrame]:
    """maintenance (with the PM plan), purchase_orders and material_moves (the resin price rise)."""
    rng = np.random.default_rng(seed + SEED_OFFSET)
    machines = frames["machines"].filter(pl.col("active") if "active" in frames["machines"].columns else pl.lit(True))
    maintenance = pm_plan(frames["maintenance"], machines["machine_code"].to_list(), today, rng)
    pos, moves = resin_prices(frames["purchase_orders"], frames["material_moves"], today)
    return {"maintenance": maintenance, "purchase_orders": pos, "material_moves": moves}
