"""Messages of the Scorecards page (考评) and `plantkpi scorecard` (issue 18, item 1)."""
MESSAGES = {
    "nav.scorecards": {"en": "Scorecards", "zh": "部门考评"},
    "score.page.intro": {"en": "Each department's monthly score from its KPIs against their targets: achievement = "
                                "actual / target (target / actual when lower is better), at most 120 %; score = "
                                "Σ weight × achievement / Σ weight of the rows with a target.",
                         "zh": "各部门按其指标与目标值对比得出的月度得分：达成率 = 实际 / 目标（越低越好的指标为 目标 / 实际），"
                               "最高 120 %；得分 = Σ 权重 × 达成率 / 有目标各行的权重之和。"},
    "score.page.not_allowed": {"en": "Scorecards are for managers, executives and the administrator.",
                               "zh": "部门考评仅供经理、管理层和管理员查看。"},
    "score.page.month": {"en": "Month", "zh": "月份"},
    "score.page.empty": {"en": "No scorecard yet: the administrator defines it under Master data → Scorecards.",
                         "zh": "尚未设置考评表：请管理员在 基础资料 → 考评表 中维护。"},
    "score.page.ranking": {"en": "Ranking", "zh": "排名"},
    "score.page.trend": {"en": "Scores over 12 months", "zh": "近 12 个月得分"},
    "score.page.heading": {"en": "{rank}. {department}: {score}", "zh": "{rank}. {department}：{score}"},
    "score.page.no_score": {"en": "{department}: no score (no row with both actual and target)",
                            "zh": "{department}：无得分（没有同时具备实际值和目标值的指标）"},
    "score.col.kpi": {"en": "KPI", "zh": "指标"},
    "score.col.actual": {"en": "Actual", "zh": "实际"},
    "score.col.target": {"en": "Target", "zh": "目标"},
    "score.col.achievement": {"en": "Achievement", "zh": "达成率"},
    "score.col.weight": {"en": "Weight", "zh": "权重"},
    "score.col.points": {"en": "Points", "zh": "得分"},
    "score.col.department": {"en": "Department", "zh": "部门"},
    "score.col.score": {"en": "Score", "zh": "得分"},
    "score.col.month": {"en": "Month", "zh": "月份"},
    "score.col.note": {"en": "Note", "zh": "说明"},
    "score.not_scored": {"en": "not scored: no target", "zh": "未计分：无目标值"},
    "score.not_scored_data": {"en": "not scored: no data", "zh": "未计分：无数据"},
    "score.timeliness": {"en": "Data on time", "zh": "数据及时率"},
}
