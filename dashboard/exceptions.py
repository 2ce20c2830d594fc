"""The plant's open exceptions at a date (docs/kpis.md "Appraisal and exceptions"): one rule set for the
Exceptions page, the count on Home, the monthly summary and the weekly e-mail digest.

Every exception has a `key` (rule and subject: the same exception on every run), its rule, owner
department, severity (high / medium / low), since when, a `measure` of how bad (larger is worse:
an acknowledged exception comes back when its measure grows beyond the acknowledged one), the
figures behind it (value, limit) and a link: a page's url_path and a query string in the filter
bar's format (dashboard.ui.filters.FilterState.to_query) that shows it.

The rules (pure polars over the KPI facts, the planning frames, the planning projection and the
data status; nothing here reads the database except load_exceptions at the bottom):

kpi_off_target   a KPI with a plant target is off target (dashboard.kpi.compare's status rule) in
                 the last complete statistics month. measure = shortfall / |target| (0.25: 25 %
                 worse than the target). high > 20 %, medium > 10 %, low otherwise (off target
                 means > 5 %). since = the first of the consecutive off-target months (up to 12 back).
out_of_control   a day of the last 7 (today excluded) whose scrap ratio is outside the p-chart limits
                 of those 7 days (dashboard.kpi.charts_data.p_chart, as the KPI alerts use it).
                 measure = distance beyond the limit in sigmas. Above the UCL: high beyond 2 sigmas
                 more (5 sigmas from the centre), else medium; below the LCL (less scrap than usual,
                 worth a look): low.
complaint_open   a complaint dated more than 30 days before today and not closed by today.
                 measure = days open. high > 90, medium > 60, low otherwise.
order_late       an open order line that is late (promised before today, still to ship) or
                 projected late (dashboard.planning.projection). measure = days late (today −
                 promised) or projected lateness (projected finish − promised; the loading window
                 when it does not fit). high: late more than 7 days; medium: late up to 7 days, or a
                 class A customer's line projected late; low: other projected-late lines.
below_safety     a material whose stock today (schedule.stock_on_hand) is below its safety stock.
                 measure = shortfall / safety stock. high: none left (≤ 0), medium: below half of it,
                 low otherwise.
excess_cover     a material with more than 26 weeks of cover: stock / mean weekly issue (issues
                 minus returns over the 13 weeks before today). Materials issued nothing in those
                 weeks have no cover figure and are not flagged. measure = weeks. medium > 52, low.
overtime         an employee with more than 36 h overtime in a statistics month (the last complete
                 one, or this one so far). measure = overtime hours. high > 60, medium > 48, low.
data_missing     a transaction kind of a department with complete weeks of the last 8 without any
                 record (data_access.status.data_status, passed in). measure = missing weeks.
                 high ≥ 4, medium ≥ 2, low 1. since = the first missing week.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import polars as pl

from dashboard.kpi import calendar
from dashboard.kpi.charts_data import p_chart
from dashboard.kpi.compare import period_target, target_status
from dashboard.kpi.engine import Filters, compute_one
from dashboard.kpi.registry import KPIS, MEASURES

SEVERITIES = ("high", "medium", "low")
RULES = ("kpi_off_target", "out_of_control", "complaint_open", "order_late", "order_projected_late", "below_safety", "excess_cover",
         "overtime", "data_missing")
COMPLAINT_DAYS = 30
OVERTIME_LIMIT_H = 36.0
COVER_WEEKS = 26
USAGE_WEEKS = 13
P_CHART_DAYS = 7
OFF_TARGET_LOOKBACK = 12

SCHEMA = {"key": pl.String, "rule": pl.String, "subject": pl.String, "department": pl.String,
          "severity": pl.String, "since": pl.Date, "measure": pl.Float64, "value": pl.Float64,
          "limit": pl.Float64, "unit": pl.String, "page": pl.String, "query": pl.String}

# Who owns a KPI: the department that reports the fact it is computed from.
FACT_DEPARTMENT = {"production": "production", "scrap": "production", "downtime": "engineering",
                   "inspections": "quality", "order_lines": "sales", "delivery_lines": "sales",
                   "delivery_orders": "sales", "supplier_lines": "purchasing", "order_shipments": "sales",
                   "sales": "sales", "po_lines": "purchasing", "po_receipts": "purchasing",
                   "surveys": "customer_service", "complaints": "customer_service", "attendance": "hr",
                   "headcount": "hr", "employees": "hr", "pay": "hr", "costs": "finance",
                   "settlements": "finance", "material_issues": "warehouse", "bom_requirements": "warehouse",
                   "material_moves": "warehouse", "stocktakes": "warehouse"}
# The analysis page that shows a KPI's fact.
FACT_PAGE = {"production": "analysis-throughput", "scrap": "analysis-quality", "inspections": "analysis-quality",
             "downtime": "analysis-equipment", "order_lines": "analysis-delivery",
             "delivery_lines": "analysis-delivery", "delivery_orders": "analysis-delivery",
             "supplier_lines": "analysis-purchasing",
             "order_shipments": "analysis-delivery", "surveys": "analysis-customer",
             "complaints": "analysis-customer", "po_lines": "analysis-purchasing",
             "po_receipts": "analysis-purchasing", "material_issues": "analysis-materials",
             "bom_requirements": "analysis-materials", "material_moves": "analysis-materials",
             "stocktakes": "analysis-materials", "attendance": "analysis-people", "headcount": "analysis-people",
             "employees": "analysis-people", "pay": "analysis-people", "costs": "analysis-sales",
             "sales": "analysis-sales", "settlements": "analysis-sales"}
# KPIs shown on another page than their fact's (scrap and rework are read from production rows).
KPI_PAGE = {"scrap_ratio": "analysis-quality", "scrap_cost": "analysis-quality", "scrap_qty": "analysis-quality",
            "rework_ratio": "analysis-quality", "defect_qty": "analysis-quality", "yield": "analysis-quality"}
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def query_string(date_from: date | None = None, date_to: date | None = None, grain: str = "day",
                 preset: str | None = None, **dims: str) -> str:
    """The filter bar's query (dashboard.ui.filters): period=custom&from=…&to=…&grain=…&customer=…"""
    parts = []
    if preset:
        parts.append(f"period={preset}")
    elif date_from is not None and date_to is not None:
        parts += ["period=custom", f"from={date_from.isoformat()}", f"to={date_to.isoformat()}"]
    parts.append(f"grain={grain}")
    parts += [f"{name}={value}" for name, value in dims.items() if value]
    return "&".join(parts)


