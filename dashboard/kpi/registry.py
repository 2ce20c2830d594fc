"""Every KPI of docs/kpis.md, defined once: measures (sums over a fact) and KPIs (null-safe expressions
over measures). Pages, the monthly report, the CLI and the tests all read this registry.

A *fact* is a prepared polars frame (declared in dashboard.kpi.facts) with a `date` column and some of
the standard dimension columns (DIMENSIONS). A *measure* is an additive aggregation of one fact
(a sum or a count), so that any grouping of rows can be pooled: a month is the sum of its days,
a plant the sum of its lines. A KPI is an expression over measures evaluated after aggregation,
so a period figure always comes from the period's sums (never an average of daily ratios).
Measures of one KPI may come from different facts (complaint_ppm: complaints / units shipped);
each fact is aggregated by the same dimensions and the results are joined.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.kpi.dimensions import FILTER_DIMENSIONS
from dashboard.kpi.people import ABSENCE_TYPES, OVERTIME_LIMIT_H

# Time grains are derived from the fact's `date`; the other dimensions are fact columns.
GRAINS = ("day", "week", "month", "quarter", "year")
DIMENSIONS = GRAINS + FILTER_DIMENSIONS  # declared in dashboard.kpi.dimensions
# The length of each period in days: not a fact's sum but the calendar's (DSO, DPO); by grain only.
PERIOD_DAYS = "period_days"
UNITS = ("ratio", "count", "pieces", "pieces_per_hour", "hours", "minutes", "days", "currency", "score",
         "ppm", "points")
UNASSIGNED = "Unassigned"  # reason codes missing from master data (display text: t("kpi.unassigned"))
OTHER = "Other"            # small Pareto categories folded together (display text: t("kpi.other"))
# Facts that record events: a period without any of them had none (0 complaints, 0 minutes of
# downtime), while a period without production or survey rows is simply not known (null).
EVENT_FACTS = frozenset({"complaints", "downtime", "scrap", "hr_events", "projects", "maintenance"})
# Dimensions whose members each belong to one fact (a downtime reason, a cost category): by these an
# event fact's member without rows is not one of its members (no figure), not a member with 0 events.
FACT_OWN_DIMENSIONS = frozenset({"reason", "category"})


@dataclass(frozen=True)
class Measure:
    id: str
    fact: str
    expr: pl.Expr  # an aggregation over the fact's rows
    en: str | None = None  # label; None: the catalogue's analysis.measure.<id> (older entries)
    zh: str | None = None
    additive: bool = True  # False: the sum over members is not the whole's value (a count of distinct days)
    # A balance (receivables open at a date): the fact's rows are changes, and the measure is their sum
    # from the beginning up to the end of each period, not over the period (engine.balance_table).
    balance: bool = False

    def label(self, lang: str | None = None) -> str:
        if self.en is None or self.zh is None:
            from dashboard.i18n import t

            return t(f"analysis.measure.{self.id}", lang)
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Term:
    """A signed input of a ratio's numerator or denominator: a measure, or (derived KPIs) a KPI."""

    id: str
    sign: int = 1


@dataclass(frozen=True)
class KPI:
    """A KPI of one of three types (metric types, docs/kpis.md):

    - "sum": one additive measure (`additive`); the value of a period is the sum of its parts;
    - "ratio": scale × Σ numerator terms / Σ denominator terms + offset, over measures only;
    - "derived": a ratio one of whose terms is another KPI (turnover = leavers / average headcount).
    The formula text, the numerator and denominator panel and the docs are generated from these
    declarations. `formula_text` is only for entries in the older shape (hand-written formula)."""

    id: str
    en: str
    zh: str
    unit: str
    direction: int  # +1 higher is better, -1 lower is better
    measures: tuple[str, ...]
    expr: pl.Expr  # over measure columns, evaluated after aggregation
    group: str  # production, quality, delivery, customer, materials, people
    bounded: bool = False   # a fraction that always lies in [0, 1]
    additive: bool = False  # a plain sum: a period's value is the sum of its parts (targets sum too)
    type: str = "sum"       # sum | ratio | derived | other (older entries)
    numerator: tuple[Term, ...] = ()
    denominator: tuple[Term, ...] = ()
    scale: float = 1.0
    offset: float = 0.0
    iso: str | None = None  # ISO 22400-2 name
    formula_text: tuple[str, str] | None = None  # (en, zh), older entries only
    # A per-period measure the ratio is multiplied by (DSO: × days in the period). Not a sum over members,
    # so such a KPI is type "other": its change is not explained by members (dashboard.kpi.explain).
    factor: str | None = None

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def formula(self, lang: str) -> str:
        if self.formula_text is not None:
            return self.formula_text[1 if lang == "zh" else 0]
        return formula_of(self, lang)

    @property
    def formula_en(self) -> str:
        return self.formula("en")

    @property
    def formula_zh(self) -> str:
        return self.formula("zh")

    def numerator_denominator(self) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
        """The terms shown as numerator and denominator (older entries: first measure / the others)."""
        if self.type in ("ratio", "derived") or self.numerator:
            return self.numerator, self.denominator
        if self.type == "sum":
            return tuple(Term(m) for m in self.measures), ()
        return (Term(self.measures[0]),), tuple(Term(m) for m in self.measures[1:])



