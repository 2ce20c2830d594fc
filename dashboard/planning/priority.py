"""Priority list of open order lines by the plant's scheduling principles (docs/architecture.md "The plant").

Each principle gives a component between 0 and 1; the score is their weighted sum (weights set by
the planner; the table shows each weighted component, so a line's rank explains itself):
  due         earliest due date first: 1 when due today or overdue, falling linearly to 0 for a
              line due `horizon_days` (8 weeks) or more from today: (horizon − days to due) / horizon
  customer    customer class A 1, B 0.5, C (or unknown) 0
  bottleneck  1 when a routing step of the line sits on a machine overloaded (load > 100 %) in the
              week that step is placed in (capacity balance: these lines need attention first)
  operations  steps in the routing / the most steps of any open line (more operations = more attention)
Ties: earlier promised date, then order_no, then line_no.

Expected lateness (simple forward loading): from today, each machine works its lines' steps in
priority order; a step finishes on the first day the machine's cumulative available hours
(shift calendar minus planned maintenance) reach the cumulative required hours of all steps
ranked up to it. A line is finished when its last-finishing step is (the order of the steps
within a line is not modelled); it is late when that day is after the promised date.
Lines without routing cannot be loaded: no finish date, never flagged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.planning.capacity import machine_load, placed_operations
from dashboard.planning.schedule import (DEFAULT_EFFICIENCY, DEFAULT_WEEKS, OPERATION_LEAD_DAYS, Frames,
                                         ShiftCalendar, daily_capacity, open_order_lines)

CLASS_POINTS = {"A": 1.0, "B": 0.5, "C": 0.0}
FORWARD_LOADING_DAYS = 366  # lines that cannot finish within a year get no finish date


@dataclass(frozen=True)
class PriorityWeights:
    due: float = 0.4
    customer: float = 0.3
    bottleneck: float = 0.2
    operations: float = 0.1


def priority_list(frames: Frames, today: date, weights: PriorityWeights = PriorityWeights(),
                  weeks: int = DEFAULT_WEEKS, calendar: ShiftCalendar = ShiftCalendar(),
                  op_lead_days: int = OPERATION_LEAD_DAYS, efficiency_default: float = DEFAULT_EFFICIENCY) -> pl.DataFrame:
    """Open order lines ranked (rank 1 first) with their score components, bottleneck machines,
    required hours, expected finish date, lateness_days and late flag."""
    horizon_days = weeks * 7
    lines = open_order_lines(frames)
    ops = placed_operations(frames, today, weeks, op_lead_days, efficiency_default)
    overloaded = (machine_load(frames, today, weeks, calendar, op_lead_days, efficiency_default)
                  .filter(pl.col("bottleneck")).select("machine_code", "week", on_bottleneck=pl.lit(True)))
    per_line = (ops.join(overloaded, on=["machine_code", "week"], how="left")
                .group_by("order_no", "line_no")
                .agg(n_steps=pl.len().cast(pl.Int64), required_h=pl.col("hours").sum(),
                     bottleneck_machines=pl.col("machine_code").filter(pl.col("on_bottleneck").fill_null(False))
                     .unique().sort().str.join(", ")))
    most_steps = per_line.get_column("n_steps").max() or 0
    days_to_due = (pl.col("promised_date") - pl.lit(today)).dt.total_days()
    ranked = (lines.join(per_line, on=["order_no", "line_no"], how="left")
              .with_columns(pl.col("n_steps").fill_null(0), pl.col("bottleneck_machines").fill_null(""),
                            days_to_due=days_to_due)
              .with_columns(
                  due_points=weights.due * ((horizon_days - pl.col("days_to_due")) / horizon_days).clip(0.0, 1.0),
                  customer_points=weights.customer * pl.col("abc_class").replace_strict(CLASS_POINTS, default=0.0,
                                                                                         return_dtype=pl.Float64),
                  bottleneck_points=weights.bottleneck * (pl.col("bottleneck_machines") != "").cast(pl.Float64),
                  operations_points=weights.operations * (pl.col("n_steps") / most_steps if most_steps else pl.lit(0.0)),
              )
              .with_columns(score=pl.col("due_points") + pl.col("customer_points") + pl.col("bottleneck_points")
                            + pl.col("operations_points"))
              .sort(["score", "promised_date", "order_no", "line_no"], descending=[True, False, False, False])
              .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)))
    finish = forward_load(ranked.select("order_no", "line_no", "rank"), ops, frames, today, calendar)
    return (ranked.join(finish, on=["order_no", "line_no"], how="left")
            .with_columns(lateness_days=pl.when(pl.col("expected_finish").is_not_null())
                          .then(((pl.col("expected_finish") - pl.col("promised_date")).dt.total_days()).clip(lower_bound=0))
                          .otherwise(None))
            # Beyond the loading window (no finish date although routed) is late too.
            .with_columns(late=(pl.col("lateness_days").fill_null(0) > 0)
                          | ((pl.col("n_steps") > 0) & pl.col("expected_finish").is_null()))
            .select("rank", "order_no", "line_no", "customer_code", "abc_class", "product_code", "remaining_qty",
                    "promised_date", "days_to_due", "n_steps", "bottleneck_machines", "due_points", "customer_points",
                    "bottleneck_points", "operations_points", "score", "required_h", "expected_finish",
                    "lateness_days", "late")
            .sort("rank"))


def forward_load(ranks: pl.DataFrame, ops: pl.DataFrame, frames: Frames, today: date,
                 calendar: ShiftCalendar = ShiftCalendar()) -> pl.DataFrame:
    """order_no, line_no, expected_finish: the forward loading described in the module docstring."""
    days = (daily_capacity(frames, today, FORWARD_LOADING_DAYS, calendar)
            .filter(pl.col("available_h") > 0)
            .sort("machine_code", "day")
            .with_columns(cum_available=pl.col("available_h").cum_sum().over("machine_code"))
            .select("machine_code", "day", "cum_available"))
    steps = (ops.join(ranks, on=["order_no", "line_no"], how="inner")
             .sort("machine_code", "rank", "step")
             .with_columns(cum_required=pl.col("hours").cum_sum().over("machine_code"))
             .sort("cum_required"))
    if steps.height == 0:
        return pl.DataFrame(schema={"order_no": pl.String, "line_no": pl.Int64, "expected_finish": pl.Date})
    # A tiny tolerance so that a step needing exactly the hours of a day finishes on that day.
    done = steps.with_columns(pl.col("cum_required") - 1e-9).join_asof(
        days.sort("cum_available"), left_on="cum_required", right_on="cum_available", by="machine_code",
        strategy="forward", check_sortedness=False)  # both sorted on the key above, hence within each machine
    # A line with a step that does not fit within the loading window has no finish date.
    return (done.group_by("order_no", "line_no")
            .agg(expected_finish=pl.when(pl.col("day").is_null().any()).then(None).otherwise(pl.col("day").max())))
