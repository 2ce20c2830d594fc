"""Exceptions (issue 18.2, docs/kpis.md): one small plant, one exception per rule, each hand-computed;
acknowledging hides an exception until it worsens; a clerk cannot acknowledge. On SQLite and
PostgreSQL (the `engine` fixture).

The plant, seen on Tuesday 2026-12-01 (TODAY):
- production on INJ-01 / P-1001, 1,000 pieces a day: 10–19 Nov with 50 scrap a day, 24–29 Nov with
  10 scrap, 30 Nov with 100 scrap. November: 660 scrap of 17,000 = 3.882 % against the plant
  target 2.0 % -> off target by (0.03882 − 0.02) / 0.02 = 0.941 of the target (> 20 %: high);
  October has no production (no status), so it is off target since 2026-11-01.
- p-chart of the last 7 days (24–30 Nov): p̄ = 160 / 7,000 = 0.022857, σ(n = 1,000) = 0.0047263,
  UCL = 0.037036, LCL = 0.008678. 30 Nov (p = 0.100) is (0.100 − 0.037036) / 0.0047263 = 13.32 σ
  above the UCL (high); 24–29 Nov (p = 0.010) lie inside.
- complaint CC-A dated 2026-10-01, still open: 61 days (> 60: medium); CC-B (10-20, closed 11-15)
  and CC-C (11-15, 16 days) are no exception.
- order SO-LATE/1 promised 2026-11-20, nothing shipped: late 11 days (> 7: high).
- M-PA66 (safety stock 500): 300 received on 2026-11-02 -> shortfall 200 / 500 = 0.4 (stock above
  half the safety stock: low). M-PP (no safety stock): 10,000 received 2026-09-01, 130 issued on
  2026-11-02 -> weekly issue 130 / 13 = 10, cover 9,870 / 10 = 987 weeks (> 52: medium).
- E-0001 worked 4 days with 10 h overtime in November: 40 h > 36 h (≤ 48: low).
- production's last 8 complete weeks (Mondays 5 Oct … 23 Nov): rows only in the weeks of 9, 16 and
  23 Nov -> 5 weeks missing (≥ 4: high), since 2026-10-05.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from dashboard.auth import create_user
from dashboard.exceptions import find_exceptions, hide_acknowledged, link, load_exceptions
from data_access.db import write_transaction
from data_access.exception_acks import acknowledge_exception, latest_acknowledgements
from data_access.models import AuditEntry, ExceptionAck
from data_access.permissions import PermissionDenied, database_owner
from data_access.store import finish_batch, insert_rows, new_batch
from tests.support.examples import example_row, example_rows

OWNER = database_owner()  # acts on accounts as the CLI does

TODAY = date(2026, 12, 1)
PASSWORD = "a-long-test-password"


def _production(day: date, scrap: int) -> dict:
    return {**example_row("production"), "date": day, "planned_qty": 1000, "input_qty": 1000, "total_qty": 1000,
            "good_qty": 1000 - scrap, "defect_qty": 0, "scrap_qty": scrap}


def small_plant(engine) -> None:
    rows = example_rows()
    masters = ("lines", "machines", "products", "routings", "employees", "customers", "reasons", "suppliers")
    production = ([_production(date(2026, 11, 10 + d), 50) for d in range(10)]
                  + [_production(date(2026, 11, 24 + d), 10) for d in range(6)] + [_production(date(2026, 11, 30), 100)])
    complaint = example_row("complaints")
    complaints = [{**complaint, "complaint_no": "CC-A", "date": date(2026, 10, 1), "closed_date": None},
                  {**complaint, "complaint_no": "CC-B", "date": date(2026, 10, 20), "closed_date": date(2026, 11, 15)},
                  {**complaint, "complaint_no": "CC-C", "date": date(2026, 11, 15), "closed_date": None}]
    order = {**example_row("orders"), "order_no": "SO-LATE", "line_no": 1, "order_date": date(2026, 11, 1),
             "promised_date": date(2026, 11, 20), "requested_date": date(2026, 11, 20), "qty": 100}
    material = example_row("materials")
    materials = [material, {**material, "material_code": "M-PP", "name": "PP resin", "safety_stock": 0.0}]
    move = example_row("material_moves")
    moves = [{**move, "date": date(2026, 11, 2), "item_code": "M-PA66", "move": "receipt", "qty": 300.0},
             {**move, "date": date(2026, 9, 1), "item_code": "M-PP", "move": "receipt", "qty": 10000.0},
             {**move, "date": date(2026, 11, 2), "item_code": "M-PP", "move": "issue", "qty": 130.0}]
    attendance = [{**example_row("attendance"), "date": date(2026, 11, 2 + d), "overtime_h": 10.0} for d in range(4)]
    target = {**example_row("targets"), "kpi": "scrap_ratio", "month": "2026-11", "line_code": None, "target": 0.02}
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "cli")
        for name in masters:
            insert_rows(conn, name, rows[name], batch)
        for name, data in (("materials", materials), ("targets", [target]), ("production", production),
                           ("complaints", complaints), ("orders", [order]), ("material_moves", moves),
                           ("attendance", attendance)):
            insert_rows(conn, name, data, batch)
        finish_batch(conn, batch, 1)


@pytest.fixture
def plant(engine):
    small_plant(engine)
    create_user(engine, "mia", PASSWORD, "manager", by=OWNER, lang="en")
    create_user(engine, "pat", PASSWORD, "clerk", "production", by=OWNER, lang="zh")
    return engine


def test_one_exception_per_rule_hand_computed(plant):
    found = load_exceptions(plant, TODAY)
    by_key = {r["key"]: r for r in found.iter_rows(named=True)}

    off = by_key["kpi_off_target:scrap_ratio"]
    assert off["severity"] == "high" and off["department"] == "production" and off["since"] == date(2026, 11, 1)
    assert off["value"] == pytest.approx(660 / 17000) and off["measure"] == pytest.approx(0.9412, abs=1e-4)
    assert link(off) == "analysis-quality?period=custom&from=2026-11-01&to=2026-11-30&grain=week"

    ooc = [r for r in by_key.values() if r["rule"] == "out_of_control"]
    assert [r["subject"] for r in ooc] == ["2026-11-30"]
    assert ooc[0]["severity"] == "high" and ooc[0]["measure"] == pytest.approx(13.32, abs=0.01)
    assert ooc[0]["limit"] == pytest.approx(0.037036, abs=1e-6)

    complaint = by_key["complaint_open:CC-A"]
    assert (complaint["measure"], complaint["severity"], complaint["department"]) == (61, "medium", "customer_service")
    assert "complaint_open:CC-B" not in by_key and "complaint_open:CC-C" not in by_key
    assert link(complaint) == "analysis-customer?period=custom&from=2026-10-01&to=2026-12-01&grain=week&customer=C-001"

    late = by_key["order_late:SO-LATE/1"]
    assert (late["measure"], late["severity"], late["since"]) == (11, "high", date(2026, 11, 20))
    assert link(late).startswith("analysis-delivery?") and "customer=C-001&product=P-1001" in link(late)

    safety = by_key["below_safety:M-PA66"]
    assert (safety["measure"], safety["severity"], safety["value"]) == (pytest.approx(0.4), "low", 300)
    cover = by_key["excess_cover:M-PP"]
    assert (cover["measure"], cover["severity"]) == (pytest.approx(987.0), "medium")
    assert "excess_cover:M-PA66" not in by_key and "below_safety:M-PP" not in by_key

    overtime = by_key["overtime:E-0001:2026-11"]
    assert (overtime["measure"], overtime["severity"], overtime["department"]) == (40, "low", "production")

    missing = by_key["data_missing:production"]
    assert (missing["measure"], missing["severity"], missing["since"]) == (5, "high", date(2026, 10, 5))
    assert link(missing) == "input-production"

    # most severe first, then by department
    ranks = [{"high": 0, "medium": 1, "low": 2}[s] for s in found.get_column("severity")]
    assert ranks == sorted(ranks)


def test_nothing_off_on_a_plant_within_its_limits():
    """Empty inputs: no exception at all (each rule needs its evidence)."""
    assert find_exceptions({}, TODAY).height == 0


def test_acknowledged_hides_until_it_worsens(plant):
    key = "complaint_open:CC-A"
    acknowledge_exception(plant, "mia", key, 61, "Waiting for the customer's 8D report.")
    assert key not in load_exceptions(plant, TODAY).get_column("key").to_list()
    assert key in load_exceptions(plant, TODAY, include_acknowledged=True).get_column("key").to_list()
    # the same complaint 5 days later: 66 days open, worse than when acknowledged
    later = load_exceptions(plant, TODAY + timedelta(days=5))
    back = later.filter(later["key"] == key).row(0, named=True)
    assert back["measure"] == 66 and back["ack_measure"] == 61 and back["acknowledged_by"] == "mia"
    with plant.connect() as conn:
        details = [r[0] for r in conn.execute(sa.select(AuditEntry.__table__.c.detail)
                                              .where(AuditEntry.__table__.c.action == "exception_ack"))]
    assert len(details) == 1 and "8D" in details[0]


def test_a_clerk_cannot_acknowledge(plant):
    with pytest.raises(PermissionDenied) as refusal:
        acknowledge_exception(plant, "pat", "complaint_open:CC-A", 61, "mine")
    assert refusal.value.user == "pat"
    with plant.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ExceptionAck.__table__)).scalar() == 0
    assert latest_acknowledgements(plant).height == 0


def test_hide_acknowledged_compares_the_measure():
    """An acknowledgement at 10: a measure of 10 stays hidden, 10.5 is back."""
    import polars as pl

    from dashboard.exceptions import SCHEMA

    rows = [{k: None for k in SCHEMA} | {"key": "a", "measure": 10.0}, {k: None for k in SCHEMA} | {"key": "b", "measure": 10.5}]
    found = pl.DataFrame(rows, schema=SCHEMA)
    acks = pl.DataFrame({"key": ["a", "b"], "ack_measure": [10.0, 10.0], "comment": ["", ""],
                         "acknowledged_by": ["mia", "mia"]})
    assert hide_acknowledged(found, acks).get_column("key").to_list() == ["b"]


# --- the page (AppTest), in Chinese --------------------------------------------------------------
def _page(engine, monkeypatch, user):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from dashboard.auth import CurrentUser
    from dashboard.ui.login import SESSION_USER

    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "pages" / "exceptions.py"), default_timeout=60)
    at.session_state[SESSION_USER] = CurrentUser(*user)
    at.session_state["lang"] = user[3]
    at.session_state["exceptions_as_of"] = TODAY
    return at.run()


def test_page_in_chinese_lists_links_and_acknowledges(sqlite_engine, monkeypatch):
    small_plant(sqlite_engine)
    create_user(sqlite_engine, "mia", PASSWORD, "manager", by=OWNER, lang="zh")
    at = _page(sqlite_engine, monkeypatch, ("mia", "manager", None, "zh"))
    assert not at.exception
    assert at.title[0].value == "异常清单"
    text = "\n".join(m.value for m in at.markdown)
    assert "投诉 CC-A 已开启 61 天" in text
    assert "(analysis-customer?period=custom&from=2026-10-01&to=2026-12-01&grain=week&customer=C-001)" in text
    assert "订单行 SO-LATE/1 已延期 11 天" in text and "员工 E-0001:2026-11 加班 40.0 小时(上限 36 小时)" in text
    assert "【" not in text and "**高**" in text
    # production owns the most high exceptions (scrap ratio, 30 Nov, SO-LATE/1, its missing data): first
    assert at.subheader[0].value.startswith("生产")

    at.selectbox(key="exc_ack_key").set_value("complaint_open:CC-A")
    at.text_area(key="exc_ack_comment").set_value("等待客户 8D 报告")
    at = at.button[0].click().run()
    text = "\n".join(m.value for m in at.markdown)
    assert "CC-A" not in text
    assert at.success and at.success[0].value == "已确认:恶化前不再显示。"


# --- the weekly digest by e-mail (the real SMTP server of tests/test_notify.py) -------------------
def test_weekly_digest_in_the_users_language_once(plant, monkeypatch):
    """Monday 2026-11-30 07:30 (week 49 starts): due. The small plant seen that day — CC-A open 60
    days (not > 60: low), SO-LATE/1 10 days late — reaches mia in English and pat in Chinese, once."""
    from datetime import datetime

    from data_access.subscriptions import add_subscription
    from dashboard.notify import run_notify
    from tests.test_notify import MailServer, settings
    from tests.support.browser import free_port

    monkeypatch.setenv("PLANTKPI_APP_URL", "https://kpi.plant.example/")
    add_subscription(plant, "mia", "mia", "exceptions", "mia@plant.example")
    add_subscription(plant, "pat", "pat", "exceptions", "pat@plant.example")
    server = MailServer(free_port())
    server.start()
    try:
        assert run_notify(plant, datetime(2026, 11, 30, 6, 59), settings=settings(server)) == []  # not yet
        monday = datetime(2026, 11, 30, 7, 30)
        sent = run_notify(plant, monday, settings=settings(server))
        assert sorted((o.subscription.user_name, o.period, o.status) for o in sent) == [
            ("mia", "2026-W49", "sent"), ("pat", "2026-W49", "sent")]
        again = run_notify(plant, datetime(2026, 11, 30, 9, 0), settings=settings(server))
        assert [o.status for o in again] == ["skipped", "skipped"]
        mails = {rcpt[0]: msg for rcpt, msg in server.inbox.messages}
    finally:
        server.stop()
    assert len(server.inbox.messages) == 2
    english, chinese = mails["mia@plant.example"], mails["pat@plant.example"]
    assert english["Subject"].startswith("PlantKPI exceptions, week 2026-W49:")
    assert chinese["Subject"].startswith("PlantKPI 异常周报 2026-W49")
    body = english.get_content()
    assert "- [low] Complaint CC-A open for 60 days (since 2026-10-01) https://kpi.plant.example/analysis-customer?" in body
    assert "[high] Order line SO-LATE/1 late by 10 days (100 pcs to ship)" in body
    assert "投诉 CC-A 已开启 60 天" in chinese.get_content()


# --- the monthly summary: top 5 (page data, PDF, XLSX) ------------------------------------------
def test_monthly_summary_lists_the_five_most_severe(sqlite_engine, tmp_path):
    """November's summary, made on 2026-12-01: the five first of the exceptions open that day. The
    small plant has more than five high ones (scrap ratio, 30 Nov, SO-LATE/1, and every weekly kind
    without any record: 8 of 8 weeks missing), so all five are high."""
    import io
    import subprocess

    import openpyxl

    from dashboard.reports.pdf import render_pdf
    from dashboard.reports.summary import build_summary
    from dashboard.reports.xlsx import render_xlsx

    small_plant(sqlite_engine)
    summary = build_summary(sqlite_engine, "2026-11", today=TODAY)
    top = summary.top_exceptions
    every = load_exceptions(sqlite_engine, TODAY)
    assert top.height == 5 and top.get_column("key").to_list() == every.head(5).get_column("key").to_list()
    assert set(top.get_column("severity")) == {"high"}  # the small plant has more than 5 high ones

    (tmp_path / "s.pdf").write_bytes(render_pdf(summary, "zh"))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "主要异常" in text
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(summary, "en")))
    sheet = book["Exceptions"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert sum(1 for v in values if v == "high") == 5
    assert any(isinstance(v, str) and v.startswith("input-") or "?" in str(v) for v in values)


def test_summary_exceptions_remembered_for_the_data_version(sqlite_engine, monkeypatch):
    """A second summary of the same month at the same data version (a rerun of the Executive page, the
    PDF after the page) takes the exceptions computed for the first one: the same list, no second
    computation; an acknowledgement (a write) makes them computed again, one fewer."""
    import dashboard.exceptions as exceptions
    from dashboard.reports.summary import build_summary
    from data_access.cache import clear

    small_plant(sqlite_engine)
    clear(["exceptions"])
    calls = []
    real = exceptions.load_exceptions
    monkeypatch.setattr(exceptions, "load_exceptions", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    first = build_summary(sqlite_engine, "2026-11", today=TODAY)
    again = build_summary(sqlite_engine, "2026-11", today=TODAY)
    assert calls == [TODAY]  # the day after November: min(today, 30 Nov + 1)
    assert again.top_exceptions.equals(first.top_exceptions)
    every = real(sqlite_engine, TODAY)
    assert first.top_exceptions.get_column("key").to_list() == every.head(5).get_column("key").to_list()
    gone = every.row(0, named=True)
    acknowledge_exception(sqlite_engine, "owner-less install", gone["key"], gone["measure"], "on it")
    after = build_summary(sqlite_engine, "2026-11", today=TODAY)
    assert calls == [TODAY, TODAY]
    assert after.top_exceptions.get_column("key").to_list() == every.get_column("key").to_list()[1:6]
    clear(["exceptions"])


def test_home_counts_the_open_exceptions_and_drops_one_when_acknowledged(sqlite_engine, monkeypatch):
    """Home's count is the Exceptions list's length (same rules, same day); acknowledging one
    exception makes it one less."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    small_plant(sqlite_engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    home = Path(__file__).resolve().parents[1] / "pages" / "home.py"

    def shown() -> str:
        at = AppTest.from_file(str(home), default_timeout=60).run()
        assert not at.exception
        return next(m.value for m in at.markdown if m.value.startswith("**Open exceptions:"))

    expected = load_exceptions(sqlite_engine, date.today())
    assert shown().startswith(f"**Open exceptions: {expected.height}**")
    assert expected.height > 0
    first = expected.row(0, named=True)
    acknowledge_exception(sqlite_engine, "owner-less install", first["key"], first["measure"], "on it")
    assert shown().startswith(f"**Open exceptions: {expected.height - 1}**")


