"""Chart-ready tables of the analysis pages, built on the registry and compute() (pure polars).

Everything here is aggregated (one row per period, machine x day, supplier, loss step, ...) so that
charts never receive raw rows. KPI values come from compute(); the only arithmetic of its own is
what a chart needs around them: control limits of a p-chart, the bar spans of a waterfall, the
period ends of a trend's target line.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import polars as pl

from dashboard.kpi.analyses import oee_losses
from dashboard.kpi.delivery import delivery_lines
from dashboard.kpi import calendar
from dashboard.kpi.compare import target_for
from dashboard.kpi.engine import Filters, applicable, compute, filter_frame
from dashboard.kpi.registry import GRAINS, kpi


def period_end(start: date, grain: str) -> date:
    """The last day of the period (of `grain`, a plant statistics period) that starts on `start`."""
    return calendar.period_end(start, grain)


def clip_grain(grain: str, date_from: date | None, date_to: date | None, max_points: int = 120) -> str:
    """The grain itself, or a coarser one when the period would give more than `max_points` points."""
    if date_from is None or date_to is None:
        return grain
    days = (date_to - date_from).days + 1
    per = {"day": 1, "week": 7, "month": 30, "quarter": 91}
    order = ["day", "week", "month", "quarter"]
    for g in order[order.index(grain):]:
        if days / per[g] <= max_points:
            return g
    return "quarter"


def trend(kpi_ids: Sequence[str], facts: Mapping[str, pl.DataFrame], grain: str, filters: Filters,
          *, today: date | None = None) -> pl.DataFrame:
    """period (start date), period_end, one column per KPI and `<kpi>_target` per KPI.

    A ratio's monthly target applies to any grain inside the month (the mean of the months a
    period spans); a sum's target only to whole months or quarters (a monthly sum is no daily
    target). Periods are clipped to the filter's dates for the target lookup."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    table = compute(list(kpi_ids), facts, [grain], filters, today=today, labels=False)
    table = table.rename({grain: "period"}).filter(pl.col("period").is_not_null())
    if grain == "year":  # the engine gives years as integers
        table = table.with_columns(pl.date(pl.col("period"), 1, 1).alias("period"))
    starts = table.get_column("period").to_list()
    ends = [period_end(s, grain) for s in starts]
    targets = facts["targets"] if "targets" in facts else None
    line = filters.line[0] if filters.line and len(filters.line) == 1 else None
    columns = {"period_end": pl.Series(ends, dtype=pl.Date)}
    for k in kpi_ids:
        values = []
        for s, e in zip(starts, ends):
            if kpi(k).additive and grain not in ("month", "quarter", "year"):
                values.append(None)
            else:
                values.append(target_for(k, targets, s, e, line))
        columns[f"{k}_target"] = pl.Series(values, dtype=pl.Float64)
    return table.with_columns(**columns).select("period", "period_end", *kpi_ids, *[f"{k}_target" for k in kpi_ids])


def p_chart(facts: Mapping[str, pl.DataFrame], filters: Filters, *, today: date | None = None) -> pl.DataFrame:
    """Daily scrap ratio as a p-chart: day, scrap, total, p, center (p̄ of the whole period),
    ucl, lcl (p̄ ± 3·sqrt(p̄(1−p̄)/n) of that day's n, LCL not below 0), out_of_control."""
    daily = compute(["scrap_ratio"], facts, ["day"], filters, today=today, with_measures=True, labels=False)
    daily = daily.filter(pl.col("day").is_not_null() & (pl.col("total") > 0))
    schema = {"day": pl.Date, "scrap": pl.Float64, "total": pl.Float64, "p": pl.Float64, "center": pl.Float64,
              "ucl": pl.Float64, "lcl": pl.Float64, "out_of_control": pl.Boolean}
    if daily.height == 0:
        return pl.DataFrame(schema=schema)
    center = daily.get_column("scrap").sum() / daily.get_column("total").sum()
    sigma = (center * (1 - center) / pl.col("total")).sqrt()
    return (daily.select("day", "scrap", "total", p=pl.col("scrap_ratio"))
            .with_columns(center=pl.lit(center), ucl=pl.lit(center) + 3 * sigma,
                          lcl=pl.max_horizontal(pl.lit(center) - 3 * sigma, pl.lit(0.0)))
            .with_columns(out_of_control=(pl.col("p") > pl.col("ucl")) | (pl.col("p") < pl.col("lcl")))
            .select(list(schema)))


def breakdown(kpi_ids: Sequence[str], facts: Mapping[str, pl.DataFrame], dims: Sequence[str], filters: Filters,
              *, today: date | None = None, with_measures: bool = False) -> pl.DataFrame:
    """compute() by the dimensions, rows whose dimensions are unknown (null) dropped."""
    table = compute(list(kpi_ids), facts, list(dims), filters, today=today, labels=False,
                    with_measures=with_measures)
    return table.filter(*[pl.col(d).is_not_null() for d in dims]) if table.height else table


