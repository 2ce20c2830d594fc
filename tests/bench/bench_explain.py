"""Explaining a change (issue 19.6): explain a KPI over one dimension against computing the KPI
itself for the same two periods, facts cached (as a page sees them after the first view); goal
explain <= 3x. For information: ranking every dimension of the KPI (what "Why?" does when it
opens, to pick the dimension that explains most).

Runs on the large demo (tests/bench/large_demo.py, >= 1 M production rows). BENCH_EXPLAIN_URL
names another database instead (e.g. a medium demo: `plantkpi init --demo --scale medium`).
"""
from __future__ import annotations

import os
import time
from datetime import date, timedelta

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CASES = (("scrap_ratio", "machine"), ("oee", "product"), ("scrap_qty", "machine"), ("otd_line", "customer"))


def _engine():
    url = os.environ.get("BENCH_EXPLAIN_URL")
    if url:
        from data_access.db import get_engine

        return get_engine(url)
    from tests.bench.large_demo import large_demo_engine

    return large_demo_engine()


def _interleaved(cases: dict, rounds: int = ROUNDS) -> dict[str, list[float]]:
    """Each case's time per round, taking turns so that they share the machine's conditions."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return times


def _months(engine) -> tuple[tuple[date, date], tuple[date, date]]:
    """The last complete month and the one before it."""
    from data_access.loaders import read_sql

    last = date.fromisoformat(str(read_sql("SELECT MAX(date) AS d FROM production", engine).item())[:10])
    end = date(last.year, last.month, 1) - timedelta(days=1)
    start = end.replace(day=1)
    prev_end = start - timedelta(days=1)
    return (prev_end.replace(day=1), prev_end), (start, end)


def run() -> list[dict]:
    from dashboard.kpi import Filters, compute_one, facts_for
    from dashboard.kpi.explain import explain, rank_dimensions
    from dashboard.facts import load_facts

    engine = _engine()
    (b0, b1), (a0, a1) = _months(engine)
    before, after = Filters(date_from=b0, date_to=b1), Filters(date_from=a0, date_to=a1)
    today = a1 + timedelta(days=1)
    facts = load_facts(engine, facts_for([k for k, _ in CASES]))
    rows_in = facts["production"].height
    out = []
    for kpi_id, dim in CASES:
        def kpi_two_periods():
            compute_one([kpi_id], facts, before, today=today)
            compute_one([kpi_id], facts, after, today=today)

        explain(kpi_id, facts, dim, before, after, today=today)  # derived facts (delivery) built once
        times = _interleaved({
            "kpi": kpi_two_periods,
            "explain": lambda: explain(kpi_id, facts, dim, before, after, today=today),
            "rank": lambda: rank_dimensions(kpi_id, facts, before, after, today=today),
        })
        ratios = sorted(e / k for e, k in zip(times["explain"], times["kpi"]))
        out.append({"case": f"{kpi_id} by {dim}", "production_rows": rows_in,
                    "kpi_2_periods_s": min(times["kpi"]), "explain_s": min(times["explain"]),
                    "ratio": min(times["explain"]) / min(times["kpi"]), "paired_ratio": ratios[len(ratios) // 2],
                    "goal": "<= 3x", "rank_all_dims_s": min(times["rank"])})
    return out


if __name__ == "__main__":
    from tests.bench.__main__ import print_table

    print_table("explain", run())
