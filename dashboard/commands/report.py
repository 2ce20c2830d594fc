"""`plantkpi report --month YYYY-MM|last [--lang en|zh] --out FILE.pdf|.xlsx`, for cron (README
"Command line", docs/report.md).

Exit codes: 0 written, 2 rejected arguments (message printed, nothing written), 1 any other failure
(dashboard/cli.py prints it).
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from dashboard.commands.exit_codes import EXIT_OK, EXIT_REJECTED
from dashboard.i18n import t
from dashboard.reports.render import FORMATS, render
from dashboard.reports.summary import build_summary, parse_month


def month_argument(args, lang: str, today: date | None = None) -> str | None:
    """--month YYYY-MM or "last" as a month, or None after saying why not (the caller exits 2)."""
    try:
        return parse_month(args.month, today)
    except ValueError:
        print(t("report.cli.bad_month", lang, value=args.month), file=sys.stderr)
        return None


def run_report_command(args, engine: Engine, today: date | None = None) -> int:
    lang = getattr(args, "lang", None) or "en"
    month = month_argument(args, lang, today)
    if month is None:
        return EXIT_REJECTED
    out = Path(args.out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        print(t("report.cli.bad_out", lang, value=args.out), file=sys.stderr)
        return EXIT_REJECTED
    summary = build_summary(engine, month, today=today)
    data = render(summary, fmt, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")  # cron mails the file: never leave half of one
    partial.write_bytes(data)
    partial.replace(out)
    if not summary.has_data:
        print(t("report.cli.no_data", lang, month=month))
    print(t("report.cli.written", lang, month=month, path=out))
    return EXIT_OK


__all__ = ["run_report_command"]
