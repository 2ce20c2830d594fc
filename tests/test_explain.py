"""Explaining a change (docs/kpis.md, issue 19): hand-computed cases, exactness as a property over random
data for every ratio KPI, OEE under a product-mix shift, and the sentence in English and Chinese."""
from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.kpi import KPIS, OTHER, Filters, compute_one
from dashboard.kpi.explain import (ExplainError, decomposable, dimensions_for, explain, oee_factors,
                                   rank_dimensions, sentence)

JAN = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
FEB = Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
D0, D1 = date(2026, 1, 12), date(2026, 2, 9)
TODAY = date(2026, 3, 1)


def prod_row(day, machine, total, scrap, *, product="P1", line="L1", shift="A", planned_min=420.0,
             downtime_min=0.0, cycle=1.0, defect=0):
    return {"date": day, "shift": shift, "machine": machine, "line": line, "product": product,
            "planned_min": float(planned_min), "downtime_min": float(downtime_min), "planned_qty": 0,
            "total_qty": total, "good_qty": total - scrap - defect, "defect_qty": defect, "scrap_qty": scrap,
            "labour_h": 8.0, "ideal_cycle_s": cycle, "standard_cost": 2.0}


def two_machines() -> dict:
    """January: A 100 made, 10 scrap (10 %); B 100 made, 2 scrap (2 %)  -> 12 / 200 = 6 %.
    February:  A 300 made, 30 scrap (10 %); B 100 made, 4 scrap (4 %)   -> 34 / 400 = 8.5 %."""
    return {"production": pl.DataFrame([prod_row(D0, "A", 100, 10), prod_row(D0, "B", 100, 2),
                                        prod_row(D1, "A", 300, 30), prod_row(D1, "B", 100, 4)])}


def test_two_machines_one_ratio_unchanged_with_a_bigger_share_the_other_doubled():
    """Shares of output: A 0.5 -> 0.75, B 0.5 -> 0.25; the midpoint of the plant ratio R̄ = (6 + 8.5)/2 = 7.25 %.
    A: ratio 10 % both months -> rate 0; mix = (10 % − 7.25 %) × +0.25 = +0.6875 pp.
    B: ratio 2 % -> 4 % at mean share 0.375 -> rate = 0.375 × 2 % = +0.75 pp;
       mix = (3 % − 7.25 %) × (−0.25) = +1.0625 pp (a low-scrap machine making less raises the ratio).
    Total 0.6875 + 0.75 + 1.0625 = 2.5 pp = 8.5 % − 6 %."""
    e = explain("scrap_ratio", two_machines(), "machine", JAN, FEB, today=TODAY)
    assert e.before == pytest.approx(0.06) and e.after == pytest.approx(0.085)
    assert e.change == pytest.approx(0.025) and e.method == "rate_mix"
    parts = {p["member"]: p for p in e.parts.iter_rows(named=True)}
    assert parts["A"]["rate"] == pytest.approx(0.0, abs=1e-15)
    assert parts["A"]["mix"] == pytest.approx(0.006875)
    assert parts["B"]["rate"] == pytest.approx(0.0075)
    assert parts["B"]["mix"] == pytest.approx(0.010625)
    assert sum(p["total"] for p in parts.values()) == pytest.approx(e.change, abs=1e-15)


def test_a_sum_is_split_into_each_members_difference():
    """Scrap pieces: A 10 -> 30 (+20), B 2 -> 4 (+2): +22 in all."""
    e = explain("scrap_qty", two_machines(), "machine", JAN, FEB, today=TODAY)
    assert (e.before, e.after, e.change, e.method) == (12, 34, 22, "difference")
    assert e.parts.select("member", "rate", "mix", "total").rows() == [("A", 20.0, 0.0, 20.0), ("B", 2.0, 0.0, 2.0)]


def test_a_member_present_in_one_period_only_enters_through_the_mix():
    """C starts in February with 100 made and 20 scrap. January 12/200 = 6 %; February 54/500 = 10.8 %.
    C's share 0 -> 0.2 and, by the stated rule, its ratio is taken as 20 % in both periods:
    rate 0, mix = (20 % − 8.4 %) × 0.2 = +2.32 pp; the parts still add up to +4.8 pp."""
    facts = two_machines()
    facts["production"] = pl.concat([facts["production"], pl.DataFrame([prod_row(D1, "C", 100, 20)])])
    e = explain("scrap_ratio", facts, "machine", JAN, FEB, today=TODAY)
    c = e.parts.filter(pl.col("member") == "C").row(0, named=True)
    assert c["rate"] == 0.0 and c["mix"] == pytest.approx(0.0232)
    assert e.change == pytest.approx(0.048)
    assert e.parts.get_column("total").sum() == pytest.approx(e.change, abs=1e-15)


