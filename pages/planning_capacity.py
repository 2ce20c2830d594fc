"""Capacity load per machine (or line) and week, bottlenecks highlighted
(docs/architecture.md "The plant", "Pages")."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.i18n.codes import code_label
from dashboard.planning.capacity import line_load, machine_load
from dashboard.planning.manpower import LOOKBACK_DAYS, manpower_load
from dashboard.planning.projection import project
from dashboard.planning.schedule import DEFAULT_WEEKS, OPERATION_LEAD_DAYS, open_order_lines
from dashboard.ui.tables import grid
from dashboard.ui.names import localized_frames
from dashboard.ui.planning_charts import capacity_heatmap, capacity_table, late_lines, late_metrics, plan_inputs, rules
from data_access.db import get_engine
from dashboard.facts import load_manpower_frames, load_planning_frames

st.title(t("nav.planning.capacity"))
st.caption(t("planning.capacity.intro", weeks=DEFAULT_WEEKS))
frames = localized_frames(load_planning_frames(get_engine()))  # names in the user's language
today, calendar = plan_inputs()

if open_order_lines(frames).height == 0:
    st.info(t("planning.empty"))
    st.stop()

projection = project(frames, today, calendar)
late_metrics(projection)
machines = machine_load(frames, today, DEFAULT_WEEKS, calendar, projection=projection)
level = st.radio(t("planning.capacity.level"), ["machine", "line"], horizontal=True,
                 format_func=lambda v: t(f"planning.capacity.level.{v}"))
table = machines if level == "machine" else line_load(machines)

m1, m2 = st.columns(2)
m1.metric(t("planning.capacity.bottlenecks"), int(machines.get_column("bottleneck").sum()))
peak = table.get_column("load").max()
m2.metric(t("planning.capacity.peak"), "—" if peak is None else f"{peak * 100:.1f} %")
if machines.get_column("bottleneck").any():
    st.caption(t("hplan.capacity.worked_ahead", n=projection.counts()["projected_late"]))

st.altair_chart(capacity_heatmap(table, level), width="stretch")
grid(capacity_table(table, level))

# Manpower beside the machines: the same projection, labour seconds instead of machine seconds.
st.subheader(t("mpower.title"))
st.caption(t("mpower.intro"))
people = load_manpower_frames(get_engine())
staff_level = st.radio(t("mpower.level"), ["line", "department"], horizontal=True,
                       format_func=lambda v: t(f"mpower.level.{v}"))
manpower = manpower_load(projection, frames["routings"], frames["machines"], people["attendance"],
                         people["employees"], people["work_tickets"], today, DEFAULT_WEEKS, level=staff_level)
p1, p2 = st.columns(2)
p1.metric(t("mpower.overloaded"), int(manpower.get_column("overloaded").sum()))
staff_peak = manpower.get_column("load").max()
p2.metric(t("mpower.peak"), "—" if staff_peak is None else f"{staff_peak * 100:.1f} %")
shown = manpower.with_columns(
    line_code=pl.col("unit").map_elements(lambda u: code_label("department", u), return_dtype=pl.String)
    if staff_level == "department" else pl.col("unit"), bottleneck=pl.col("overloaded"))
st.altair_chart(capacity_heatmap(shown, "line"), width="stretch")
grid(capacity_table(shown, "line").with_columns(shown.get_column("employees").alias(t("mpower.employees"))))
rules("mpower.rules", days=LOOKBACK_DAYS)
late_lines(projection)
rules("planning.capacity.rules", lead=OPERATION_LEAD_DAYS)
