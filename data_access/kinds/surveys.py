"""Data kind `surveys` (docs/kinds.md)."""
from data_access.kinds.base import Field, Kind, code, day, text

KIND = Kind(
    "surveys", "Satisfaction surveys", "满意度调查", "customer_service", date_field="date",
    key=("date", "customer_code", "respondent"),
    fields=(
        day("date", "Date", "调查日期", example="2026-01-28"),
        code("customer_code", "Customer code", "客户编号", "customer", ref="customers", example="C-001"),
        text("respondent", "Respondent", "受访人", "contact", required=False, max_len=60, example="Li Na",
             help_en="several answers of one customer on one day need different respondents",
             help_zh="同一客户同一天多份问卷请填写不同受访人"),
        Field("score", "int", "Overall score (1-5)", "总体满意度(1-5)", ("satisfaction",), min=1, max=5, example=4),
        Field("nps", "int", "Recommend (0-10)", "推荐意愿(0-10)", ("recommend",), required=False, min=0, max=10, example=9),
        Field("quality", "int", "Quality (1-5)", "质量(1-5)", (), required=False, min=1, max=5),
        Field("delivery", "int", "Delivery (1-5)", "交付(1-5)", (), required=False, min=1, max=5),
        Field("service", "int", "Service (1-5)", "服务(1-5)", (), required=False, min=1, max=5),
        text("comment", "Comment", "意见", "remarks", "备注", required=False, max_len=1000),
    ),
)