def test_against_the_target_each_member_is_measured_at_its_share():
    """February 8.5 % against a 5 % target: A (share 0.75) 0.75 × (10 % − 5 %) = +3.75 pp,
    B (share 0.25) 0.25 × (4 % − 5 %) = −0.25 pp; +3.5 pp in all."""
    e = explain("scrap_ratio", two_machines(), "machine", FEB, target=0.05, today=TODAY)
    assert e.method == "vs_target" and e.before == 0.05 and e.change == pytest.approx(0.035)
    parts = dict(e.parts.select("member", "total").rows())
    assert parts["A"] == pytest.approx(0.0375) and parts["B"] == pytest.approx(-0.0025)
    assert not explain("scrap_qty", two_machines(), "machine", FEB, target=30, today=TODAY).explained


def test_small_members_are_folded_into_other_placed_last():
    """Ten machines add 1 piece of scrap each and one adds 100: with a 2 % floor of Σ |parts| = 110,
    the ten (1/110 < 2 %) become one "Other" of +10, after the big one."""
    rows = [prod_row(D0, "BIG", 1000, 0)] + [prod_row(D0, f"S{i}", 100, 0) for i in range(10)]
    rows += [prod_row(D1, "BIG", 1000, 100)] + [prod_row(D1, f"S{i}", 100, 1) for i in range(10)]
    e = explain("scrap_qty", {"production": pl.DataFrame(rows)}, "machine", JAN, FEB, today=TODAY)
    assert e.parts.select("member", "total").rows() == [("BIG", 100.0), (OTHER, 10.0)]


def test_kpis_that_are_not_sums_or_ratios_of_sums_are_not_split():
    headcount = pl.DataFrame({"date": [D0, D1], "department": ["production"] * 2, "headcount": [10, 12],
                              "leaves": [1, 0]})
    e = explain("turnover", {"headcount": headcount}, "department", JAN, FEB, today=TODAY)
    assert not e.explained and e.parts.height == 0 and e.reason == "not_decomposable"
    assert not decomposable("headcount")  # distinct days do not add up over departments
    assert "cannot be explained by members" in sentence(e, "en")
    assert "无法按成员解释" in sentence(e, "zh")


def test_bad_requests_name_the_problem():
    with pytest.raises(ExplainError) as err:
        explain("scrap_ratio", two_machines(), "customer", JAN, FEB, today=TODAY)
    assert err.value.key == "explain.error.dim_not_in_fact"
    with pytest.raises(ExplainError):
        explain("scrap_ratio", two_machines(), "month", JAN, FEB, today=TODAY)
    with pytest.raises(ExplainError):
        explain("no_such_kpi", two_machines(), "machine", JAN, FEB, today=TODAY)


def test_sentence_in_english_and_chinese():
    """The two-machine case in words: B's ratio doubled and its share fell (both effects named),
    A only made more (mix)."""
    e = explain("scrap_ratio", two_machines(), "machine", JAN, FEB, today=TODAY)
    assert sentence(e, "en") == ("Scrap ratio +2.50 pp: B +1.81 pp (rate +0.75 pp, mix +1.06 pp), "
                                 "A more volume +0.69 pp (mix)")
    assert sentence(e, "zh") == ("废品率 +2.50 个百分点：B +1.81 个百分点（比率 +0.75 个百分点，结构 +1.06 个百分点），"
                                 "A 占比上升 +0.69 个百分点（结构）")
    names = {"A": "INJ-03 注塑机"}
    assert "INJ-03 注塑机 占比上升" in sentence(e, "zh", names)


