"""`plantkpi kpi [--from DATE] [--to DATE] [--by DIM[,DIM]] [--kpi ID[,ID]] [--json]` (README "Command
line"; the KPIs are those of docs/kpis.md). The CLI's adapter: it reads the facts through data_access and
hands them to the pure KPI engine, as the pages do.

Without --by the period's values come with their target and status (the one status rule of
dashboard.kpi.compare) when the period is given by --from and --to. Months and weeks are the
plant's statistics periods (dashboard.kpi.calendar). Periods before a KPI's data start are not
printed (unknown, not 0).
"""
from __future__ import annotations

import json
import os
import sys
from datetime import date

import polars as pl

from dashboard.commands.exit_codes import EXIT_OK, EXIT_REJECTED
from dashboard.i18n import t
from dashboard.i18n.numbers import fmt_value
from dashboard.kpi.compare import period_target, target_status
from dashboard.kpi.engine import Filters, columns_for, compute, facts_for
from dashboard.kpi.registry import DIMENSIONS, KPIS

CLI_DIMENSIONS = DIMENSIONS  # the grains and every dimension of dashboard.kpi.dimensions, nothing kept by hand


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
    """As on the tiles and in the PDF (dashboard.i18n.numbers); --json keeps the raw numbers."""
    if value is None:
        return t("common.none")
    return fmt_value(value, unit)


def _dim_text(dim: str, value) -> str:
    """A dimension value as printed; a missing one is named ("no line"), never None."""
    if value is None:
        return t("status.cli.none.line") if dim == "line" else t("status.cli.none")
    return str(_json_value(value))


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def _split(text: str | None) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in (text or "").split(",") if p.strip()))


def run_kpi_command(args, engine, *, today: date | None = None) -> int:
    """Print the KPIs (all, or those of --kpi) for the period, optionally broken down by dimensions."""
    dims = _split(getattr(args, "by", None))
    unknown = [d for d in dims if d not in CLI_DIMENSIONS]
    if unknown:
        print(t("kpi.cli.unknown_dim", dim=unknown[0], known=", ".join(CLI_DIMENSIONS)), file=sys.stderr)
        return EXIT_REJECTED
    ids = _split(getattr(args, "kpi", None)) or list(KPIS)
    unknown = [k for k in ids if k not in KPIS]
    if unknown:
        print(t("status.cli.unknown_kpi", kpi=unknown[0], known=", ".join(KPIS)), file=sys.stderr)
        return EXIT_REJECTED
    try:
        date_from = _parse_date(args.date_from, "--from")
        date_to = _parse_date(args.date_to, "--to")
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED

    from dashboard.facts import load_facts

    with_targets = not dims and date_from is not None and date_to is not None
    # only the facts these KPIs need, and of the dated ones only the period's rows (the windowed facts of dashboard.kpi.facts)
    # PLANTKPI_PUSHDOWN=0 reads the whole history instead (to check pushdown and measure it)
    pushdown = os.environ.get("PLANTKPI_PUSHDOWN", "1") != "0"
    window = (date_from, date_to) if (date_from or date_to) and pushdown else None
    # ... and of the large facts only the columns these KPIs and the breakdown use
    columns = columns_for(ids, dims) if pushdown else None
    facts = load_facts(engine, facts_for(ids) + (["targets"] if with_targets else []), window=window, columns=columns)
    table = compute(ids, facts, dims, Filters(date_from=date_from, date_to=date_to), today=today or date.today())
    if dims:  # periods before every requested KPI's data start are not rows at all
        table = table.filter(~pl.all_horizontal([pl.col(k).is_null() for k in ids]))
    scoped = {k: (None, None) for k in ids}
    if with_targets:  # the plant's targets (or derived from the lines', as on the pages)
        scoped = {k: period_target(k, facts, date_from, date_to, today=today or date.today()) for k in ids}
    targets = {k: scoped[k][0] for k in ids}
    if args.json:
        if dims:
            rows = [{k: _json_value(v) for k, v in row.items()} for row in table.iter_rows(named=True)]
            print(json.dumps({"rows": rows}, ensure_ascii=False))
        else:
            row = table.row(0, named=True)
            print(json.dumps({"kpis": {k: _json_value(row[k]) for k in ids}, "targets": targets,
                              "target_scope": {k: scoped[k][1] for k in ids},
                              "status": {k: target_status(k, row[k], targets[k]) for k in ids}}, ensure_ascii=False))
        return EXIT_OK
    header = [*dims, t("kpi.cli.col.kpi"), t("kpi.cli.col.name"), t("kpi.cli.col.value"), t("kpi.cli.col.unit")]
    if with_targets:
        header += [t("status.cli.col.target"), t("status.cli.col.status")]
    rows = []
    for row in table.iter_rows(named=True):
        for k in ids:
            if dims and row[k] is None:
                continue  # a breakdown prints only what applies to it
            cells = ([_dim_text(d, row[d]) for d in dims]
                     + [k, KPIS[k].name(_lang()), _format(row[k], KPIS[k].unit), t(f"kpi.unit.{KPIS[k].unit}")])
            if with_targets:
                state = target_status(k, row[k], targets[k])
                cells += [_format(targets[k], KPIS[k].unit) if targets[k] is not None else t("common.none"),
                          t(f"kpi.status.{state}") if state else t("common.none")]
            rows.append(cells)
    _print_table(header, rows)
    return EXIT_OK


def _lang() -> str:
    from dashboard.i18n import current_lang

    return current_lang()
