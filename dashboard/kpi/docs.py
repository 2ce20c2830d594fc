"""docs/kpis.md, generated from the registry's declarations (metric types, measures, labels).

    python -m dashboard.kpi.docs > docs/kpis.md     (tests/test_explain_registry.py checks it is current)
"""
from __future__ import annotations

from dashboard.kpi.registry import KPIS, MEASURES

_TYPES = {"sum": "sum", "ratio": "ratio", "derived": "derived", "other": "expression (older entry)"}


def kpis_markdown() -> str:
    out = ["# KPIs and measures", "",
           "Generated from `dashboard/kpi/registry.py` by `python -m dashboard.kpi.docs > docs/kpis.md`; "
           "do not edit by hand.", "",
           "A *sum* is one additive measure; a *ratio* is scale × Σ numerator / Σ denominator (+ offset) over "
           "measures, pooled from the period's sums; a *derived* KPI is a ratio with another KPI as a term. "
           "Sums and ratios can be explained by the members of a dimension (`plantkpi explain`).", "",
           "| id | name | 名称 | type | unit | better | formula | 公式 |", "|---|---|---|---|---|---|---|---|"]
    for k in KPIS.values():
        better = "higher" if k.direction > 0 else "lower"
        out.append(f"| `{k.id}` | {k.en} | {k.zh} | {_TYPES[k.type]} | {k.unit} | {better} | {k.formula('en')} "
                   f"| {k.formula('zh')} |")
    out += ["", "## Measures", "", "| id | fact | label | 标签 | additive |", "|---|---|---|---|---|"]
    for m in MEASURES.values():
        out.append(f"| `{m.id}` | {m.fact} | {m.label('en')} | {m.label('zh')} | {'yes' if m.additive else 'no'} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(kpis_markdown(), end="")
