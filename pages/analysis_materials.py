"""Materials: material loss against the BOM allowance per material (drill-down) and the material
balance of the period, opening to closing with the stocktake difference (docs/kpis.md, materials)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import Filters, item_balances, material_loss_by_line, material_loss_by_material
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, rows_behind_table, translated, unit_column
from dashboard.ui.tiles import fmt_value, kpi_name, kpi_tiles

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


def flag(frame: pl.DataFrame) -> pl.DataFrame:
    """A word per row: above the BOM allowance, negative (issued less than the output needs), or fine."""
    return frame.with_columns(flag=pl.when(pl.col("material_loss") < 0).then(pl.lit(t("ops.materials.flag.negative")))
                              .when(pl.col("excess_loss") > 0).then(pl.lit(t("ops.materials.flag.over")))
                              .otherwise(pl.lit(t("ops.materials.flag.ok"))))


if loss.height:
    loss = flag(loss)
    over = loss.filter(pl.col("material_loss") >= 0, pl.col("excess_loss") > 0)
    negative = loss.filter(pl.col("material_loss") < 0)
    if over.height:
        st.warning(t("ops.materials.over", materials=", ".join(
            f"{n} {fmt_value(v, 'ratio')}" for n, v in over.select("name", "material_loss").iter_rows())))
    if negative.height:
        st.info(t("ops.materials.negative", materials=", ".join(
            f"{n} {fmt_value(v, 'ratio')}" for n, v in negative.select("name", "material_loss").iter_rows())))

st.subheader(t("analysis.materials.balance"))
balances = cached(item_balances, facts, filters.date_from, filters.date_to)
if picked:
    balances = balances.filter(pl.col("item") == picked)
columns = headers("item", "opening", "receipt", "return", "semi_in", "finished_in", "issue", "semi_out", "sales_out",
                  "scrap_out", "adjust", "closing", "count_date", "counted_qty", "book_qty", "difference")
data_table(translated(balances.with_columns(pl.selectors.float().round(2)), columns),
           t("analysis.materials.balance"), "mat_balance")

st.subheader(t("analysis.materials.loss_table"))
LOSS_UNITS = {h: unit_column("ratio") for h in headers("material_loss", "bom_loss_rate", "excess_loss").values()}
loss_columns = headers("material", "issued_qty", "required_qty", "material_loss", "bom_loss_rate", "excess_loss") \
    | {"flag": t("ops.col.flag")}
data_table(translated(loss.select(*loss_columns).with_columns(pl.selectors.float().round(4)) if loss.height else loss,
                      loss_columns), t("analysis.materials.loss_table"), "mat_loss_table", column_config=LOSS_UNITS)

by_line = cached(material_loss_by_line, facts, filters)
if by_line.height:
    st.subheader(t("ops.materials.by_line"))
    line_columns = headers("line", "material_loss", "bom_loss_rate", "excess_loss") | {"flag": t("ops.col.flag")}
    data_table(translated(flag(by_line).with_columns(pl.selectors.float().round(4)), line_columns),
               t("ops.materials.by_line"), "mat_loss_lines", column_config=LOSS_UNITS)
    st.caption(t("ops.materials.by_line.note"))
unplaced = cached(material_loss_by_material, facts, filters).filter(pl.col("required_qty") == 0,
                                                                    pl.col("issued_qty") > 0)
if unplaced.height:
    st.caption(t("ops.materials.unplaced", materials=", ".join(unplaced["material"].to_list())))

moves = facts["material_moves"]
rows = moves.filter(pl.col("date").is_between(filters.date_from, filters.date_to))
if picked:
    rows = rows.filter(pl.col("item") == picked)
rows_behind_table(rows, headers("date", "item", "move", "qty", "ref"),
                  t("nav.analysis.materials"), "mat_rows", newest_first="date")
