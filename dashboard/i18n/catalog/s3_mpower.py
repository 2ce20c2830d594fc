"""Manpower load on the Capacity page (人力负荷) and the quality stages of the Quality page (issue 17)."""

MESSAGES = {
    "mpower.title": {"en": "Manpower load", "zh": "人力负荷"},
    "mpower.intro": {"en": "Standard labour hours (routings' labour time × the quantities still to make) against the "
                           "scheduled hours of the production staff of each line (attendance schedule).",
                     "zh": "标准工时(工艺路线标准工时 × 尚需生产数量)对比各产线生产人员的排班工时(考勤排班)。"},
    "mpower.level": {"en": "Show manpower by", "zh": "人力负荷显示"},
    "mpower.level.line": {"en": "Lines", "zh": "产线"},
    "mpower.level.department": {"en": "Department", "zh": "部门"},
    "mpower.employees": {"en": "Employees", "zh": "人数"},
    "mpower.peak": {"en": "Highest manpower load", "zh": "最高人力负荷"},
    "mpower.overloaded": {"en": "Understaffed line-weeks", "zh": "人力不足的产线周数"},
    "mpower.rules": {"en": "Required = quantity still to make at each operation × standard labour s ÷ 3600, in the week "
                           "of the operation's need date. Available = each employee's scheduled hours that week "
                           "(entered ahead), else the usual scheduled hours per day of the last {days} days. An "
                           "employee belongs to the line of most of their work-ticket hours; staff without tickets "
                           "count only in the department.",
                     "zh": "需求 = 各工序尚需数量 × 标准工时(秒)÷ 3600,计入该工序需求日期所在周。可用 = 员工当周已排班工时;"
                           "未排班时按最近 {days} 天的日均排班工时。员工归属其工票工时最多的产线;无工票的员工只计入部门。"},
    "qstage.title": {"en": "Inspection stages", "zh": "各检验阶段"},
    "qstage.lots": {"en": "Lots", "zh": "批次数"},
    "qstage.inspected": {"en": "Inspected qty", "zh": "送检数"},
    "qstage.rejected": {"en": "Rejected qty", "zh": "不合格数"},
    "qstage.pass_rate": {"en": "Pass rate (first time)", "zh": "一次合格率"},
    "qstage.scrap_rate": {"en": "Scrap rate", "zh": "废品率"},
    "qstage.share": {"en": "Share of the stage's rejects", "zh": "占该阶段不合格比例"},
    "qstage.reasons": {"en": "Reject reasons per stage", "zh": "各阶段不合格原因"},
    "qstage.note": {"en": "Pass rate = passed first time ÷ inspected; scrap rate = rejected qty of lots disposed of as "
                          "scrap ÷ inspected, per stage. Receipt covers semi-finished and finished goods into stock.",
                    "zh": "一次合格率 = 一次合格数 ÷ 送检数;废品率 = 处置为报废的不合格数 ÷ 送检数,按检验阶段计算。入库检验含半成品入库与成品入库。"},
}
