"""Data kind `downtime` (docs/kinds.md)."""
from data_access.kinds.base import Field, Kind, code, day, qty

KIND = Kind(
    "downtime", "Downtime events", "停机记录", "production", position=3, date_field="date",
    key=("date", "machine_code", "start"),
    fields=(
        day("date", "Date", "日期", example="2026-01-05"),
        code("shift", "Shift", "班次", example="A"),
        code("machine_code", "Machine code", "机台编号", "machine", "机台", ref="machines", example="INJ-01"),
        Field("start", "time", "Start time", "开始时间", ("from",), example="09:30"),
        qty("minutes", "Minutes", "停机分钟", "duration", "时长", integer=False, max=1440, example=25),
        code("reason_code", "Downtime reason", "停机原因", "reason", ref="reasons", example="DT-MOLD"),
    ),
)