def link(row: Mapping) -> str:
    """"analysis-quality?period=custom&…": the page and filter that show the exception."""
    return f"{row['page']}?{row['query']}" if row.get("query") else str(row["page"])


def _row(rule: str, subject: str, department: str | None, severity: str, since: date | None, measure: float,
         value: float | None, limit: float | None, unit: str, page: str, query: str) -> dict:
    return {"key": f"{rule}:{subject}", "rule": rule, "subject": subject, "department": department or "unassigned",
            "severity": severity, "since": since, "measure": float(measure),
            "value": None if value is None else float(value), "limit": None if limit is None else float(limit),
            "unit": unit, "page": page, "query": query}


def _kpi_fact(kpi_id: str) -> str | None:
    for m in KPIS[kpi_id].measures:
        if m in MEASURES:
            return MEASURES[m].fact
        if m in KPIS:
            return _kpi_fact(m)
    return None


# --- the rules -----------------------------------------------------------------------------------
def kpi_off_target(facts: Mapping[str, pl.DataFrame], today: date, cal=None, only: Iterable[str] | None = None
                   ) -> list[dict]:
    """KPIs off target in the last complete month (`only`: just these KPIs, as an alert asks)."""
    cal = cal or calendar.current()
    targets = facts.get("targets")
    if targets is None or targets.height == 0:
        return []
    month = calendar.last_complete_month(today, cal)
    kpi_ids = [k for k in targets.get_column("kpi").unique().sort().to_list() if k in KPIS
               and (only is None or k in only)]
    rows = []
    statuses: dict[str, list[tuple[str, float | None, float | None, str | None]]] = {k: [] for k in kpi_ids}
    for back in range(OFF_TARGET_LOOKBACK):
        m = calendar.add_months(month, -back)
        start, end = calendar.month_bounds(m, cal)
        open_ids = [k for k in kpi_ids if back == 0 or (statuses[k] and statuses[k][-1][3] == "off_target"
                                                          and len(statuses[k]) == back)]
        if not open_ids:
            break
        values = compute_one(open_ids, facts, Filters(date_from=start, date_to=end), today=today, cal=cal)
        for k in open_ids:
            target, _ = period_target(k, facts, start, end, Filters(), cal, today=today)
            statuses[k].append((m, values[k], target, target_status(k, values[k], target)))
    for k in kpi_ids:
        history = statuses[k]
        if not history or history[0][3] != "off_target":
            continue
        run = [h for i, h in enumerate(history) if all(x[3] == "off_target" for x in history[:i + 1])]
        _, value, target, _ = history[0]
        shortfall = KPIS[k].direction * (target - value) / abs(target) if target else 1.0
        severity = "high" if shortfall > 0.20 else "medium" if shortfall > 0.10 else "low"
        first_start = calendar.month_bounds(run[-1][0], cal)[0]
        start, end = calendar.month_bounds(month, cal)
        fact = _kpi_fact(k)
        rows.append(_row("kpi_off_target", k, FACT_DEPARTMENT.get(fact), severity, first_start, shortfall,
                         value, target, KPIS[k].unit, KPI_PAGE.get(k) or FACT_PAGE.get(fact, "executive"),
                         query_string(start, end, "week")))
    return rows


