"""Rules shared by every planning view: open order lines, weeks, need dates, stock, shift calendar.

Need dates (backward scheduling with a fixed lead per operation): an order line's routing
steps run one after the other and each takes `op_lead_days` calendar days (default 2), so that
the last step ends on the promised date. Step k of n (by seq) is needed on

    op_date = promised_date − (n − k + 1) × op_lead_days

and the projection (projection.py) puts its hours in the week (Monday–Sunday) of op_date for the
capacity load. Work that should have been done before the current week (overdue lines, late starts)
lands in the current week: it can only be done from now on. The production start of a line is the
date of its first step, promised_date − n × op_lead_days (a line without routing: promised_date −
op_lead_days).

Shift calendar: a machine works `days_per_week` days (Monday first; default 6, Monday–Saturday),
`shifts_per_day` × `hours_per_shift` planned hours a day (default 2 × 7 h). Planned (preventive)
maintenance removes its hours from the working days it overlaps (never below 0 for a day;
maintenance on a day off costs no capacity). Inactive machines have no hours.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

DEFAULT_WEEKS = 8
OPERATION_LEAD_DAYS = 2
DEFAULT_EFFICIENCY = 0.85  # availability × performance assumed for a machine without recent history
EFFICIENCY_LOOKBACK_DAYS = 28

Frames = Mapping[str, pl.DataFrame]

OPEN_LINE_SCHEMA = {
    "order_no": pl.Categorical, "line_no": pl.Int64, "customer_code": pl.Categorical, "abc_class": pl.String,
    "product_code": pl.Categorical, "order_date": pl.Date, "promised_date": pl.Date, "qty": pl.Float64,
    "shipped_qty": pl.Float64, "remaining_qty": pl.Float64,
}


@dataclass(frozen=True)
class ShiftCalendar:
    shifts_per_day: int = 2
    hours_per_shift: float = 7.0
    days_per_week: int = 6  # Monday first

    @property
    def hours_per_day(self) -> float:
        return self.shifts_per_day * self.hours_per_shift

    @property
    def hours_per_week(self) -> float:
        return self.hours_per_day * self.days_per_week


def week_start(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def horizon_weeks(today: date, weeks: int = DEFAULT_WEEKS) -> list[date]:
    """The Mondays of the current week and the following weeks."""
    first = week_start(today)
    return [first + timedelta(weeks=i) for i in range(weeks)]


def all_order_lines(frames: Frames) -> pl.DataFrame:
    """Every order line with its ABC class and the quantity shipped so far (to any date)."""
    orders, shipments = frames["orders"], frames["shipments"]
    shipped = shipments.group_by("order_no", "line_no").agg(shipped_qty=pl.col("qty").cast(pl.Float64).sum())
    classes = frames["customers"].select("customer_code", "abc_class")
    return (orders.join(shipped, on=["order_no", "line_no"], how="left")
            .join(classes, on="customer_code", how="left")
            .with_columns(qty=pl.col("qty").cast(pl.Float64), shipped_qty=pl.col("shipped_qty").fill_null(0.0))
            .with_columns(remaining_qty=(pl.col("qty") - pl.col("shipped_qty")).clip(lower_bound=0.0))
            .select(list(OPEN_LINE_SCHEMA))
            .cast(OPEN_LINE_SCHEMA))


def open_order_lines(frames: Frames) -> pl.DataFrame:
    """Order lines with quantity still to ship (remaining = ordered − shipped > 0; over-shipment closes)."""
    return all_order_lines(frames).filter(pl.col("remaining_qty") > 0).sort("promised_date", "order_no", "line_no")


def routing_steps(frames: Frames) -> pl.DataFrame:
    """product_code, seq, machine_code, ideal_cycle_s, step (1..n by seq) and n_steps (operations of the
    product). Alternative machines of one operation share its seq, hence its step."""
    return (frames["routings"].select("product_code", pl.col("seq").cast(pl.Int64), "machine_code",
                                      pl.col("ideal_cycle_s").cast(pl.Float64))
            .sort("product_code", "seq", "machine_code")
            .with_columns(step=pl.col("seq").rank("dense").over("product_code").cast(pl.Int64),
                          n_steps=pl.col("seq").n_unique().over("product_code").cast(pl.Int64)))


def need_date(promised: date, n_steps: int, step: int, op_lead_days: int = OPERATION_LEAD_DAYS) -> date:
    """The latest day step `step` of `n_steps` can run for the line to be on time (module docstring)."""
    return promised - timedelta(days=(n_steps - step + 1) * op_lead_days)


def step_counts(frames: Frames) -> pl.DataFrame:
    """product_code, n_steps: operations of the routing (products without routing are absent)."""
    return frames["routings"].group_by("product_code").agg(n_steps=pl.col("seq").n_unique().cast(pl.Int64))


# Sign of each move type in an item's balance (docs/kpis.md, materials); adjust carries its own sign.
MOVE_SIGN = {"receipt": 1, "return": 1, "semi_in": 1, "finished_in": 1, "adjust": 1,
             "issue": -1, "semi_out": -1, "sales_out": -1, "scrap_out": -1}


def stock_on_hand(frames: Frames, today: date, items: list[str], ignore_moves: tuple[str, ...] = ()) -> pl.DataFrame:
    """item_code, on_hand, basis ('stocktake' or 'moves'), stocktake_date for every item of `items`, at today:
    the latest stocktake on or before today plus the signed moves after its date up to today; without a
    stocktake, opening 0 plus every move up to today. Moves of a type in `ignore_moves` are left out."""
    wanted = pl.DataFrame({"item_code": items}, schema={"item_code": pl.Categorical})
    # the moves of these items only: the history of every other item is not summed to be dropped
    moves = (frames["material_moves"].filter(pl.col("item_code").is_in(wanted.get_column("item_code"))
                                             & (pl.col("date") <= today) & ~pl.col("move").is_in(list(ignore_moves)))
             .select("item_code", "date",
                     signed=pl.col("qty") * pl.col("move").replace_strict(MOVE_SIGN, return_dtype=pl.Float64)))
    counts = (frames["stocktake"].filter(pl.col("date") <= today).sort("date")
              .group_by("item_code").agg(stocktake_date=pl.col("date").last(),
                                         counted=pl.col("counted_qty").last().cast(pl.Float64)))
    since = (moves.join(counts, on="item_code", how="left")
             .filter(pl.col("stocktake_date").is_null() | (pl.col("date") > pl.col("stocktake_date")))
             .group_by("item_code").agg(moved=pl.col("signed").sum()))
    return (wanted.join(counts, on="item_code", how="left").join(since, on="item_code", how="left")
            .select("item_code",
                    on_hand=pl.col("counted").fill_null(0.0) + pl.col("moved").fill_null(0.0),
                    basis=pl.when(pl.col("stocktake_date").is_not_null()).then(pl.lit("stocktake")).otherwise(pl.lit("moves")),
                    stocktake_date="stocktake_date"))


def production_start(n_steps: pl.Expr, op_lead_days: int = OPERATION_LEAD_DAYS) -> pl.Expr:
    """The date a line's first step starts: promised_date − max(n, 1) × op_lead_days."""
    return pl.col("promised_date") - pl.duration(days=pl.max_horizontal(n_steps.fill_null(0), pl.lit(1)) * op_lead_days)


