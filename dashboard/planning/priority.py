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

The score ranks the list for the planner's attention; it does not change the projection
(projection.py), which every planning view shares: required hours are the projection's hours still
to make (after finished stock and WIP), expected_finish its projected finish, late its status
(overdue or projected late), so that the late lines here are those of Capacity, MRP and Progress.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboard.planning.capacity import machine_load
from dashboard.planning.projection import Projection, project
from dashboard.planning.schedule import DEFAULT_EFFICIENCY, DEFAULT_WEEKS, OPERATION_LEAD_DAYS, Frames, ShiftCalendar

CLASS_POINTS = {"A": 1.0, "B": 0.5, "C": 0.0}


@dataclass(frozen=True)
class PriorityWeights:
    due: float = 0.4
    customer: float = 0.3
    bottleneck: float = 0.2
    operations: float = 0.1


def priority_list(frames: Frames, today: date, weights: PriorityWeights = PriorityWeights(),
                  weeks: int = DEFAULT_WEEKS, calendar: ShiftCalendar = ShiftCalendar(),
                  op_lead_days: int = OPERATION_LEAD_DAYS, efficiency_default: float = DEFAULT_EFFICIENCY,
                  projection: Projection | None = None) -> pl.DataFrame:
    """Open order lines ranked (rank 1 first) with their score components, bottleneck machines,
    required hours, stock and WIP allocated, expected finish date, lateness_days, status and late flag."""
    projection = projection or project(frames, today, calendar, op_lead_days, efficiency_default)
    horizon_days = weeks * 7
    lines = projection.lines
    overloaded = (machine_load(frames, today, weeks, calendar, op_lead_days, efficiency_default, projection)
                  .filter(pl.col("bottleneck")).select("machine_code", "week", on_bottleneck=pl.lit(True)))
    per_line = (projection.operations.join(overloaded, on=["machine_code", "week"], how="left")
                .group_by("order_no", "line_no")
                .agg(bottleneck_machines=pl.col("machine_code").filter(pl.col("on_bottleneck").fill_null(False))
                     .cast(pl.String).unique().sort().str.join(", ")))
    most_steps = lines.get_column("n_steps").max() or 0
    days_to_due = (pl.col("promised_date") - pl.lit(today)).dt.total_days()
    ranked = (lines.join(per_line, on=["order_no", "line_no"], how="left")
              .with_columns(pl.col("bottleneck_machines").fill_null(""), days_to_due=days_to_due)
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
    return (ranked.with_columns(expected_finish="projected_finish", late=pl.col("status") != "on_track")
            .select("rank", "order_no", "line_no", "customer_code", "abc_class", "product_code", "remaining_qty",
                    "from_stock", "from_wip", "to_make", "promised_date", "days_to_due", "n_steps",
                    "bottleneck_machines", "due_points", "customer_points", "bottleneck_points", "operations_points",
                    "score", "required_h", "expected_finish", "lateness_days", "status", "late", "sequence")
            .sort("rank"))
