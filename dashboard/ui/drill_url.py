"""The drill-down in the URL (issue 20.5): the bar clicked on an analysis page is written to the query
string (`drill=<dim>:<code>`), so that a link or a reload opens the page drilled down as it was; the
filter bar's own parameters are dashboard.ui.filters' (it leaves this one alone).

A chart's selection cannot be set from Python, so a restored drill-down shows in the page's note
("Drilled down to …"), not as a highlighted bar. A double click that clears the selection clears
the parameter too."""
from __future__ import annotations

import streamlit as st

PARAM = "drill"
_CLICKED = "_drill_clicked"  # {dim: True} once a click of this session set the drill-down of `dim`


def remembered(dim: str, clicked: str | None) -> str | None:
    """The code the page is drilled down to along `dim`: the clicked one (then written to the URL), or
    without a click the URL's; None once a click has been cleared."""
    clicks = st.session_state.setdefault(_CLICKED, {})
    if clicked:
        clicks[dim] = True
        if st.query_params.get(PARAM) != f"{dim}:{clicked}":
            st.query_params[PARAM] = f"{dim}:{clicked}"
        return clicked
    written = st.query_params.get(PARAM, "")
    at, _, code = written.partition(":")
    if at != dim or not code:
        return None
    if clicks.pop(dim, False):  # this session's click was cleared (double click): so is the URL's
        del st.query_params[PARAM]
        return None
    return code


__all__ = ["PARAM", "remembered"]
