"""Throughput: good output against plan and target, by machine and product (docs/kpis.md, production)."""
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import KPIS
from dashboard.kpi.charts_data import breakdown, clip_grain, keep_top, rows_behind, trend
from dashboard.ui import charts
from dashboard.ui.analysis import PRODUCTION_DIMS, analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import headers, rows_behind_table
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["good_qty", "total_qty", "plan_attainment", "throughput_rate", "yield", "labour_productivity"]

page = analysis_page("throughput", PRODUCTION_DIMS)
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=3)
if page.empty("production"):
    st.stop()

grain = clip_grain(page.grain, filters.date_from, filters.date_to)
left, right = st.columns(2)
with left:
    data = charts.with_labels(cached(trend, ["good_qty", "plan_attainment"], facts, grain, filters, today=today),
                              "period", grain)
    charts.draw(charts.trend_chart(data, "good_qty", "pieces", title=t("analysis.throughput.trend"),
                                   value_title=kpi_name("good_qty"), x_title=t(f"analysis.grain.{grain}"),
                                   target="good_qty_target", bars=True), "thr_trend")
with right:
    charts.draw(charts.trend_chart(data, "plan_attainment", "ratio", title=t("analysis.throughput.attainment"),
                                   value_title=kpi_name("plan_attainment"), x_title=t(f"analysis.grain.{grain}"),
                                   target="plan_attainment_target"), "thr_attain")

by_machine = cached(breakdown, ["good_qty"], facts, ["machine"], filters, today=today)
shown = with_names(keep_top(by_machine, "machine", "good_qty", charts.MAX_CATEGORIES), "machine", facts, "machine")
picked = charts.draw(charts.bar_chart(shown.select("code", "name", value="good_qty").sort("value", descending=True),
                                      title=t("analysis.throughput.by_machine"), category_title=t("analysis.dim.machine"),
                                      value_title=kpi_name("good_qty"), unit=KPIS["good_qty"].unit),
                     "thr_machine", selectable=True)
charts.note_top(shown, by_machine.height, "machine", kpi_name("good_qty"))
st.caption(t("analysis.click_hint"))
drilled = page.drill("machine", picked)

by_product = cached(breakdown, ["good_qty"], facts, ["product"], drilled, today=today)
shown = with_names(keep_top(by_product, "product", "good_qty", charts.MAX_CATEGORIES), "product", facts, "product")
charts.draw(charts.bar_chart(shown.select("code", "name", value="good_qty").sort("value", descending=True),
                             title=t("analysis.throughput.by_product"), category_title=t("analysis.dim.product"),
                             value_title=kpi_name("good_qty"), unit="pieces"), "thr_product")
charts.note_top(shown, by_product.height, "product", kpi_name("good_qty"))

rows = rows_behind("production", facts, drilled, newest_first=False)
rows_behind_table(rows, headers("date", "shift", "line", "machine", "product", "planned_qty", "total_qty", "good_qty",
                                "defect_qty", "scrap_qty", "planned_min", "downtime_min", "labour_h"),
                  t("nav.analysis.throughput"), "thr_rows", newest_first="date")