def ratio(numerator: str | pl.Expr, denominator: str | pl.Expr, scale: float = 1.0) -> pl.Expr:
    """numerator / denominator, null (never 0, NaN or inf) when the denominator is 0 or null."""
    num = pl.col(numerator) if isinstance(numerator, str) else numerator
    den = pl.col(denominator) if isinstance(denominator, str) else denominator
    value = num / den * scale if scale != 1.0 else num / den
    return pl.when(den != 0).then(value).otherwise(None).cast(pl.Float64)


def _sum(column: str | pl.Expr, where: pl.Expr | None = None) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    if where is not None:
        expr = expr.filter(where)
    return expr.cast(pl.Float64).sum()


def _count(where: pl.Expr | None = None) -> pl.Expr:
    return (where.cast(pl.Float64).sum() if where is not None else pl.len().cast(pl.Float64))


_rated = pl.col("ideal_cycle_s").is_not_null()  # production rows whose product/machine has a routing
_routed = pl.col("seq").is_not_null()  # the row's operation is known (docs/kinds.md Operations)
_operating_s = (pl.col("planned_min") - pl.col("downtime_min")) * 60

MEASURES: dict[str, Measure] = {m.id: m for m in (
    # production: one row per date, shift, machine, product (with line, ideal_cycle_s, standard_cost)
    Measure("total", "production", _sum("total_qty"), "Total output", "总产量"),
    Measure("good", "production", _sum("good_qty"), "Good output", "良品数"),
    Measure("defect", "production", _sum("defect_qty"), "Defective", "次品数"),
    Measure("scrap", "production", _sum("scrap_qty"), "Scrap", "废品数"),
    Measure("planned_qty", "production", _sum("planned_qty"), "Planned quantity", "计划数量"),
    Measure("planned_s", "production", _sum(pl.col("planned_min") * 60), "Planned time (s)", "计划时间(秒)"),
    Measure("operating_s", "production", _sum(_operating_s), "Operating time (s)", "运行时间(秒)"),
    Measure("rated_planned_s", "production", _sum(pl.col("planned_min") * 60, _rated),
            "Planned time with ideal cycle (s)", "有理想节拍的计划时间(秒)"),
    Measure("rated_operating_s", "production", _sum(_operating_s, _rated),
            "Operating time with ideal cycle (s)", "有理想节拍的运行时间(秒)"),
    Measure("ideal_total_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("total_qty"), _rated),
            "Ideal time of total output (s)", "总产量理想时间(秒)"),
    Measure("ideal_good_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("good_qty"), _rated),
            "Ideal time of good output (s)", "良品理想时间(秒)"),
    Measure("ideal_scrap_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("scrap_qty"), _rated),
            "Ideal time of scrap (s)", "废品理想时间(秒)"),
    Measure("ideal_defect_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("defect_qty"), _rated),
            "Ideal time of defectives (s)", "次品理想时间(秒)"),
    Measure("labour_h", "production", _sum("labour_h"), "Labour hours", "人工工时"),
    Measure("scrap_value", "production", _sum(pl.col("scrap_qty") * pl.col("standard_cost")), "Scrap value", "废品金额"),
    # operations: finished output is the good of each product's last operation; WIP is what an
    # operation handed on minus what the next one took in (input_qty)
    Measure("finished", "production", _sum("good_qty", pl.col("last_op"))),
    Measure("handed_on", "production", _sum("good_qty", _routed & ~pl.col("last_op"))),
    Measure("taken_in", "production", _sum("input_qty", _routed & ~pl.col("first_op"))),
    Measure("unrouted_rows", "production", _count(~_routed)),
    Measure("unrouted_total", "production", _sum("total_qty", ~_routed)),
    # downtime events (date, shift, machine, line, reason, category, minutes)
    Measure("downtime_minutes", "downtime", _sum("minutes"), "Downtime minutes", "停机分钟"),
    Measure("breakdown_stops", "downtime", _count(pl.col("category") == "breakdown"), "Breakdown stops", "故障停机次数"),
    Measure("breakdown_minutes", "downtime", _sum("minutes", pl.col("category") == "breakdown"),
            "Breakdown minutes", "故障停机分钟"),
    # maintenance work done (date = start, machine, line; dashboard.kpi.equipment) and the PM plan (date = planned_date)
    Measure("maintenance_cost_sum", "maintenance", _sum("cost", pl.col("status") == "done"), "Maintenance cost",
            "维修保养费用"),
    Measure("maintenance_hours", "maintenance", _sum("hours", pl.col("status") == "done"), "Maintenance hours",
            "维修保养工时"),
    Measure("repair_count", "maintenance", _count((pl.col("type") == "corrective") & (pl.col("status") == "done")),
            "Repairs", "维修次数"),
    Measure("pm_due", "pm_plan", _count(), "PM due", "到期保养项"),
    Measure("pm_on_time", "pm_plan", _count(pl.col("on_time")), "PM done on time", "按时完成保养项"),
    Measure("pm_missed_count", "pm_plan", _count(pl.col("missed")), "PM missed", "未完成保养项"),
    Measure("pm_late_count", "pm_plan", _count(pl.col("late")), "PM done late", "延期完成保养项"),
    # scrap by reason (date, shift, machine, line, product, reason, qty, value)
    Measure("scrap_reason_qty", "scrap", _sum("qty"), "Scrap by reason", "按原因废品数"),
    # inspection lots (date, stage, machine, line, product, supplier, reason)
    Measure("inspected", "inspections", _sum("inspected_qty"), "Inspected qty", "送检数"),
    Measure("passed_first", "inspections", _sum("passed_first_qty"), "Passed first time", "一次合格数"),
    Measure("rejected_scrapped", "inspections", _sum("rejected_qty", pl.col("disposition") == "scrap"),
            "Rejected and scrapped", "判废数"),
    Measure("incoming_inspected", "inspections", _sum("inspected_qty", pl.col("stage") == "incoming"),
            "Incoming inspected qty", "来料送检数"),
    Measure("incoming_passed", "inspections", _sum("passed_first_qty", pl.col("stage") == "incoming"),
            "Incoming passed first time", "来料一次合格数"),
    # order lines evaluated for delivery (derived with `today`; date = promised_date)
    Measure("due_lines", "delivery_lines", _count(), "Due order lines", "到期订单行"),
    Measure("on_time_lines", "delivery_lines", _count(pl.col("on_time")), "On-time order lines", "准时订单行"),
    Measure("otif_lines", "delivery_lines", _count(pl.col("otif")), "On-time in-full lines", "准时足量订单行"),
    Measure("due_qty", "delivery_lines", _sum("qty"), "Due quantity", "到期数量"),
    Measure("on_time_qty", "delivery_lines", _sum("on_time_qty"), "Quantity on time", "准时数量"),
    Measure("due_orders", "delivery_orders", _count(), "Due orders", "到期订单"),
    Measure("on_time_orders", "delivery_orders", _count(pl.col("on_time")), "On-time orders", "准时订单"),
    # shipments (date = ship_date, customer, abc_class, product)
    Measure("shipped_units", "order_shipments", _sum("qty"), "Units shipped", "出货数量"),
    # purchase order lines evaluated for supplier delivery (date = promised_date)
    Measure("po_due_lines", "supplier_lines", _count(), "Due PO lines", "到期采购行"),
    Measure("po_on_time_lines", "supplier_lines", _count(pl.col("on_time")), "On-time PO lines", "准时采购行"),
    # purchase order lines (date = order_date)
    Measure("ppv_value", "po_lines", _sum((pl.col("unit_price") - pl.col("standard_price")) * pl.col("qty")),
            "Price variance value", "价格差异金额"),
    # the same lines' ordered value at the PO price and at standard (price trend, dashboard.kpi.purchasing)
    Measure("po_qty", "po_lines", _sum("qty"), "Quantity ordered", "采购数量"),
    Measure("po_value", "po_lines", _sum(pl.col("qty") * pl.col("unit_price")), "Ordered value", "采购金额(订单价)"),
    Measure("po_standard_value", "po_lines", _sum(pl.col("qty") * pl.col("standard_price")),
            "Ordered value at standard price", "采购金额(标准价)"),
    # surveys (date, customer, abc_class)
    Measure("responses", "surveys", _count(), "Survey responses", "答卷数"),
    Measure("satisfied", "surveys", _count(pl.col("score") >= 4), "Responses scoring 4-5", "4-5 分答卷"),
    Measure("score_sum", "surveys", _sum("score"), "Sum of scores", "评分合计"),
    Measure("nps_responses", "surveys", _count(pl.col("nps").is_not_null()), "Responses with NPS", "含推荐意愿答卷"),
    Measure("promoters", "surveys", _count(pl.col("nps") >= 9), "Promoters (9-10)", "推荐者(9-10)"),
    Measure("detractors", "surveys", _count(pl.col("nps") <= 6), "Detractors (0-6)", "贬损者(0-6)"),
    # complaints (date, customer, abc_class, product, reason)
    Measure("complaint_count", "complaints", _count(), "Complaints", "投诉数"),
    Measure("complaint_cost_sum", "complaints", _sum("cost"), "Complaint cost", "投诉费用"),
    Measure("closed_complaints", "complaints", _count(pl.col("days_to_close").is_not_null()),
            "Closed complaints", "已结案投诉"),
    Measure("days_to_close_sum", "complaints", _sum("days_to_close"), "Days to close, summed", "结案天数合计"),
    # costs (date = first day of the month, department, category)
    Measure("cost_amount", "costs", _sum("amount"), "Costs", "费用"),
    # material issued net of returns, valued at standard price (date, material)
    Measure("issued_value", "material_issues", _sum("value"), "Material issued (value)", "领料金额"),
    # BOM requirement of the output (good + scrap), valued at standard price (date, line, product, material)
    Measure("issued_qty", "material_issues", _sum("qty"), "Material issued", "领料数量"),
    Measure("required_value", "bom_requirements", _sum("value"), "BOM requirement (value)", "BOM 需求金额"),
    Measure("required_qty", "bom_requirements", _sum("qty"), "BOM requirement", "BOM 需求量"),
    Measure("allowed_loss_value", "bom_requirements", _sum(pl.col("value") * pl.col("loss_rate")),
            "Allowed loss (value)", "允许损耗金额"),
    # attendance (date, department)
    Measure("scheduled_h", "attendance", _sum("scheduled_h"), "Scheduled hours", "应出勤工时"),
    Measure("worked_h", "attendance", _sum("worked_h"), "Worked hours", "实际工时"),
    Measure("overtime_h", "attendance", _sum("overtime_h"), "Overtime hours", "加班工时"),
    # headcount per day and department (date, department, headcount, leaves)
    Measure("headcount_days", "headcount", _sum("headcount"), "Headcount-days", "在职人天"),
    Measure("days", "headcount", pl.col("date").n_unique().cast(pl.Float64), "Days", "天数", additive=False),
    Measure("leaves", "headcount", _sum("leaves"), "Leavers", "离职人数"),
    # people exceptions (dashboard.kpi.people): employee-months, absence hours, HR events, HR costs
    Measure("over_limit_employees", "overtime_months", _count(pl.col("overtime_h") > OVERTIME_LIMIT_H),
            "Employee-months over 36 h overtime", "加班超 36 小时人次"),
    Measure("absence_h", "attendance", _sum((pl.col("scheduled_h") - pl.col("worked_h")).clip(lower_bound=0),
                                            pl.col("absence") != "none"), "Absence hours", "缺勤工时"),
    *[Measure(f"absence_h_{a}", "attendance", _sum((pl.col("scheduled_h") - pl.col("worked_h")).clip(lower_bound=0),
                                                   pl.col("absence") == a), f"Absence hours ({en})", f"缺勤工时({zh})")
      for a, (en, zh) in ABSENCE_TYPES.items()],
    Measure("injuries", "hr_events", _count(pl.col("event") == "injury"), "Work injuries", "工伤次数"),
    Measure("hires", "hr_events", _count(pl.col("event") == "hire"), "Hires", "入职人数"),
    Measure("dept_transfers", "hr_events", _count(pl.col("to_department").is_not_null()),
            "Transfers between departments", "部门间调动人次"),
    Measure("recruitment_cost", "costs", _sum("amount", pl.col("category") == "recruitment"),
            "Recruitment costs", "招聘费用"),
    Measure("welfare_cost", "costs", _sum("amount", pl.col("category") == "welfare"), "Welfare costs", "福利费用"),
    Measure("utilities_cost", "costs", _sum("amount", pl.col("category") == "utilities"), "Utilities costs",
            "水电费用"),
    # R&D projects (date = start_date, product, stage: the project's current stage)
    Measure("project_count", "projects", _count(), "Projects started", "新立项目数"),
    Measure("project_cost", "projects", _sum("cost"), "Cost of projects started", "新立项目费用"),
    # sales: shipments valued (date = ship_date, customer, abc_class, product, salesperson)
    Measure("sold_qty", "sales", _sum("qty")),
    Measure("revenue", "sales", _sum("revenue")),
    Measure("sold_cost_value", "sales", _sum("cost_value")),
    Measure("transport_cost", "sales", _sum("transport")),
    # purchase receipts valued at the PO price (date = receipt_date, supplier, material)
    Measure("received_value", "po_receipts", _sum("value")),
    # receivables and payables: balances at each period's end (settlement changes, docs/kpis.md)
    *[Measure(f"{side}_{what}", "settlements", _sum("change", (pl.col("side") == side) & (pl.col("measure") == what)),
              balance=True)
      for side in ("ar", "ap") for what in ("open", "over_0", "over_30", "over_60", "over_90")],
    # pay (date, employee, department): what each employee earned (docs/kpis.md "Wages")
    *[Measure(f"{part}_sum", "pay", _sum(part))
      for part in ("piece_pay", "hourly_pay", "overtime_premium", "salary", "commission")],
)}
# Not a fact's sum: the calendar's length of each period (engine.measures_table fills it per row).
MEASURES[PERIOD_DAYS] = Measure(PERIOD_DAYS, "calendar", pl.lit(None, pl.Float64), "Days in the period", "本期天数",
                                additive=False)