def test_oee_under_a_product_mix_shift_is_all_mix():
    """One machine, P1 (ideal cycle 1 s) and P2 (4 s), no downtime, no scrap, each product at its own
    unchanged OEE: P1 20,000 good in 420 min = 50/63, P2 4,000 × 4 s in 420 min = 40/63.
    January 420 + 420 min (shares 1/2, 1/2): OEE = 36,000 / 50,400 = 5/7.
    February P1 210 min (10,000 good), P2 630 min (6,000 good) (shares 1/4, 3/4): OEE = 34,000 / 50,400 = 85/126.
    R̄ = 175/252. Rates 0; mix P1 = (200/252 − 175/252) × (−1/4) = −25/1008, P2 = (160/252 − 175/252) × 1/4 = −15/1008."""
    rows = [prod_row(D0, "M", 20000, 0, product="P1", cycle=1.0), prod_row(D0, "M", 4000, 0, product="P2", cycle=4.0),
            prod_row(D1, "M", 10000, 0, product="P1", cycle=1.0, planned_min=210),
            prod_row(D1, "M", 6000, 0, product="P2", cycle=4.0, planned_min=630)]
    facts = {"production": pl.DataFrame(rows)}
    e = explain("oee", facts, "product", JAN, FEB, today=TODAY)
    assert e.before == pytest.approx(5 / 7) and e.after == pytest.approx(85 / 126)
    parts = {p["member"]: p for p in e.parts.iter_rows(named=True)}
    assert parts["P1"]["rate"] == pytest.approx(0, abs=1e-12) and parts["P2"]["rate"] == pytest.approx(0, abs=1e-12)
    assert parts["P1"]["mix"] == pytest.approx(-25 / 1008) and parts["P2"]["mix"] == pytest.approx(-15 / 1008)
    # the same change through the factors: availability 1 both months, quality 1: all performance
    factors = {r["factor"]: r for r in oee_factors(facts, JAN, FEB, today=TODAY).iter_rows(named=True)}
    assert factors["availability"]["part"] == 0 and factors["quality"]["part"] == 0
    assert factors["performance"]["part"] == pytest.approx(85 / 126 - 5 / 7)


def test_oee_factors_multiply_to_oee_and_their_parts_add_up():
    """January no downtime; February 42 of 420 min down (availability 0.9) and 10 % scrap (quality 0.9)
    at the same speed (performance 1 s × 378 pieces / 378 operating min... i.e. unchanged)."""
    rows = [prod_row(D0, "M", 25200, 0), prod_row(D1, "M", 22680, 2268, downtime_min=42)]
    facts = {"production": pl.DataFrame(rows)}
    table = oee_factors(facts, JAN, FEB, today=TODAY)
    f = {r["factor"]: r for r in table.iter_rows(named=True)}
    assert f["availability"]["after"] == pytest.approx(0.9) and f["quality"]["after"] == pytest.approx(0.9)
    assert f["performance"]["before"] == pytest.approx(1.0) and f["performance"]["after"] == pytest.approx(1.0)
    before, after = (compute_one(["oee"], facts, p)["oee"] for p in (JAN, FEB))
    assert after == pytest.approx(f["availability"]["after"] * f["performance"]["after"] * f["quality"]["after"])
    assert table.get_column("part").sum() == pytest.approx(after - before, abs=1e-15)
    # Shapley with two factors moving by the same 10 %: equal parts, −0.095 each
    assert f["availability"]["part"] == pytest.approx(f["quality"]["part"]) == pytest.approx(-0.095)


def test_the_finer_dimension_is_ranked_first_when_it_names_the_same_cause():
    """Both machines are in line L1: the line's only member carries the whole change, but a single
    member restates the change; machine names B first."""
    ranks = rank_dimensions("scrap_ratio", two_machines(), JAN, FEB, today=TODAY)
    assert ranks[0].dim == "machine" and ranks[0].top_member == "B"
    assert "line" not in [r.dim for r in ranks]


