"""The `large` demo plant (>= 1,000,000 production rows) every benchmark runs on, built once into
data/bench/large.db (about 8 minutes the first time) and reused by later runs. PLANTKPI_BENCH_DB names
another file to use (e.g. a copy of one built elsewhere); it is built there when absent."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB = Path(os.environ.get("PLANTKPI_BENCH_DB") or ROOT / "data" / "bench" / "large.db")


def demo_url(scale: str = "large", path: Path = DB) -> str:
    """The demo of `scale` in the SQLite file `path`, built there once (into a temporary file first, so an
    interrupted build is never taken for a whole one)."""
    from data_access.db import get_engine, init_db
    from seed.demo import load_demo

    if not path.exists():
        tmp = path.with_suffix(".db.tmp")
        tmp.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = get_engine(f"sqlite:///{tmp}")
        init_db(engine)
        load_demo(engine, scale=scale, progress=lambda msg: print(f"  {scale} demo: {msg}", flush=True))
        engine.dispose()
        tmp.rename(path)
    return f"sqlite:///{path}"


def large_demo_url() -> str:
    return demo_url("large", DB)


def large_demo_engine():
    from data_access.db import get_engine, init_db

    engine = get_engine(large_demo_url())
    init_db(engine)  # a database from an older schema is migrated, not rebuilt
    return engine