def term_label(term: Term, lang: str) -> str:
    if term.id in MEASURES:
        return MEASURES[term.id].label(lang)
    return _DEFINED[term.id].name(lang)


def _terms_text(terms: tuple[Term, ...], lang: str, sigma: bool) -> str:
    parts = []
    for i, term in enumerate(terms):
        summed = sigma and term.id in MEASURES and MEASURES[term.id].additive and not MEASURES[term.id].balance
        label = f"Σ {term_label(term, lang)}" if summed else term_label(term, lang)
        if i == 0:
            parts.append(label if term.sign > 0 else f"−{label}")
        else:
            parts.append(f"{'+' if term.sign > 0 else '−'} {label}")
    return f"({' '.join(parts)})" if len(terms) > 1 else parts[0]


def formula_of(k: KPI, lang: str) -> str:
    """The formula text generated from the declaration, e.g. "Σ Scrap / Σ Total output [SQ/PQ]"."""
    if k.type == "sum":
        text = f"Σ {MEASURES[k.measures[0]].label(lang)}"
    else:
        num, den = k.numerator_denominator()
        text = f"{_terms_text(num, lang, True)} / {_terms_text(den, lang, True)}"
        if k.scale > 1.0:
            text += f" × {k.scale:,.0f}"
        elif k.scale < 1.0:
            text += f" ÷ {1 / k.scale:,.0f}"
        if k.offset:
            text += f" {'−' if k.offset < 0 else '+'} {abs(k.offset):g}"
        if k.factor:
            text += f" × {MEASURES[k.factor].label(lang)}"
    return f"{text} [{k.iso}]" if k.iso else text


