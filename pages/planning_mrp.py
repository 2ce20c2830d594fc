"""Material requirements (MRP): net requirements, order release dates, shortages
(docs/architecture.md "The plant", "Pages")."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.planning.mrp import mrp_table, planned_orders
from dashboard.planning.projection import project
from dashboard.planning.schedule import DEFAULT_WEEKS, OPERATION_LEAD_DAYS, open_order_lines
from dashboard.ui.names import localized_frames
from dashboard.ui.planning_charts import (late_lines, late_metrics, mrp_display, plan_inputs, planned_orders_display,
                                          planned_orders_xlsx, rules)
from dashboard.ui.tables import grid
from data_access.db import get_engine
from dashboard.facts import load_planning_frames

st.title(t("nav.planning.mrp"))
st.caption(t("planning.mrp.intro", weeks=DEFAULT_WEEKS))
frames = localized_frames(load_planning_frames(get_engine()))  # names in the user's language
today, calendar = plan_inputs()

if open_order_lines(frames).height == 0:
    st.info(t("planning.empty"))
    st.stop()
if frames["materials"].height == 0:
    st.info(t("planning.mrp.empty"))
    st.stop()

projection = project(frames, today, calendar)
late_metrics(projection)
table = mrp_table(frames, today, projection=projection)
orders = planned_orders(table, frames)
m1, m2 = st.columns(2)
m1.metric(t("planning.mrp.to_order"), orders.height)
m2.metric(t("planning.mrp.shortages"), int(orders.get_column("shortage").sum()))

st.subheader(t("planning.mrp.planned_orders"))
if orders.height == 0:
    st.success(t("planning.mrp.no_orders"))
else:
    grid(planned_orders_display(orders))
    st.download_button(t("planning.mrp.download"), planned_orders_xlsx(orders), file_name=f"mrp-{today.isoformat()}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("planning.mrp.detail"))
if st.toggle(t("planning.mrp.only_needed"), value=False):
    table = table.filter(pl.col("material_code").is_in(orders.get_column("material_code").unique().to_list()))
grid(mrp_display(table, frames["materials"]))
late_lines(projection)
rules("planning.mrp.rules", lead=OPERATION_LEAD_DAYS)
