"""Every KPI, defined once (docs/kpis.md is generated from here by `plantkpi docs`): measures (sums
over a fact) and KPIs (null-safe expressions
over measures). Pages, the monthly report, the CLI and the tests all read this registry.

A *fact* is a prepared polars frame (built by data_access.facts) with a `date` column and some of
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

# Time grains are derived from the fact's `date`; the other dimensions are fact columns.
GRAINS = ("day", "week", "month", "quarter", "year")
DIMENSIONS = GRAINS + ("line", "machine", "product", "shift", "customer", "abc_class", "reason", "stage",
                       "supplier", "department", "category", "material", "salesperson", "employee")
# The length of each period in days: not a fact's sum but the calendar's (DSO, DPO); by grain only.
PERIOD_DAYS = "period_days"
UNITS = ("ratio", "count", "pieces", "pieces_per_hour", "hours", "minutes", "days", "currency", "score",
         "ppm", "points")
UNASSIGNED = "Unassigned"  # reason codes missing from master data (display text: t("kpi.unassigned"))
OTHER = "Other"            # small Pareto categories folded together (display text: t("kpi.other"))
# Facts that record events: a period without any of them had none (0 complaints, 0 minutes of
# downtime), while a period without production or survey rows is simply not known (null).
EVENT_FACTS = frozenset({"complaints", "downtime", "scrap"})
# Dimensions whose members each belong to one fact (a downtime reason, a cost category): by these an
# event fact's member without rows is not one of its members (no figure), not a member with 0 events.
FACT_OWN_DIMENSIONS = frozenset({"reason", "category"})


@dataclass(frozen=True)
class Measure:
    id: str
    fact: str
    expr: pl.Expr  # an additive aggregation over the fact's rows
    # A balance (receivables open at a date): the fact's rows are changes, and the measure is their sum
    # from the beginning up to the end of each period, not over the period (engine.balance_table).
    balance: bool = False


@dataclass(frozen=True)
class KPI:
    id: str
    en: str
    zh: str
    unit: str
    direction: int  # +1 higher is better, -1 lower is better
    formula_en: str
    formula_zh: str
    measures: tuple[str, ...]
    expr: pl.Expr  # over measure columns, evaluated after aggregation
    group: str  # production, quality, delivery, customer, materials, people
    bounded: bool = False   # a fraction that always lies in [0, 1]
    additive: bool = False  # a plain sum: a period's value is the sum of its parts (targets sum too)

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def formula(self, lang: str) -> str:
        return self.formula_zh if lang == "zh" else self.formula_en


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
_routed = pl.col("seq").is_not_null()  # the row's operation is known (SPEC §3 Operations)
_operating_s = (pl.col("planned_min") - pl.col("downtime_min")) * 60

MEASURES: dict[str, Measure] = {m.id: m for m in (
    # production: one row per date, shift, machine, product (with line, ideal_cycle_s, standard_cost)
    Measure("total", "production", _sum("total_qty")),
    Measure("good", "production", _sum("good_qty")),
    Measure("defect", "production", _sum("defect_qty")),
    Measure("scrap", "production", _sum("scrap_qty")),
    Measure("planned_qty", "production", _sum("planned_qty")),
    Measure("planned_s", "production", _sum(pl.col("planned_min") * 60)),
    Measure("operating_s", "production", _sum(_operating_s)),
    Measure("rated_planned_s", "production", _sum(pl.col("planned_min") * 60, _rated)),
    Measure("rated_operating_s", "production", _sum(_operating_s, _rated)),
    Measure("ideal_total_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("total_qty"), _rated)),
    Measure("ideal_good_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("good_qty"), _rated)),
    Measure("ideal_scrap_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("scrap_qty"), _rated)),
    Measure("ideal_defect_s", "production", _sum(pl.col("ideal_cycle_s") * pl.col("defect_qty"), _rated)),
    Measure("labour_h", "production", _sum("labour_h")),
    Measure("scrap_value", "production", _sum(pl.col("scrap_qty") * pl.col("standard_cost"))),
    # operations: finished output is the good of each product's last operation; WIP is what an
    # operation handed on minus what the next one took in (input_qty)
    Measure("finished", "production", _sum("good_qty", pl.col("last_op"))),
    Measure("handed_on", "production", _sum("good_qty", _routed & ~pl.col("last_op"))),
    Measure("taken_in", "production", _sum("input_qty", _routed & ~pl.col("first_op"))),
    Measure("unrouted_rows", "production", _count(~_routed)),
    Measure("unrouted_total", "production", _sum("total_qty", ~_routed)),
    # downtime events (date, shift, machine, line, reason, category, minutes)
    Measure("downtime_minutes", "downtime", _sum("minutes")),
    Measure("breakdown_stops", "downtime", _count(pl.col("category") == "breakdown")),
    Measure("breakdown_minutes", "downtime", _sum("minutes", pl.col("category") == "breakdown")),
    # scrap by reason (date, shift, machine, line, product, reason, qty, value)
    Measure("scrap_reason_qty", "scrap", _sum("qty")),
    # inspection lots (date, stage, machine, line, product, supplier, reason)
    Measure("inspected", "inspections", _sum("inspected_qty")),
    Measure("passed_first", "inspections", _sum("passed_first_qty")),
    Measure("rejected_scrapped", "inspections", _sum("rejected_qty", pl.col("disposition") == "scrap")),
    Measure("incoming_inspected", "inspections", _sum("inspected_qty", pl.col("stage") == "incoming")),
    Measure("incoming_passed", "inspections", _sum("passed_first_qty", pl.col("stage") == "incoming")),
    # order lines evaluated for delivery (derived with `today`; date = promised_date)
    Measure("due_lines", "delivery_lines", _count()),
    Measure("on_time_lines", "delivery_lines", _count(pl.col("on_time"))),
    Measure("otif_lines", "delivery_lines", _count(pl.col("otif"))),
    Measure("due_qty", "delivery_lines", _sum("qty")),
    Measure("on_time_qty", "delivery_lines", _sum("on_time_qty")),
    Measure("due_orders", "delivery_orders", _count()),
    Measure("on_time_orders", "delivery_orders", _count(pl.col("on_time"))),
    # shipments (date = ship_date, customer, abc_class, product)
    Measure("shipped_units", "order_shipments", _sum("qty")),
    # purchase order lines evaluated for supplier delivery (date = promised_date)
    Measure("po_due_lines", "supplier_lines", _count()),
    Measure("po_on_time_lines", "supplier_lines", _count(pl.col("on_time"))),
    # purchase order lines (date = order_date)
    Measure("ppv_value", "po_lines", _sum((pl.col("unit_price") - pl.col("standard_price")) * pl.col("qty"))),
    # surveys (date, customer, abc_class)
    Measure("responses", "surveys", _count()),
    Measure("satisfied", "surveys", _count(pl.col("score") >= 4)),
    Measure("score_sum", "surveys", _sum("score")),
    Measure("nps_responses", "surveys", _count(pl.col("nps").is_not_null())),
    Measure("promoters", "surveys", _count(pl.col("nps") >= 9)),
    Measure("detractors", "surveys", _count(pl.col("nps") <= 6)),
    # complaints (date, customer, abc_class, product, reason)
    Measure("complaint_count", "complaints", _count()),
    Measure("complaint_cost_sum", "complaints", _sum("cost")),
    Measure("closed_complaints", "complaints", _count(pl.col("days_to_close").is_not_null())),
    Measure("days_to_close_sum", "complaints", _sum("days_to_close")),
    # costs (date = first day of the month, department, category)
    Measure("cost_amount", "costs", _sum("amount")),
    # material issued net of returns, valued at standard price (date, material)
    Measure("issued_value", "material_issues", _sum("value")),
    Measure("issued_qty", "material_issues", _sum("qty")),
    # BOM requirement of the consuming operation's output (good + scrap), valued at standard price
    # (date, line, product, seq, material)
    Measure("required_value", "bom_requirements", _sum("value")),
    Measure("required_qty", "bom_requirements", _sum("qty")),
    Measure("allowed_loss_value", "bom_requirements", _sum(pl.col("value") * pl.col("loss_rate"))),
    # attendance (date, department)
    Measure("scheduled_h", "attendance", _sum("scheduled_h")),
    Measure("worked_h", "attendance", _sum("worked_h")),
    Measure("overtime_h", "attendance", _sum("overtime_h")),
    # headcount per day and department (date, department, headcount, leaves)
    Measure("headcount_days", "headcount", _sum("headcount")),
    Measure("days", "headcount", pl.col("date").n_unique().cast(pl.Float64)),
    Measure("leaves", "headcount", _sum("leaves")),
    # sales: shipments valued (date = ship_date, customer, abc_class, product, salesperson)
    Measure("sold_qty", "sales", _sum("qty")),
    Measure("revenue", "sales", _sum("revenue")),
    Measure("sold_cost_value", "sales", _sum("cost_value")),
    Measure("transport_cost", "sales", _sum("transport")),
    # purchase receipts valued at the PO price (date = receipt_date, supplier, material)
    Measure("received_value", "po_receipts", _sum("value")),
    # receivables and payables: balances at each period's end (settlement changes, SPEC §5)
    *[Measure(f"{side}_{what}", "settlements", _sum("change", (pl.col("side") == side) & (pl.col("measure") == what)),
              balance=True)
      for side in ("ar", "ap") for what in ("open", "over_0", "over_30", "over_60", "over_90")],
    # pay (date, employee, department): what each employee earned (docs/kpis.md "Wages")
    *[Measure(f"{part}_sum", "pay", _sum(part))
      for part in ("piece_pay", "hourly_pay", "overtime_premium", "salary", "commission")],
)}


def _kpi(id, en, zh, unit, direction, formula_en, formula_zh, measures, expr, group, **kw) -> KPI:
    return KPI(id, en, zh, unit, direction, formula_en, formula_zh, tuple(measures), expr, group, **kw)


def _total(id, en, zh, measure, unit, direction, group, formula_en, formula_zh) -> KPI:
    return _kpi(id, en, zh, unit, direction, formula_en, formula_zh, [measure], pl.col(measure), group,
                additive=True)


KPIS: dict[str, KPI] = {k.id: k for k in (
    # --- production -----------------------------------------------------------------------------
    _total("total_qty", "Total output", "总产量", "total", "pieces", +1, "production", "Σ total_qty", "Σ 总产量"),
    _total("good_qty", "Good output (all operations)", "良品数(各工序)", "good", "pieces", +1, "production",
           "Σ good_qty over operations (a machine's or a line's output)", "Σ 各工序良品数(机台或产线的产出)"),
    _total("defect_qty", "Defective (reworkable)", "次品数", "defect", "pieces", -1, "production", "Σ defect_qty", "Σ 次品数"),
    _total("scrap_qty", "Scrap", "废品数", "scrap", "pieces", -1, "production", "Σ scrap_qty", "Σ 废品数"),
    _kpi("plan_attainment", "Plan attainment", "计划达成率", "ratio", +1, "Σ good_qty / Σ planned_qty",
         "Σ 良品数 / Σ 计划数量", ["good", "planned_qty"], ratio("good", "planned_qty"), "production"),
    _kpi("throughput_rate", "Throughput rate", "产出速率", "pieces_per_hour", +1,
         "Σ total_qty / Σ operating hours (planned_min − downtime_min)", "Σ 总产量 / Σ 运行小时(计划时间 − 停机时间)",
         ["total", "operating_s"], ratio("total", "operating_s", 3600.0), "production"),
    _kpi("yield", "Yield", "良品率", "ratio", +1, "Σ good / Σ total", "Σ 良品数 / Σ 总产量",
         ["good", "total"], ratio("good", "total"), "production", bounded=True),
    _kpi("scrap_ratio", "Scrap ratio", "废品率", "ratio", -1, "Σ scrap / Σ total [SQ/PQ]", "Σ 废品数 / Σ 总产量 [SQ/PQ]",
         ["scrap", "total"], ratio("scrap", "total"), "production", bounded=True),
    _kpi("rework_ratio", "Rework ratio", "返工率", "ratio", -1, "Σ defect / Σ total [RQ/PQ]", "Σ 次品数 / Σ 总产量 [RQ/PQ]",
         ["defect", "total"], ratio("defect", "total"), "production", bounded=True),
    _kpi("availability", "Availability", "时间开动率", "ratio", +1,
         "Σ (planned_min − downtime_min) / Σ planned_min [APT/PBT]", "Σ (计划时间 − 停机时间) / Σ 计划时间 [APT/PBT]",
         ["operating_s", "planned_s"], ratio("operating_s", "planned_s"), "production", bounded=True),
    _kpi("performance", "Performance", "性能开动率", "ratio", +1,
         "Σ (ideal_cycle_s × total_qty) / Σ operating seconds", "Σ (理想节拍 × 总产量) / Σ 运行秒数",
         ["ideal_total_s", "rated_operating_s"], ratio("ideal_total_s", "rated_operating_s"), "production"),
    _kpi("quality_ratio", "Quality", "合格品率", "ratio", +1,
         "Σ (ideal_cycle_s × good) / Σ (ideal_cycle_s × total)", "Σ (理想节拍 × 良品) / Σ (理想节拍 × 总产量)",
         ["ideal_good_s", "ideal_total_s"], ratio("ideal_good_s", "ideal_total_s"), "production", bounded=True),
    _kpi("oee", "OEE", "设备综合效率", "ratio", +1,
         "Σ (ideal_cycle_s × good) / Σ planned seconds = availability × performance × quality",
         "Σ (理想节拍 × 良品) / Σ 计划秒数 = 时间开动率 × 性能开动率 × 合格品率",
         ["ideal_good_s", "rated_planned_s"], ratio("ideal_good_s", "rated_planned_s"), "production"),
    _kpi("mtbf", "MTBF", "平均故障间隔", "hours", +1, "operating hours / breakdown stops", "运行小时 / 故障停机次数",
         ["operating_s", "breakdown_stops"], ratio("operating_s", "breakdown_stops", 1 / 3600), "production"),
    _kpi("mttr", "MTTR", "平均修复时间", "minutes", -1, "breakdown minutes / breakdown stops", "故障停机分钟 / 故障停机次数",
         ["breakdown_minutes", "breakdown_stops"], ratio("breakdown_minutes", "breakdown_stops"), "production"),
    _kpi("labour_productivity", "Labour productivity", "人均产出", "pieces_per_hour", +1,
         "Σ finished_qty / Σ labour_h", "Σ 成品产量 / Σ 人工工时", ["finished", "labour_h"],
         ratio("finished", "labour_h"), "production"),
    _total("downtime_min", "Downtime", "停机时间", "downtime_minutes", "minutes", -1, "production",
           "Σ downtime event minutes", "Σ 停机记录分钟"),
    # operations (SPEC §3 Operations, §5 Production)
    _total("finished_qty", "Finished output", "成品产量", "finished", "pieces", +1, "production",
           "Σ good_qty at each product's last operation (highest seq)", "Σ 各产品末道工序(最大工序号)的良品数"),
    _kpi("wip_qty", "Work in process added", "在制品增加量", "pieces", -1,
         "Σ good handed on by an operation − Σ input_qty taken in by the next operation",
         "Σ 各工序交出的良品数 − Σ 下道工序投料数", ["handed_on", "taken_in"],
         pl.col("handed_on") - pl.col("taken_in"), "production", additive=True),
    _total("no_routing_rows", "Production rows without routing", "无工艺路线的生产记录", "unrouted_rows", "count", -1,
           "production", "count of production rows whose product has no routing on that machine",
           "产品在该机台无工艺路线的生产记录数"),
    _total("no_routing_qty", "Output without routing", "无工艺路线的产量", "unrouted_total", "pieces", -1, "production",
           "Σ total_qty of production rows without routing", "Σ 无工艺路线记录的总产量"),
    _kpi("labour_productivity_op", "Labour productivity at the operation", "工序人均产出", "pieces_per_hour", +1,
         "Σ good / Σ labour_h (machine and line views)", "Σ 良品数 / Σ 人工工时(机台与产线)", ["good", "labour_h"],
         ratio("good", "labour_h"), "production"),
    # --- quality --------------------------------------------------------------------------------
    _total("scrap_by_reason", "Scrap by reason", "按原因废品数", "scrap_reason_qty", "pieces", -1, "quality",
           "Σ qty of the scrap-by-reason records", "Σ 废品原因记录数量"),
    _total("scrap_cost", "Scrap cost", "废品成本", "scrap_value", "currency", -1, "quality",
           "Σ scrap_qty × product standard_cost", "Σ 废品数 × 产品标准成本"),
    _kpi("fpy", "First pass yield", "一次合格率", "ratio", +1, "Σ passed_first_qty / Σ inspected_qty [GP/IP]",
         "Σ 一次合格数 / Σ 送检数 [GP/IP]", ["passed_first", "inspected"], ratio("passed_first", "inspected"),
         "quality", bounded=True),
    _kpi("incoming_pass_rate", "Incoming pass rate", "来料合格率", "ratio", +1,
         "Σ passed_first_qty / Σ inspected_qty, incoming lots", "Σ 一次合格数 / Σ 送检数(来料检验)",
         ["incoming_passed", "incoming_inspected"], ratio("incoming_passed", "incoming_inspected"), "quality",
         bounded=True),
    # --- delivery -------------------------------------------------------------------------------
    _kpi("otd_line", "On-time delivery (lines)", "准时交货率(行)", "ratio", +1, "on-time lines / due lines",
         "准时订单行 / 到期订单行", ["on_time_lines", "due_lines"], ratio("on_time_lines", "due_lines"), "delivery",
         bounded=True),
    _kpi("otd_order", "On-time delivery (orders)", "准时交货率(订单)", "ratio", +1,
         "orders with every line on time / due orders", "所有行均准时的订单 / 到期订单",
         ["on_time_orders", "due_orders"], ratio("on_time_orders", "due_orders"), "delivery", bounded=True),
    _kpi("otd_qty", "On-time delivery (quantity)", "准时交货率(数量)", "ratio", +1, "qty shipped on time / qty due",
         "准时出货数量 / 到期数量", ["on_time_qty", "due_qty"], ratio("on_time_qty", "due_qty"), "delivery", bounded=True),
    _kpi("otif", "On time in full", "准时足量交货率", "ratio", +1,
         "lines whose full qty left in one shipment by the promised date / due lines",
         "承诺日期前一次足量出货的订单行 / 到期订单行", ["otif_lines", "due_lines"], ratio("otif_lines", "due_lines"),
         "delivery", bounded=True),
    _kpi("supplier_otd", "Supplier on-time delivery", "供应商准时交货率", "ratio", +1,
         "PO lines received in full on time / due PO lines", "准时足量到货的采购行 / 到期采购行",
         ["po_on_time_lines", "po_due_lines"], ratio("po_on_time_lines", "po_due_lines"), "delivery", bounded=True),
    _total("purchase_price_variance", "Purchase price variance", "采购价格差异", "ppv_value", "currency", -1,
           "delivery", "Σ (unit_price − standard_price) × qty", "Σ (采购单价 − 标准单价) × 数量"),
    # --- customer -------------------------------------------------------------------------------
    _kpi("csat", "Customer satisfaction (CSAT)", "客户满意度(CSAT)", "ratio", +1, "responses with score ≥ 4 / responses",
         "评分 ≥ 4 的答卷 / 全部答卷", ["satisfied", "responses"], ratio("satisfied", "responses"), "customer",
         bounded=True),
    _kpi("satisfaction_mean", "Mean satisfaction score", "平均满意度评分", "score", +1, "Σ score / responses",
         "Σ 评分 / 答卷数", ["score_sum", "responses"], ratio("score_sum", "responses"), "customer"),
    _kpi("nps", "Net promoter score", "净推荐值(NPS)", "points", +1, "% responses 9–10 − % responses 0–6",
         "9–10 分占比 − 0–6 分占比", ["promoters", "detractors", "nps_responses"],
         ratio(pl.col("promoters") - pl.col("detractors"), "nps_responses", 100.0), "customer"),
    _total("complaints", "Complaints", "投诉数", "complaint_count", "count", -1, "customer", "count of complaints", "投诉件数"),
    _kpi("complaint_ppm", "Complaint PPM", "投诉PPM", "ppm", -1, "complaints / units shipped × 1,000,000",
         "投诉数 / 出货数量 × 1,000,000", ["complaint_count", "shipped_units"],
         ratio("complaint_count", "shipped_units", 1e6), "customer"),
    _kpi("complaint_days_to_close", "Days to close a complaint", "投诉结案天数", "days", -1,
         "mean (closed_date − date) of closed complaints", "已结案投诉的平均(结案日期 − 投诉日期)",
         ["days_to_close_sum", "closed_complaints"], ratio("days_to_close_sum", "closed_complaints"), "customer"),
    _total("complaint_cost", "Complaint cost", "投诉处理费用", "complaint_cost_sum", "currency", -1, "customer",
           "Σ complaint cost", "Σ 投诉处理费用"),
    # --- materials and cost ---------------------------------------------------------------------
    _kpi("cost_per_unit", "Cost per finished unit", "单位成品成本", "currency", -1, "Σ costs / Σ finished_qty",
         "Σ 费用 / Σ 成品产量", ["cost_amount", "finished"], ratio("cost_amount", "finished"), "materials"),
    _total("total_cost", "Total cost", "总费用", "cost_amount", "currency", -1, "materials", "Σ costs", "Σ 费用"),
    _kpi("material_loss", "Material loss", "材料损耗率", "ratio", -1,
         "material issued / Σ ((good + scrap) at the BOM's consuming operation × BOM qty) − 1, valued at standard price",
         "领料 / Σ (耗用工序的(良品 + 废品) × BOM 用量) − 1，按标准单价计值", ["issued_value", "required_value"],
         ratio("issued_value", "required_value") - 1, "materials"),
    _kpi("material_loss_allowed", "Material loss allowed by BOM", "BOM 允许损耗率", "ratio", -1,
         "Σ requirement × BOM loss_rate / Σ requirement", "Σ 需求量 × BOM 损耗率 / Σ 需求量",
         ["allowed_loss_value", "required_value"], ratio("allowed_loss_value", "required_value"), "materials"),
    # --- people ---------------------------------------------------------------------------------
    _kpi("attendance_rate", "Attendance rate", "出勤率", "ratio", +1, "Σ worked_h / Σ scheduled_h",
         "Σ 实际工时 / Σ 应出勤工时", ["worked_h", "scheduled_h"], ratio("worked_h", "scheduled_h"), "people"),
    _kpi("turnover", "Staff turnover", "员工流失率", "ratio", -1, "leaves / average headcount",
         "离职人数 / 平均在职人数", ["leaves", "headcount_days", "days"],
         ratio("leaves", ratio("headcount_days", "days")), "people"),
    _kpi("overtime_share", "Overtime share", "加班占比", "ratio", -1, "Σ overtime_h / Σ worked_h",
         "Σ 加班工时 / Σ 实际工时", ["overtime_h", "worked_h"], ratio("overtime_h", "worked_h"), "people"),
    _kpi("headcount", "Average headcount", "平均在职人数", "count", +1, "Σ daily headcount / days",
         "Σ 每日在职人数 / 天数", ["headcount_days", "days"], ratio("headcount_days", "days"), "people"),
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
    _kpi("avg_price", "Average price", "平均单价", "currency", +1, "sales revenue / sales volume", "销售收入 / 销售数量",
         ["revenue", "sold_qty"], ratio("revenue", "sold_qty"), "finance"),
    _kpi("sales_cost", "Cost of sales", "销售成本", "currency", -1,
         "Σ shipped qty × standard_cost + transport costs", "Σ 出货数量 × 标准成本 + 运输费用",
         ["sold_cost_value", "transport_cost"], pl.col("sold_cost_value") + pl.col("transport_cost"), "finance",
         additive=True),
    _kpi("gross_margin", "Gross margin", "毛利率", "ratio", +1, "(sales revenue − cost of sales) / sales revenue",
         "(销售收入 − 销售成本) / 销售收入", ["revenue", "sold_cost_value", "transport_cost"],
         ratio(pl.col("revenue") - pl.col("sold_cost_value") - pl.col("transport_cost"), "revenue"), "finance"),
    _total("purchase_spend", "Purchase spend", "采购金额", "received_value", "currency", -1, "finance",
           "Σ received qty × PO unit_price", "Σ 收货数量 × 采购单价"),
    _kpi("ar_open", "Receivables open", "应收账款余额", "currency", -1,
         "invoices to customers dated ≤ period end − payments dated ≤ period end", "期末前客户发票 − 期末前收款",
         ["ar_open"], pl.col("ar_open"), "finance"),
    _kpi("ar_overdue_share", "Overdue share of receivables", "应收逾期占比", "ratio", -1,
         "receivables past their due date / receivables open, at the period end", "期末逾期应收 / 期末应收余额",
         ["ar_over_0", "ar_open"], ratio("ar_over_0", "ar_open"), "finance", bounded=True),
    _kpi("dso", "Days sales outstanding", "应收账款周转天数(DSO)", "days", -1,
         "receivables open at the period end / sales revenue of the period × days in the period",
         "期末应收余额 / 本期销售收入 × 本期天数", ["ar_open", "revenue", PERIOD_DAYS],
         ratio(pl.col("ar_open") * pl.col(PERIOD_DAYS), "revenue"), "finance"),
    _kpi("ap_open", "Payables open", "应付账款余额", "currency", -1,
         "invoices from suppliers dated ≤ period end − payments dated ≤ period end", "期末前供应商发票 − 期末前付款",
         ["ap_open"], pl.col("ap_open"), "finance"),
    _kpi("dpo", "Days payables outstanding", "应付账款周转天数(DPO)", "days", +1,
         "payables open at the period end / value received in the period × days in the period",
         "期末应付余额 / 本期收货金额 × 本期天数", ["ap_open", "received_value", PERIOD_DAYS],
         ratio(pl.col("ap_open") * pl.col(PERIOD_DAYS), "received_value"), "finance"),
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
    _kpi("labour_cost_per_unit", "Labour cost per finished unit", "单位成品人工成本", "currency", -1,
         "payroll / finished output", "工资总额 / 成品产量", [*_PAY, "finished"],
         ratio(pl.sum_horizontal(list(_PAY)), "finished"), "wages"),
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
