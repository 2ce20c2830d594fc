"""Meeting mode: wide, large fonts, sidebar hidden — readable from the back of a room.

The switch is part of the URL (?meeting=1), so a link opens the projector view directly.
"""
from __future__ import annotations

import streamlit as st

from dashboard.i18n import t

_KEY = "meeting_mode"

MEETING_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {
  display: none !important;
}
.block-container, [data-testid="stMainBlockContainer"] {
  max-width: 100% !important; padding: 1rem 1.5rem !important;
}
html, body, [data-testid="stAppViewContainer"] { font-size: 21px !important; }
[data-testid="stMetricValue"] { font-size: 3.1rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; font-weight: 600; }
[data-testid="stMetricDelta"] { font-size: 1.15rem !important; }
h1 { font-size: 2.6rem !important; }
h2, h3 { font-size: 1.8rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem !important; }
</style>
"""


def meeting_toggle(page_id: str = "") -> bool:
    """The meeting-mode switch (kept in the URL); applies the style when on."""
    ss = st.session_state
    # Another page dropped the URL's ?meeting=1: the session remembers it.
    from_url = (st.query_params.get("meeting") == "1"
                or ("meeting" not in st.query_params and ss.get("_meeting_saved", False)))
    if ss.get("_meeting_written") != from_url or ss.get("_meeting_page") != page_id or _KEY not in ss:
        ss[_KEY] = from_url
    on = st.toggle(t("analysis.meeting"), key=_KEY, help=t("analysis.meeting.help"))
    if on:
        st.query_params["meeting"] = "1"
    elif "meeting" in st.query_params:
        del st.query_params["meeting"]
    ss["_meeting_written"] = ss["_meeting_saved"] = on
    ss["_meeting_page"] = page_id
    if on:
        st.html(MEETING_CSS)
    return on


def is_on() -> bool:
    return bool(st.session_state.get(_KEY))


__all__ = ["MEETING_CSS", "is_on", "meeting_toggle"]
