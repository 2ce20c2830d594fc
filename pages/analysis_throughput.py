"""Throughput: good output against plan and target, by machine and product (docs/kpis.md, production)."""
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import KPIS, compute_one, wip_by_operation
from dashboard.kpi.charts_data import breakdown, clip_grain, keep_top, rows_behind, trend
from dashboard.ui import charts
from dashboard.ui.analysis import PRODUCTION_DIMS, analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, rows_behind_table, translated
from dashboard.ui.tiles import kpi_name, kpi_tiles

PLANT_TILES = ["finished_qty", "good_qty", "plan_attainment", "throughput_rate", "yield", "labour_productivity"]
# a machine's or a line's output is its good output over its operations (docs/kpis.md Production)
MACHINE_TILES = ["good_qty", "total_qty", "plan_attainment", "throughput_rate", "yield", "labour_productivity_op"]

page = analysis_page("throughput", PRODUCTION_DIMS)
facts, filters, today = page.facts, page.filters, page.today
machine_view = bool(filters.line or filters.machine)
kpi_tiles(MACHINE_TILES if machine_view else PLANT_TILES, facts, filters, today, per_row=3)
if page.empty("production"):
    st.stop()
if not machine_view:
    st.caption(t("ops.throughput.output_note"))
unrouted = cached(compute_one, ["no_routing_rows", "no_routing_qty"], facts, filters, today=today)
if unrouted["no_routing_rows"]:
    st.warning(t("ops.throughput.no_routing", rows=f"{unrouted['no_routing_rows']:,.0f}",
                 qty=f"{unrouted['no_routing_qty']:,.0f}"))

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

# a product's output is its finished output; on one machine or line, what that machine made of it
product_output = "good_qty" if machine_view or picked else "finished_qty"
by_product = cached(breakdown, [product_output], facts, ["product"], drilled, today=today)
shown = with_names(keep_top(by_product, "product", product_output, charts.MAX_CATEGORIES), "product", facts, "product")
charts.draw(charts.bar_chart(shown.select("code", "name", value=product_output).sort("value", descending=True),
                             title=t("analysis.throughput.by_product"), category_title=t("analysis.dim.product"),
                             value_title=kpi_name(product_output), unit="pieces"), "thr_product")
charts.note_top(shown, by_product.height, "product", kpi_name(product_output))

wip = cached(wip_by_operation, facts, drilled)
wip = wip.filter(wip["next_seq"].is_not_null())  # the last operation hands on to finished goods
if wip.height:
    st.subheader(t("ops.throughput.wip"))
    wip = with_names(wip, "product", facts, "product")
    columns = {"code": t("analysis.col.product"), "name": t("ops.col.name"),
               **{c: t(f"ops.col.{c}") for c in ("seq", "next_seq", "good", "next_input", "wip_qty")}}
    data_table(translated(wip, columns), t("ops.throughput.wip"), "thr_wip")

rows = rows_behind("production", facts, drilled, newest_first=False)
rows_behind_table(rows, headers("date", "shift", "line", "machine", "product", "planned_qty", "total_qty", "good_qty",
                                "defect_qty", "scrap_qty", "planned_min", "downtime_min", "labour_h"),
                  t("nav.analysis.throughput"), "thr_rows", newest_first="date")
