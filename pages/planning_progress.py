"""Progress tracking: plan vs actual per open order line and per week, late lines first
(docs/architecture.md "The plant", "Pages")."""
import streamlit as st

from dashboard.i18n import t
from dashboard.planning.progress import line_progress, weekly_progress
from dashboard.planning.projection import project
from dashboard.planning.schedule import OPERATION_LEAD_DAYS, open_order_lines
from dashboard.ui.tables import grid
from dashboard.ui.names import localized_frames, picker_labels
from dashboard.ui.planning_charts import (late_lines, late_metrics, plan_inputs, progress_chart, progress_table, rules,
                                          weekly_table)
from data_access.db import get_engine
from dashboard.facts import load_planning_frames

st.title(t("nav.planning.progress"))
st.caption(t("planning.progress.intro"))
frames = localized_frames(load_planning_frames(get_engine()))  # names in the user's language
today, calendar = plan_inputs()

if open_order_lines(frames).height == 0:
    st.info(t("planning.empty"))
    st.stop()

projection = project(frames, today, calendar)
late_metrics(projection)
lines = line_progress(frames, today, projection=projection)
counts = lines.get_column("status").value_counts()
count = dict(zip(counts.get_column("status").to_list(), counts.get_column("count").to_list()))
m1, m2 = st.columns(2)
m1.metric(t("planning.progress.behind_count"), count.get("behind", 0))
m2.metric(t("planning.progress.on_track_count"), count.get("on_track", 0))
grid(progress_table(lines))

st.subheader(t("planning.progress.weekly"))
product_labels = picker_labels(frames, "products", "product_code")  # name and development stage (issue 17.3)
products = st.multiselect(t("planning.progress.products"), sorted(lines.get_column("product_code").unique().to_list()),
                          placeholder=t("planning.progress.all_products"), format_func=lambda c: product_labels.get(c, c))
weeks = weekly_progress(frames, today, products=products or None)
st.altair_chart(progress_chart(weeks), width="stretch")
grid(weekly_table(weeks))
late_lines(projection)
rules("planning.progress.rules", lead=OPERATION_LEAD_DAYS)
