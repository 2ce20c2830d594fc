"""Scale (issue 15.2): the same questions on 100k and 1M production rows (5M with BENCH_SCALE_5M=1),
the other kinds in proportion (the demo plant repeated as cells), on SQLite and PostgreSQL.

Per database, with its columnar snapshots written first (data_access.snapshots, as the app's warm-up
leaves them; the seconds that took are shown):
- cold `plantkpi kpi` one month and twelve months by month x line, production KPIs, as whole processes
  (tests.bench.bench_cli's runner: wall seconds and peak RSS; median of BENCH_ROUNDS, default 3), and
  twelve months from SQL (no snapshot: the first request after a write);
- in a fresh process the app's way: every fact built from the whole history (what opening every
  analysis page does), then the warm filter change (the headline by month x line for 12 months, one
  line chosen: the engine's recompute from cached facts, best of 5), and that process's resident
  memory (peak RSS) — the app's memory after every analysis page was opened; and the same build from
  SQL (a server start right after a write).
"per 1M rows" columns say whether time and memory grow no faster than the rows.
Databases are built once: data/bench/scale-<cells>.db (the 1M one is large_demo's), PostgreSQL
plantkpi_bench_scale_<cells> on PLANTKPI_TEST_PG_URL's server; the bench never drops them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta

import sqlalchemy as sa

from tests.bench.bench_cli import _child, _cli, _env, _median, ensure_snapshots
from tests.bench.bench_kpi import ROUNDS, _period
from tests.bench.large_demo import DB, large_demo_url

PG_ADMIN_URL = os.environ.get("PLANTKPI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CELLS = {"100k": 5, "1M": 48, "5M": 245}  # ~20.4k production rows per cell of the plant
GOAL_APP_GB_5M = 4.0


def _scale_name(cells: int) -> str:
    from seed import demo

    name = {v: k for k, v in demo.SCALES.items()}.get(cells) or f"bench_{cells}"
    demo.SCALES.setdefault(name, cells)  # a bench-only size of the plant
    return name


def _build(engine, cells: int) -> float:
    from data_access.db import init_db
    from seed.demo import load_demo

    init_db(engine)
    started = time.perf_counter()
    load_demo(engine, scale=_scale_name(cells), progress=lambda msg: print(f"  scale {cells} cells: {msg}", flush=True))
    return time.perf_counter() - started


def sqlite_url(cells: int) -> tuple[str, float | None]:
    from data_access.db import get_engine

    if cells == CELLS["1M"]:
        return large_demo_url(), None
    path = DB.parent / f"scale-{cells}.db"
    built = None
    if not path.exists():
        tmp = path.with_suffix(".db.tmp")
        tmp.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = get_engine(f"sqlite:///{tmp}")
        built = _build(engine, cells)
        engine.dispose()
        tmp.rename(path)
    return f"sqlite:///{path}", built


def postgres_url(cells: int) -> tuple[str, float | None]:
    from data_access.db import get_engine

    name = f"plantkpi_bench_scale_{cells}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    built = None
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}_tmp" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}_tmp"'))
            tmp_url = sa.make_url(PG_ADMIN_URL).set(database=f"{name}_tmp").render_as_string(hide_password=False)
            engine = get_engine(tmp_url)
            built = _build(engine, cells)
            engine.dispose()
            conn.execute(sa.text(f'ALTER DATABASE "{name}_tmp" RENAME TO "{name}"'))  # only a whole build
    admin.dispose()
    return sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False), built


def _peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM of its own memory map. Not ru_maxrss, which Linux
    carries over from the parent at exec (every child of a bench process grown to 2 GB said 1,953 MB)."""
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kb / 1024