def out_of_control(facts: Mapping[str, pl.DataFrame], today: date) -> list[dict]:
    if "production" not in facts:
        return []
    first, last = today - timedelta(days=P_CHART_DAYS), today - timedelta(days=1)
    chart = p_chart(facts, Filters(date_from=first, date_to=last), today=today)
    rows = []
    for r in chart.filter(pl.col("out_of_control")).iter_rows(named=True):
        sigma = (r["ucl"] - r["center"]) / 3 or 1.0
        above = r["p"] > r["ucl"]
        beyond = (r["p"] - r["ucl"]) / sigma if above else (r["lcl"] - r["p"]) / sigma
        severity = ("high" if beyond > 2 else "medium") if above else "low"
        rows.append(_row("out_of_control", r["day"].isoformat(), "production", severity, r["day"], beyond, r["p"],
                         r["ucl"] if above else r["lcl"], "ratio", "analysis-quality",
                         query_string(first, last, "day")))
    return rows


def complaint_open(facts: Mapping[str, pl.DataFrame], today: date) -> list[dict]:
    complaints = facts.get("complaints")
    if complaints is None or complaints.height == 0:
        return []
    open_ = complaints.filter((pl.col("date") < today - timedelta(days=COMPLAINT_DAYS))
                              & (pl.col("closed_date").is_null() | (pl.col("closed_date") > today)))
    rows = []
    for r in open_.sort("date").iter_rows(named=True):
        days = (today - r["date"]).days
        severity = "high" if days > 90 else "medium" if days > 60 else "low"
        rows.append(_row("complaint_open", str(r["complaint_no"]), "customer_service", severity, r["date"], days,
                         days, COMPLAINT_DAYS, "days", "analysis-customer",
                         query_string(r["date"], today, "week", customer=r.get("customer") or "")))
    return rows


def order_late(lines: pl.DataFrame | None, today: date, loading_days: int = 366) -> list[dict]:
    """`lines`: Projection.lines of dashboard.planning.projection."""
    if lines is None or lines.height == 0:
        return []
    rows = []
    for r in lines.filter(pl.col("status").is_in(["late", "projected_late"])).iter_rows(named=True):
        late = r["status"] == "late"
        if late:
            days = (today - r["promised_date"]).days
            severity = "high" if days > 7 else "medium"
        else:
            days = r["lateness_days"] if r["lateness_days"] is not None else loading_days
            severity = "medium" if r["abc_class"] == "A" else "low"
        subject = f"{r['order_no']}/{r['line_no']}"
        page = "analysis-delivery" if late else "planning-priority"
        since = r["promised_date"] if late else r["order_date"]
        query = (query_string(r["promised_date"], today, "week", customer=r["customer_code"] or "",
                              product=r["product_code"] or "") if late
                 else query_string(customer=r["customer_code"] or "", product=r["product_code"] or "",
                                   preset="this_month"))
        rows.append(_row("order_late" if late else "order_projected_late", subject, "production", severity, since,
                         days, r["remaining_qty"], None, "days", page, query))
    return rows


