"""Equipment & OEE: OEE waterfall from planned to fully productive time, OEE by machine
(drill-down), trend against target, downtime Pareto; maintenance cost and hours per machine, the PM
plan's compliance and its missed and late PMs, each machine's history (docs/kpis.md, production)."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import pareto, period_target
from dashboard.kpi.charts_data import breakdown, clip_grain, keep_top, rows_behind, trend, waterfall
from dashboard.kpi.equipment import machine_history, pm_status
from dashboard.ui import charts
from dashboard.ui.analysis import PRODUCTION_DIMS, analysis_page, names, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import data_table, headers, kpi_columns, rows_behind_table, translated, unit_column
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["oee", "availability", "performance", "quality_ratio", "mtbf", "mttr", "downtime_min", "throughput_rate",
         "maintenance_cost", "maintenance_h", "pm_compliance", "pm_missed"]
MACHINE_KPIS = ["downtime_min", "repairs", "maintenance_h", "maintenance_cost", "pm_compliance", "pm_missed", "pm_late"]

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

st.subheader(t("eq3.by_machine"))
per_machine = cached(breakdown, MACHINE_KPIS, facts, ["machine"], drilled, today=today).sort("machine")
data_table(translated(per_machine.with_columns(pl.selectors.float().round(2)),
                      {"machine": t("analysis.dim.machine"), **{k: kpi_name(k) for k in MACHINE_KPIS}}),
           t("eq3.by_machine"), "eq_maint_table",
           column_config=kpi_columns(MACHINE_KPIS, kpi_name))

st.subheader(t("eq3.pm_plan"))
plan = pm_status(facts["maintenance"], today).filter(pl.col("late") | pl.col("missed"))
for dim in ("machine", "line"):
    if getattr(drilled, dim):
        plan = plan.filter(pl.col(dim).is_in(getattr(drilled, dim)))
if filters.date_from and filters.date_to:
    plan = plan.filter(pl.col("planned_date").is_between(filters.date_from, filters.date_to))
plan = plan.sort("planned_date")
if plan.height:
    plan = plan.select("machine", "planned_date", time=pl.col("start").dt.strftime("%Y-%m-%d %H:%M"),
                       pm_status=pl.when(pl.col("late")).then(pl.lit(t("eq3.pm.late"))).otherwise(pl.lit(t("eq3.pm.missed"))),
                       days_late="days_late", detail="note")
    data_table(translated(plan, {"machine": t("analysis.dim.machine"), "planned_date": t("eq3.col.planned_date"),
                                 "time": t("eq3.col.time"), "pm_status": t("eq3.col.pm_status"),
                                 "days_late": t("eq3.col.days_late"), "detail": t("eq3.col.detail")}),
               t("eq3.pm_plan"), "eq_pm_plan")
else:
    st.caption(t("eq3.pm_none"))

st.subheader(t("eq3.history"))
machines = per_machine.get_column("machine").to_list() if per_machine.height else []
if not machines:
    st.caption(t("eq3.no_machine"))
else:
    chosen = st.selectbox(t("eq3.pick_machine"), machines, key="eq_history_machine",
                          index=machines.index(picked) if picked in machines else 0)
    history = cached(machine_history, facts["downtime"], facts["maintenance"], chosen, filters.date_from,
                     filters.date_to, today)
    reasons = names(facts, "reason")
    events = {e: t(f"eq3.event.{e}") for e in ("stop", "repair", "pm")}
    states = {s: t(f"eq3.pm.{s}") for s in ("on_time", "late", "missed", "planned", "unplanned")}
    history = history.with_columns(
        event=pl.col("event").replace_strict(events, default=pl.col("event")),
        detail=pl.when(pl.col("time").is_null())
        .then(pl.col("detail").replace_strict(reasons, default=pl.col("detail"), return_dtype=pl.String))
        .otherwise(pl.col("detail")),
        pm_status=pl.col("pm_status").replace_strict(states, default=pl.col("pm_status"), return_dtype=pl.String),
        minutes=pl.col("minutes").round(0).cast(pl.Int64), cost=pl.col("cost").round(2),
        # as text, so that an empty cell reads "—" (data_table)
        time=pl.col("time").dt.strftime("%H:%M"), planned_date=pl.col("planned_date").dt.strftime("%Y-%m-%d"))
    data_table(translated(history, {"date": t("analysis.col.date"), "time": t("eq3.col.time"),
                                    "event": t("eq3.col.event"), "detail": t("eq3.col.detail"),
                                    "minutes": t("eq3.col.minutes"), "cost": t("eq3.col.cost"),
                                    "planned_date": t("eq3.col.planned_date"), "pm_status": t("eq3.col.pm_status")}),
               t("eq3.history"), "eq_history", column_config={t("eq3.col.cost"): unit_column("currency")})
