"""Data kind `maintenance` (docs/kinds.md).

Preventive maintenance (PM) has a plan: a PM row carries the date its plan set (`planned_date`) and
whether the work is `planned` (still to do) or `done`. The PM plan is entered as planned rows (start =
the planned start); when the work is done the clerk sets status done and the actual start, end and
cost. Empty status means done (rows entered before the PM plan existed, repairs). PM compliance and
the missed and late PMs follow from these two fields (dashboard.kpi.equipment, docs/kpis.md).
"""
import polars as pl

from data_access.kinds.base import Field, Kind, Rule, code, day, enum, not_after, qty, text

KIND = Kind(
    "maintenance", "Maintenance", "设备维修保养", "engineering", date_field="start", cadence="event", key=("machine_code", "start"),
    fields=(
        code("machine_code", "Machine code", "机台编号", "machine", ref="machines", example="INJ-01"),
        Field("start", "datetime", "Start", "开始时间", (), example="2026-01-05 08:00"),
        Field("end", "datetime", "End", "结束时间", (), example="2026-01-05 11:30"),
        enum("type", "Type", "类型", ("preventive", "corrective"), example="preventive"),
        qty("cost", "Cost", "费用", integer=False, example=1200),
        text("note", "Note", "备注", required=False, max_len=500),
        enum("status", "Status", "状态", ("done", "planned"), "state", required=False,
             help_en="planned = in the PM plan, not yet done; empty = done",
             help_zh="planned（计划中，未完成）；留空 = 已完成", example="done"),
        day("planned_date", "Planned date", "计划日期", "plan date", "due date", required=False,
            help_en="the date the PM plan set; empty for repairs and unplanned work",
            help_zh="保养计划规定的日期; 故障维修和计划外工作留空", example="2026-01-04"),
    ),
    rules=(
        not_after("end", "start", "end is before start", "结束时间早于开始时间"),
        Rule("planned_has_date", ("status", "planned_date"),
             (pl.col("status") != "planned") | pl.col("status").is_null() | pl.col("planned_date").is_not_null(),
             "a planned maintenance needs its planned date", "计划中的保养必须填写计划日期",
             sql="\"status\" IS NULL OR \"status\" <> 'planned' OR \"planned_date\" IS NOT NULL"),
    ),
)
