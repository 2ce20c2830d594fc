"""`plantkpi explain KPI --from DATE --to DATE [--vs-from DATE --vs-to DATE | --vs last_year|target]
--by DIM [--json] [--lang en|zh]` (README "Command line"): the change of a KPI explained by the members of a dimension.

The period is --from..--to; it is compared with --vs-from..--vs-to, the same period last year
(--vs last_year), the plant's target (--vs target) or, by default, the period before it.
JSON: {"kpi", "dim", "before", "after", "change", "method", "explained", "parts": [{"member", "rate",
"mix", "total"}]}; the parts ("Other" included) add up to the change. Exit 0 answered, 2 rejected
arguments (message printed), 1 any other failure (dashboard/cli.py prints it).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from dashboard.i18n import language, t
from dashboard.kpi.compare import previous_period, same_period_last_year, target_for
from dashboard.kpi.engine import Filters
from dashboard.kpi.explain import EXPLAIN_DIMENSIONS, ExplainError, explain, sentence
from dashboard.kpi.registry import KPIS

EXIT_OK, EXIT_REJECTED = 0, 2


def add_parser(sub) -> None:
    """Register `explain` on the plantkpi sub-parsers."""
    add_arguments(sub.add_parser("explain", help="the change of a KPI explained by the members of a dimension"))


def add_arguments(p) -> None:
    """Declare `explain`'s arguments on its parser (dashboard.cli declares it only when dispatched)."""
    p.add_argument("kpi")
    p.add_argument("--from", dest="date_from", required=True)
    p.add_argument("--to", dest="date_to", required=True)
    p.add_argument("--vs-from", dest="vs_from")
    p.add_argument("--vs-to", dest="vs_to")
    p.add_argument("--vs", help="last_year or target (default: the period before)")
    p.add_argument("--by", required=True, help=f"one of {', '.join(EXPLAIN_DIMENSIONS)}")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=lambda args: run_explain_command(args, _engine()))


def _engine():
    from data_access.db import get_engine

    return get_engine()


class _Rejected(Exception):
    pass


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _Rejected(t("kpi.cli.bad_date", option=option, value=text)) from None


def _period(start: date, end: date, option: str) -> Filters:
    if start > end:
        raise _Rejected(t("explain.error.order", option=option, start=start.isoformat(), end=end.isoformat()))
    return Filters(date_from=start, date_to=end)


def _request(args, facts) -> dict:
    """The two periods (or the target) the arguments ask for; _Rejected with a message otherwise."""
    if args.kpi not in KPIS:
        raise _Rejected(t("explain.error.unknown_kpi", kpi=args.kpi, known=", ".join(KPIS)))
    start, end = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    after = _period(start, end, "--from/--to")
    vs_from, vs_to = _date(args.vs_from, "--vs-from"), _date(args.vs_to, "--vs-to")
    if (vs_from is None) != (vs_to is None) or (vs_from is not None and args.vs) or \
            args.vs not in (None, "last_year", "target"):
        raise _Rejected(t("explain.error.vs"))
    if vs_from is not None:
        return {"before": _period(vs_from, vs_to, "--vs-from/--vs-to"), "after": after}
    if args.vs == "target":
        targets = facts["targets"] if "targets" in facts else None
        target = target_for(args.kpi, targets, start, end)
        if target is None:
            raise _Rejected(t("explain.error.no_target", kpi=args.kpi, start=start.isoformat(), end=end.isoformat()))
        return {"before": after, "after": None, "target": target}
    before = same_period_last_year(start, end) if args.vs == "last_year" else previous_period(start, end)
    return {"before": Filters(date_from=before[0], date_to=before[1]), "after": after}


def run_explain_command(args: argparse.Namespace, engine, *, today: date | None = None) -> int:
    from dashboard.facts import load_facts

    with language(args.lang):
        facts = load_facts(engine)
        try:
            request = _request(args, facts)
            e = explain(args.kpi, facts, args.by, request["before"], request["after"],
                        target=request.get("target"), today=today or date.today())
        except _Rejected as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_REJECTED
        except ExplainError as exc:
            print(t(exc.key, **exc.params), file=sys.stderr)
            return EXIT_REJECTED
        if args.json:
            out = {"kpi": e.kpi, "dim": e.dim, "before": e.before, "after": e.after, "change": e.change,
                   "method": e.method, "explained": e.explained,
                   "parts": [{k: p[k] for k in ("member", "rate", "mix", "total")}
                             for p in e.parts.iter_rows(named=True)]}
            if not e.explained:
                out["reason"] = sentence(e, args.lang)
            print(json.dumps(out, ensure_ascii=False))
            return EXIT_OK
        _print_text(e, args.lang)
    return EXIT_OK


def _print_text(e, lang: str) -> None:
    from dashboard.i18n.numbers import fmt_value
    from dashboard.kpi.explain import fmt_signed

    unit = KPIS[e.kpi].unit
    print(sentence(e, lang, top=5))
    print(f"{t('explain.cli.before')}: {fmt_value(e.before, unit)}   {t('explain.cli.after')}: "
          f"{fmt_value(e.after, unit)}")
    if not e.explained:
        return
    header = [t("explain.col.member"), t("explain.col.rate"), t("explain.col.mix"), t("explain.col.total")]
    rows = [[p["member"] if p["member"] != "Other" else t("kpi.other"),
             *(fmt_signed(p[c], unit, lang) for c in ("rate", "mix", "total"))] for p in e.parts.iter_rows(named=True)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