# --- exactness over random data, every ratio KPI --------------------------------------------------
def random_facts(seed: int, rows: int) -> dict[str, pl.DataFrame]:
    """Every stored fact the ratio KPIs read, with few members, zeros and members missing in a period."""
    rng = random.Random(seed)
    pick = lambda *xs: rng.choice(xs)  # noqa: E731
    day = lambda: pick(D0, D0 + timedelta(days=3), D1, D1 + timedelta(days=5))  # noqa: E731
    qty = lambda hi=50: rng.choice([0, rng.randint(0, hi), rng.randint(0, hi)])  # noqa: E731
    prod = []
    for _ in range(rows):
        total, planned = qty(500), rng.choice([0.0, 420.0, 210.0])
        scrap = rng.randint(0, total // 3) if total else 0
        defect = rng.randint(0, (total - scrap) // 3) if total - scrap > 0 else 0
        prod.append({**prod_row(day(), pick("M1", "M2", "M3"), total, scrap, defect=defect, planned_min=planned,
                                downtime_min=rng.uniform(0, planned), product=pick("P1", "P2"),
                                line=pick("L1", "L2"), shift=pick("A", "B"), cycle=pick(1.0, 2.5, None)),
                     "planned_qty": qty(600), "labour_h": pick(0.0, 4.0, 8.0)})
    # operation columns of production (docs/kinds.md Operations): the step, first and last operation, input taken
    production = pl.DataFrame(prod).with_columns(
        seq=pl.Series([pick(1, 2, None) for _ in prod], dtype=pl.Int64),
        input_qty=pl.col("total_qty")).with_columns(
        first_op=pl.col("seq") == 1, last_op=pl.col("seq").fill_null(0) >= 2)
    n = rows
    downtime = pl.DataFrame({"date": [day() for _ in range(n)], "shift": [pick("A", "B") for _ in range(n)],
                             "machine": [pick("M1", "M2", "M3") for _ in range(n)],
                             "line": [pick("L1", "L2") for _ in range(n)], "reason": [pick("R1", "R2") for _ in range(n)],
                             "category": [pick("breakdown", "setup") for _ in range(n)],
                             "minutes": [float(qty(90)) for _ in range(n)]})
    inspected = [qty(200) for _ in range(n)]
    inspections = pl.DataFrame({"date": [day() for _ in range(n)], "stage": [pick("incoming", "final") for _ in range(n)],
                                "machine": [pick("M1", "M2") for _ in range(n)], "line": ["L1"] * n,
                                "product": [pick("P1", "P2") for _ in range(n)],
                                "supplier": [pick("S1", "S2", None) for _ in range(n)], "reason": ["R1"] * n,
                                "disposition": [pick("scrap", "rework") for _ in range(n)],
                                "inspected_qty": inspected, "passed_first_qty": [rng.randint(0, i) for i in inspected],
                                "rejected_qty": [0] * n})
    lines = pl.DataFrame({"line_id": list(range(n)), "order_no": [f"O{i}" for i in range(n)], "line_no": [1] * n,
                          "customer": [pick("C1", "C2", "C3") for _ in range(n)],
                          "abc_class": [pick("A", "B") for _ in range(n)], "product": [pick("P1", "P2") for _ in range(n)],
                          "order_date": [D0 - timedelta(days=30)] * n, "promised_date": [day() for _ in range(n)],
                          "qty": [float(qty(40) + 1) for _ in range(n)], "unit_price": [5.0] * n})
    shipments = lines.select("line_id", "order_no", "line_no", "customer", "abc_class", "product",
                             date=pl.col("promised_date") + pl.duration(days=pl.Series([rng.randint(-3, 6) for _ in range(n)])),
                             qty=pl.col("qty") * pl.Series([pick(1.0, 0.5, 1.2) for _ in range(n)]))
    surveys = pl.DataFrame({"date": [day() for _ in range(n)], "customer": [pick("C1", "C2", "C3") for _ in range(n)],
                            "abc_class": [pick("A", "B") for _ in range(n)], "score": [rng.randint(1, 5) for _ in range(n)],
                            "nps": [pick(None, rng.randint(0, 10)) for _ in range(n)]})
    complaints = pl.DataFrame({"date": [day() for _ in range(n)], "customer": [pick("C1", "C2") for _ in range(n)],
                               "abc_class": [pick("A", "B") for _ in range(n)], "product": [pick("P1", "P2") for _ in range(n)],
                               "reason": ["R1"] * n, "cost": [float(qty()) for _ in range(n)],
                               "days_to_close": [pick(None, float(qty(20))) for _ in range(n)]})
    costs = pl.DataFrame({"date": [pick(date(2026, 1, 1), date(2026, 2, 1)) for _ in range(n)],
                          "department": [pick("production", "quality") for _ in range(n)],
                          "category": [pick("labour", "material") for _ in range(n)],
                          "amount": [float(qty(900)) for _ in range(n)]})
    issues = pl.DataFrame({"date": [day() for _ in range(n)], "material": [pick("X1", "X2") for _ in range(n)],
                           "qty": [float(qty()) for _ in range(n)]}).with_columns(value=pl.col("qty") * 3)
    bom = pl.DataFrame({"date": [day() for _ in range(n)], "line": [pick("L1", "L2") for _ in range(n)],
                        "product": [pick("P1", "P2") for _ in range(n)], "material": [pick("X1", "X2") for _ in range(n)],
                        "loss_rate": [pick(0.01, 0.05) for _ in range(n)], "qty": [float(qty()) for _ in range(n)]}
                       ).with_columns(value=pl.col("qty") * 3)
    attendance = pl.DataFrame({"date": [day() for _ in range(n)], "employee": [pick("E1", "E2") for _ in range(n)],
                               "department": [pick("production", "quality") for _ in range(n)],
                               "scheduled_h": [pick(0.0, 8.0) for _ in range(n)], "worked_h": [pick(0.0, 7.5, 9.0) for _ in range(n)],
                               "overtime_h": [pick(0.0, 1.0) for _ in range(n)], "absence": [None] * n})
    po_lines = pl.DataFrame({"po_no": [f"PO{i}" for i in range(n)], "line_no": [1] * n,
                             "supplier": [pick("S1", "S2") for _ in range(n)], "material": [pick("X1", "X2") for _ in range(n)],
                             "date": [D0 - timedelta(days=40)] * n, "promised_date": [day() for _ in range(n)],
                             "qty": [float(qty(30) + 1) for _ in range(n)], "unit_price": [3.0] * n,
                             "standard_price": [3.0] * n})
    receipts = po_lines.select("po_no", "line_no", qty="qty", accepted_qty="qty", value=pl.col("qty") * 3.1,
                               date=pl.col("promised_date") + pl.duration(days=pl.Series([rng.randint(-2, 4) for _ in range(n)])))
    return {"production": production, "downtime": downtime, "inspections": inspections, "order_lines": lines,
            "order_shipments": shipments, "surveys": surveys, "complaints": complaints, "costs": costs,
            "material_issues": issues, "bom_requirements": bom, "attendance": attendance, "po_lines": po_lines,
            "po_receipts": receipts}


DECOMPOSABLE = [k for k in KPIS if decomposable(k)]  # every sum and every ratio of sums


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), rows=st.integers(1, 40))
def test_parts_add_up_to_the_change_for_every_ratio_kpi(seed, rows):
    """For any data and every ratio (and sum) KPI and dimension, Σ parts = after − before, and a member
    of a ratio with a denominator in both periods has mix = c (r̄ − R̄) Δs and rate = c s̄ Δr (computed here)."""
    facts = random_facts(seed, rows)
    for kpi_id in DECOMPOSABLE:
        k = KPIS[kpi_id]
        for dim in dimensions_for(kpi_id, facts, today=TODAY):
            e = explain(kpi_id, facts, dim, JAN, FEB, today=TODAY, folded=False)
            # before and after are the KPI as the tiles compute it
            for value, period in ((e.before, JAN), (e.after, FEB)):
                expected = compute_one([kpi_id], facts, period, today=TODAY)[kpi_id]
                assert (value is None) == (expected is None), (kpi_id, dim)
                assert value is None or value == pytest.approx(expected, rel=1e-12, abs=1e-12), (kpi_id, dim)
            if e.before is None or e.after is None:
                assert e.change is None or not e.explained
                continue
            scale = max(1.0, abs(e.before), abs(e.after))
            assert abs(e.parts.get_column("total").sum() - e.change) <= 1e-9 * scale, (kpi_id, dim)
            r_bar = ((e.before - k.offset) + (e.after - k.offset)) / 2 / k.scale
            for p in e.parts.iter_rows(named=True):
                assert p["rate"] + p["mix"] == pytest.approx(p["total"], abs=1e-12 * scale)
                if k.type == "ratio" and p["value_before"] is not None and p["value_after"] is not None \
                        and p["share_before"] and p["share_after"]:
                    r0, r1 = ((p[v] - k.offset) / k.scale for v in ("value_before", "value_after"))
                    ds, s_mid = p["share_after"] - p["share_before"], (p["share_after"] + p["share_before"]) / 2
                    assert p["mix"] == pytest.approx(k.scale * ((r0 + r1) / 2 - r_bar) * ds, rel=1e-9, abs=1e-9 * scale)
                    assert p["rate"] == pytest.approx(k.scale * s_mid * (r1 - r0), rel=1e-9, abs=1e-9 * scale)
            folded = explain(kpi_id, facts, dim, JAN, FEB, today=TODAY)
            assert abs(folded.parts.get_column("total").sum() - e.change) <= 1e-9 * scale, (kpi_id, dim)


def test_waterfall_walks_from_the_previous_value_to_the_current_one():
    """6 % -> B +1.8125 pp -> A +0.6875 pp -> 8.5 %: every bar starts where the one before ended."""
    from dashboard.ui.explain import waterfall_data

    e = explain("scrap_ratio", two_machines(), "machine", JAN, FEB, today=TODAY)
    bars = waterfall_data(e).to_dicts()
    assert [b["step"] for b in bars] == ["before", "B", "A", "after"]
    assert bars[0]["end"] == pytest.approx(0.06) and bars[-1]["end"] == pytest.approx(0.085)
    assert bars[1]["start"] == pytest.approx(0.06) and bars[1]["end"] == pytest.approx(0.078125)
    assert bars[2]["start"] == pytest.approx(0.078125) and bars[2]["end"] == pytest.approx(0.085)
    assert [b["kind"] for b in bars] == ["total", "up", "up", "total"]
