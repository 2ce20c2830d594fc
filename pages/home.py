"""Home: data status per department (rows, latest record, weeks missing) and headline KPIs."""
from datetime import date

import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import calendar
from dashboard.ui.status import show_status_table
from dashboard.ui.page_frame import page_frame
from dashboard.warmup import HOME_STATUS_WEEKS
from data_access.status import data_status

WEEKS = HOME_STATUS_WEEKS  # the weeks the warm-up's data status has (dashboard.warmup)
engine, _, lang = page_frame(login=False)  # signed in by the app frame (dashboard/app.py)

st.title(t("app.title"))
st.caption(t("app.subtitle"))

status = data_status(engine, today=date.today(), weeks=WEEKS, week_start=calendar.week_start)
if status["rows"].sum() == 0:
    st.info(t("home.empty"))
else:
    try:
        from dashboard.ui.headline import headline_tiles
    except ImportError:
        headline_tiles = None
    if headline_tiles is not None:
        headline_tiles(engine)
    from dashboard.ui.exceptions import exceptions_count  # the Exceptions page's count (issue 18.2)
    from dashboard.ui.login import current_user

    exceptions_count(engine, date.today(), lang, link=getattr(current_user(), "role", "admin") != "clerk")

st.subheader(t("home.title"))
st.caption(t("home.intro", weeks=WEEKS) + " · " + t("home.as_of", date=date.today().isoformat()))
show_status_table(status, lang)
