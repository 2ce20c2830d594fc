"""Equipment & OEE: OEE waterfall from planned to fully productive time, OEE by machine
(drill-down), trend against target, downtime Pareto (docs/kpis.md, production, losses)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import pareto, period_target
from dashboard.kpi.charts_data import breakdown, clip_grain, keep_top, rows_behind, trend, waterfall
from dashboard.ui import charts
from dashboard.ui.analysis import PRODUCTION_DIMS, analysis_page, names, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import headers, rows_behind_table
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["oee", "availability", "performance", "quality_ratio", "mtbf", "mttr", "downtime_min", "throughput_rate"]

page = analysis_page("equipment", PRODUCTION_DIMS)
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=4)
if page.empty("production"):
    st.stop()

oee_target = period_target("oee", facts, filters.date_from, filters.date_to, filters, today=today)[0]  # the tile's
by_machine = cached(breakdown, ["oee"], facts, ["machine"], filters, today=today)
worst = with_names(keep_top(by_machine, "machine", "oee", charts.MAX_CATEGORIES, lowest=True), "machine", facts,
                   "machine")
picked = charts.draw(charts.bar_chart(worst.select("code", "name", value="oee").sort("value"),
                                      title=t("analysis.equipment.by_machine"), category_title=t("analysis.dim.machine"),
                                      value_title=kpi_name("oee"), unit="ratio", target=oee_target, color_by_target=+1),
                     "eq_machine", selectable=True)
charts.note_top(worst, by_machine.height, "machine", kpi_name("oee"), lowest=True)
st.caption(t("analysis.click_hint"))
drilled = page.drill("machine", picked)

steps = cached(waterfall, facts, drilled, today=today)
if steps.height:
    loss_names = names(facts, "category")
    steps = steps.with_columns(
        # the labels are looked up here, in the page's thread: t() in a polars worker would not know the language
        name=pl.when(pl.col("loss_group").is_null()).then(pl.col("step").replace_strict(
            {s: t(f"kpi.loss.{s}") for s in steps["step"].unique().drop_nulls()}, default=pl.col("step")))
        .otherwise(pl.col("category").replace_strict(loss_names, default=pl.col("category"), return_dtype=pl.String)),
        kind=pl.when(pl.col("loss_group").is_null()).then(pl.lit(t("analysis.kind.time")))
        .otherwise(pl.lit(t("analysis.kind.loss"))))
    # one bar per step: losses of the same category in different groups keep their own bar
    steps = steps.with_columns(name=pl.when(pl.col("name").is_duplicated())
                               .then(pl.concat_str(pl.col("name"), pl.lit(" · "), pl.col("loss_group").replace_strict(
                                   {g: t(f"kpi.loss.{g}_loss") for g in steps["loss_group"].unique().drop_nulls()},
                                   default=pl.col("loss_group"))))
                               .otherwise(pl.col("name")))
    charts.draw(charts.waterfall(steps, title=t("analysis.equipment.waterfall"), value_title=t("analysis.minutes")),
                "eq_waterfall")

grain = clip_grain(page.grain, filters.date_from, filters.date_to)
left, right = st.columns(2)
with left:
    data = charts.with_labels(cached(trend, ["oee"], facts, grain, drilled, today=today), "period", grain)
    charts.draw(charts.trend_chart(data, "oee", "ratio", title=t("analysis.equipment.trend"), value_title=kpi_name("oee"),
                                   x_title=t(f"analysis.grain.{grain}"), target="oee_target"), "eq_trend")
with right:
    downtime = with_names(cached(pareto, "downtime_min", facts, "reason", drilled, today=today), "category", facts,
                          "reason")
    if downtime.height:
        charts.draw(charts.pareto_chart(downtime, title=t("analysis.equipment.downtime"),
                                        category_title=t("analysis.dim.reason"), value_title=t("analysis.minutes"),
                                        unit="minutes"), "eq_downtime")

rows = rows_behind("downtime", facts, drilled, newest_first=False)
rows_behind_table(rows, headers("date", "shift", "line", "machine", "reason", "category", "minutes"),
                  t("nav.analysis.equipment"), "eq_rows", newest_first="date", reasons=facts["reasons"])