def machine_list(frames: Frames) -> pl.DataFrame:
    """machine_code, line_code, active (null counts as active)."""
    return frames["machines"].select("machine_code", "line_code", active=pl.col("active").fill_null(True))


def daily_capacity(frames: Frames, start: date, days: int, calendar: ShiftCalendar = ShiftCalendar()) -> pl.DataFrame:
    """machine_code, day, planned_h, maintenance_h, available_h for `days` days from `start`."""
    machines = machine_list(frames)
    last = start + timedelta(days=days - 1)
    grid = (pl.DataFrame({"day": pl.date_range(start, last, "1d", eager=True)})
            .join(machines.select("machine_code", "active"), how="cross")
            .with_columns(planned_h=pl.when(pl.col("active") & (pl.col("day").dt.weekday() <= calendar.days_per_week))
                          .then(pl.lit(calendar.hours_per_day)).otherwise(0.0)))
    # only the spans touching the window: the history of maintenance need not be exploded into days
    maintenance = frames["maintenance"].filter((pl.col("type") == "preventive") & (pl.col("end").dt.date() >= start)
                                               & (pl.col("start").dt.date() <= last))
    if maintenance.height:
        spans = (maintenance.select("machine_code", "start", "end")
                 .with_columns(day=pl.date_ranges(pl.col("start").dt.date(), pl.col("end").dt.date(), "1d"))
                 .explode("day")
                 .with_columns(day_start=pl.col("day").cast(pl.Datetime("us")))
                 .with_columns(overlap_h=(pl.min_horizontal(pl.col("end"), pl.col("day_start") + pl.duration(days=1))
                                          - pl.max_horizontal(pl.col("start"), pl.col("day_start")))
                               .dt.total_seconds() / 3600.0)
                 .group_by("machine_code", "day").agg(maintenance_h=pl.col("overlap_h").clip(lower_bound=0).sum()))
        grid = grid.join(spans, on=["machine_code", "day"], how="left")
    else:
        grid = grid.with_columns(maintenance_h=pl.lit(None, pl.Float64))
    return (grid.with_columns(maintenance_h=pl.min_horizontal(pl.col("maintenance_h").fill_null(0.0), pl.col("planned_h")))
            .with_columns(available_h=pl.col("planned_h") - pl.col("maintenance_h"))
            .select("machine_code", "day", "planned_h", "maintenance_h", "available_h")
            .sort("machine_code", "day"))


def machine_efficiency(frames: Frames, today: date, lookback_days: int = EFFICIENCY_LOOKBACK_DAYS,
                       default: float = DEFAULT_EFFICIENCY) -> pl.DataFrame:
    """machine_code, availability, performance (the KPI engine's definitions, last `lookback_days`
    before today) and efficiency = availability × performance, capped at 1 (required hours are
    never less than the ideal ones), or `default` when the machine has no usable history."""
    from dashboard.kpi.engine import Filters, compute

    machines = frames["machines"].select("machine_code")
    fact = frames.get("production_fact")
    if fact is None or fact.height == 0:
        recent = pl.DataFrame(schema={"machine_code": pl.Categorical, "availability": pl.Float64, "performance": pl.Float64})
    else:
        recent = (compute(["availability", "performance"], {"production": fact}, ["machine"],
                          Filters(date_from=today - timedelta(days=lookback_days), date_to=today - timedelta(days=1)))
                  .rename({"machine": "machine_code"}))
    product = pl.col("availability") * pl.col("performance")
    return (machines.join(recent, on="machine_code", how="left")
            .with_columns(efficiency=pl.when(product > 0).then(pl.min_horizontal(product, pl.lit(1.0)))
                          .otherwise(pl.lit(default)))
            .with_columns(pl.col("efficiency").cast(pl.Float64)))
