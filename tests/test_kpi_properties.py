"""Invariants of the KPI engine on random production data (hypothesis)."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.kpi import KPIS, Filters, compute, compute_one, fold_pareto
from tests.test_kpi_engine import PROD_SCHEMA

START = date(2026, 1, 25)


@st.composite
def production_frames(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for _ in range(n):
        planned = draw(st.integers(0, 600))
        downtime = draw(st.integers(0, planned))
        cycle = draw(st.sampled_from([0.5, 1.0, 4.0, 30.0]))
        # output bounded by what the ideal cycle allows in the operating time (performance <= 1)
        capacity = int((planned - downtime) * 60 / cycle)
        total = draw(st.integers(0, min(capacity, 5000)))
        scrap = draw(st.integers(0, total))
        defect = draw(st.integers(0, total - scrap))
        rows.append({"date": START + timedelta(days=draw(st.integers(0, 20))),
                     "shift": draw(st.sampled_from(["A", "B"])), "machine": draw(st.sampled_from(["M1", "M2", "M3"])),
                     "line": draw(st.sampled_from(["L1", "L2"])), "product": draw(st.sampled_from(["P1", "P2"])),
                     "planned_min": float(planned), "downtime_min": float(downtime),
                     "planned_qty": draw(st.integers(0, 5000)), "total_qty": total,
                     "good_qty": total - scrap - defect, "defect_qty": defect, "scrap_qty": scrap,
                     "labour_h": float(draw(st.integers(0, 16))), "ideal_cycle_s": cycle, "standard_cost": 1.0})
    return pl.DataFrame(rows, schema=PROD_SCHEMA)


def same(a, b) -> bool:
    """Equal numbers, or both null (a zero denominator on both sides)."""
    return (a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b, rel=1e-9, abs=1e-12))


BOUNDED = [k for k, v in KPIS.items() if v.bounded and v.group == "production"] + ["performance", "oee"]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(production_frames(), st.sampled_from([[], ["day"], ["month", "line"], ["week", "product", "shift"]]))
def test_ratios_stay_within_0_and_1(frame, dims):
    out = compute(BOUNDED, {"production": frame}, dims)
    for k in BOUNDED:
        values = out.get_column(k).drop_nulls()
        assert values.is_nan().sum() == 0
        assert ((values >= -1e-12) & (values <= 1 + 1e-12)).all(), k


@FAST
@given(production_frames(), st.sampled_from(["line", "machine", "product", "shift"]))
def test_filters_commute_with_grouping(frame, dim):
    ids = ["oee", "yield", "good_qty", "throughput_rate", "availability"]
    grouped = compute(ids, {"production": frame}, [dim])
    for row in grouped.iter_rows(named=True):
        single = compute_one(ids, {"production": frame}, Filters(**{dim: row[dim]}))
        for k in ids:
            assert same(single[k], row[k]), (dim, row[dim], k)


@FAST
@given(production_frames())
def test_a_month_equals_its_days_pooled(frame):
    ids = ["oee", "yield", "availability", "performance", "scrap_ratio"]
    facts = {"production": frame}
    daily = compute(ids, facts, ["day"], with_measures=True, labels=False)
    monthly = compute(ids, facts, ["month"], with_measures=True)
    for row in monthly.iter_rows(named=True):
        y, m = map(int, row["month"].split("-"))
        days = daily.filter((pl.col("day").dt.year() == y) & (pl.col("day").dt.month() == m))
        for measure in ("good", "total", "planned_s", "ideal_good_s", "rated_planned_s"):
            assert row[measure] == pytest.approx(days.get_column(measure).sum())
        period = compute_one(ids, facts, Filters(date_from=date(y, m, 1),
                                                 date_to=date(y + m // 12, m % 12 + 1, 1) - timedelta(1)))
        for k in ids:
            assert same(period[k], row[k]), k


@FAST
# Quantities, minutes and money, never subnormal floats: polars divides a column by a scalar through its
# reciprocal, which overflows to inf for a total below 2.2e-308 (hypothesis found 2 × 2.2e-313).
@given(st.lists(st.tuples(st.sampled_from(list("abcdefghij") + [None]), st.floats(0, 1e6, allow_subnormal=False)),
                min_size=1, max_size=40),
       st.floats(0, 0.3), st.integers(1, 12))
def test_pareto_shares_sum_to_one_and_other_is_last(pairs, min_share, max_categories):
    frame = pl.DataFrame(pairs, schema={"category": pl.String, "value": pl.Float64}, orient="row")
    p = fold_pareto(frame, min_share=min_share, max_categories=max_categories)
    if frame.get_column("value").sum() <= 0:
        assert p.height == 0
        return
    assert p.get_column("share").sum() == pytest.approx(1.0)
    assert p.get_column("cum_share")[-1] == pytest.approx(1.0)
    cats = p.get_column("category").to_list()
    if "Other" in cats:
        assert cats[-1] == "Other"
    ranked = p.filter(pl.col("category") != "Other").get_column("value").to_list()
    assert ranked == sorted(ranked, reverse=True)