_DEFINED: dict[str, KPI] = {}  # KPIs in the order they are declared (a derived KPI refers to earlier ones)


def _register(k: KPI) -> KPI:
    _DEFINED[k.id] = k
    return k


def _term(spec: str | Term) -> Term:
    if isinstance(spec, Term):
        return spec
    return Term(spec[1:], -1) if spec.startswith("-") else Term(spec)


def _term_expr(terms: tuple[Term, ...]) -> pl.Expr:
    out = None
    for term in terms:
        e = pl.col(term.id) if term.id in MEASURES else _DEFINED[term.id].expr
        signed = e if term.sign > 0 else -e
        out = signed if out is None else (out + e if term.sign > 0 else out - e)
    return out


def _term_measures(terms: tuple[Term, ...]) -> list[str]:
    return [m for term in terms for m in ((term.id,) if term.id in MEASURES else _DEFINED[term.id].measures)]


def _ratio(id, en, zh, unit, direction, group, numerator, denominator, *, scale: float = 1.0,
           offset: float = 0.0, iso: str | None = None, factor: str | None = None, **kw) -> KPI:
    """scale × Σ numerator / Σ denominator + offset; numerator and denominator: a measure (or a
    KPI, which makes it a derived KPI) or several, "-name" subtracted: ("promoters", "-detractors").
    `factor`: a per-period measure multiplying the ratio (PERIOD_DAYS for DSO, DPO)."""
    num = tuple(_term(s) for s in ((numerator,) if isinstance(numerator, (str, Term)) else numerator))
    den = tuple(_term(s) for s in ((denominator,) if isinstance(denominator, (str, Term)) else denominator))
    top = _term_expr(num) * pl.col(factor) if factor else _term_expr(num)
    expr = ratio(top, _term_expr(den), scale)
    if offset:
        expr = expr + offset
    derived = any(term.id not in MEASURES for term in num + den)
    kind = "other" if factor else "derived" if derived else "ratio"
    measures = _term_measures(num) + _term_measures(den) + ([factor] if factor else [])
    return _register(KPI(id, en, zh, unit, direction, tuple(dict.fromkeys(measures)), expr, group, type=kind,
                         numerator=num, denominator=den, scale=scale, offset=offset, iso=iso, factor=factor, **kw))


