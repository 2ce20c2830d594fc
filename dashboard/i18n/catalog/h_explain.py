"""Messages of "Why?" — the change of a KPI explained by the members of a dimension (docs/kpis.md)."""
_PAIRS = {
    # the sentence
    "explain.head": ("{kpi} {change}", "{kpi} {change}"),
    "explain.head_target": ("{kpi} {change} against the target", "{kpi} 较目标 {change}"),
    "explain.colon": (": ", "："),
    "explain.sep": (", ", "，"),
    "explain.more": (" …", "……"),
    "explain.part.rate": ("{member} {total} (rate)", "{member} {total}（比率）"),
    "explain.part.mix_up": ("{member} more volume {total} (mix)", "{member} 占比上升 {total}（结构）"),
    "explain.part.mix_down": ("{member} less volume {total} (mix)", "{member} 占比下降 {total}（结构）"),
    "explain.part.both": ("{member} {total} (rate {rate}, mix {mix})", "{member} {total}（比率 {rate}，结构 {mix}）"),
    "explain.part.sum": ("{member} {total}", "{member} {total}"),
    "explain.unchanged": ("{kpi} unchanged", "{kpi} 无变化"),
    "explain.not.not_decomposable": ("{kpi} cannot be explained by members: it is not a sum or a ratio of sums",
                                     "{kpi} 无法按成员解释：它不是合计或合计之比"),
    "explain.not.no_value": ("{kpi}: one of the two periods has no value, so there is no change to explain",
                             "{kpi}：两个期间之一没有数值，无变化可解释"),
    "explain.not.no_member_targets": ("{kpi} cannot be explained by members against the target: "
                                      "the target is set for the whole, not for each member",
                                      "{kpi} 无法按成员对比目标解释：目标针对整体设定，而非每个成员"),
    # errors (CLI, exit 2)
    "explain.error.unknown_kpi": ("unknown KPI {kpi!r}; known: {known}", "未知的指标 {kpi!r}；可用：{known}"),
    "explain.error.unknown_dim": ("unknown dimension {dim!r}; use one of: {known}",
                                  "未知的维度 {dim!r}；可用：{known}"),
    "explain.error.dim_not_in_fact": ("{kpi} cannot be broken down by {dim!r}: its data has no such column; "
                                      "use one of: {known}",
                                      "{kpi} 不能按 {dim!r} 分解：其数据没有该列；可用：{known}"),
    "explain.error.vs": ("--vs must be last_year or target, or give --vs-from and --vs-to together",
                         "--vs 只能是 last_year 或 target，或同时给出 --vs-from 和 --vs-to"),
    "explain.error.order": ("{option}: the period ends before it starts ({start} > {end})",
                            "{option}：期间结束早于开始（{start} > {end}）"),
    "explain.error.no_target": ("{kpi} has no target for every month from {start} to {end}",
                                "{kpi} 在 {start} 至 {end} 期间并非每月都有目标"),
    # the CLI's table
    "explain.cli.before": ("Before", "之前"),
    "explain.cli.after": ("After", "之后"),
    "explain.cli.change": ("Change", "变化"),
    "explain.col.member": ("Member", "成员"),
    "explain.col.rate": ("Rate effect", "比率效应"),
    "explain.col.mix": ("Mix effect", "结构效应"),
    "explain.col.total": ("Part of the change", "贡献"),
    # "Why?" under a tile
    "explain.why": ("Why?", "为什么？"),
    "explain.why_help": ("The change against the previous period, explained by the members of a dimension",
                         "与上期相比的变化，按某一维度的成员解释"),
    "explain.dim": ("Explain by", "按维度解释"),
    "explain.dim_best": ("{dim} (explains most)", "{dim}（解释最多）"),
    "explain.previous": ("Previous", "上期"),
    "explain.current": ("Current", "本期"),
    "explain.target": ("Target", "目标"),
    "explain.apply": ("Filter {member}", "筛选 {member}"),
    "explain.apply_help": ("Show the page for this member only", "只看该成员"),
    "explain.method.rate_mix": ("Ratio split into rate (the member's own ratio moved) and mix (its share of "
                                "{den} moved), midpoint weights; the parts add up to the change.",
                                "比率分解为比率效应（成员自身比率变化）与结构效应（其在{den}中的占比变化），"
                                "采用中点权重；各部分之和等于变化。"),
    "explain.method.difference": ("Each member's own difference; the parts add up to the change.",
                                  "各成员自身的差额；各部分之和等于变化。"),
    "explain.method.vs_target": ("Each member against the target at its actual share; the parts add up to "
                                 "the gap.", "各成员按实际占比对比目标；各部分之和等于差距。"),
    "explain.oee_factors": ("OEE = availability × performance × quality: {parts}",
                            "OEE = 时间开动率 × 性能开动率 × 合格品率：{parts}"),
    "explain.factor.availability": ("availability", "时间开动率"),
    "explain.factor.performance": ("performance", "性能开动率"),
    "explain.factor.quality": ("quality", "合格品率"),
    "explain.nothing": ("Nothing changed between the two periods.", "两个期间之间没有变化。"),
    # the monthly summary
    "explain.report.causes": ("Causes", "原因"),
    "explain.report.section": ("Causes of the biggest changes", "主要变化的原因"),
    "explain.report.none": ("No headline KPI moved by more than the threshold.", "没有头条指标的变化超过阈值。"),
}

# Labels of measures declared without their own en/zh (Measure.label falls back to these keys): the
# operations, sales, finance and wages measures added on main in the older shape, so that the label
# test (tests/test_explain_registry.py) holds after the merge without touching those entries.
_MEASURE_LABELS = {
    "finished": ("Finished output", "成品产量"), "handed_on": ("Good handed on to the next operation", "交下道工序良品数"),
    "taken_in": ("Input taken in by the next operation", "下道工序投料数"),
    "unrouted_rows": ("Production rows without routing", "无工艺路线的生产记录"),
    "unrouted_total": ("Output without routing", "无工艺路线的产量"), "sold_qty": ("Units sold", "销售数量"),
    "revenue": ("Sales revenue", "销售收入"), "sold_cost_value": ("Standard cost of units sold", "销售标准成本"),
    "transport_cost": ("Transport costs", "运输费用"), "received_value": ("Value received", "收货金额"),
    **{f"{side}_{what}": (f"{en} {wen}", f"{zh}{wzh}")
       for side, en, zh in (("ar", "Receivables", "应收账款"), ("ap", "Payables", "应付账款"))
       for what, wen, wzh in (("open", "open", "余额"), ("over_0", "overdue", "逾期金额"),
                              ("over_30", "over 30 days overdue", "逾期 30 天以上"),
                              ("over_60", "over 60 days overdue", "逾期 60 天以上"),
                              ("over_90", "over 90 days overdue", "逾期 90 天以上"))},
    "piece_pay_sum": ("Piece pay", "计件工资"), "hourly_pay_sum": ("Hourly pay", "计时工资"),
    "overtime_premium_sum": ("Overtime premium", "加班补贴"), "salary_sum": ("Salaries", "月薪"),
    "commission_sum": ("Sales commission", "销售提成"),
}

MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _PAIRS.items()}
MESSAGES.update({f"analysis.measure.{m}": {"en": en, "zh": zh} for m, (en, zh) in _MEASURE_LABELS.items()})
