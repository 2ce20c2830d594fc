"""Purchasing: price trend per material, incoming rejects by supplier and reason, supplier history
(docs/kpis.md, delivery). Pure polars over the facts; the figures are the registry's KPIs.

Price trend: the mean PO price of a material in a period is weighted by the quantity ordered
(po_unit_price = Σ qty × unit_price / Σ qty): it is the price the plant paid per unit, so that a
small top-up order at a high price does not count as much as a full truck, and (mean − standard) ×
Σ qty is exactly the period's purchase price variance. A plain mean of the lines' prices would
break that tie."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from dashboard.kpi import calendar

from dashboard.kpi.analyses import fold_pareto
from dashboard.kpi.engine import Filters, compute

PRICE_KPIS = ("po_unit_price", "purchase_price_index")
HISTORY_KPIS = ("supplier_otd", "incoming_pass_rate")


def price_trend(facts: Mapping[str, pl.DataFrame], material: str, grain: str, filters: Filters, *,
                today: date | None = None) -> pl.DataFrame:
    """period, po_unit_price (qty-weighted mean PO price), purchase_price_index, standard_price of one material."""
    table = compute(list(PRICE_KPIS), facts, [grain], filters.replace(material=(material,)), today=today,
                    labels=False).rename({grain: "period"}).filter(pl.col("period").is_not_null())
    standard = facts["materials"].filter(pl.col("material_code") == material).get_column("standard_price")
    return table.with_columns(standard_price=pl.lit(standard[0] if standard.len() else None, pl.Float64)).sort("period")


TREND_MONTHS = 12  # a price trend needs the year around the period, not the period's few weeks


def price_trend_filters(filters: Filters) -> Filters:
    """The filters of the price trend: the TREND_MONTHS months ending with the period's last month,
    month by month (材料价格市场动态 is a trend over the year; the period's weeks show two points)."""
    if filters.date_to is None:
        return filters
    first_month = calendar.add_months(calendar.month_of(filters.date_to), 1 - TREND_MONTHS)
    return filters.replace(date_from=calendar.month_bounds(first_month)[0],
                           date_to=calendar.month_bounds(calendar.month_of(filters.date_to))[1])


def reject_pareto(inspections: pl.DataFrame, filters: Filters, *, min_share: float = 0.0,
                  max_categories: int = 10) -> pl.DataFrame:
    """supplier, reason, rejected, share, cum_share: each supplier's incoming rejected quantity by
    reason, descending within the supplier ("Other" last), suppliers by their total rejected."""
    rows = inspections.filter(pl.col("stage") == "incoming", pl.col("rejected_qty") > 0,
                              pl.col("supplier").is_not_null())
    if filters.date_from is not None:
        rows = rows.filter(pl.col("date") >= filters.date_from)
    if filters.date_to is not None:
        rows = rows.filter(pl.col("date") <= filters.date_to)
    for dim in ("supplier", "material", "reason"):
        if getattr(filters, dim):
            rows = rows.filter(pl.col(dim).is_in(getattr(filters, dim)))
    totals = rows.group_by("supplier").agg(total=pl.col("rejected_qty").sum()).sort(["total", "supplier"],
                                                                                     descending=[True, False])
    parts = [fold_pareto(rows.filter(pl.col("supplier") == s).select(category=pl.col("reason"),
                                                                       value=pl.col("rejected_qty")),
                         min_share=min_share, max_categories=max_categories)
             .select(supplier=pl.lit(s), reason=pl.col("category"), rejected=pl.col("value"), share="share",
                     cum_share="cum_share")
             for s in totals.get_column("supplier").to_list()]
    if not parts:
        return pl.DataFrame(schema={"supplier": pl.String, "reason": pl.String, "rejected": pl.Float64,
                                    "share": pl.Float64, "cum_share": pl.Float64})
    return pl.concat(parts)


def supplier_history(facts: Mapping[str, pl.DataFrame], filters: Filters, grain: str = "month", *,
                     today: date | None = None) -> pl.DataFrame:
    """period, supplier, supplier_otd, incoming_pass_rate (with their counts): the scorecard per period."""
    table = compute(list(HISTORY_KPIS), facts, [grain, "supplier"], filters, today=today, labels=False,
                    with_measures=True)
    return (table.rename({grain: "period"}).filter(pl.col("period").is_not_null(), pl.col("supplier").is_not_null())
            .filter(pl.col("supplier_otd").is_not_null() | pl.col("incoming_pass_rate").is_not_null())
            .select("period", "supplier", "supplier_otd", "po_due_lines", "incoming_pass_rate", "incoming_inspected")
            .sort("period", "supplier"))
