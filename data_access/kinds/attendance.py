"""Data kind `attendance` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, enum, qty

KIND = Kind(
    "attendance", "Attendance", "考勤", "hr", date_field="date", key=("date", "employee_code"),
    fields=(
        day("date", "Date", "日期", example="2026-01-05"),
        code("employee_code", "Employee no.", "工号", "employee", ref="employees", example="E-0001"),
        qty("scheduled_h", "Scheduled hours", "应出勤工时", integer=False, max=24, example=8),
        qty("worked_h", "Worked hours", "实际工时", integer=False, max=24, example=8),
        qty("overtime_h", "Overtime hours", "加班工时", integer=False, max=24, example=2),
        enum("absence", "Absence", "缺勤类型", ("none", "leave", "sick", "absent", "injury"), example="none"),
    ),
)
