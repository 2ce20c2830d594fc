"""`plantkpi payroll --month YYYY-MM [--lang en|zh] --out FILE.xlsx|.pdf`: the month's pay sheet
(docs/kpis.md "Wages"). Exit 0 written, 2 rejected arguments (nothing written)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from dashboard.commands.exit_codes import EXIT_OK, EXIT_REJECTED
from dashboard.commands.report import month_argument
from dashboard.i18n import t
from dashboard.kpi.wages import PaySheet, pay_sheet
from dashboard.reports.summary import month_bounds


def month_pay_sheet(engine: Engine, month: str) -> PaySheet:
    from dashboard.facts import load_facts

    facts = load_facts(engine, ["pay", "costs"])
    return pay_sheet(facts["pay"], facts["costs"], *month_bounds(month))


def run_payroll_command(args, engine: Engine, today: date | None = None) -> int:
    from dashboard.reports.payroll import render_payroll_pdf, render_payroll_xlsx

    lang = args.lang or "en"
    month = month_argument(args, lang, today)
    if month is None:
        return EXIT_REJECTED
    out = Path(args.out)
    render = {".xlsx": render_payroll_xlsx, ".pdf": render_payroll_pdf}.get(out.suffix.lower())
    if render is None:
        print(t("report.cli.bad_out", lang, value=args.out), file=sys.stderr)
        return EXIT_REJECTED
    sheet = month_pay_sheet(engine, month)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(render(sheet, month, lang))
    partial.replace(out)
    print(t("pay.cli.written", lang, month=month, path=out, people=sheet.employees.height))
    return EXIT_OK
