"""Delivery: on-time delivery against target, by customer (drill-down), lateness histogram and
the backlog of overdue open lines (docs/kpis.md, delivery)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import lateness_distribution, overdue_backlog, period_target
from dashboard.kpi.charts_data import breakdown, clip_grain, delivery_rows, trend
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, rows_behind_table, translated
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["otd_line", "otd_order", "otd_qty", "otif"]
DIMS = ("customer", "abc_class", "product")

page = analysis_page("delivery", DIMS)
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=4)
lines = delivery_rows(facts, filters, today=today)
if lines.height == 0:
    page.say_empty()
    st.stop()

grain = clip_grain(page.grain, filters.date_from, filters.date_to)
data = charts.with_labels(cached(trend, ["otd_line"], facts, grain, filters, today=today), "period", grain)
charts.draw(charts.trend_chart(data, "otd_line", "ratio", title=t("analysis.delivery.trend"),
                               value_title=kpi_name("otd_line"), x_title=t(f"analysis.grain.{grain}"),
                               target="otd_line_target"), "del_trend")

target = period_target("otd_line", facts, filters.date_from, filters.date_to, filters, today=today)[0]  # the tile's
by_customer = with_names(cached(breakdown, ["otd_line"], facts, ["customer"], filters, today=today), "customer", facts,
                         "customer")
picked = charts.draw(charts.bar_chart(by_customer.select("code", "name", value="otd_line").sort("value"),
                                      title=t("analysis.delivery.by_customer"), category_title=t("analysis.dim.customer"),
                                      value_title=kpi_name("otd_line"), unit="ratio", target=target, color_by_target=+1),
                     "del_customer", selectable=True)
st.caption(t("analysis.click_hint"))
drilled = page.drill("customer", picked)

late = cached(lateness_distribution, facts, drilled, today=today)
late = late.select(name=pl.col("bucket").replace_strict(
    {"early": t("analysis.bucket.early"), "0": t("analysis.bucket.0")}, default=pl.col("bucket")),
    value=pl.col("lines").cast(pl.Float64), late=~pl.col("bucket").is_in(["early", "0"]))
left, right = st.columns(2)
with left:
    charts.draw(charts.histogram(late, title=t("analysis.delivery.lateness"), x_title=t("analysis.col.lateness_days"),
                                 value_title=t("analysis.lines")), "del_late")
with right:
    st.markdown(f"**{t('analysis.delivery.backlog')}**")
    backlog = cached(overdue_backlog, facts, drilled.replace(date_from=None, date_to=None), today=today)
    data_table(translated(backlog, headers("order_no", "line_no", "customer", "abc_class", "product", "promised_date",
                                           "qty", "delivered_qty", "open_qty", "days_overdue")),
               t("analysis.delivery.backlog"), "del_backlog")

rows = delivery_rows(facts, drilled, today=today)
rows_behind_table(rows, headers("order_no", "line_no", "customer", "abc_class", "product", "promised_date", "qty",
                                "delivered_qty", "complete_date", "on_time", "lateness_days"),
                  t("nav.analysis.delivery"), "del_rows")
