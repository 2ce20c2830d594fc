"""Data kind `hr_events` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, enum, qty, text

KIND = Kind(
    "hr_events", "HR events", "人事异动", "hr", date_field="date", cadence="event", key=("date", "employee_code", "event"),
    fields=(
        day("date", "Date", "日期", example="2026-01-05"),
        code("employee_code", "Employee no.", "工号", "employee", ref="employees", example="E-0001"),
        enum("event", "Event", "事件", ("hire", "leave", "transfer", "injury", "wage_change"), "type", example="hire"),
        text("detail", "Detail", "说明", required=False, max_len=300),
        qty("cost", "Cost", "费用", required=False, integer=False, example=800),
    ),
)
