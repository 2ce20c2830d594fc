"""Delivery status of order lines (docs/kpis.md, delivery), shared by customer and supplier delivery.

Rules, in one place:
- a line is due in the period of its promised_date;
- it is on time when the quantity delivered with date <= promised_date + tolerance_days reaches
  the ordered qty (over-delivery counts as full, early delivery as on time);
- it is *evaluated* (counts in the denominators) when it is complete, or when promised_date +
  tolerance_days is on or before `today`; an evaluated line that is not on time is late, so a
  line due on or before today and still open is late; an open line not yet due is not counted;
- the status is as known on `today`: deliveries dated after it are ignored;
- OTIF: one single delivery by the due date carried the full ordered qty;
- lateness (days) = date the qty was complete − promised_date (negative = early); for an open,
  overdue line: today − promised_date;
- an order is evaluated when all its lines are, dated by its latest promised_date, on time
  when every line is on time.
"""
from __future__ import annotations

from datetime import date

import polars as pl


def line_status(lines: pl.DataFrame, deliveries: pl.DataFrame, keys: list[str], today: date,
                tolerance_days: int = 0) -> pl.DataFrame:
    """Every line of `lines` (keys, promised_date, qty, dims) with its delivery status.

    `deliveries` has keys, `date` (ship or receipt date) and `qty`. Returns the lines with
    date (= promised_date), delivered_qty, on_time_qty, complete_date, evaluated, on_time, late,
    otif, open, overdue, lateness_days."""
    tol = pl.duration(days=tolerance_days)
    due_by = pl.col("promised_date") + tol
    ordered = lines.select(*keys, "promised_date", pl.col("qty").alias("ordered"))
    # Running total per line: rows sorted by line and date, the plant-wide running total minus its
    # value before the line's first row (a window per line is ~50x slower with one or two rows per
    # line); rounded so that float noise cannot decide whether 0.1 + 0.2 delivered 0.3.
    first_of_line = pl.any_horizontal([pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys])
    running = pl.col("qty").cum_sum()
    moves = (deliveries.filter(pl.col("date") <= pl.lit(today))  # the status as known on `today`
             .select(*keys, "date", "qty").join(ordered, on=keys, how="inner")
             .sort([*keys, "date"])
             .with_columns(cumulative=(running - pl.when(first_of_line).then(running - pl.col("qty"))
                                       .forward_fill()).round(9)))
    per_line = moves.group_by(keys).agg(
        delivered_qty=pl.col("qty").sum(),
        on_time_delivered=pl.col("qty").filter(pl.col("date") <= due_by).sum(),
        complete_date=pl.col("date").filter(pl.col("cumulative") >= pl.col("ordered")).min(),
        otif=((pl.col("qty") >= pl.col("ordered")) & (pl.col("date") <= due_by)).any(),
    )
    out = lines.join(per_line, on=keys, how="left").with_columns(
        pl.col("delivered_qty").fill_null(0), pl.col("on_time_delivered").fill_null(0),
        pl.col("otif").fill_null(False), date=pl.col("promised_date"))
    complete = pl.col("complete_date").is_not_null()
    return out.with_columns(
        on_time_qty=pl.min_horizontal("on_time_delivered", "qty").cast(pl.Float64),
        evaluated=complete | (due_by <= pl.lit(today)),
        on_time=complete & (pl.col("complete_date") <= due_by),
        open=~complete,
        overdue=~complete & (due_by <= pl.lit(today)),
        lateness_days=pl.when(complete)
        .then((pl.col("complete_date") - pl.col("promised_date")).dt.total_days())
        .when(due_by <= pl.lit(today))
        .then((pl.lit(today) - pl.col("promised_date")).dt.total_days()),
    ).with_columns(late=pl.col("evaluated") & ~pl.col("on_time")).drop("on_time_delivered")


def delivery_lines(facts, today: date, tolerance_days: int = 0) -> pl.DataFrame:
    """Customer order lines with their status (all lines, evaluated or not)."""
    lines, shipments = facts["order_lines"], facts["order_shipments"]
    # facts read from the database carry line_id, one integer per line: a cheaper key than the pair
    keys = ["line_id"] if "line_id" in lines.columns and "line_id" in shipments.columns else ["order_no", "line_no"]
    return line_status(lines, shipments, keys, today, tolerance_days)


def evaluated_lines(facts, today: date, tolerance_days: int = 0) -> pl.DataFrame:
    return facts["delivery_lines_all"].filter(pl.col("evaluated"))


def delivery_orders(facts, today: date, tolerance_days: int = 0) -> pl.DataFrame:
    """One row per order whose every line is evaluated: date = latest promised_date."""
    lines = facts["delivery_lines_all"]
    return (lines.group_by("order_no")
            .agg(date=pl.col("promised_date").max(), all_evaluated=pl.col("evaluated").all(),
                 on_time=pl.col("on_time").all(), customer=pl.col("customer").first(),
                 abc_class=pl.col("abc_class").first())
            .filter(pl.col("all_evaluated")).drop("all_evaluated"))


def supplier_lines(facts, today: date, tolerance_days: int = 0) -> pl.DataFrame:
    """Evaluated purchase order lines (receipts against promised dates)."""
    lines = facts["po_lines"].drop("date")
    return line_status(lines, facts["po_receipts"], ["po_no", "line_no"], today,
                       tolerance_days).filter(pl.col("evaluated"))


# Facts the engine derives at compute time because they depend on `today` and the tolerance.
# Each receives the engine's resolver (a mapping that also resolves derived names, memoised).
DERIVED_FACTS = {
    "delivery_lines_all": delivery_lines,
    "delivery_lines": evaluated_lines,
    "delivery_orders": delivery_orders,
    "supplier_lines": supplier_lines,
}

# The facts each derived fact is made from (the engine reuses a derived frame while they are the same objects).
DERIVED_INPUTS = {
    "delivery_lines_all": ("order_lines", "order_shipments"),
    "delivery_lines": ("delivery_lines_all",),
    "delivery_orders": ("delivery_lines_all",),
    "supplier_lines": ("po_lines", "po_receipts"),
}

# The people facts derived from attendance (the plant calendar's months, dashboard.kpi.people).
from dashboard.kpi.people import DERIVED_FACTS as _PEOPLE_FACTS, DERIVED_INPUTS as _PEOPLE_INPUTS  # noqa: E402

DERIVED_FACTS.update(_PEOPLE_FACTS)
DERIVED_INPUTS.update(_PEOPLE_INPUTS)
# The PM plan's status as known on `today` (dashboard.kpi.equipment).
from dashboard.kpi.equipment import DERIVED_FACTS as _EQUIPMENT_FACTS, DERIVED_INPUTS as _EQUIPMENT_INPUTS  # noqa: E402

DERIVED_FACTS.update(_EQUIPMENT_FACTS)
DERIVED_INPUTS.update(_EQUIPMENT_INPUTS)
