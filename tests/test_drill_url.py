"""The drill-down in the URL (issue 20.5, dashboard/ui/drill_url.py): a click writes `drill=dim:code`,
a page opened with it is drilled down (its note says so), a cleared click clears it."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from tests.test_analysis_pages import JANUARY, known_db  # noqa: F401  (fixture)
from tests.test_zh_pages_all import run_zh

SCRIPT = """
import streamlit as st
from dashboard.ui.drill_url import remembered
st.text(repr(remembered("supplier", st.session_state.get("click"))))
"""


def test_a_click_is_written_restored_and_cleared():
    at = AppTest.from_string(SCRIPT)
    at.query_params["drill"] = "supplier:S-001"
    at.run()
    assert at.text[0].value == "'S-001'"  # opened from a link: drilled down
    at.session_state["click"] = "S-002"
    at.run()
    assert at.text[0].value == "'S-002'" and at.query_params["drill"] in ("supplier:S-002", ["supplier:S-002"])
    at.session_state["click"] = None  # a double click clears the selection
    at.run()
    assert at.text[0].value == "None" and "drill" not in at.query_params
    at.run()
    assert at.text[0].value == "None"


def test_another_dimension_in_the_url_is_not_this_one():
    at = AppTest.from_string(SCRIPT)
    at.query_params["drill"] = "machine:INJ-01"
    at.run()
    assert at.text[0].value == "None"


def test_purchasing_opened_with_a_drill_down_is_drilled_down(known_db, monkeypatch):
    import tests.test_zh_pages_all as zh

    monkeypatch.setattr(zh, "JANUARY", {**JANUARY, "drill": "supplier:S-01"})
    at = run_zh("analysis_purchasing")
    notes = [i.value for i in at.info]
    assert any(t("analysis.dim.supplier", "zh") in n and "S-01" in n for n in notes), notes
