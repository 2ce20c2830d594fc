"""Priority list of open order lines by the plant's scheduling principles (docs/architecture.md
"The plant", "Pages")."""
import streamlit as st

from dashboard.i18n import t
from dashboard.planning.priority import PriorityWeights, priority_list
from dashboard.planning.projection import project
from dashboard.planning.schedule import DEFAULT_WEEKS, open_order_lines
from dashboard.ui.tables import grid
from dashboard.ui.names import localized_frames
from dashboard.ui.planning_charts import late_lines, late_metrics, plan_inputs, priority_chart, priority_table, rules
from data_access.db import get_engine
from dashboard.facts import load_planning_frames

st.title(t("nav.planning.priority"))
st.caption(t("planning.priority.intro"))
frames = localized_frames(load_planning_frames(get_engine()))  # names in the user's language
today, calendar = plan_inputs()

defaults = PriorityWeights()
with st.sidebar:
    st.subheader(t("planning.priority.weights"))
    weights = PriorityWeights(**{
        name: st.slider(t(f"planning.priority.w_{name}"), 0.0, 1.0, getattr(defaults, name), 0.05, key=f"priority_w_{name}")
        for name in ("due", "customer", "bottleneck", "operations")})

if open_order_lines(frames).height == 0:
    st.info(t("planning.empty"))
    st.stop()

projection = project(frames, today, calendar)
late_metrics(projection)
ranked = priority_list(frames, today, weights, calendar=calendar, projection=projection)
# ?customer=…&product=… (the filter bar's format; links from the Exceptions page): only those lines
for column, name in (("customer_code", "customer"), ("product_code", "product")):
    wanted = [v for v in st.query_params.get(name, "").split(",") if v]
    if wanted:
        ranked = ranked.filter(ranked[column].is_in(wanted))
        st.caption(t("exc.priority.filtered", what=t(f"analysis.dim.{name}"), values=", ".join(wanted)))
st.metric(t("planning.priority.open_count"), ranked.height)

grid(priority_table(ranked))
st.altair_chart(priority_chart(ranked), width="stretch")
late_lines(projection)
rules("planning.priority.rules", days=DEFAULT_WEEKS * 7)
