"""Subscriptions and `plantkpi notify` (issue 18.3, docs/report.md) against a real SMTP server
(aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL: who gets what, in their language, with the PDF
attached, never twice, retried after the mail server was down; only an admin subscribes others."""
from __future__ import annotations

import email
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller

from dashboard.auth import create_user
from dashboard.notify import SmtpSettings, due_month, due_week, run_notify
from data_access.db import write_transaction
from data_access.permissions import PermissionDenied, database_owner
from data_access.store import finish_batch, insert_rows, new_batch
from data_access.subscriptions import SubscriptionError, add_subscription, list_subscriptions, remove_subscription
from tests.support.browser import free_port
from tests.support.examples import example_row, example_rows

OWNER = database_owner()  # acts on accounts as the CLI does

PASSWORD = "a-long-test-password"
DUE = datetime(2026, 12, 2, 6, 30)  # the 2nd after 06:00: November's summary is due


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


class MailServer:
    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server():
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


def settings(server: MailServer) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, sender="stat@plant.example")


def people(engine):
    create_user(engine, "boss", PASSWORD, "admin", by=OWNER, lang="zh")
    create_user(engine, "li", PASSWORD, "manager", by=OWNER, lang="en")
    create_user(engine, "wang", PASSWORD, "clerk", "quality", by=OWNER, lang="zh")


def test_due_windows():
    """Monthly mails are due from the 2nd 06:00 for 7 days, weekly ones from Monday 08:00 for 3 days."""
    assert due_month(datetime(2026, 12, 2, 5, 59)) is None
    assert due_month(datetime(2026, 12, 2, 6, 0))[0] == "2026-11"
    assert due_month(datetime(2026, 12, 8, 23, 0))[1:] == (date(2026, 11, 1), date(2026, 11, 30))
    assert due_month(datetime(2026, 12, 9, 6, 0)) is None
    assert due_month(datetime(2026, 1, 3, 0, 0))[0] == "2025-12"
    assert due_week(datetime(2026, 11, 30, 7, 59)) is None  # a Monday before 08:00
    assert due_week(datetime(2026, 11, 30, 8, 0)) == ("2026-W48", date(2026, 11, 23), date(2026, 11, 29))
    assert due_week(datetime(2026, 12, 3, 8, 0)) is None


def test_summary_reaches_each_subscriber_in_their_language_once(engine, mail_server):
    people(engine)
    add_subscription(engine, "boss", "boss", "summary", "gm@plant.example")
    add_subscription(engine, "li", "li", "summary", "li@plant.example")

    first = run_notify(engine, DUE, settings=settings(mail_server))
    assert sorted(o.status for o in first) == ["sent", "sent"]
    by_rcpt = {rcpt[0]: msg for rcpt, msg in mail_server.inbox.messages}
    assert set(by_rcpt) == {"gm@plant.example", "li@plant.example"}
    assert by_rcpt["gm@plant.example"]["Subject"] == "PlantKPI 月度经营摘要 2026-11"
    assert by_rcpt["li@plant.example"]["Subject"] == "PlantKPI monthly summary 2026-11"
    assert by_rcpt["li@plant.example"]["From"] == "stat@plant.example"
    for msg in by_rcpt.values():
        (pdf,) = [part for part in msg.iter_attachments()]
        assert pdf.get_filename() == "plantkpi-2026-11.pdf"
        assert pdf.get_content().startswith(b"%PDF")

    again = run_notify(engine, DUE + timedelta(minutes=5), settings=settings(mail_server))
    assert [o.status for o in again] == ["skipped", "skipped"]
    assert len(mail_server.inbox.messages) == 2
    assert {s.last_status for s in list_subscriptions(engine)} == {"sent"}


