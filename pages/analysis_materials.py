"""Materials: material loss against the BOM allowance per material (drill-down) and the material
balance of the period, opening to closing with the stocktake difference (docs/kpis.md, materials)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import Filters, item_balances, material_loss_by_material
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, rows_behind_table, translated
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["material_loss", "material_loss_allowed", "cost_per_unit", "scrap_cost"]

page = analysis_page("materials", ())  # issues and balances are per material, not per line or machine
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=4)
if page.empty("material_moves", filters=Filters(date_from=filters.date_from, date_to=filters.date_to)):
    st.stop()

loss = cached(material_loss_by_material, facts, filters).filter(pl.col("required_qty") > 0)
picked = None
if loss.height:
    loss = with_names(loss, "material", facts, "material")
    chart_data = loss.select("code", "name", value="material_loss").sort("value", descending=True)
    picked = charts.draw(charts.bar_chart(chart_data, title=t("analysis.materials.loss"),
                                          category_title=t("analysis.dim.material"), value_title=kpi_name("material_loss"),
                                          unit="ratio", target=None), "mat_loss", selectable=True)
    st.caption(t("analysis.click_hint"))
page.drill("material", picked)

st.subheader(t("analysis.materials.balance"))
balances = cached(item_balances, facts, filters.date_from, filters.date_to)
if picked:
    balances = balances.filter(pl.col("item") == picked)
columns = headers("item", "opening", "receipt", "return", "semi_in", "finished_in", "issue", "semi_out", "sales_out",
                  "scrap_out", "adjust", "closing", "count_date", "counted_qty", "book_qty", "difference")
data_table(translated(balances.with_columns(pl.selectors.float().round(2)), columns),
           t("analysis.materials.balance"), "mat_balance")

st.subheader(t("analysis.materials.loss_table"))
data_table(translated(loss.select("material", "issued_qty", "required_qty", "material_loss", "bom_loss_rate",
                                  "excess_loss").with_columns(pl.selectors.float().round(4)) if loss.height else loss,
                      headers("material", "issued_qty", "required_qty", "material_loss", "bom_loss_rate", "excess_loss")),
           t("analysis.materials.loss_table"), "mat_loss_table")

moves = facts["material_moves"]
rows = moves.filter(pl.col("date").is_between(filters.date_from, filters.date_to))
if picked:
    rows = rows.filter(pl.col("item") == picked)
rows_behind_table(rows, headers("date", "item", "move", "qty", "ref"),
                  t("nav.analysis.materials"), "mat_rows", newest_first="date")
