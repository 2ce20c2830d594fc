"""`plantkpi kpi` as whole processes on the `large` demo (issue 15.1): period pushdown, side by side.

- 12 months by month x line, production KPIs (--kpi good_qty,scrap_ratio,oee,availability), against the
  plain pandas.read_sql peer of bench_kpi (the same tables and columns read whole with pandas, filtered,
  merged and grouped in pandas) also as a whole process: goal >= 5x faster;
- one month against twelve months: goal <= 0.3x;
- resident memory (peak RSS of the CLI process, os.wait4) of a one-month run: goal <= 300 MB;
The CLI reads the large kinds from their columnar snapshot (data_access.snapshots), as it does when the
app's warm-up has written it for the current data; for information the same runs from SQL
(PLANTKPI_SNAPSHOTS=0: the first request after a write, before the snapshot is there) and with
PLANTKPI_PUSHDOWN=0 too (every fact from the whole history), and the fixed start (interpreter, polars
and SQLAlchemy imports) that no request can go below.
"cpu_s" (user + system, the CLI and its SQLite reader processes) and "cpu_ratio" are printed beside
the wall-clock figures: on a shared box they say what the work costs whatever the load.
Each figure is the median of BENCH_ROUNDS runs (default 3), the cases taking turns round by round.
The database is tests/bench/large_demo.py's (PLANTKPI_BENCH_DB to point at a copy).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from tests.bench.bench_kpi import ROUNDS, _period, pandas_production, pandas_tables
from tests.bench.large_demo import large_demo_engine

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KPIS = "good_qty,scrap_ratio,oee,availability"


def _child(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak resident MB) of one child process, which must succeed. The CPU time
    includes the SQLite reader processes it starts (waited for at its exit); the peak RSS is that of
    the largest single process of the tree (Linux ru_maxrss), the CLI itself in practice. Measured by
    a small process of its own (tests.bench.measure): a child forked straight from a bench process that has
    grown (bench_scale builds databases) would report that process's size as its own ru_maxrss."""
    out = subprocess.run([sys.executable, "-m", "tests.bench.measure", *args], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {out.stderr[-2000:]}")
    seconds, cpu_s, rss_mb = (float(v) for v in out.stdout.split())
    return seconds, cpu_s, rss_mb


def _env(url: str, pushdown: bool = True, snapshots: bool = True) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PLANTKPI_DATABASE_URL": url,
            "PLANTKPI_PUSHDOWN": "1" if pushdown else "0", "PLANTKPI_SNAPSHOTS": "1" if snapshots else "0"}


def ensure_snapshots(engine) -> float:
    """The columnar snapshots of the database's current state (data_access.snapshots), as the app's
    warm-up and `plantkpi init --demo` leave them; seconds it took to write them (0: there already)."""
    from data_access import snapshots

    started = time.perf_counter()
    return time.perf_counter() - started if snapshots.build(engine) else 0.0


def _cli(date_from: date, date_to: date) -> list[str]:
    return [sys.executable, "-m", "dashboard.cli", "kpi", "--from", date_from.isoformat(), "--to",
            date_to.isoformat(), "--by", "month,line", "--kpi", PRODUCTION_KPIS, "--json"]


def _peer(date_from: date, date_to: date) -> list[str]:
    return [sys.executable, "-m", "tests.bench.bench_cli", "peer", date_from.isoformat(), date_to.isoformat()]


