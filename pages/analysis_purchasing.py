"""Purchasing & suppliers: on-time delivery against incoming pass rate per supplier (drill-down),
purchase price variance per period, supplier scorecard (docs/kpis.md, delivery, quality)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi.charts_data import clip_grain, rows_behind, supplier_scatter, trend
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, rows_behind_table, translated
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["supplier_otd", "incoming_pass_rate", "purchase_price_variance"]

page = analysis_page("purchasing", ())  # purchasing data has suppliers and materials, not lines or customers
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=3)
if page.empty("po_lines", "inspections"):
    st.stop()

suppliers = with_names(cached(supplier_scatter, facts, filters, today=today), "supplier", facts, "supplier")
plotted = suppliers.filter(pl.col("supplier_otd").is_not_null() & pl.col("incoming_pass_rate").is_not_null())
picked = None
if plotted.height:
    picked = charts.draw(charts.scatter(plotted, x="supplier_otd", y="incoming_pass_rate",
                                        x_title=kpi_name("supplier_otd"), y_title=kpi_name("incoming_pass_rate"),
                                        size="po_due_lines", size_title=t("analysis.col.po_due_lines"),
                                        title=t("analysis.purchasing.scatter")), "pur_scatter", selectable=True)
    st.caption(t("analysis.purchasing.click"))
drilled = page.drill("supplier", picked)

grain = clip_grain(page.grain if page.grain != "day" else "week", filters.date_from, filters.date_to)
data = charts.with_labels(cached(trend, ["purchase_price_variance"], facts, grain, drilled, today=today), "period",
                          grain)
charts.draw(charts.trend_chart(data, "purchase_price_variance", "currency", title=t("analysis.purchasing.ppv"),
                               value_title=kpi_name("purchase_price_variance"), x_title=t(f"analysis.grain.{grain}"),
                               bars=True), "pur_ppv")

st.subheader(t("analysis.purchasing.table"))
scorecard = suppliers.select("name", "supplier_otd", "po_due_lines", "incoming_pass_rate", "incoming_inspected",
                             "purchase_price_variance").with_columns(pl.selectors.float().round(4))
data_table(translated(scorecard, {"name": t("analysis.col.supplier"),
                                  **headers("supplier_otd", "po_due_lines", "incoming_pass_rate", "incoming_inspected",
                                            "purchase_price_variance")}),
           t("analysis.purchasing.table"), "pur_table",
           column_config={t("analysis.col.supplier_otd"): st.column_config.NumberColumn(format="percent"),
                          t("analysis.col.incoming_pass_rate"): st.column_config.NumberColumn(format="percent")})

rows = rows_behind("po_lines", facts, drilled, newest_first=False)
rows_behind_table(rows, {**headers("po_no", "line_no", "supplier", "material"), "date": t("analysis.col.date"),
                         **headers("promised_date", "qty", "unit_price", "standard_price")},
                  t("nav.analysis.purchasing"), "pur_rows", newest_first="date")