def test_failed_send_is_shown_and_retried_on_the_next_run(engine):
    people(engine)
    sub_id = add_subscription(engine, "boss", "li", "summary", "li@plant.example")
    down = MailServer(free_port())  # nothing listens on its port yet

    failed = run_notify(engine, DUE, settings=settings(down))
    assert [o.status for o in failed] == ["failed"]
    (row,) = list_subscriptions(engine, "li")
    assert (row.id, row.last_status, row.attempts) == (sub_id, "failed", 1)
    assert "Connection refused" in row.last_error or "Errno" in row.last_error

    down.start()
    try:
        retried = run_notify(engine, DUE + timedelta(minutes=10), settings=settings(down))
        assert [o.status for o in retried] == ["sent"]
        assert [rcpt for rcpt, _ in down.inbox.messages] == [["li@plant.example"]]
        assert run_notify(engine, DUE + timedelta(minutes=20), settings=settings(down))[0].status == "skipped"
        (row,) = list_subscriptions(engine, "li")
        assert (row.last_status, row.attempts, row.last_error) == ("sent", 2, "")
    finally:
        down.stop()


def test_only_an_admin_subscribes_someone_else(engine):
    people(engine)
    with pytest.raises(PermissionDenied):
        add_subscription(engine, "wang", "li", "summary", "li@plant.example")
    own = add_subscription(engine, "wang", "wang", "csat_weekly", "wang@plant.example")
    with pytest.raises(PermissionDenied):
        remove_subscription(engine, "li", own)
    add_subscription(engine, "boss", "li", "summary", "li@plant.example")  # an admin may
    remove_subscription(engine, "boss", own)
    assert [(s.user_name, s.what) for s in list_subscriptions(engine)] == [("li", "summary")]


@pytest.mark.parametrize("what, address, kpi, key", [
    ("weekly", "a@b.example", "", "notify.err.what"),
    ("summary", "not an address", "", "notify.err.email"),
    ("alert", "a@b.example", "", "notify.err.kpi"),
    ("alert", "a@b.example", "no_such_kpi", "notify.err.kpi"),
])
def test_bad_subscriptions_are_refused_and_nothing_is_written(engine, what, address, kpi, key):
    people(engine)
    with pytest.raises(SubscriptionError) as refused:
        add_subscription(engine, "boss", "boss", what, address, kpi=kpi, known_kpis=("scrap_ratio",))
    assert refused.value.key == key
    assert list_subscriptions(engine) == []


def _plant_with_scrap_and_surveys(engine):
    """November 2026: 10 days of 1,000 pieces each with 50 scrap (scrap ratio 5.0 %) against a plant
    target of 2.0 %; week 48 (23–29 Nov) has four surveys scored 5, 4, 3, 2: CSAT = 2 / 4 = 50 %."""
    rows = example_rows()
    masters = ("lines", "machines", "products", "routings", "employees", "customers", "reasons")
    base = example_row("production")
    production = [{**base, "date": date(2026, 11, 10 + d), "planned_qty": 1000, "input_qty": 1000,
                   "total_qty": 1000, "good_qty": 950, "defect_qty": 0, "scrap_qty": 50} for d in range(10)]
    survey = example_row("surveys")
    surveys = [{**survey, "date": date(2026, 11, 23 + i), "score": s, "nps": None} for i, s in enumerate((5, 4, 3, 2))]
    target = {**example_row("targets"), "kpi": "scrap_ratio", "month": "2026-11", "line_code": None, "target": 0.02}
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "cli")
        for name in masters:
            insert_rows(conn, name, rows[name], batch)
        insert_rows(conn, "targets", [target], batch)
        insert_rows(conn, "production", production, batch)
        insert_rows(conn, "surveys", surveys, batch)
        finish_batch(conn, batch, 1)