def test_projected_late_lines_by_customer_class():
    """Two open lines the projection finishes after their promised date (status projected_late):
    class A, 3 days late -> medium; class C, without a finish in the loading window -> low, its
    measure the whole window (366 days). Both link to the priority list filtered to their customer."""
    import polars as pl

    from dashboard.exceptions import order_late
    from dashboard.planning.projection import LINE_SCHEMA

    base = {k: None for k in LINE_SCHEMA} | {"product_code": "P-1", "order_date": date(2026, 11, 1),
                                              "promised_date": date(2026, 12, 10), "remaining_qty": 50.0,
                                              "status": "projected_late"}
    lines = pl.DataFrame([base | {"order_no": "SO-A", "line_no": 1, "customer_code": "C-A", "abc_class": "A",
                                  "lateness_days": 3},
                          base | {"order_no": "SO-C", "line_no": 2, "customer_code": "C-C", "abc_class": "C"},
                          base | {"order_no": "SO-OK", "line_no": 1, "customer_code": "C-A", "abc_class": "A",
                                  "status": "on_track", "lateness_days": 0}], schema=LINE_SCHEMA)
    rows = {r["subject"]: r for r in order_late(lines, TODAY)}
    assert set(rows) == {"SO-A/1", "SO-C/2"}
    assert (rows["SO-A/1"]["severity"], rows["SO-A/1"]["measure"]) == ("medium", 3)
    assert (rows["SO-C/2"]["severity"], rows["SO-C/2"]["measure"]) == ("low", 366)
    assert link(rows["SO-A/1"]) == "planning-priority?period=this_month&grain=day&customer=C-A&product=P-1"


def test_priority_page_honours_the_links_customer_filter(sqlite_engine, monkeypatch):
    """The priority list opened with ?customer=C-001 (a projected-late line's link) shows only
    C-001's lines: of the small plant's one open line (SO-LATE/1, C-001) one stays, with C-999 none."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from dashboard.i18n import t

    small_plant(sqlite_engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    page = str(Path(__file__).resolve().parents[1] / "pages" / "planning_priority.py")
    for customer, lines in (("C-001", 1), ("C-999", 0)):
        at = AppTest.from_file(page, default_timeout=60)
        at.query_params["customer"] = customer
        at.run()
        assert not at.exception
        (count,) = [m for m in at.metric if m.label == t("planning.priority.open_count", "en")]
        assert count.value == str(lines)
        assert any(f"Customer {customer}" in c.value for c in at.caption)
