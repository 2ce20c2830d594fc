"""The one place where a code the user can see gets its words: code_label(group, code, lang).

A code is what a plant stores (minor_stop, semi_in, major, final, scrap ...); tables, charts, the
PDF and the XLSX show its label in the user's language. Every enum field of every kind names its
group in FIELD_GROUPS (a test checks that every choice has both labels). Plant codes such as
machine or reason codes are not here: those have names in the master data.

A leaf like the rest of dashboard.i18n: imports nothing of ours but the current language.
"""
from __future__ import annotations

import math

from dashboard.i18n import current_lang

EMPTY = "—"  # what an empty cell says, in both languages

# group -> code -> (en, zh)
CODES: dict[str, dict[str, tuple[str, str]]] = {
    "loss_category": {  # reasons.category: downtime and loss categories
        "planned": ("Planned stop", "计划停机"),
        "breakdown": ("Breakdown", "故障停机"),
        "setup": ("Setup and adjustment", "换模调整"),
        "minor_stop": ("Minor stops", "小停机"),
        "speed": ("Reduced speed", "速度降低"),
        "quality_loss": ("Quality-related stop", "质量相关停机"),
    },
    "reason_kind": {
        "scrap": ("Scrap", "废品"), "defect": ("Defect", "不良"), "downtime": ("Downtime", "停机"),
        "complaint": ("Complaint", "客诉"),
    },
    "move": {  # material_moves.move
        "receipt": ("Receipt", "入库"), "issue": ("Issue to production", "领料"), "return": ("Return", "退料"),
        "semi_in": ("Semi-finished in", "半成品入库"), "semi_out": ("Semi-finished out", "半成品出库"),
        "finished_in": ("Finished-goods receipt", "成品入库"), "sales_out": ("Sales shipment", "销售出库"),
        "scrap_out": ("Scrap out", "废品出库"), "adjust": ("Adjustment", "盘点调整"),
    },
    "severity": {"minor": ("Minor", "一般"), "major": ("Major", "严重"), "critical": ("Critical", "致命")},
    "inspection_stage": {
        "incoming": ("Incoming", "来料检验"), "in_process": ("In-process", "制程检验"), "final": ("Final", "成品检验"),
        "receipt": ("Receipt into stock", "入库检验"), "outgoing": ("Outgoing (shipment)", "出库检验"),
    },
    "disposition": {
        "accept": ("Accept", "接收"), "rework": ("Rework", "返工"), "scrap": ("Scrap", "报废"),
        "return": ("Return to supplier", "退货"),
    },
    "product_stage": {  # products.stage and projects.stage
        # the source document's five stages 概念化 → 市场化 (concept → market)
        "concept": ("Concept", "概念化"), "design": ("Design", "产品化"), "development": ("Development", "技术化"),
        "launch": ("Launch", "商品化"), "market": ("In market", "市场化"),
    },
    "process": {
        "injection": ("Injection molding", "注塑"), "dmc": ("DMC/BMC molding", "DMC 模压"),
        "finishing": ("Finishing", "处理"), "machining": ("Machining", "机加工"),
    },
    "department": {
        "production": ("Production", "生产部"), "warehouse": ("Warehouse", "仓库"), "quality": ("Quality", "品质部"),
        "sales": ("Sales", "销售部"), "customer_service": ("Customer service", "客服部"),
        "purchasing": ("Purchasing", "采购部"), "hr": ("HR", "人事部"), "engineering": ("Engineering", "工程部"),
        "finance": ("Finance", "财务部"), "planning": ("Planning", "计划部"), "admin": ("Administration", "行政"),
    },
    "pay_basis": {"hourly": ("Hourly", "计时"), "piece": ("Piece rate", "计件"), "salary": ("Monthly salary", "月薪")},
    "abc_class": {"A": ("A", "A"), "B": ("B", "B"), "C": ("C", "C")},  # a plant writes its classes as letters
    "absence": {
        "none": ("Present", "出勤"), "leave": ("Leave", "请假"), "sick": ("Sick leave", "病假"),
        "absent": ("Absent", "旷工"), "injury": ("Injury", "工伤"),
    },
    "hr_event": {
        "hire": ("Hire", "入职"), "leave": ("Leaver", "离职"), "transfer": ("Transfer", "调岗"),
        "injury": ("Injury", "工伤"), "wage_change": ("Wage change", "调薪"),
    },
    "maintenance_type": {"preventive": ("Preventive", "预防性维护"), "corrective": ("Corrective", "故障维修")},
    "maintenance_status": {"done": ("Done", "已完成"), "planned": ("Planned", "计划中")},
    "cost_category": {
        "labour": ("Labour", "人工"), "material": ("Material", "材料"), "utilities": ("Utilities", "水电"),
        "welfare": ("Welfare", "福利"), "recruitment": ("Recruitment", "招聘"),
        "complaint": ("Complaint handling", "客诉处理"), "maintenance": ("Maintenance", "维修保养"),
        "transport": ("Transport", "运输"), "other": ("Other", "其他"),
    },
    "side": {"ar": ("Receivable", "应收"), "ap": ("Payable", "应付")},
    "role": {
        "admin": ("Admin", "管理员"), "executive": ("Executive", "总经理"), "manager": ("Manager", "主管/经理"),
        "clerk": ("Clerk", "文员/统计员"),
    },
    "audit_action": {
        "import": ("import (upload or CLI)", "导入（上传或命令行）"), "form": ("form entry", "表单录入"),
        "edit": ("edit", "修改"), "undo": ("undo", "撤销"), "master": ("master data", "基础资料"),
        "user": ("user account", "用户账号"), "restore": ("restore", "恢复备份"),
        "commentary": ("commentary", "月度评述"), "seed": ("demo data", "演示数据"),
        "backup": ("backup", "备份"), "login": ("sign-in", "登录"), "logout": ("sign-out", "退出登录"),
        "password": ("password change", "修改密码"),
    },
}

