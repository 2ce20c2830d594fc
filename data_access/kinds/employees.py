"""Data kind `employees` (docs/kinds.md)."""
from data_access.kinds.base import (
    DEPARTMENTS,
    Field,
    Kind,
    code,
    day,
    enum,
    not_after,
    qty,
    text,
)

KIND = Kind(
    "employees", "Employees", "员工", "admin", position=9, master=True, key=("employee_code",),
    fields=(
        code("employee_code", "Employee no.", "工号", "employee", "员工编号", example="E-0001"),
        text("name", "Name", "姓名", max_len=60, example="Zhang Wei"),
        enum("department", "Department", "部门", tuple(DEPARTMENTS), "dept", example="production"),
        day("hire_date", "Hire date", "入职日期", earliest="1950-01-01", example="2024-03-01"),
        day("leave_date", "Leave date", "离职日期", required=False),
        qty("hourly_rate", "Hourly rate", "小时工资", "wage rate", integer=False, max=10_000, example=28.0),
        enum("pay_basis", "Pay basis", "计薪方式", ("hourly", "piece", "salary"), "basis", required=False,
             help_en="empty = hourly", help_zh="留空 = 计时", example="hourly"),
        qty("monthly_salary", "Monthly salary", "月薪", "salary", integer=False, required=False, max=1_000_000),
        Field("commission_rate", "float", "Commission rate (share of sales)", "提成比例(销售额占比)", ("commission", "提成"),
              required=False, min=0, max=1),
    ),
    rules=(not_after("leave_date", "hire_date", "leave date is before the hire date", "离职日期早于入职日期"),),
)