def _total(id, en, zh, measure, unit, direction, group, formula_en=None, formula_zh=None) -> KPI:
    """A plain sum of one measure (the formula is generated; the formula_* arguments of older entries
    are kept as they were written)."""
    text = (formula_en, formula_zh) if formula_en and formula_zh else None
    return _register(KPI(id, en, zh, unit, direction, (measure,), pl.col(measure), group, additive=True,
                         type="sum", formula_text=text))


def _kpi(id, en, zh, unit, direction, formula_en, formula_zh, measures, expr, group, **kw) -> KPI:
    """The older shape (a hand-written formula and expression): still accepted, not explainable by
    members. Convert to _ratio(id, en, zh, unit, direction, group, numerator, denominator, scale=...)."""
    return _register(KPI(id, en, zh, unit, direction, tuple(measures), expr, group, type="other",
                         formula_text=(formula_en, formula_zh), **kw))


KPIS: dict[str, KPI] = {k.id: k for k in (
    # --- production -----------------------------------------------------------------------------
    _total("total_qty", "Total output", "总产量", "total", "pieces", +1, "production"),
    _total("good_qty", "Good output (all operations)", "良品数(各工序)", "good", "pieces", +1, "production"),
    _total("defect_qty", "Defective (reworkable)", "次品数", "defect", "pieces", -1, "production"),
    _total("scrap_qty", "Scrap", "废品数", "scrap", "pieces", -1, "production"),
    _ratio("plan_attainment", "Plan attainment", "计划达成率", "ratio", +1, "production", "good", "planned_qty"),
    _ratio("throughput_rate", "Throughput rate", "产出速率", "pieces_per_hour", +1, "production",
           "total", "operating_s", scale=3600.0),
    _ratio("yield", "Yield", "良品率", "ratio", +1, "production", "good", "total", bounded=True),
    _ratio("scrap_ratio", "Scrap ratio", "废品率", "ratio", -1, "production", "scrap", "total", iso="SQ/PQ",
           bounded=True),
    _ratio("rework_ratio", "Rework ratio", "返工率", "ratio", -1, "production", "defect", "total", iso="RQ/PQ",
           bounded=True),
    _ratio("availability", "Availability", "时间开动率", "ratio", +1, "production", "operating_s", "planned_s",
           iso="APT/PBT", bounded=True),
    _ratio("performance", "Performance", "性能开动率", "ratio", +1, "production", "ideal_total_s", "rated_operating_s"),
    _ratio("quality_ratio", "Quality", "合格品率", "ratio", +1, "production", "ideal_good_s", "ideal_total_s",
           bounded=True),
    # = availability × performance × quality for rated production (explain.oee_factors)
    _ratio("oee", "OEE", "设备综合效率", "ratio", +1, "production", "ideal_good_s", "rated_planned_s"),
    _ratio("mtbf", "MTBF", "平均故障间隔", "hours", +1, "production", "operating_s", "breakdown_stops",
           scale=1 / 3600),
    _ratio("mttr", "MTTR", "平均修复时间", "minutes", -1, "production", "breakdown_minutes", "breakdown_stops"),
    _ratio("labour_productivity", "Labour productivity", "人均产出", "pieces_per_hour", +1, "production",
           "finished", "labour_h"),
    _total("downtime_min", "Downtime", "停机时间", "downtime_minutes", "minutes", -1, "production"),
    # equipment (设备): maintenance done and the PM plan (dashboard.kpi.equipment)
    _total("maintenance_cost", "Maintenance cost", "维修保养费用", "maintenance_cost_sum", "currency", -1, "production"),
    _total("maintenance_h", "Maintenance hours", "维修保养工时", "maintenance_hours", "hours", -1, "production"),
    _total("repairs", "Repairs", "维修次数", "repair_count", "count", -1, "production"),
    _ratio("pm_compliance", "PM compliance", "预防保养达成率", "ratio", +1, "production", "pm_on_time", "pm_due",
           bounded=True),
    _total("pm_missed", "PM missed", "未完成保养项", "pm_missed_count", "count", -1, "production"),
    _total("pm_late", "PM done late", "延期完成保养项", "pm_late_count", "count", -1, "production"),
    # operations (docs/kinds.md Operations, §5 Production)
    _total("finished_qty", "Finished output", "成品产量", "finished", "pieces", +1, "production"),
    _kpi("wip_qty", "Work in process added", "在制品增加量", "pieces", -1,
         "Σ good handed on by an operation − Σ input_qty taken in by the next operation",
         "Σ 各工序交出的良品数 − Σ 下道工序投料数", ["handed_on", "taken_in"],
         pl.col("handed_on") - pl.col("taken_in"), "production", additive=True),
    _total("no_routing_rows", "Production rows without routing", "无工艺路线的生产记录", "unrouted_rows", "count", -1,
           "production"),
    _total("no_routing_qty", "Output without routing", "无工艺路线的产量", "unrouted_total", "pieces", -1, "production"),
    _ratio("labour_productivity_op", "Labour productivity at the operation", "工序人均产出", "pieces_per_hour", +1,
           "production", "good", "labour_h"),
    # --- quality --------------------------------------------------------------------------------
    _total("scrap_by_reason", "Scrap by reason", "按原因废品数", "scrap_reason_qty", "pieces", -1, "quality"),
    _total("scrap_cost", "Scrap cost", "废品成本", "scrap_value", "currency", -1, "quality"),
    _ratio("fpy", "First pass yield", "一次合格率", "ratio", +1, "quality", "passed_first", "inspected", iso="GP/IP",
           bounded=True),
    _ratio("incoming_pass_rate", "Incoming pass rate", "来料合格率", "ratio", +1, "quality",
           "incoming_passed", "incoming_inspected", bounded=True),
    # --- delivery -------------------------------------------------------------------------------
    _ratio("otd_line", "On-time delivery (lines)", "准时交货率(行)", "ratio", +1, "delivery",
           "on_time_lines", "due_lines", bounded=True),
    _ratio("otd_order", "On-time delivery (orders)", "准时交货率(订单)", "ratio", +1, "delivery",
           "on_time_orders", "due_orders", bounded=True),
    _ratio("otd_qty", "On-time delivery (quantity)", "准时交货率(数量)", "ratio", +1, "delivery",
           "on_time_qty", "due_qty", bounded=True),
    _ratio("otif", "On time in full", "准时足量交货率", "ratio", +1, "delivery", "otif_lines", "due_lines",
           bounded=True),
    _ratio("supplier_otd", "Supplier on-time delivery", "供应商准时交货率", "ratio", +1, "delivery",
           "po_on_time_lines", "po_due_lines", bounded=True),
    _total("purchase_price_variance", "Purchase price variance", "采购价格差异", "ppv_value", "currency", -1,
           "delivery"),
    # price trend (材料价格市场动态): per material the mean PO price weighted by quantity; across
    # materials only the index against standard is meaningful (kg and pieces do not add up)
    _ratio("po_unit_price", "Mean purchase price (per material)", "平均采购单价(按材料)", "currency", -1,
           "delivery", "po_value", "po_qty"),
    _ratio("purchase_price_index", "Purchase price index (standard = 1)", "采购价格指数(标准价 = 1)", "ratio", -1,
           "delivery", "po_value", "po_standard_value"),
    # --- customer -------------------------------------------------------------------------------
    _ratio("csat", "Customer satisfaction (CSAT)", "客户满意度(CSAT)", "ratio", +1, "customer",
           "satisfied", "responses", bounded=True),
    _ratio("satisfaction_mean", "Mean satisfaction score", "平均满意度评分", "score", +1, "customer",
           "score_sum", "responses"),
    _ratio("nps", "Net promoter score", "净推荐值(NPS)", "points", +1, "customer",
           ("promoters", "-detractors"), "nps_responses", scale=100.0),
    _total("complaints", "Complaints", "投诉数", "complaint_count", "count", -1, "customer"),
    _ratio("complaint_ppm", "Complaint PPM", "投诉PPM", "ppm", -1, "customer", "complaint_count", "shipped_units",
           scale=1e6),
    _ratio("complaint_days_to_close", "Days to close a complaint", "投诉结案天数", "days", -1, "customer",
           "days_to_close_sum", "closed_complaints"),
    _total("complaint_cost", "Complaint cost", "投诉处理费用", "complaint_cost_sum", "currency", -1, "customer"),
    # --- materials and cost ---------------------------------------------------------------------
    _ratio("cost_per_unit", "Cost per finished unit", "单位成品成本", "currency", -1, "materials", "cost_amount",
           "finished"),
    _total("total_cost", "Total cost", "总费用", "cost_amount", "currency", -1, "materials"),
    _ratio("material_loss", "Material loss", "材料损耗率", "ratio", -1, "materials", "issued_value", "required_value",
           offset=-1.0),
    _ratio("material_loss_allowed", "Material loss allowed by BOM", "BOM 允许损耗率", "ratio", -1, "materials",
           "allowed_loss_value", "required_value"),
    # --- people ---------------------------------------------------------------------------------
    _ratio("attendance_rate", "Attendance rate", "出勤率", "ratio", +1, "people", "worked_h", "scheduled_h"),
    _ratio("headcount", "Average headcount", "平均在职人数", "count", +1, "people", "headcount_days", "days"),
    _ratio("turnover", "Staff turnover", "员工流失率", "ratio", -1, "people", "leaves", "headcount"),
    _ratio("overtime_share", "Overtime share", "加班占比", "ratio", -1, "people", "overtime_h", "worked_h"),
    _total("overtime_over_limit", "Employees over the overtime limit", "加班超标人数", "over_limit_employees", "count",
           -1, "people"),
    _ratio("absence_rate", "Absence rate", "缺勤率", "ratio", -1, "people", "absence_h", "scheduled_h", bounded=True),
    *[_ratio(f"absence_rate_{a}", f"Absence rate ({en})", f"缺勤率({zh})", "ratio", -1, "people", f"absence_h_{a}",
             "scheduled_h", bounded=True) for a, (en, zh) in ABSENCE_TYPES.items()],
    _total("injuries", "Work injuries", "工伤次数", "injuries", "count", -1, "people"),
    _ratio("injury_rate", "Injury rate (per 200,000 h)", "工伤率(每 20 万工时)", "points", -1, "people", "injuries",
           "worked_h", scale=200_000.0),
    _total("hires", "Hires", "入职人数", "hires", "count", +1, "people"),
    _ratio("recruitment_cost_per_hire", "Recruitment cost per hire", "人均招聘费用", "currency", -1, "people",
           "recruitment_cost", "hires"),
    _ratio("welfare_per_head", "Welfare per head", "人均福利费用", "currency", -1, "people", "welfare_cost",
           "headcount"),
    _total("dept_transfers", "Transfers between departments", "部门间调动", "dept_transfers", "count", -1, "people"),
    _ratio("utilities_per_unit", "Utilities per finished unit", "单位成品水电费", "currency", -1, "materials",
           "utilities_cost", "finished"),
    # --- R&D (研发部) ---------------------------------------------------------------------------
    _total("rd_projects", "R&D projects started", "新立研发项目数", "project_count", "count", +1, "rd"),
    _total("rd_project_cost", "Cost of R&D projects started", "新立研发项目费用", "project_cost", "currency", -1, "rd"),
)}


