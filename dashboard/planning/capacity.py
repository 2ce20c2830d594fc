"""Capacity load per machine and line and week (docs/architecture.md "The plant": capacity analysis).

required_h  = Σ over the operations of the projection (projection.py) that the projection put on the
              machine: quantity still to make there (after finished stock and WIP) × ideal_cycle_s
              / 3600 / efficiency, where efficiency = availability × performance of the machine over
              the last 4 weeks (the KPI engine's definitions), 0.85 without history; in the week of the
              operation's need date (promised date − op_lead_days per operation up to the last).
available_h = the shift calendar's hours minus planned (preventive) maintenance (schedule.daily_capacity);
              in the current week only the days from today on count.
load        = required_h / available_h (null when nothing is available).
bottleneck  = work is required and load > 100 % (or no hours are available at all).
busiest     = the machine with the highest load of the week (one per week; ties: lowest code).
Lines placed after the horizon are left out; work placed before the current week is in the current week.
"""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from dashboard.planning.projection import Projection, project
from dashboard.planning.schedule import (DEFAULT_EFFICIENCY, DEFAULT_WEEKS, OPERATION_LEAD_DAYS, Frames,
                                         ShiftCalendar, daily_capacity, horizon_weeks, machine_efficiency,
                                         machine_list)


def _ratio(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(None).cast(pl.Float64)


def _flags(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        load=_ratio("required_h", "available_h"),
        bottleneck=(pl.col("required_h") > 0) & ((pl.col("available_h") <= 0) | (pl.col("required_h") > pl.col("available_h"))),
    )


def machine_load(frames: Frames, today: date, weeks: int = DEFAULT_WEEKS, calendar: ShiftCalendar = ShiftCalendar(),
                 op_lead_days: int = OPERATION_LEAD_DAYS, efficiency_default: float = DEFAULT_EFFICIENCY,
                 projection: Projection | None = None) -> pl.DataFrame:
    """One row per machine and week of the horizon: week, machine_code, line_code, efficiency,
    required_h, planned_h, maintenance_h, available_h, load, bottleneck, busiest.
    Inactive machines appear only when work is routed to them."""
    projection = projection or project(frames, today, calendar, op_lead_days, efficiency_default)
    week_list = horizon_weeks(today, weeks)
    end = week_list[-1] + timedelta(days=7)
    required = (projection.operations.filter(pl.col("week") < end)
                .group_by("machine_code", "week").agg(required_h=pl.col("hours").sum()))
    # The current week's hours count from today: the days already gone cannot take work any more.
    available = (daily_capacity(frames, today, (end - today).days, calendar)
                 .group_by("machine_code", week=pl.col("day").dt.truncate("1w"))
                 .agg(pl.col("planned_h").sum(), pl.col("maintenance_h").sum(), pl.col("available_h").sum()))
    efficiency = machine_efficiency(frames, today, default=efficiency_default).select("machine_code", "efficiency")
    grid = (machine_list(frames).join(pl.DataFrame({"week": week_list}), how="cross")
            .join(available, on=["machine_code", "week"], how="left")
            .join(required, on=["machine_code", "week"], how="left")
            .join(efficiency, on="machine_code", how="left")
            .with_columns(pl.col("required_h", "planned_h", "maintenance_h", "available_h").fill_null(0.0)))
    has_work = pl.col("required_h").sum().over("machine_code") > 0
    table = _flags(grid.filter(pl.col("active") | has_work))
    top = (table.filter(pl.col("required_h") > 0)
           .sort("week", pl.col("load").fill_null(float("inf")), "machine_code", descending=[False, True, False])
           .group_by("week", maintain_order=True).first().select("week", "machine_code", busiest=pl.lit(True)))
    return (table.join(top, on=["week", "machine_code"], how="left")
            .with_columns(pl.col("busiest").fill_null(False))
            .select("week", "machine_code", "line_code", "efficiency", "required_h", "planned_h", "maintenance_h",
                    "available_h", "load", "bottleneck", "busiest")
            .sort("week", "line_code", "machine_code"))


def line_load(machine_table: pl.DataFrame) -> pl.DataFrame:
    """The machine table summed per line and week: week, line_code, required_h, available_h, load, bottleneck."""
    return _flags(machine_table.group_by("week", "line_code")
                  .agg(pl.col("required_h").sum(), pl.col("available_h").sum())
                  .sort("week", "line_code"))


def bottlenecks(machine_table: pl.DataFrame) -> pl.DataFrame:
    """machine_code, week of every overloaded machine-week."""
    return machine_table.filter(pl.col("bottleneck")).select("machine_code", "week")