def keep_top(frame: pl.DataFrame, group: str, value: str, n: int, *, lowest: bool = False) -> pl.DataFrame:
    """The rows of the `n` groups with the largest (or, with `lowest`, smallest) sum of `value`.

    A plant of 864 machines cannot be a readable chart (nor one a browser draws quickly): bars and
    heat-map rows are limited to the groups that matter, the rest is named in a caption."""
    if frame.height == 0 or frame.get_column(group).n_unique() <= n:
        return frame
    total = pl.when(pl.col(value).is_not_null().any()).then(pl.col(value).sum())  # null when the group has no value
    ranked = (frame.group_by(group).agg(total.alias("_rank"))
              .sort(["_rank", group], descending=[not lowest, False], nulls_last=True).head(n))
    return frame.join(ranked.select(group), on=group, how="semi", maintain_order="left")


def heat_map(facts: Mapping[str, pl.DataFrame], filters: Filters, grain: str = "day", *,
             today: date | None = None) -> pl.DataFrame:
    """Scrap ratio per machine and period: machine, period, scrap_ratio, scrap, total."""
    table = breakdown(["scrap_ratio"], facts, ["machine", grain], filters, today=today, with_measures=True)
    if table.height == 0:
        return pl.DataFrame(schema={"machine": pl.String, "period": pl.Date, "scrap_ratio": pl.Float64,
                                    "scrap": pl.Float64, "total": pl.Float64})
    return table.select("machine", pl.col(grain).alias("period"), "scrap_ratio", "scrap", "total")


def waterfall(facts: Mapping[str, pl.DataFrame], filters: Filters, *, today: date | None = None) -> pl.DataFrame:
    """The OEE loss cascade as bar spans: order, step, loss_group, category, minutes, share, start,
    end. Time steps stand on 0; each loss hangs from the level left by the previous bar."""
    losses = oee_losses(facts, filters, today=today)
    rows, level = [], 0.0
    for i, r in enumerate(losses.iter_rows(named=True)):
        minutes = r["minutes"] or 0.0
        if r["loss_group"] is None:
            level = minutes
            start, end = 0.0, minutes
        else:
            start, end = level - minutes, level
            level -= minutes
        rows.append({**r, "order": i, "start": start, "end": end})
    return pl.DataFrame(rows, schema={"step": pl.String, "loss_group": pl.String, "category": pl.String,
                                      "minutes": pl.Float64, "share": pl.Float64, "order": pl.Int64,
                                      "start": pl.Float64, "end": pl.Float64})


def supplier_scatter(facts: Mapping[str, pl.DataFrame], filters: Filters, *, today: date | None = None) -> pl.DataFrame:
    """Per supplier: supplier_otd, incoming_pass_rate, their denominators (due PO lines, inspected
    qty) and purchase price variance."""
    return breakdown(["supplier_otd", "incoming_pass_rate", "purchase_price_variance"], facts, ["supplier"],
                     filters, today=today, with_measures=True).sort("supplier")


def rows_behind(fact: str, facts: Mapping[str, pl.DataFrame], filters: Filters, *, newest_first: bool = True
                ) -> pl.DataFrame:
    """The records of a fact that make a number under these filters (empty when the fact cannot
    honour the filters), newest first (or, without `newest_first`, as stored: sorting 700,000 rows
    is wasted on a page that shows 500 of them)."""
    frame = facts[fact]
    if not applicable(frame, (), filters):
        return frame.clear()
    out = filter_frame(frame, filters)
    return out.sort("date", descending=True) if newest_first and "date" in out.columns else out


def delivery_rows(facts: Mapping[str, pl.DataFrame], filters: Filters, *, today: date,
                  tolerance_days: int = 0) -> pl.DataFrame:
    """The order lines that count in the delivery KPIs of the period (evaluated lines), latest due first."""
    lines = filter_frame(delivery_lines(facts, today, tolerance_days), filters).filter(pl.col("evaluated"))
    return lines.sort(["promised_date", "order_no", "line_no"], descending=[True, False, False])


def has_rows(fact: str, facts: Mapping[str, pl.DataFrame], filters: Filters) -> bool:
    frame = facts[fact]
    return applicable(frame, (), filters) and filter_frame(frame, filters).height > 0  # no sort: only the count


__all__ = ["breakdown", "clip_grain", "delivery_rows", "has_rows", "heat_map", "keep_top", "p_chart", "period_end",
           "rows_behind", "supplier_scatter", "trend", "waterfall"]
