"""Scrap & quality: scrap Pareto (drill-down), trend against target, machine x period heat map,
p-chart of the daily scrap ratio, first pass yield by inspection stage (docs/kpis.md, quality)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import fpy_by_stage, rty, scrap_pareto
from dashboard.kpi.quality_stages import stage_reasons, stage_summary
from dashboard.kpi.charts_data import clip_grain, heat_map, keep_top, p_chart, rows_behind, trend
from dashboard.ui import charts
from dashboard.ui.analysis import PRODUCTION_DIMS, analysis_page, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, rows_behind_table
from dashboard.ui.tiles import fmt_value, kpi_name, kpi_tiles

TILES = ["scrap_ratio", "scrap_qty", "scrap_cost", "rework_ratio", "fpy", "incoming_pass_rate"]
PARETO_BY = ("reason", "machine", "product", "line", "shift", "stage")

page = analysis_page("quality", PRODUCTION_DIMS)
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=3)
if page.empty("production"):
    st.stop()

by = st.segmented_control(t("analysis.pareto_by"), PARETO_BY, default="reason", key="qual_by",
                          format_func=lambda d: t(f"analysis.dim.{d}")) or "reason"
pareto = with_names(cached(scrap_pareto, facts, by, filters, today=today), "category", facts, by)
picked = charts.draw(charts.pareto_chart(pareto, title=t("analysis.quality.pareto", dim=t(f"analysis.dim.{by}")),
                                         category_title=t(f"analysis.dim.{by}"), value_title=kpi_name("scrap_qty")),
                     f"qual_pareto_{by}", selectable=True)
st.caption(t("analysis.click_hint"))
picked = None if picked in ("Other", None) else picked
drilled = page.drill(by, picked, rows_only=by in ("reason", "stage"))
# Production figures cannot be split by scrap reason or inspection stage: those drill only the rows.
production_filters = filters if by in ("reason", "stage") else drilled

grain = clip_grain(page.grain, filters.date_from, filters.date_to)
left, right = st.columns(2)
with left:
    data = charts.with_labels(cached(trend, ["scrap_ratio"], facts, grain, production_filters, today=today), "period",
                              grain)
    charts.draw(charts.trend_chart(data, "scrap_ratio", "ratio", title=t("analysis.quality.trend"),
                                   value_title=kpi_name("scrap_ratio"), x_title=t(f"analysis.grain.{grain}"),
                                   target="scrap_ratio_target"), "qual_trend")
with right:
    pc = cached(p_chart, facts, production_filters, today=today)
    if pc.height:
        charts.draw(charts.p_chart(charts.with_labels(pc, "day", "day"), title=t("analysis.quality.p_chart"),
                                   x_title=t("analysis.day"), value_title=kpi_name("scrap_ratio")), "qual_pchart")
        st.caption(t("analysis.quality.p_chart.note", n=int(pc.get_column("out_of_control").sum()), days=pc.height,
                     center=fmt_value(pc.item(0, "center"), "ratio")))

heat_grain = clip_grain("day", filters.date_from, filters.date_to, max_points=45)
heat = cached(heat_map, facts, production_filters, heat_grain, today=today)
if heat.height:
    machines = heat.get_column("machine").n_unique()
    heat = keep_top(heat, "machine", "scrap", charts.MAX_CATEGORIES)
    heat = charts.with_labels(heat.with_columns(code=pl.col("machine")), "period", heat_grain)
    charts.draw(charts.heat_map(heat, title=t("analysis.quality.heat", grain=t(f"analysis.grain.{heat_grain}").lower()),
                                x_title=t(f"analysis.grain.{heat_grain}"), y_title=t("analysis.dim.machine"),
                                value_title=kpi_name("scrap_ratio")), "qual_heat")
    charts.note_top(heat, machines, "machine", kpi_name("scrap_qty"))

fpy = with_names(cached(fpy_by_stage, facts, production_filters).filter(pl.col("stage").is_not_null()), "stage", facts,
                 "stage")
if fpy.height:
    charts.draw(charts.bar_chart(fpy.select("code", "name", value="fpy"), title=t("analysis.quality.fpy"),
                                 category_title=t("analysis.dim.stage"), value_title=kpi_name("fpy"), unit="ratio"),
                "qual_fpy")

# Every inspection stage (来料, 制程, 成品, 入库, 出库): pass rate, scrap rate, reasons.
stages = cached(stage_summary, facts, production_filters)
if stages.height:
    st.subheader(t("qstage.title"))
    stages = with_names(stages, "stage", facts, "stage")
    data_table(stages.select(
        **{t("analysis.dim.stage"): pl.col("name"), t("qstage.lots"): pl.col("lots"),
           t("qstage.inspected"): pl.col("inspected"), t("qstage.rejected"): pl.col("rejected"),
           t("qstage.pass_rate"): pl.Series([fmt_value(v, "ratio") for v in stages["pass_rate"]], dtype=pl.String),
           t("qstage.scrap_rate"): pl.Series([fmt_value(v, "ratio") for v in stages["scrap_rate"]], dtype=pl.String)}),
        t("qstage.title"), "qual_stages")
    reasons = cached(stage_reasons, facts, production_filters)
    if reasons.height:
        reasons = with_names(with_names(reasons, "stage", facts, "stage").rename({"name": "stage_name"}),
                             "reason", facts, "reason")
        data_table(reasons.select(
            **{t("analysis.dim.stage"): pl.col("stage_name"), t("analysis.dim.reason"): pl.col("name"),
               t("qstage.rejected"): pl.col("rejected"),
               t("qstage.share"): pl.Series([fmt_value(v, "ratio") for v in reasons["share"]], dtype=pl.String)}),
            t("qstage.reasons"), "qual_stage_reasons")
    st.caption(t("qstage.note"))

rolled = cached(rty, facts, production_filters).filter(pl.col("measured_steps") > 0)
if rolled.height:
    st.subheader(t("ops.quality.rty"))
    rolled = with_names(rolled, "product", facts, "product")
    rolled = rolled.with_columns(  # 98.2 % × 99.4 %, "—" for an operation without output
        step_yields=pl.Series([" × ".join(fmt_value(v, "ratio") for v in ys) for ys in rolled["step_yields"]]),
        rty=pl.Series([fmt_value(v, "ratio") for v in rolled["rty"]], dtype=pl.String))
    data_table(rolled.sort("finished", descending=True, nulls_last=True).select(
        **{t("analysis.col.product"): pl.col("code"), t("ops.col.name"): pl.col("name"),
           t("ops.col.steps"): pl.col("steps"), t("ops.col.step_yields"): pl.col("step_yields"),
           t("ops.col.rty"): pl.col("rty")}), t("ops.quality.rty"), "qual_rty")
    st.caption(t("ops.quality.rty.note"))

if by == "reason":
    rows = rows_behind("scrap", facts, drilled, newest_first=False)
    cols = headers("date", "shift", "line", "machine", "product", "reason", "qty")
elif by == "stage":
    rows = rows_behind("inspections", facts, drilled, newest_first=False).filter(pl.col("disposition") == "scrap")
    cols = headers("date", "stage", "line", "machine", "product", "reason", "qty")
    rows = rows.rename({"rejected_qty": "qty"})
    cols["stage"] = t("analysis.dim.stage")
else:
    rows = rows_behind("production", facts, drilled, newest_first=False).filter(pl.col("scrap_qty") > 0)
    cols = headers("date", "shift", "line", "machine", "product", "total_qty", "good_qty", "defect_qty", "scrap_qty")
rows_behind_table(rows, cols, t("nav.analysis.quality"), "qual_rows", newest_first="date", reasons=facts["reasons"])
