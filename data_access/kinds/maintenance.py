"""Data kind `maintenance` (docs/kinds.md)."""
from data_access.kinds.base import Field, Kind, code, enum, not_after, qty, text

KIND = Kind(
    "maintenance", "Maintenance", "设备维修保养", "engineering", date_field="start", cadence="event", key=("machine_code", "start"),
    fields=(
        code("machine_code", "Machine code", "机台编号", "machine", ref="machines", example="INJ-01"),
        Field("start", "datetime", "Start", "开始时间", (), example="2026-01-05 08:00"),
        Field("end", "datetime", "End", "结束时间", (), example="2026-01-05 11:30"),
        enum("type", "Type", "类型", ("preventive", "corrective"), example="preventive"),
        qty("cost", "Cost", "费用", integer=False, example=1200),
        text("note", "Note", "备注", required=False, max_len=500),
    ),
    rules=(not_after("end", "start", "end is before start", "结束时间早于开始时间"),),
)
