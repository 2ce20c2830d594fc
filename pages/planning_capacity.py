"""Capacity load per machine (or line) and week, bottlenecks highlighted
(docs/architecture.md "The plant", "Pages")."""
import streamlit as st

from dashboard.i18n import t
from dashboard.planning.capacity import line_load, machine_load
from dashboard.planning.schedule import DEFAULT_WEEKS, OPERATION_LEAD_DAYS, ShiftCalendar, open_order_lines
from dashboard.ui.planning_charts import as_of_input, capacity_heatmap, capacity_table, rules
from data_access.db import get_engine
from data_access.planning_data import load_planning_frames

st.title(t("nav.planning.capacity"))
st.caption(t("planning.capacity.intro", weeks=DEFAULT_WEEKS))
frames = load_planning_frames(get_engine())

c1, c2, c3, c4 = st.columns(4)
with c1:
    today = as_of_input()
with c2:
    shifts = st.number_input(t("planning.capacity.shifts"), min_value=1, max_value=3, value=2, step=1)
with c3:
    hours = st.number_input(t("planning.capacity.hours_per_shift"), min_value=1.0, max_value=12.0, value=7.0, step=0.5)
with c4:
    days = st.number_input(t("planning.capacity.days"), min_value=1, max_value=7, value=6, step=1)

if open_order_lines(frames).height == 0:
    st.info(t("planning.empty"))
    st.stop()

machines = machine_load(frames, today, DEFAULT_WEEKS, ShiftCalendar(int(shifts), float(hours), int(days)))
level = st.radio(t("planning.capacity.level"), ["machine", "line"], horizontal=True,
                 format_func=lambda v: t(f"planning.capacity.level.{v}"))
table = machines if level == "machine" else line_load(machines)

m1, m2 = st.columns(2)
m1.metric(t("planning.capacity.bottlenecks"), int(machines.get_column("bottleneck").sum()))
peak = table.get_column("load").max()
m2.metric(t("planning.capacity.peak"), "—" if peak is None else f"{peak * 100:.1f} %")

st.altair_chart(capacity_heatmap(table, level), width="stretch")
st.dataframe(capacity_table(table, level), hide_index=True, width="stretch")
rules("planning.capacity.rules", lead=OPERATION_LEAD_DAYS)
