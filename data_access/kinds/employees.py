"""Data kind `employees` (SPEC §3)."""
from data_access.kinds.base import (
    DEPARTMENTS,
    Kind,
    code,
    day,
    enum,
    not_after,
    qty,
    text,
)

KIND = Kind(
    "employees", "Employees", "员工", "admin", master=True, key=("employee_code",),
    fields=(
        code("employee_code", "Employee no.", "工号", "employee", "员工编号", example="E-0001"),
        text("name", "Name", "姓名", max_len=60, example="Zhang Wei"),
        enum("department", "Department", "部门", tuple(DEPARTMENTS), "dept", example="production"),
        day("hire_date", "Hire date", "入职日期", earliest="1950-01-01", example="2024-03-01"),
        day("leave_date", "Leave date", "离职日期", required=False),
        qty("hourly_rate", "Hourly rate", "小时工资", "wage rate", integer=False, example=28.0),
    ),
    rules=(not_after("leave_date", "hire_date", "leave date is before the hire date", "离职日期早于入职日期"),),
)