def material_stock(frames: Mapping[str, pl.DataFrame], today: date) -> list[dict]:
    """below_safety and excess_cover from the planning frames (materials, material_moves, stocktake)."""
    from dashboard.planning.schedule import stock_on_hand

    materials = frames.get("materials")
    if materials is None or materials.height == 0 or "material_moves" not in frames:
        return []
    codes = materials.get_column("material_code").to_list()
    stock = stock_on_hand(frames, today, codes)
    window = today - timedelta(weeks=USAGE_WEEKS)
    moves = frames["material_moves"].filter((pl.col("date") < today) & (pl.col("date") >= window))
    usage = (moves.filter(pl.col("move").is_in(["issue", "return"]))
             .group_by("item_code")
             .agg(used=(pl.when(pl.col("move") == "issue").then(pl.col("qty")).otherwise(-pl.col("qty"))).sum()))
    last_move = (frames["material_moves"].filter(pl.col("date") <= today).group_by("item_code")
                 .agg(last=pl.col("date").max()))
    table = (materials.select("material_code", "safety_stock")
             .join(stock.rename({"item_code": "material_code"}), on="material_code", how="left")
             .join(usage.rename({"item_code": "material_code"}), on="material_code", how="left")
             .join(last_move.rename({"item_code": "material_code"}), on="material_code", how="left"))
    query = query_string(preset="last_month", grain="week")
    rows = []
    for r in table.iter_rows(named=True):
        on_hand, safety = float(r["on_hand"] or 0.0), float(r["safety_stock"] or 0.0)
        since = r["last"] or r["stocktake_date"]
        if safety > 0 and on_hand < safety:
            short = (safety - on_hand) / safety
            severity = "high" if on_hand <= 0 else "medium" if on_hand < safety / 2 else "low"
            rows.append(_row("below_safety", r["material_code"], "warehouse", severity, since, short, on_hand, safety,
                             "qty", "analysis-materials", query))
        weekly = (r["used"] or 0.0) / USAGE_WEEKS
        if weekly > 0 and on_hand / weekly > COVER_WEEKS:
            weeks = on_hand / weekly
            rows.append(_row("excess_cover", r["material_code"], "warehouse", "medium" if weeks > 52 else "low", since,
                             weeks, weeks, COVER_WEEKS, "weeks", "analysis-materials", query))
    return rows


def overtime(facts: Mapping[str, pl.DataFrame], today: date, cal=None) -> list[dict]:
    cal = cal or calendar.current()
    attendance = facts.get("attendance")
    if attendance is None or attendance.height == 0:
        return []
    rows = []
    last = calendar.last_complete_month(today, cal)
    for month in (last, calendar.add_months(last, 1)):
        start, end = calendar.month_bounds(month, cal)
        end = min(end, today)
        if start > end:
            continue
        per = (attendance.filter(pl.col("date").is_between(start, end))
               .group_by("employee").agg(pl.col("overtime_h").sum(), pl.col("department").first())
               .filter(pl.col("overtime_h") > OVERTIME_LIMIT_H).sort("employee"))
        for r in per.iter_rows(named=True):
            hours = float(r["overtime_h"])
            severity = "high" if hours > 60 else "medium" if hours > 48 else "low"
            rows.append(_row("overtime", f"{r['employee']}:{month}", r["department"], severity, start, hours, hours,
                             OVERTIME_LIMIT_H, "h", "analysis-people", query_string(start, end, "week")))
    return rows


