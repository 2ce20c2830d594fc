"""Purchasing & suppliers: on-time delivery against incoming pass rate per supplier (drill-down),
purchase price variance per period, supplier scorecard and its history per month, price trend per
material against the standard price, incoming rejects by supplier and reason (docs/kpis.md, delivery)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi.charts_data import clip_grain, rows_behind, supplier_scatter, trend
from dashboard.kpi.purchasing import price_trend, price_trend_filters, reject_pareto, supplier_history
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, names, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, rows_behind_table, translated, unit_column
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["supplier_otd", "incoming_pass_rate", "purchase_price_variance", "purchase_spend", "purchase_price_index"]

page = analysis_page("purchasing", ())  # purchasing data has suppliers and materials, not lines or customers
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=5)
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
           column_config={t("analysis.col.supplier_otd"): unit_column("ratio"),
                          t("analysis.col.incoming_pass_rate"): unit_column("ratio"),
                          t("analysis.col.purchase_price_variance"): unit_column("currency")})

st.subheader(t("pur3.price_trend"))
bought = facts["po_lines"].get_column("material").drop_nulls().unique().sort().to_list()
if bought:
    material_names = names(facts, "material")
    material = st.selectbox(t("pur3.pick_material"), bought, key="pur_material",
                            format_func=lambda c: material_names.get(c, c))
    prices = cached(price_trend, facts, material, "month", price_trend_filters(drilled), today=today)
    charts.draw(charts.price_trend_chart(charts.with_labels(prices, "period", "month"), price_title=t("pur3.price"),
                                         standard_title=t("pur3.standard"), x_title=t("analysis.grain.month")),
                "pur_price_trend")
    st.caption(t("pur3.price_note"))

st.subheader(t("pur3.rejects"))
rejects = cached(reject_pareto, facts["inspections"], drilled)
if rejects.height:
    supplier_names, reason_names = names(facts, "supplier"), names(facts, "reason")
    rejects = rejects.with_columns(
        supplier=pl.col("supplier").replace_strict(supplier_names, default=pl.col("supplier"), return_dtype=pl.String),
        reason=pl.col("reason").replace_strict(reason_names, default=pl.col("reason"), return_dtype=pl.String))
    data_table(translated(rejects, {"supplier": t("analysis.col.supplier"), "reason": t("pur3.col.reason"),
                                    "rejected": t("pur3.col.rejected"), "share": t("pur3.col.share"),
                                    "cum_share": t("pur3.col.cumulative")}),
               t("pur3.rejects"), "pur_rejects",
               column_config={t("pur3.col.share"): st.column_config.NumberColumn(format="percent"),
                              t("pur3.col.cumulative"): st.column_config.NumberColumn(format="percent")})
else:
    st.caption(t("pur3.rejects_none"))

st.subheader(t("pur3.history"))
history = cached(supplier_history, facts, drilled, "month", today=today)
history = charts.with_labels(with_names(history, "supplier", facts, "supplier"), "period", "month")
data_table(translated(history.select("label", "name", "supplier_otd", "po_due_lines", "incoming_pass_rate",
                                     "incoming_inspected").with_columns(pl.selectors.float().round(4)),
                      {"label": t("pur3.col.month"), "name": t("analysis.col.supplier"),
                       **headers("supplier_otd", "po_due_lines", "incoming_pass_rate", "incoming_inspected")}),
           t("pur3.history"), "pur_history",
           column_config={t("analysis.col.supplier_otd"): st.column_config.NumberColumn(format="percent"),
                          t("analysis.col.incoming_pass_rate"): st.column_config.NumberColumn(format="percent")})

rows = rows_behind("po_lines", facts, drilled, newest_first=False)
rows_behind_table(rows, {**headers("po_no", "line_no", "supplier", "material"), "date": t("analysis.col.date"),
                         **headers("promised_date", "qty", "unit_price", "standard_price")},
                  t("nav.analysis.purchasing"), "pur_rows", newest_first="date")
