"""One valid row per data kind, built from the `example` values of the declarations, plus the few
reason codes the examples refer to. Consistent across kinds (the examples reference each other)."""
from __future__ import annotations

from datetime import date, datetime, time

from data_access.kinds import KINDS

EXTRA_ROWS = {
    "reasons": [
        {"reason_code": "DT-MOLD", "kind": "downtime", "name_en": "Mould change", "name_zh": "换模", "category": "setup"},
        {"reason_code": "CP-DIM", "kind": "complaint", "name_en": "Dimension", "name_zh": "尺寸", "category": None},
    ],
}


def typed(field, value):
    """The example (written as a clerk would type it) as the Python value of the declared type."""
    if value is None:
        return None
    kind = field.type
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "bool":
        return str(value).lower() in ("yes", "true", "1", "是")
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return value


def example_row(kind_name: str) -> dict:
    kind = KINDS[kind_name]
    return {f.name: typed(f, f.example) for f in kind.fields}


def example_rows() -> dict[str, list[dict]]:
    """Every kind, in dependency order (masters first)."""
    return {name: [example_row(name), *EXTRA_ROWS.get(name, [])] for name in KINDS}
