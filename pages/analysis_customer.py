"""Customer satisfaction: CSAT trend beside the complaint count, complaints by reason (drill-down)
and by customer (docs/kpis.md, customer)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import pareto
from dashboard.kpi.charts_data import breakdown, clip_grain, rows_behind, trend
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import headers, rows_behind_table
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["csat", "satisfaction_mean", "nps", "complaints", "complaint_ppm", "complaint_days_to_close", "complaint_cost"]
DIMS = ("customer", "abc_class", "product")

page = analysis_page("customer", DIMS)
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=4)
if page.empty("surveys", "complaints"):
    st.stop()

grain = clip_grain(page.grain if page.grain != "day" else "week", filters.date_from, filters.date_to)
data = charts.with_labels(cached(trend, ["csat", "complaints"], facts, grain, filters, today=today), "period", grain)
charts.draw(charts.dual_trend(data, line="csat", bars="complaints", line_title=kpi_name("csat"),
                              bars_title=kpi_name("complaints"), x_title=t(f"analysis.grain.{grain}"),
                              title=t("analysis.customer.trend")), "cus_trend")

left, right = st.columns(2)
with left:
    reasons = with_names(cached(pareto, "complaints", facts, "reason", filters, today=today), "category", facts,
                         "reason")
    picked = None
    if reasons.height:
        picked = charts.draw(charts.pareto_chart(reasons, title=t("analysis.customer.pareto"),
                                                 category_title=t("analysis.dim.reason"),
                                                 value_title=kpi_name("complaints"), unit="count"),
                             "cus_pareto", selectable=True)
        st.caption(t("analysis.click_hint"))
    picked = None if picked == "Other" else picked
with right:
    drilled = filters.replace(reason=(picked,)) if picked else filters
    complaints = cached(breakdown, ["complaints"], facts, ["customer"], drilled, today=today)
    by_customer = with_names(complaints, "customer", facts, "customer").filter(pl.col("complaints") > 0)
    if by_customer.height:
        charts.draw(charts.bar_chart(by_customer.select("code", "name", value="complaints").sort("value", descending=True),
                                     title=t("analysis.customer.by_customer"), category_title=t("analysis.dim.customer"),
                                     value_title=kpi_name("complaints"), unit="count"), "cus_customer")
drilled = page.drill("reason", picked)

rows = rows_behind("complaints", facts, drilled, newest_first=False)
columns = headers("complaint_no", "date", "customer", "abc_class", "product", "reason", "severity")
columns["qty_affected"] = t("analysis.col.qty")
columns.update(headers("cost", "closed_date"))
rows_behind_table(rows, columns,
                  t("nav.analysis.customer"), "cus_rows", newest_first="date", reasons=facts["reasons"])