def test_alert_off_target_and_weekly_csat_report(engine, mail_server):
    _plant_with_scrap_and_surveys(engine)
    people(engine)
    add_subscription(engine, "li", "li", "alert", "li@plant.example", kpi="scrap_ratio")
    add_subscription(engine, "boss", "boss", "csat_weekly", "gm@plant.example")

    monday = datetime(2026, 11, 30, 9, 0)  # week 48's report is due; no monthly mail yet
    sent = run_notify(engine, monday, settings=settings(mail_server))
    assert [(o.subscription.what, o.period, o.status) for o in sent] == [("csat_weekly", "2026-W48", "sent")]
    (_, report), = mail_server.inbox.messages
    assert report["Subject"] == "PlantKPI 客户满意度周报 2026-W48"
    assert "50.0 %" in report.get_content()

    run_notify(engine, DUE, settings=settings(mail_server))
    alert = mail_server.inbox.messages[-1][1]
    assert alert["Subject"].startswith("PlantKPI alert:") and "2026-11" in alert["Subject"]
    assert "5.00 %" in alert.get_content() and "2.00 %" in alert.get_content()


def test_cli_dry_run_lists_what_is_due_and_refuses_bad_input(engine, tmp_path):
    people(engine)
    add_subscription(engine, "boss", "li", "summary", "li@plant.example")
    env = dict(os.environ, PLANTKPI_DATABASE_URL=engine.url.render_as_string(hide_password=False))
    env.pop("PLANTKPI_SMTP_URL", None)

    def plantkpi(*args):
        return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    dry = plantkpi("notify", "--now", "2026-12-02 07:00", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "due: summary for 2026-11 to li <li@plant.example>" in dry.stdout
    assert plantkpi("notify", "--now", "2026-12-02 07:00").returncode == 2  # no mail server set
    bad = plantkpi("notify", "--now", "yesterday", "--dry-run")
    assert bad.returncode == 2 and "yesterday" in bad.stderr
    refused = plantkpi("subscription", "add", "li", "--what", "summary", "--email", "li(at)plant")
    assert refused.returncode == 2 and "li(at)plant" in refused.stderr
    listed = plantkpi("subscription", "list")
    assert "li@plant.example" in listed.stdout and listed.returncode == 0


# --- the Subscriptions page (AppTest) ----------------------------------------------------------------
def _page(sqlite_engine, monkeypatch, user):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from dashboard.auth import CurrentUser
    from dashboard.ui.login import SESSION_USER

    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "pages" / "subscriptions.py"), default_timeout=30)
    at.session_state[SESSION_USER] = CurrentUser(*user)
    at.session_state["lang"] = user[3]  # the app frame sets the language before the page runs
    return at.run()


def test_page_a_clerk_sees_and_adds_only_their_own(sqlite_engine, monkeypatch):
    people(sqlite_engine)
    add_subscription(sqlite_engine, "boss", "li", "summary", "li@plant.example")
    at = _page(sqlite_engine, monkeypatch, ("wang", "clerk", "quality", "zh"))
    assert not at.exception
    assert any("还没有订阅" in i.value for i in at.info)  # li's subscription is not shown to wang
    assert at.selectbox[0].disabled and at.selectbox[0].value == "wang"

    at.text_input[0].input("wang(at)plant")
    at = at.button[0].click().run()
    assert any("wang(at)plant" in e.value for e in at.error)
    assert [s.user_name for s in list_subscriptions(sqlite_engine)] == ["li"]

    at.text_input[0].input("wang@plant.example")
    at = at.button[0].click().run()
    assert not at.exception and not at.error
    assert sorted(s.user_name for s in list_subscriptions(sqlite_engine)) == ["li", "wang"]
    assert at.dataframe[0].value["用户"].tolist() == ["wang"]


def test_page_an_admin_sees_everyone_and_the_failed_sends(sqlite_engine, monkeypatch):
    people(sqlite_engine)
    add_subscription(sqlite_engine, "boss", "li", "summary", "li@plant.example")
    run_notify(sqlite_engine, DUE, settings=settings(MailServer(free_port())))  # nobody listens: fails
    at = _page(sqlite_engine, monkeypatch, ("boss", "admin", None, "en"))
    assert not at.exception
    assert any("1 mail(s) failed" in w.value for w in at.warning)
    shown = at.dataframe[0].value
    assert shown["User"].tolist() == ["li"] and shown["State"].tolist() == ["failed"]