_BUCKETS = (  # ageing by days past due: (suffix, en, zh, the balance it is, minus the one it excludes)
    ("not_due", "not due", "未到期", "open", "over_0"),
    ("1_30", "1–30 days overdue", "逾期 1–30 天", "over_0", "over_30"),
    ("31_60", "31–60 days overdue", "逾期 31–60 天", "over_30", "over_60"),
    ("61_90", "61–90 days overdue", "逾期 61–90 天", "over_60", "over_90"),
    ("over_90", "over 90 days overdue", "逾期 90 天以上", "over_90", None),
)
_SIDES = {"ar": ("Receivables", "应收账款"), "ap": ("Payables", "应付账款")}
_PAY = ("piece_pay_sum", "hourly_pay_sum", "overtime_premium_sum", "salary_sum", "commission_sum")


def _ageing(side: str) -> list[KPI]:
    name_en, name_zh = _SIDES[side]
    out = []
    for suffix, en, zh, balance, less in _BUCKETS:
        measures = [f"{side}_{balance}"] + ([f"{side}_{less}"] if less else [])
        expr = pl.col(measures[0]) - (pl.col(measures[1]) if less else 0) + 0.0  # + 0.0: no "−0" when paid
        out.append(_kpi(f"{side}_{suffix}", f"{name_en} {en}", f"{name_zh}{zh}", "currency", -1,
                        f"open at the period end, {en}", f"期末未结金额,{zh}", measures, expr, "finance"))
    return out


