"""`plantkpi notify`: send the subscriptions and alerts that are due, never twice (docs/report.md).

What is due at a moment `now` (the server's local time, or --now):
- summary: the last complete month's executive summary PDF, from the 2nd of the next month at 06:00;
- csat_weekly: last week's customer-satisfaction report (Monday to Sunday), from Monday 08:00;
- exceptions: the weekly digest of the plant's open exceptions (dashboard.exceptions), from Monday 07:00;
- alert on a KPI: the last complete month when the KPI is off target (from the 2nd at 06:00), and for
  scrap_ratio also each of the last 7 days whose scrap ratio lies outside the p-chart limits.
A monthly mail stays due for 7 days after it fell due and a weekly one for 3 (CATCH_UP_DAYS): a new
subscriber still gets this month's summary that week, never a backlog, and a server down longer skips it. Each (subscription, period) is claimed in the database before its mail is sent and marked sent
after, so runs every few minutes from cron or a systemd timer never send twice; a failed send stays
"failed" with its error (shown to the admin on the Subscriptions page) and is retried on the next run.
"""
from __future__ import annotations

import os
import smtplib
import ssl
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlparse

import polars as pl
from sqlalchemy.engine import Engine

from dashboard.i18n import t
from dashboard.i18n.numbers import fmt_value
from dashboard.kpi import Filters, compute_one, kpi
from data_access.subscriptions import SubscriptionRow, claim_delivery, finish_delivery, list_subscriptions

SUMMARY_DAY, SUMMARY_HOUR = 2, 6   # the monthly summary: the 2nd at 06:00
WEEKLY_HOUR = 8                     # the weekly report: Monday at 08:00
DIGEST_HOUR = 7                     # the exceptions digest: Monday at 07:00, before the Monday meeting
DIGEST_LINES = 20                   # the digest lists this many, most severe first
CATCH_UP_DAYS = 7                   # a monthly mail is still sent this many days after it fell due
WEEKLY_CATCH_UP_DAYS = 3            # a weekly one this many
CSAT_KPIS = ("csat", "satisfaction_mean", "nps", "complaints")


class MailSetupError(RuntimeError):
    """PLANTKPI_SMTP_URL is missing or malformed."""


@dataclass(frozen=True)
class Mail:
    subscription: SubscriptionRow
    period: str            # the delivery's key: "2026-11", "2026-W48", "2026-11-23"
    subject: str
    body: str
    attachment: tuple[str, bytes] | None = None  # (file name, PDF bytes)


@dataclass
class Outcome:
    subscription: SubscriptionRow
    period: str
    status: str            # sent | failed | skipped (sent already or being sent) | dry_run
    error: str = ""


@dataclass
class SmtpSettings:
    host: str
    port: int
    ssl: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "plantkpi@localhost"