def data_missing(status: pl.DataFrame | None) -> list[dict]:
    """`status`: data_access.status.data_status()."""
    if status is None or status.height == 0:
        return []
    rows = []
    for r in status.filter(pl.col("missing_weeks").list.len() > 0).iter_rows(named=True):
        weeks = r["missing_weeks"]
        n = len(weeks)
        severity = "high" if n >= 4 else "medium" if n >= 2 else "low"
        page = f"input-{r['department'].replace('_', '-')}"
        rows.append(_row("data_missing", r["kind"], r["department"], severity, min(weeks), n, n, None, "weeks", page,
                         ""))
    return rows


def find_exceptions(facts: Mapping[str, pl.DataFrame], today: date, *, lines: pl.DataFrame | None = None,
                    frames: Mapping[str, pl.DataFrame] | None = None, status: pl.DataFrame | None = None,
                    cal=None) -> pl.DataFrame:
    """Every exception open at `today` (SCHEMA), most severe first, then by owner department and the
    largest measure. `lines`: the projection's lines; `frames`: the planning frames (materials);
    `status`: the data status. A rule whose inputs are not given finds nothing."""
    rows = (kpi_off_target(facts, today, cal) + out_of_control(facts, today) + complaint_open(facts, today)
            + order_late(lines, today) + material_stock(frames or {}, today) + overtime(facts, today, cal)
            + data_missing(status))
    return sort_exceptions(pl.DataFrame(rows, schema=SCHEMA) if rows else empty())


def sort_exceptions(frame: pl.DataFrame) -> pl.DataFrame:
    return (frame.with_columns(_rank=pl.col("severity").replace_strict(_RANK, return_dtype=pl.Int64))
            .sort(["_rank", "department", "measure", "key"], descending=[False, False, True, False]).drop("_rank"))


def department_order(frame: pl.DataFrame) -> list[str]:
    """Owner departments for the Monday list: most high exceptions first, then most medium, then
    most low, then by code."""
    per = (frame.group_by("department")
           .agg(*[(pl.col("severity") == s).sum().alias(s) for s in SEVERITIES])
           .sort([*SEVERITIES, "department"], descending=[True, True, True, False]))
    return per.get_column("department").to_list()


def hide_acknowledged(exceptions: pl.DataFrame, acks: pl.DataFrame | None) -> pl.DataFrame:
    """Without the exceptions acknowledged at a measure at least as bad as today's (acks: key,
    ack_measure, …, data_access.exception_acks.latest_acknowledgements); one that worsened is back,
    with its acknowledgement beside it (ack_measure, comment, acknowledged_by)."""
    if acks is None or acks.height == 0:
        return exceptions.with_columns(ack_measure=pl.lit(None, pl.Float64), comment=pl.lit(None, pl.String),
                                       acknowledged_by=pl.lit(None, pl.String))
    joined = exceptions.join(acks.select("key", "ack_measure", "comment", "acknowledged_by"), on="key", how="left")
    return joined.filter(pl.col("ack_measure").is_null() | (pl.col("measure") > pl.col("ack_measure") + 1e-9))


def counts_by_severity(exceptions: pl.DataFrame) -> dict[str, int]:
    return {s: int((exceptions.get_column("severity") == s).sum()) for s in SEVERITIES}


# --- in words ---------------------------------------------------------------------------------------
def department_name(code: str | None, lang: str) -> str:
    from data_access.kinds import DEPARTMENTS

    from dashboard.i18n import t

    if code in DEPARTMENTS:
        return DEPARTMENTS[code][1 if lang == "zh" else 0]
    return t("exc.department.unassigned", lang)