def child_main(url: str) -> None:
    """In a fresh process: every fact from the whole history, then the warm filter change; JSON out."""
    from dashboard.kpi import Filters
    from data_access.db import get_engine
    from dashboard.facts import load_facts
    from dashboard.kpi.facts import FACTS
    from tests.bench.bench_kpi import _headline

    engine = get_engine(url)
    date_from, date_to = _period(engine)
    today = date_to + timedelta(days=1)
    started = time.perf_counter()
    facts = load_facts(engine)
    for name in FACTS:
        facts[name]
    build_s = time.perf_counter() - started
    filters = Filters(date_from=date_from, date_to=date_to)
    _headline(facts, filters, today)  # the page's first view
    lines = sorted(facts["production"].get_column("line").drop_nulls().unique().to_list())
    best = float("inf")
    for i in range(5):
        started = time.perf_counter()
        _headline(facts, filters.replace(line=lines[i % len(lines)]), today)
        best = min(best, time.perf_counter() - started)
    rss = _peak_rss_mb()
    print(json.dumps({"build_s": build_s, "warm_s": best, "rss_mb": rss, "rows": facts["production"].height}))


def _app_process(url: str, snapshots: bool = True) -> dict:
    from dashboard.cli import SERVE_ENV

    out = subprocess.run([sys.executable, "-m", "tests.bench.bench_scale", "child", url],  # as `plantkpi serve` runs
                         env={**SERVE_ENV, **_env(url, snapshots=snapshots)}, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _case(size: str, backend: str, url: str, built: float | None) -> dict:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    year_from, year_to = _period(engine)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT COUNT(*) FROM production").scalar()
    snapshot_s = ensure_snapshots(engine)
    engine.dispose()
    month_from = date(year_to.year, year_to.month, 1)
    cases = {"twelve": (_cli(year_from, year_to), _env(url)), "month": (_cli(month_from, year_to), _env(url)),
             "twelve_sql": (_cli(year_from, year_to), _env(url, snapshots=False))}
    _child(*cases["month"])  # the database's pages into the OS cache
    runs = {k: [] for k in cases}
    for _ in range(ROUNDS):
        for name, case in cases.items():
            runs[name].append(_child(*case))
    t = {k: _median([r[0] for r in v]) for k, v in runs.items()}
    m = {k: _median([r[2] for r in v]) for k, v in runs.items()}
    app, app_sql = _app_process(url), _app_process(url, snapshots=False)
    millions = rows / 1e6
    return {"case": f"{size} / {backend}", "production rows": rows, "built s": built,
            "snapshots written s": snapshot_s or None,
            "cli 12 months s": t["twelve"], "cli 1 month s": t["month"], "cli 12m from SQL s": t["twelve_sql"],
            "cli 12m rss MB": m["twelve"], "cli 1m rss MB": m["month"], "app all facts s": app["build_s"],
            "app from SQL s": app_sql["build_s"], "warm filter change s": app["warm_s"],
            "app rss MB": app["rss_mb"], "12m s per 1M rows": t["twelve"] / millions,
            "warm s per 1M rows": app["warm_s"] / millions, "app MB per 1M rows": app["rss_mb"] / millions}


def run() -> list[dict]:
    sizes = ["100k", "1M"] + (["5M"] if os.environ.get("BENCH_SCALE_5M") == "1" else [])
    backends = [b for b in os.environ.get("BENCH_SCALE_BACKENDS", "sqlite,postgres").split(",") if b]
    rows = []
    for size in sizes:
        for backend in backends:
            try:
                url, built = (sqlite_url if backend == "sqlite" else postgres_url)(CELLS[size])
                rows.append(_case(size, backend, url, built))
            except Exception as error:  # one failing size must not hide the others' figures
                rows.append({"case": f"{size} / {backend}", "production rows": None,
                             "built s": f"error: {type(error).__name__}: {str(error)[:100]}"})
            print(rows[-1], flush=True)
    if "5M" not in sizes:
        rows.append({"case": "5M: not run (BENCH_SCALE_5M=1 builds it, ~5x the 1M build and memory)"})
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child_main(sys.argv[2])
    else:
        from tests.bench.__main__ import print_table

        print_table("scale", run())