def smtp_settings(url: str | None = None, sender: str | None = None) -> SmtpSettings:
    """smtp://[user:password@]host[:port][?starttls=true] or smtps://… (TLS from the start)."""
    url = url if url is not None else os.environ.get("PLANTKPI_SMTP_URL", "")
    if not url:
        raise MailSetupError("notify.err.no_smtp")
    parts = urlparse(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailSetupError("notify.err.bad_smtp")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
    return SmtpSettings(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                        ssl=parts.scheme == "smtps", starttls=starttls,
                        user=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None,
                        sender=sender or os.environ.get("PLANTKPI_MAIL_FROM") or "plantkpi@localhost")


def send_mail(settings: SmtpSettings, mail: Mail) -> None:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.subscription.email
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    if mail.attachment is not None:
        name, data = mail.attachment
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if settings.ssl else smtplib.SMTP
    kwargs = {"context": context} if settings.ssl else {}
    with smtp_class(settings.host, settings.port, timeout=30, **kwargs) as server:
        if settings.starttls:
            server.starttls(context=context)
        if settings.user:
            server.login(settings.user, settings.password or "")
        server.send_message(message)


# --- what is due ------------------------------------------------------------------------------------
def _month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def due_month(now: datetime) -> tuple[str, date, date] | None:
    """The last complete month, while its summary (and monthly alerts) are due: from the 2nd 06:00 for
    CATCH_UP_DAYS (a new subscriber still gets it that week; a server down longer skips it), else None."""
    first = now.date().replace(day=1)
    since = now - datetime.combine(first.replace(day=SUMMARY_DAY), time(SUMMARY_HOUR))
    if not timedelta(0) <= since < timedelta(days=CATCH_UP_DAYS):
        return None
    end = first - timedelta(days=1)
    return _month_key(end), end.replace(day=1), end


def due_week(now: datetime, hour: int = WEEKLY_HOUR) -> tuple[str, date, date] | None:
    """The last complete Monday-to-Sunday week, from Monday `hour`:00 for WEEKLY_CATCH_UP_DAYS, else None."""
    monday = now.date() - timedelta(days=now.weekday())
    since = now - datetime.combine(monday, time(hour))
    if not timedelta(0) <= since < timedelta(days=WEEKLY_CATCH_UP_DAYS):
        return None
    start = monday - timedelta(days=7)
    year, week, _ = start.isocalendar()
    return f"{year:04d}-W{week:02d}", start, start + timedelta(days=6)


def _summary_mail(engine: Engine, sub: SubscriptionRow, now: datetime, facts) -> Iterator[Mail]:
    from dashboard.reports.pdf import render_pdf
    from dashboard.reports.summary import build_summary

    due = due_month(now)
    if due is None:
        return
    month = due[0]
    summary = build_summary(engine, month, today=now.date(), facts=facts)
    lang = sub.lang
    yield Mail(sub, month, t("notify.summary.subject", lang, month=month),
               t("notify.summary.body", lang, month=month, user=sub.user_name),
               (f"plantkpi-{month}.pdf", render_pdf(summary, lang)))


def _csat_mail(engine: Engine, sub: SubscriptionRow, now: datetime, facts) -> Iterator[Mail]:
    due = due_week(now)
    if due is None:
        return
    week, start, end = due
    lang = sub.lang
    this = compute_one(CSAT_KPIS, facts, Filters(date_from=start, date_to=end), today=now.date())
    before = compute_one(CSAT_KPIS, facts, Filters(date_from=start - timedelta(days=7), date_to=start - timedelta(days=1)),
                         today=now.date())
    lines = [t("notify.csat.intro", lang, week=week, start=start.isoformat(), end=end.isoformat()), ""]
    for k in CSAT_KPIS:
        unit = kpi(k).unit
        lines.append(t("notify.csat.line", lang, name=kpi(k).name(lang), value=fmt_value(this[k], unit),
                       previous=fmt_value(before[k], unit)))
    yield Mail(sub, week, t("notify.csat.subject", lang, week=week), "\n".join(lines))


def _alert_mails(engine: Engine, sub: SubscriptionRow, now: datetime, facts) -> Iterator[Mail]:
    """The alert rules are the exceptions list's (dashboard.exceptions: one rule set, docs/kpis.md): the KPI off
    target in the last complete month (sent while that month's mails are due), and for scrap_ratio each day
    of the last week outside the p-chart limits."""
    from dashboard.exceptions import kpi_off_target, out_of_control

    lang, definition = sub.lang, kpi(sub.kpi)
    name = definition.name(lang)
    due = due_month(now)
    off = [r for r in kpi_off_target(facts, now.date(), only=(sub.kpi,)) if r["subject"] == sub.kpi] if due else []
    for row in off:
        month = due[0]
        yield Mail(sub, month, t("notify.alert.subject_off", lang, kpi=name, period=month),
                   t("notify.alert.body_off", lang, kpi=name, period=month,
                     value=fmt_value(row["value"], definition.unit), target=fmt_value(row["limit"], definition.unit)))
    if sub.kpi == "scrap_ratio":
        for row in out_of_control(facts, now.date()):
            when, limit = row["subject"], fmt_value(row["limit"], "ratio")
            yield Mail(sub, when, t("notify.alert.subject_ooc", lang, kpi=name, period=when),
                       t("notify.alert.body_ooc", lang, kpi=name, period=when, value=fmt_value(row["value"], "ratio"),
                         limit=limit))


def _exceptions_mail(engine: Engine, sub: SubscriptionRow, now: datetime, facts) -> Iterator[Mail]:
    """The Monday digest: the open exceptions (acknowledged ones hidden until they worsen), most severe
    first, each with its link (PLANTKPI_APP_URL in front when set); keyed by this week."""
    from dashboard.exceptions import counts_by_severity, describe, link, load_exceptions

    if due_week(now, DIGEST_HOUR) is None:
        return
    monday = now.date() - timedelta(days=now.weekday())
    year, week, _ = monday.isocalendar()
    key, lang = f"{year:04d}-W{week:02d}", sub.lang
    found = load_exceptions(engine, now.date())
    base = os.environ.get("PLANTKPI_APP_URL", "").rstrip("/")
    counts = counts_by_severity(found)
    count_text = ", ".join(f"{t('exc.severity.' + s, lang)} {n}" for s, n in counts.items())
    lines = [t("notify.exceptions.intro", lang, user=sub.user_name, date=now.date().isoformat(), counts=count_text), ""]
    for row in found.head(DIGEST_LINES).iter_rows(named=True):
        lines.append(t("notify.exceptions.line", lang, severity=t("exc.severity." + row["severity"], lang),
                       what=describe(row, lang), since=row["since"].isoformat() if row["since"] else "—",
                       url=f"{base}/{link(row)}"))
    if found.height > DIGEST_LINES:
        lines.append(t("notify.exceptions.more", lang, n=found.height - DIGEST_LINES))
    if found.height == 0:
        lines.append(t("notify.exceptions.none", lang))
    yield Mail(sub, key, t("notify.exceptions.subject", lang, week=key, total=found.height), "\n".join(lines))


COMPOSERS = {"summary": _summary_mail, "csat_weekly": _csat_mail, "alert": _alert_mails,
             "exceptions": _exceptions_mail}


def due_mails(engine: Engine, now: datetime, subscriptions: list[SubscriptionRow] | None = None,
              facts: Mapping[str, pl.DataFrame] | None = None) -> Iterator[Mail]:
    """Every mail due at `now`, sent or not (claiming them is run_notify's part)."""
    from dashboard.facts import load_facts

    subscriptions = list_subscriptions(engine) if subscriptions is None else subscriptions
    if not subscriptions:
        return
    facts = facts if facts is not None else load_facts(engine)
    for sub in subscriptions:
        yield from COMPOSERS[sub.what](engine, sub, now, facts)


def run_notify(engine: Engine, now: datetime | None = None, *, dry_run: bool = False,
               settings: SmtpSettings | None = None) -> list[Outcome]:
    """Send what is due and not sent yet; a dry run only lists it (nothing is sent or recorded)."""
    now = now or datetime.now()
    if not dry_run and settings is None:
        settings = smtp_settings()
    outcomes = []
    for mail in due_mails(engine, now):
        sub = mail.subscription
        if dry_run:
            outcomes.append(Outcome(sub, mail.period, "dry_run"))
            continue
        if not claim_delivery(engine, sub.id, mail.period):
            outcomes.append(Outcome(sub, mail.period, "skipped"))
            continue
        try:
            send_mail(settings, mail)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            finish_delivery(engine, sub.id, mail.period, error)
            outcomes.append(Outcome(sub, mail.period, "failed", error))
        else:
            finish_delivery(engine, sub.id, mail.period, None)
            outcomes.append(Outcome(sub, mail.period, "sent"))
    return outcomes


def parse_now(text: str | None) -> datetime | None:
    """--now: "2026-12-02 06:30", "2026-12-02T06:30" or a date (midnight)."""
    if not text:
        return None
    text = text.strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(text)


def run_notify_command(args, engine: Engine, lang: str = "en") -> int:
    """The CLI adapter: prints one line per mail; exit 0 when nothing failed, 1 when a send failed
    (it is retried next run), 2 on bad arguments or missing mail settings."""
    try:
        now = parse_now(args.now)
    except ValueError:
        print(t("notify.err.bad_now", lang, value=args.now), file=sys.stderr)
        return 2
    try:
        outcomes = run_notify(engine, now, dry_run=args.dry_run)
    except MailSetupError as exc:
        print(t(str(exc), lang), file=sys.stderr)
        return 2
    for o in outcomes:
        print(t(f"notify.outcome.{o.status}", lang, what=o.subscription.what, user=o.subscription.user_name,
                email=o.subscription.email, period=o.period, error=o.error))
    if not outcomes:
        print(t("notify.outcome.none", lang))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def run_subscription_command(args, engine: Engine) -> int:
    """`plantkpi subscription add|list|remove`: the command line acts as the database owner."""
    from dashboard.kpi import KPIS
    from data_access.permissions import database_owner
    from data_access.subscriptions import SubscriptionError, add_subscription, remove_subscription

    lang = getattr(args, "lang", "en")
    try:
        if args.subscription_command == "add":
            new_id = add_subscription(engine, database_owner(), args.user, args.what, args.email, kpi=args.kpi,
                                      known_kpis=tuple(KPIS))
            print(t("notify.cli.added", lang, id=new_id))
        elif args.subscription_command == "remove":
            remove_subscription(engine, database_owner(), args.id)
            print(t("notify.cli.removed", lang, id=args.id))
        else:
            rows = list_subscriptions(engine)
            for r in rows:
                state = t(f"notify.state.{r.last_status}", lang) if r.last_status else "—"
                print(f"{r.id}\t{r.user_name}\t{r.what}\t{r.kpi or '—'}\t{r.email}\t{r.last_period or '—'}\t{state}"
                      + (f"\t{r.last_error}" if r.last_error else ""))
            if not rows:
                print(t("notify.cli.none", lang))
    except SubscriptionError as exc:
        print(t(exc.key, lang, **exc.params), file=sys.stderr)
        return 2
    return 0
