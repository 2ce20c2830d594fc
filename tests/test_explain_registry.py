"""Metric types (issue 12.3): every KPI declares what it is made of, and the formula text and the
numerator and denominator panel are generated from that declaration (docs/kpis.md too, through
KPI.formula, by `plantkpi docs` on main)."""
from __future__ import annotations

import random
import re
from datetime import date

import polars as pl

from dashboard.i18n import language
from dashboard.kpi import KPIS, MEASURES, compute_one
from dashboard.kpi.registry import _kpi, _ratio, ratio

CJK = re.compile(r"[\u4e00-\u9fff]")
D = date(2026, 3, 2)


def test_every_measure_and_kpi_has_an_english_and_a_chinese_label():
    for m in MEASURES.values():
        en, zh = m.label("en"), m.label("zh")
        assert en and en != f"analysis.measure.{m.id}", m.id  # t() answers a missing key with the key
        assert CJK.search(zh), (m.id, zh)
    for k in KPIS.values():
        assert k.en and CJK.search(k.zh), k.id
        assert CJK.search(k.formula("zh")), k.id


def test_ratio_declarations_agree_with_their_expressions():
    """For random measure values, the engine's expression equals scale × Σ num / Σ den + offset
    computed here from the declaration (so the generated formula describes what is computed)."""
    rng = random.Random(7)
    for k in KPIS.values():
        if k.type != "ratio":
            continue
        values = {m: float(rng.randint(1, 1000)) for m in k.measures}
        got = pl.DataFrame({m: [v] for m, v in values.items()}).select(k.expr).item()
        num = sum(t.sign * values[t.id] for t in k.numerator)
        den = sum(t.sign * values[t.id] for t in k.denominator)
        assert abs(got - (k.scale * num / den + k.offset)) < 1e-9 * max(1.0, abs(got)), k.id


def test_generated_formulas_read_as_the_spec_writes_them():
    assert KPIS["scrap_ratio"].formula("en") == "Σ Scrap / Σ Total output [SQ/PQ]"
    assert KPIS["scrap_ratio"].formula("zh") == "Σ 废品数 / Σ 总产量 [SQ/PQ]"
    assert KPIS["nps"].formula("en") == "(Σ Promoters (9-10) − Σ Detractors (0-6)) / Σ Responses with NPS × 100"
    assert KPIS["complaint_ppm"].formula("en") == "Σ Complaints / Σ Units shipped × 1,000,000"
    assert KPIS["material_loss"].formula("en") == "Σ Material issued (value) / Σ BOM requirement (value) − 1"
    assert KPIS["turnover"].type == "derived"
    assert KPIS["turnover"].formula("en") == "Σ Leavers / Average headcount"
    assert KPIS["good_qty"].formula("en") == "Σ Good output"


def test_a_ratio_over_existing_measures_is_one_declaration():
    """good / total declared afresh gives the yield of a hand-made fact: 90 of 120 = 0.75."""
    k = _ratio("test_good_share", "Good share", "良品占比", "ratio", +1, "production", "good", "total")
    assert k.measures == ("good", "total") and k.formula("en") == "Σ Good output / Σ Total output"
    frame = pl.DataFrame({"date": [D, D], "good_qty": [40, 50], "total_qty": [60, 60]})
    value = frame.select(MEASURES["good"].expr.alias("good"), MEASURES["total"].expr.alias("total")).select(k.expr)
    assert value.item() == 0.75


def test_an_entry_in_the_older_shape_still_works():
    """An entry written as before (hand-written formula, expression) is accepted as it was; its
    panel shows the first measure over the others."""
    k = _kpi("test_old", "Old", "旧", "ratio", +1, "Σ good / Σ total", "Σ 良品 / Σ 总产量", ["good", "total"],
             ratio("good", "total"), "production")
    assert k.formula("zh") == "Σ 良品 / Σ 总产量" and k.type == "other"
    num, den = k.numerator_denominator()
    assert [t.id for t in num] == ["good"] and [t.id for t in den] == ["total"]


def test_numerator_and_denominator_panel_follows_the_declaration():
    """NPS of 60 promoters, 25 passives and 15 detractors (SPEC example): numerator is promoters −
    detractors, denominator the 100 responses with an NPS."""
    from dashboard.ui.tiles import formula_table

    scores = [10] * 60 + [8] * 25 + [3] * 15
    surveys = pl.DataFrame({"date": [D] * 100, "customer": ["C1"] * 100, "abc_class": ["A"] * 100,
                            "score": [5] * 100, "nps": scores})
    facts = {"surveys": surveys}
    assert compute_one(["nps"], facts, today=D)["nps"] == 45.0
    with language("en"):
        row = formula_table(["nps"], facts, None, D).row(0, named=True)
    assert row["Numerator"] == "Promoters (9-10) = 60 − Detractors (0-6) = 15"
    assert row["Denominator"] == "Responses with NPS = 100"
    with language("zh"):
        row = formula_table(["nps"], facts, None, D).to_dicts()[0]
    assert "推荐者(9-10) = 60 − 贬损者(0-6) = 15" in row.values()