KPIS.update({k.id: k for k in (
    # --- sales and finance (营销部, 财务部) -------------------------------------------------------
    _total("sales_qty", "Sales volume", "销售数量", "sold_qty", "pieces", +1, "finance", "Σ shipped qty", "Σ 出货数量"),
    _total("sales_revenue", "Sales revenue", "销售收入", "revenue", "currency", +1, "finance",
           "Σ shipped qty × order unit_price", "Σ 出货数量 × 订单单价"),
    _ratio("avg_price", "Average price", "平均单价", "currency", +1, "finance", "revenue", "sold_qty"),
    _kpi("sales_cost", "Cost of sales", "销售成本", "currency", -1,
         "Σ shipped qty × standard_cost + transport costs", "Σ 出货数量 × 标准成本 + 运输费用",
         ["sold_cost_value", "transport_cost"], pl.col("sold_cost_value") + pl.col("transport_cost"), "finance",
         additive=True),
    _ratio("gross_margin", "Gross margin", "毛利率", "ratio", +1, "finance",
           ("revenue", "-sold_cost_value", "-transport_cost"), "revenue"),
    _total("purchase_spend", "Purchase spend", "采购金额", "received_value", "currency", -1, "finance",
           "Σ received qty × PO unit_price", "Σ 收货数量 × 采购单价"),
    _kpi("ar_open", "Receivables open", "应收账款余额", "currency", -1,
         "invoices to customers dated ≤ period end − payments dated ≤ period end", "期末前客户发票 − 期末前收款",
         ["ar_open"], pl.col("ar_open"), "finance"),
    _ratio("ar_overdue_share", "Overdue share of receivables", "应收逾期占比", "ratio", -1, "finance", "ar_over_0",
           "ar_open", bounded=True),
    _ratio("dso", "Days sales outstanding", "应收账款周转天数(DSO)", "days", -1, "finance", "ar_open", "revenue",
           factor=PERIOD_DAYS),
    _kpi("ap_open", "Payables open", "应付账款余额", "currency", -1,
         "invoices from suppliers dated ≤ period end − payments dated ≤ period end", "期末前供应商发票 − 期末前付款",
         ["ap_open"], pl.col("ap_open"), "finance"),
    _ratio("dpo", "Days payables outstanding", "应付账款周转天数(DPO)", "days", +1, "finance", "ap_open",
           "received_value", factor=PERIOD_DAYS),
    *_ageing("ar"), *_ageing("ap"),
    # --- wages (工资计算) -----------------------------------------------------------------------
    _kpi("payroll_total", "Payroll", "工资总额", "currency", -1,
         "piece pay + hourly pay + overtime premium + salaries + commission",
         "计件工资 + 计时工资 + 加班补贴 + 月薪 + 提成", list(_PAY), pl.sum_horizontal(list(_PAY)), "wages",
         additive=True),
    _total("piece_pay", "Piece pay", "计件工资", "piece_pay_sum", "currency", -1, "wages",
           "Σ good pieces on work tickets × piece rate valid that day", "Σ 工票良品数 × 当日有效计件单价"),
    _total("hourly_pay", "Hourly pay", "计时工资", "hourly_pay_sum", "currency", -1, "wages",
           "Σ worked hours × hourly rate (hourly staff)", "Σ 实际工时 × 小时工资(计时人员)"),
    _total("overtime_premium", "Overtime premium", "加班补贴", "overtime_premium_sum", "currency", -1, "wages",
           "Σ overtime hours × hourly rate × 0.5 (overtime paid at 150 %)", "Σ 加班工时 × 小时工资 × 0.5(加班按 150% 计)"),
    _total("salary", "Salaries", "月薪", "salary_sum", "currency", -1, "wages",
           "monthly salary × share of the month employed", "月薪 × 当月在职天数占比"),
    _total("commission", "Sales commission", "销售提成", "commission_sum", "currency", -1, "wages",
           "commission rate × sales revenue of the salesperson's customers", "提成比例 × 业务员所辖客户销售收入"),
    _ratio("labour_cost_per_unit", "Labour cost per finished unit", "单位成品人工成本", "currency", -1, "wages",
           _PAY, "finished"),
)})

# The headline KPIs, each list defined here only: the Home page's tiles, and the monthly summary
# (page, PDF, XLSX) in reading order: finished output, plan attainment, scrap ratio and cost, OEE, OTD,
# CSAT, complaint PPM, cost per unit, sales revenue, gross margin, overdue receivables, headcount, turnover.
HEADLINE = ("finished_qty", "scrap_ratio", "oee", "otd_line", "csat")
MONTHLY_HEADLINE = ("finished_qty", "plan_attainment", "scrap_ratio", "scrap_cost", "oee", "otd_line", "csat",
                    "complaint_ppm", "cost_per_unit", "sales_revenue", "gross_margin", "ar_overdue_share",
                    "headcount", "turnover")


def kpi(kpi_id: str) -> KPI:
    try:
        return KPIS[kpi_id]
    except KeyError:
        raise KeyError(f"unknown KPI {kpi_id!r}; known: {', '.join(KPIS)}") from None
