"""One valid row per data kind, built from the `example` values of the declarations, plus the few
reason codes the examples refer to. Consistent across kinds (the examples reference each other)."""
from __future__ import annotations

from data_access.kinds import KINDS

EXTRA_ROWS = {
    "reasons": [
        {"reason_code": "DT-MOLD", "kind": "downtime", "name_en": "Mould change", "name_zh": "换模", "category": "setup"},
        {"reason_code": "CP-DIM", "kind": "complaint", "name_en": "Dimension", "name_zh": "尺寸", "category": None},
    ],
}


def example_row(kind_name: str) -> dict:
    """The declaration's example (written as a clerk would type it) as Python values of the
    declared types (data_access.kinds.field_types)."""
    kind = KINDS[kind_name]
    return {f.name: f.field_type.example(f) for f in kind.fields}


def example_rows() -> dict[str, list[dict]]:
    """Every kind, in dependency order (masters first)."""
    return {name: [example_row(name), *EXTRA_ROWS.get(name, [])] for name in KINDS}
