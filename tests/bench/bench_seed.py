"""Demo plant load times: generation and the whole load (SQLite and PostgreSQL).

`python -m tests.bench seed`. Goals: small in under 20 s (issue 4), large (~1M production rows, ~7M rows in
all) in under 2 minutes (issue 15.5); PLANTKPI_BENCH_SEED_LARGE=0 leaves the large case out,
PLANTKPI_BENCH_SEED_LARGE_PG=1 adds large on PostgreSQL. "cpu s" is this process's CPU (the machine may be
shared: wall time then says little); PostgreSQL's own work is in the server, not in it.
"""
from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from data_access.db import get_engine, init_db
from seed.demo import generate, load_demo

GOALS = {"small": 20.0, "large": 120.0}
PG_ADMIN_URL = os.environ.get("PLANTKPI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _sqlite(folder: Path):
    engine = get_engine(f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}")
    init_db(engine)
    return engine, engine.dispose


def _postgres():
    name = f"plantkpi_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = get_engine(sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))
    init_db(engine)

    def drop():
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return engine, drop


def _case(scale: str, backend: str, folder: Path) -> dict:
    started = time.perf_counter()
    frames = generate(scale)
    generated = time.perf_counter() - started
    engine, drop = _sqlite(folder) if backend == "sqlite" else _postgres()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        counts = load_demo(engine, scale=scale)
        loaded, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        drop()
    return {"case": f"{scale} / {backend}", "production rows": frames["production"].height,
            "all rows": sum(counts.values()), "generate s": generated, "load s (incl. generate)": loaded,
            "cpu s": cpu,
            "goal s": GOALS.get(scale), "ok": ("yes" if loaded <= GOALS[scale] else "NO") if scale in GOALS else ""}


def run() -> list[dict]:
    cases = [("small", "sqlite"), ("small", "postgres"), ("medium", "sqlite")]
    if os.environ.get("PLANTKPI_BENCH_SEED_LARGE", "1") != "0":
        cases.append(("large", "sqlite"))
    if os.environ.get("PLANTKPI_BENCH_SEED_LARGE_PG") == "1":
        cases.append(("large", "postgres"))
    with tempfile.TemporaryDirectory() as tmp:
        return [_case(scale, backend, Path(tmp)) for scale, backend in cases]
