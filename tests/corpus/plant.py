"""A tiny plant for the ingestion tests: master data loaded through the pipeline itself, and a
dump of every table to prove that a rejected file leaves the database exactly as it was."""
from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from data_access.ingest import import_upload
from data_access.models import metadata

MASTER_FILES = {
    "lines": "line_code,name,process\nINJ,Injection molding,injection\nMAC,Machining,machining\n",
    "machines": "machine_code,line_code,name,active\nINJ-01,INJ,Haitian 250T,yes\nINJ-02,INJ,Haitian 160T,1\nMAC-01,MAC,CNC,否\n",
    "products": "product_code,name,spec,unit,standard_cost,stage\nP-1001,Switch housing,PA66 black,pcs,2.35,market\n"
                "P-1002,Cover,,pcs,1.10,launch\n",
    # the operations production rows belong to (a row without one is imported with a warning)
    "routings": "product_code,seq,machine_code,ideal_cycle_s,labour_s\nP-1001,10,INJ-01,24,30\nP-1002,10,INJ-02,18,20\n",
    "materials": "material_code,name,spec,unit,standard_price,lead_time_days,safety_stock\nM-PA66,PA66 resin,25 kg bag,kg,18.5,14,500\n",
    "customers": "customer_code,name,abc_class\nC-001,Acme Electric,A\n",
    "reasons": "reason_code,kind,name_en,name_zh,category\nSC-SHORT,scrap,Short shot,缺料,\nSC-FLASH,scrap,Flash,飞边,\n"
               "DT-MOLD,downtime,Mold change,换模,setup\n",
}
PRODUCTION_HEADER = "date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,total_qty,good_qty,defect_qty,scrap_qty"
STORED_PRODUCTION = "2026-01-05,A,INJ-01,P-1001,420,35,1000,980,950,20,10"


def load_master(engine, user: str = "admin") -> None:
    for kind, text in MASTER_FILES.items():
        result = import_upload(engine, kind, text.encode(), f"{kind}.csv", user)
        assert result.written, [str(p) for p in result.problems]


def load_plant(engine) -> None:
    """Master data plus one stored production row (2026-01-05 A INJ-01 P-1001)."""
    load_master(engine)
    result = import_upload(engine, "production", f"{PRODUCTION_HEADER}\n{STORED_PRODUCTION}\n".encode(),
                           "stored.csv", "admin")
    assert result.written, [str(p) for p in result.problems]


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (compare before/after)."""
    out = {}
    with engine.connect() as conn:
        for table in sorted(metadata.sorted_tables, key=lambda t: t.name):
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = sorted((tuple(map(repr, r)) for r in rows))
    return out


def plant_database(backend: str, tmp_dir) -> Iterator:
    """A fresh database on `backend` holding the tiny plant, dropped afterwards (for module fixtures:
    `yield from plant_database(request.param, tmp_path_factory.mktemp(...))`)."""
    from data_access.loaders import clear_cache
    from tests.conftest import make_database

    clear_cache()
    engine, drop = make_database(backend, tmp_dir)
    load_plant(engine)
    try:
        yield engine
    finally:
        drop()
