"""Data kind `targets` (docs/kinds.md)."""
from data_access.kinds.base import Field, Kind, code

KIND = Kind(
    "targets", "Targets", "目标值", "admin", position=11, master=True, key=("kpi", "month", "line_code"),
    fields=(
        code("kpi", "KPI id", "指标代码", "指标", example="oee"),
        Field("month", "month", "Month", "月份", ("period",), example="2026-01"),
        code("line_code", "Line code", "产线代码", "line", "产线", ref="lines", required=False,
             help_en="empty = whole plant", help_zh="留空 = 全厂"),
        Field("target", "float", "Target", "目标", ("goal",), example=0.65),
    ),
)
