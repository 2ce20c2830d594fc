"""The Sales & finance and Wages pages (AppTest) on the hand-computed cases of tests/test_finance.py and
tests/test_wages.py: the numbers the pages show are those cases' numbers; who may see the pay sheet."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import CurrentUser, create_user
from dashboard.ui.login import SESSION_USER
from data_access.permissions import database_owner
from tests.test_finance import the_case
from tests.test_wages import TOTALS, march  # noqa: F401  (the fixture)

OWNER = database_owner()  # acts on accounts as the CLI does

PAGES = Path(__file__).resolve().parents[1] / "pages"
ADMIN = CurrentUser("root", "admin", None, "en")


def run(file: str, engine, monkeypatch, *, user=ADMIN, query: dict | None = None, lang: str = "en") -> AppTest:
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(str(PAGES / file), default_timeout=60)
    at.session_state[SESSION_USER] = user
    at.session_state["lang"] = lang
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_sales_page_tiles_ageing_and_the_open_invoices_of_an_overdue_customer(sqlite_engine, monkeypatch):
    """February 2026: revenue ¥2,000, margin 45.0 %, receivables ¥1,100 open at 2026-02-28, of which INV-1's
    ¥600 is 19 days overdue (1–30 days); payables nothing open."""
    the_case(sqlite_engine)
    february = {"period": "custom", "from": "2026-02-01", "to": "2026-02-28", "grain": "week"}
    at = run("analysis_sales.py", sqlite_engine, monkeypatch, query=february)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Sales revenue"] == "¥2,000.00" and tiles["Gross margin"] == "45.0 %"
    assert tiles["Receivables open"] == "¥1,100.00"
    receivables = at.dataframe[0].value
    assert receivables.iloc[0]["Open"] == pytest.approx(1100) and receivables.iloc[0]["1–30 days"] == pytest.approx(600)
    at.selectbox(key="sales_pick_customer").select(at.selectbox(key="sales_pick_customer").options[1]).run()
    invoices = at.dataframe[1].value
    assert invoices["Invoice"].tolist() == ["INV-1", "INV-2"]  # the most overdue first
    assert invoices["Days overdue"].tolist() == [19, -3]


def test_wages_page_shows_the_pay_sheet_to_admin_and_finance_only(march, monkeypatch):  # noqa: F811
    for name, role, department in (("root", "admin", None), ("cai", "clerk", "finance"),
                                   ("wang", "clerk", "production"), ("li", "manager", None)):
        create_user(march, name, f"{name}-long-password", role, department, by=OWNER)
    at = run("wages.py", march, monkeypatch, query={})
    at.selectbox(key="pay_month").select("2026-03").run()
    employees = at.dataframe[1].value
    assert dict(zip(employees["Employee no."], employees["Total"])) == pytest.approx(TOTALS)
    finance = CurrentUser("cai", "clerk", "finance", "zh")
    assert not run("wages.py", march, monkeypatch, user=finance, lang="zh").error
    for refused in (CurrentUser("wang", "clerk", "production", "en"), CurrentUser("li", "manager", None, "en")):
        page = run("wages.py", march, monkeypatch, user=refused)
        assert page.error and "pay sheet is for" in page.error[0].value and not page.dataframe