# (kind, field) -> group, for every enum field of every kind; a column of that name in a table of
# the kind's rows gets the group's labels
FIELD_GROUPS: dict[tuple[str, str], str] = {
    ("lines", "process"): "process", ("products", "stage"): "product_stage",
    ("employees", "department"): "department", ("employees", "pay_basis"): "pay_basis",
    ("customers", "abc_class"): "abc_class", ("reasons", "kind"): "reason_kind",
    ("reasons", "category"): "loss_category", ("material_moves", "move"): "move",
    ("inspections", "stage"): "inspection_stage", ("inspections", "disposition"): "disposition",
    ("complaints", "severity"): "severity", ("attendance", "absence"): "absence", ("hr_events", "event"): "hr_event",
    ("maintenance", "type"): "maintenance_type", ("maintenance", "status"): "maintenance_status",
    ("projects", "stage"): "product_stage",
    ("costs", "department"): "department", ("costs", "category"): "cost_category",
    ("scorecard", "department"): "department",
    ("invoices", "side"): "side", ("payments", "side"): "side",
}

# a column of a row table (any fact) whose codes have labels: the facts keep the kind's field names
COLUMN_GROUPS: dict[str, str] = {
    "category": "loss_category", "move": "move", "severity": "severity", "disposition": "disposition",
    "stage": "inspection_stage", "process": "process", "department": "department", "pay_basis": "pay_basis",
    "basis": "pay_basis", "absence": "absence", "event": "hr_event", "side": "side", "cost_category": "cost_category",
    "role": "role",
}


def is_empty(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def code_label(group: str, code, lang: str | None = None) -> str:
    """The label of `code` in `group` in `lang` (default: the current language); "—" for no code,
    the code itself when the group does not know it (a code a plant added since)."""
    if is_empty(code):
        return EMPTY
    texts = CODES.get(group, {}).get(str(code))
    if texts is None:
        return str(code)
    return texts[1] if (lang or current_lang()) == "zh" else texts[0]


def code_labels(group: str, lang: str | None = None) -> dict[str, str]:
    """{code: label} of a group, for replacing a whole column at once."""
    return {code: code_label(group, code, lang) for code in CODES.get(group, {})}


def field_group(kind: str, field: str) -> str | None:
    return FIELD_GROUPS.get((kind, field))


def choices_text(kind: str, field: str, choices, lang: str | None = None) -> str:
    """The codes a file may hold with their words beside them: "minor（一般）、major（严重）" in Chinese
    (the code is what the file carries), "minor, major" in English, where the code is the word."""
    lang = lang or current_lang()
    group = field_group(kind, field)
    if lang != "zh" or group is None:
        return ", ".join(choices)
    return "、".join(c if code_label(group, c, lang) == c else f"{c}（{code_label(group, c, lang)}）" for c in choices)


__all__ = ["CODES", "COLUMN_GROUPS", "EMPTY", "FIELD_GROUPS", "choices_text", "code_label", "code_labels", "field_group",
           "is_empty"]
