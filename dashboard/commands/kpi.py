"""`plantkpi kpi [--from DATE] [--to DATE] [--by DIM[,DIM]] [--json]` (README "Command line";
the KPIs are those of docs/kpis.md). The CLI's adapter: it reads the facts through data_access
and hands them to the pure KPI engine, as the pages do."""
from __future__ import annotations

import json
import sys
from datetime import date

from dashboard.commands.exit_codes import EXIT_OK, EXIT_REJECTED
from dashboard.i18n import t
from dashboard.kpi.engine import Filters, compute
from dashboard.kpi.registry import KPIS

CLI_DIMENSIONS = ("day", "week", "month", "quarter", "year", "line", "machine", "product", "shift", "customer",
                  "abc_class", "reason", "stage", "supplier", "department")


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def _parse_date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(t("kpi.cli.bad_date", option=option, value=text)) from None


def _format(value, unit: str) -> str:
    if value is None:
        return t("common.none")
    if isinstance(value, float):
        if unit == "ratio":
            return f"{value:.4f}"
        return f"{value:,.2f}"
    return str(value)


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def run_kpi_command(args, engine, *, today: date | None = None) -> int:
    """Print every KPI of the registry for the period, optionally broken down by dimensions."""
    dims = [d.strip() for d in (getattr(args, "by", None) or "").split(",") if d.strip()]
    unknown = [d for d in dims if d not in CLI_DIMENSIONS]
    if unknown:
        print(t("kpi.cli.unknown_dim", dim=unknown[0], known=", ".join(CLI_DIMENSIONS)), file=sys.stderr)
        return EXIT_REJECTED
    try:
        date_from = _parse_date(args.date_from, "--from")
        date_to = _parse_date(args.date_to, "--to")
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED

    from data_access.facts import load_facts

    ids = list(KPIS)
    table = compute(ids, load_facts(engine), dims, Filters(date_from=date_from, date_to=date_to),
                    today=today or date.today())
    if args.json:
        if dims:
            rows = [{k: _json_value(v) for k, v in row.items()} for row in table.iter_rows(named=True)]
            print(json.dumps({"rows": rows}, ensure_ascii=False))
        else:
            row = table.row(0, named=True)
            print(json.dumps({"kpis": {k: _json_value(row[k]) for k in ids}}, ensure_ascii=False))
        return EXIT_OK
    header = [*dims, t("kpi.cli.col.kpi"), t("kpi.cli.col.name"), t("kpi.cli.col.value"), t("kpi.cli.col.unit")]
    rows = []
    for row in table.iter_rows(named=True):
        for k in ids:
            if dims and row[k] is None:
                continue  # a breakdown prints only what applies to it
            rows.append([str(_json_value(row[d])) for d in dims]
                        + [k, KPIS[k].name(_lang()), _format(row[k], KPIS[k].unit), t(f"kpi.unit.{KPIS[k].unit}")])
    _print_table(header, rows)
    return EXIT_OK


def _lang() -> str:
    from dashboard.i18n import current_lang

    return current_lang()
