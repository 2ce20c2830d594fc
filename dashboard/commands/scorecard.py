"""`plantkpi scorecard --month YYYY-MM [--json]`: the month's department scores (docs/kpis.md "Appraisal",
README "Command line"; dashboard.kpi.appraisal). Exit 0 shown, 2 rejected arguments."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import polars as pl
from sqlalchemy.engine import Engine

from dashboard.commands.exit_codes import EXIT_OK, EXIT_REJECTED
from dashboard.commands.report import month_argument
from dashboard.kpi import appraisal


def _utc_now() -> datetime:
    """Now as batches store their creation time (naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def month_scorecards(engine: Engine, month: str, facts=None, now: datetime | None = None,
                     today: date | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows, department scores) of a month, from the database (the page and the CLI)."""
    from dashboard.facts import load_facts
    from data_access.loaders import load_kind
    from data_access.status import arrivals

    card = load_kind("scorecard", engine)
    facts = facts if facts is not None else load_facts(engine)
    timeliness = None
    if appraisal.TIMELINESS in card.get_column("kpi").to_list():
        timeliness = appraisal.data_timeliness(arrivals(engine), month, now or _utc_now())
    kw = {"today": today} if today else {}
    rows = appraisal.scorecard_rows(card, facts, month, timeliness=timeliness, **kw)
    return rows, appraisal.department_scores(rows)


def scorecard_trend(engine: Engine, month: str, facts=None, now: datetime | None = None,
                    months: int = 12) -> pl.DataFrame:
    """month, department, score of the `months` months ending with `month` (the page's trend)."""
    from dashboard.facts import load_facts
    from data_access.loaders import load_kind
    from data_access.status import arrivals

    card = load_kind("scorecard", engine)
    facts = facts if facts is not None else load_facts(engine)
    timeliness_of = None
    if appraisal.TIMELINESS in card.get_column("kpi").to_list():
        arrived, moment = arrivals(engine), now or _utc_now()
        timeliness_of = lambda m: appraisal.data_timeliness(arrived, m, moment)  # noqa: E731
    return appraisal.score_trend(card, facts, month, months, timeliness_of=timeliness_of)


def _number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def run_scorecard_command(args, engine: Engine, today: date | None = None) -> int:
    lang = getattr(args, "lang", None) or "en"
    month = month_argument(args, lang, today)
    if month is None:
        return EXIT_REJECTED
    rows, scores = month_scorecards(engine, month)
    if args.json:
        print(json.dumps(appraisal.scorecard_json(rows, scores), ensure_ascii=False))
        return EXIT_OK
    for d in scores.iter_rows(named=True):
        print(f"{d['rank'] or '-':>2}  {d['department']:<18} {_number(d['score'])}")
        for r in rows.filter(pl.col("department") == d["department"]).iter_rows(named=True):
            line = f"@{r['line']}" if r["line"] else ""
            print(f"      {r['kpi'] + line:<28} actual {_number(r['actual'])}  target {_number(r['target'])}  "
                  f"achievement {_number(r['achievement'])}  weight {r['weight']:g}"
                  + ("" if r["scored"] else "  (not scored)"))
    return EXIT_OK