def peer_main(date_from: str, date_to: str) -> None:
    """The pandas peer as a process of its own: read the production KPIs' tables whole, compute."""
    from dashboard.kpi.facts import FACTS, KIND_COLUMNS
    from data_access import kind_frames as f
    from data_access.db import get_engine

    engine = get_engine()
    queries = [f.column_query(k, KIND_COLUMNS[k]) if k in KIND_COLUMNS else f.kind_query(k)
               for k in FACTS["production"].inputs]
    table = pandas_production(pandas_tables(engine, queries), date.fromisoformat(date_from), date.fromisoformat(date_to))
    print(table.reset_index().astype({"month": str}).to_csv(index=False))  # printed, as the CLI prints


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def run() -> list[dict]:
    engine = large_demo_engine()
    url = engine.url.render_as_string(hide_password=False)
    year_from, year_to = _period(engine)
    month_from = date(year_to.year, year_to.month, 1)
    with engine.connect() as conn:
        rows_total = conn.exec_driver_sql("SELECT COUNT(*) FROM production").scalar()
    snapshot_s = ensure_snapshots(engine)
    engine.dispose()
    cases = {
        "twelve": (_cli(year_from, year_to), _env(url)),
        "month": (_cli(month_from, year_to), _env(url)),
        "peer": (_peer(year_from, year_to), _env(url)),
        "twelve_sql": (_cli(year_from, year_to), _env(url, snapshots=False)),
        "month_sql": (_cli(month_from, year_to), _env(url, snapshots=False)),
        "twelve_whole": (_cli(year_from, year_to), _env(url, pushdown=False, snapshots=False)),
        "month_whole": (_cli(month_from, year_to), _env(url, pushdown=False, snapshots=False)),
        "polars": ([sys.executable, "-c", "import polars, sqlalchemy"], os.environ.copy()),
    }
    _child(*cases["month"])  # the database's pages into the OS cache, as for every later run
    times: dict[str, list[float]] = {k: [] for k in cases}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    memory: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(ROUNDS):
        for name, (args, env) in cases.items():
            seconds, cpu_s, mb = _child(args, env)
            times[name].append(seconds)
            cpu[name].append(cpu_s)
            memory[name].append(mb)
    t, m = {k: _median(v) for k, v in times.items()}, {k: _median(v) for k, v in memory.items()}
    c = {k: _median(v) for k, v in cpu.items()}
    period = f"{year_from:%Y-%m}..{year_to:%Y-%m}"
    return [
        {"case": f"CLI 12 months ({period}) month x line, production KPIs", "rows": rows_total,
         "seconds": t["twelve"], "cpu_s": c["twelve"], "rss_mb": m["twelve"], "vs": "pandas.read_sql peer (process)",
         "baseline_s": t["peer"], "ratio": t["peer"] / t["twelve"], "cpu_ratio": c["peer"] / c["twelve"], "goal": ">= 5x faster"},
        {"case": f"CLI one month ({month_from:%Y-%m})", "rows": rows_total, "seconds": t["month"],
         "cpu_s": c["month"], "rss_mb": m["month"], "vs": "CLI 12 months", "baseline_s": t["twelve"],
         "ratio": t["month"] / t["twelve"], "cpu_ratio": c["month"] / c["twelve"],
         "goal": "<= 0.3x, <= 300 MB"},
        {"case": "  (info) pandas peer, 12 months", "rows": rows_total, "seconds": t["peer"], "cpu_s": c["peer"], "rss_mb": m["peer"],
         "vs": "", "baseline_s": None, "ratio": None, "goal": ""},
        {"case": "  (info) CLI 12 months from SQL (no snapshot)", "rows": rows_total, "seconds": t["twelve_sql"],
         "cpu_s": c["twelve_sql"], "rss_mb": m["twelve_sql"], "vs": "pandas.read_sql peer (process)",
         "baseline_s": t["peer"], "ratio": t["peer"] / t["twelve_sql"], "cpu_ratio": c["peer"] / c["twelve_sql"],
         "goal": ""},
        {"case": "  (info) CLI one month from SQL (no snapshot)", "rows": rows_total, "seconds": t["month_sql"],
         "cpu_s": c["month_sql"], "rss_mb": m["month_sql"], "vs": "CLI 12 months from SQL",
         "baseline_s": t["twelve_sql"], "ratio": t["month_sql"] / t["twelve_sql"],
         "cpu_ratio": c["month_sql"] / c["twelve_sql"], "goal": ""},
        {"case": "  (info) CLI 12 months, no pushdown, SQL", "rows": rows_total, "seconds": t["twelve_whole"],
         "cpu_s": c["twelve_whole"], "rss_mb": m["twelve_whole"], "vs": "CLI 12 months",
         "baseline_s": t["twelve"], "ratio": t["twelve_whole"] / t["twelve"],
         "cpu_ratio": c["twelve_whole"] / c["twelve"], "goal": ""},
        {"case": "  (info) CLI one month, no pushdown, SQL", "rows": rows_total, "seconds": t["month_whole"],
         "cpu_s": c["month_whole"], "rss_mb": m["month_whole"], "vs": "CLI one month",
         "baseline_s": t["month"], "ratio": t["month_whole"] / t["month"],
         "cpu_ratio": c["month_whole"] / c["month"], "goal": ""},
        {"case": "  (info) python -c 'import polars, sqlalchemy' (the fixed start)", "rows": None,
         "seconds": t["polars"], "cpu_s": c["polars"], "rss_mb": m["polars"], "vs": "CLI one month",
         "baseline_s": t["month"], "ratio": t["polars"] / t["month"], "goal": ""},
        {"case": "  (info) writing the snapshots (once per state of the data)", "rows": rows_total,
         "seconds": snapshot_s or None, "rss_mb": None, "vs": "", "baseline_s": None, "ratio": None,
         "goal": "0 = there already"},
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["peer"]:
        peer_main(*sys.argv[2:4])
    else:
        from tests.bench.__main__ import print_table

        print_table("cli", run())
