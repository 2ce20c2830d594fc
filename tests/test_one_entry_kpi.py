"""Acceptance of issue 12: a ratio KPI over existing measures is one registry entry plus its labels. The
entry alone (nothing added to the engine, the tiles or the docs) is computed by the engine, gets its
formula, its numerator and denominator panel and its docs/kpis.md row."""
from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.docs import kpis_markdown
from dashboard.i18n import language
from dashboard.kpi import KPIS, compute_one
from dashboard.kpi import registry
from dashboard.ui.tiles import formula_table

D = date(2026, 3, 2)


def test_a_ratio_over_existing_measures_is_one_entry_everywhere(monkeypatch):
    monkeypatch.setattr(registry, "_DEFINED", dict(registry._DEFINED))  # the entry leaves no trace
    k = registry._ratio("test_good_share", "Good share", "良品占比", "ratio", +1, "production", "good", "total")
    monkeypatch.setitem(KPIS, k.id, k)
    # two lines: 40 of 60 and 50 of 60 good -> 90 / 120 = 0.75 (pooled, not the mean of 0.667 and 0.833)
    facts = {"production": pl.DataFrame({"date": [D, D], "line": ["INJ", "DMC"], "good_qty": [40, 50],
                                         "total_qty": [60, 60]})}
    assert compute_one([k.id], facts, today=D) == {k.id: 0.75}
    with language("zh"):
        row = formula_table([k.id], facts, None, D).row(0)
    assert row == ("良品占比", "Σ 良品数 / Σ 总产量", "75.0 %", "良品数 = 90", "总产量 = 120")
    docs_row = [line for line in kpis_markdown().splitlines() if f"`{k.id}`" in line]
    assert docs_row == ["| `test_good_share` | Good share | 良品占比 | fraction (ratio) | higher | Σ Good output / "
                        "Σ Total output | Σ 良品数 / Σ 总产量 | good (production), total (production) |"]