def describe(row: Mapping, lang: str) -> str:
    """The exception in one sentence of the user's language ("Complaint CC-2609-06 open for 81 days")."""
    from data_access.kinds import KINDS

    from dashboard.i18n import t
    from dashboard.i18n.numbers import fmt_value

    rule, subject, unit = row["rule"], row["subject"], row["unit"]
    number = {"ratio": "ratio", "qty": "pieces", "days": "days", "h": "hours", "weeks": "points"}.get(unit, unit)
    value, limit = fmt_value(row["value"], number), fmt_value(row["limit"], number)
    params = {"subject": subject, "value": value, "limit": limit}
    if rule == "kpi_off_target":
        params |= {"kpi": KPIS[subject].name(lang) if subject in KPIS else subject,
                   "month": row["query"].split("from=")[1][:7] if "from=" in row["query"] else ""}
    elif rule in ("complaint_open", "order_late", "order_projected_late"):
        params["days"] = f"{row['measure']:,.0f}"
        if rule == "order_late":
            params["value"] = fmt_value(row["value"], "pieces")
    elif rule == "overtime":
        employee, month = subject.rsplit(":", 1)
        params |= {"subject": employee, "month": month, "value": f"{row['value']:,.1f}", "limit": f"{row['limit']:.0f}"}
    elif rule == "excess_cover":
        params |= {"value": f"{row['value']:,.0f}", "limit": f"{row['limit']:.0f}"}
    elif rule == "data_missing":
        params |= {"kind": KINDS[subject].label(lang) if subject in KINDS else subject, "value": f"{row['value']:.0f}"}
    return t(f"exc.rule.{rule}", lang, **params)


def labelled_rows(frame: pl.DataFrame, lang: str) -> list[dict[str, str]]:
    """severity, what, department, since, link of each exception, in words (summary, PDF, XLSX)."""
    from dashboard.i18n import t

    return [{"severity": t(f"exc.severity.{r['severity']}", lang), "what": describe(r, lang),
             "department": department_name(r["department"], lang),
             "since": r["since"].isoformat() if r["since"] else "—", "link": link(r)}
            for r in frame.iter_rows(named=True)]


# --- reading the plant ------------------------------------------------------------------------------
def exception_facts(facts: Mapping[str, pl.DataFrame]) -> list[str]:
    """The facts the rules read: those of the KPIs with a plant target, production (the p-chart),
    complaints and attendance."""
    from dashboard.kpi import facts_for

    targets = facts.get("targets")
    kpis = [] if targets is None else [k for k in targets.get_column("kpi").unique().to_list() if k in KPIS]
    return list(dict.fromkeys([*facts_for(kpis), "production", "complaints", "attendance"]))


def load_exceptions(engine=None, today: date | None = None, *, include_acknowledged: bool = False) -> pl.DataFrame:
    """The open exceptions of the plant in the database at `today` (acknowledged ones hidden unless
    they worsened, or all with include_acknowledged)."""
    from dashboard.planning.projection import project
    from data_access.exception_acks import latest_acknowledgements
    from dashboard.facts import load_facts
    from dashboard.facts import load_planning_frames
    from data_access.status import data_status

    today = today or date.today()
    facts = load_facts(engine)
    facts.prefetch(exception_facts(facts))  # what the rules read, in one concurrent round
    frames = load_planning_frames(engine)
    lines = project(frames, today, operations=False).lines if frames["orders"].height else None
    status = data_status(engine, today, week_start=calendar.week_start)
    found = find_exceptions(facts, today, lines=lines, frames=frames, status=status)
    return hide_acknowledged(found, None if include_acknowledged else latest_acknowledgements(engine))


def open_exceptions(engine, today: date | None = None, *, include_acknowledged: bool = False) -> pl.DataFrame:
    """load_exceptions remembered in the cache of the database's current data version (data_access.cache,
    section "exceptions", key: the day and include_acknowledged), computed once: Home's count, the
    Exceptions page and the monthly summary (a rerun of the Executive page, the PDF after the page) share
    it, and a caller asking while another thread computes the same list waits for that one. Every write
    (an upload, an acknowledgement) bumps the version, so the list is never stale."""
    from data_access.cache import cache_for
    from data_access.db import data_version, get_engine

    engine = engine or get_engine()
    today = today or date.today()
    return cache_for(engine.url, data_version(engine)).get_or_build(
        "exceptions", (today, include_acknowledged),
        lambda: load_exceptions(engine, today, include_acknowledged=include_acknowledged))


__all__ = ["RULES", "SCHEMA", "SEVERITIES", "counts_by_severity", "department_name", "department_order", "describe", "empty", "labelled_rows", "find_exceptions", "hide_acknowledged", "link",
           "load_exceptions", "open_exceptions", "query_string", "sort_exceptions"]
