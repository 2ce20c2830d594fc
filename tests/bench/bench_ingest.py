"""Issue 3 item 6: a 100,000-row production CSV validated and committed on SQLite through the
ingestion pipeline, side by side with a plain SQLAlchemy Core executemany of the same already
parsed rows into a fresh table of the same columns. Goal: at most 3x the plain insert, < 5 s."""
from __future__ import annotations

import io
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROWS = 100_000
MACHINES = 20
PRODUCTS = 25
SHIFTS = ("A", "B")


def production_csv(rows: int = ROWS) -> bytes:
    """A valid production file: one row per day x shift x machine x product (unique keys)."""
    out = io.StringIO()
    out.write("date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,input_qty,"
              "total_qty,good_qty,defect_qty,scrap_qty,operators,labour_h\n")
    n = 0
    day = date(2024, 1, 1)
    while n < rows:
        for shift in SHIFTS:
            for m in range(MACHINES):
                for p in range(PRODUCTS):
                    if n >= rows:
                        break
                    good = 900 + (n % 97)
                    defect, scrap = n % 13, n % 7
                    out.write(f"{day.isoformat()},{shift},M-{m:02d},P-{p:03d},420,{n % 60},1000,1010,"
                              f"{good + defect + scrap},{good},{defect},{scrap},1,8\n")
                    n += 1
        day += timedelta(days=1)
    return out.getvalue().encode("utf-8")


def master_data(engine) -> None:
    from data_access.ingest import import_upload

    lines = "line_code,name,process\nINJ,Injection,injection\n"
    machines = "machine_code,line_code,name\n" + "".join(f"M-{m:02d},INJ,Machine {m}\n" for m in range(MACHINES))
    products = "product_code,name,unit,standard_cost,stage\n" + "".join(
        f"P-{p:03d},Product {p},pcs,2.5,market\n" for p in range(PRODUCTS))
    for kind, text in (("lines", lines), ("machines", machines), ("products", products)):
        result = import_upload(engine, kind, text.encode(), f"{kind}.csv", "bench")
        assert result.written, result.problems


def run() -> list[dict]:
    from data_access.db import get_engine, init_db
    from data_access.ingest import import_upload
    from data_access.ingest.commit import run_pipeline  # noqa: F401  (the path measured)
    from data_access.ingest.headers import match_headers
    from data_access.ingest.parse import ROW, parse_table
    from data_access.ingest.read import read_upload
    from data_access.models import kind_table

    data = production_csv()
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        init_db(engine)
        master_data(engine)

        started = time.perf_counter()
        result = import_upload(engine, "production", data, "production_100k.csv", "bench")
        pipeline_s = time.perf_counter() - started
        assert result.written and result.rows_written == ROWS, result.summary()

        # The baseline: the same rows, already parsed, into a fresh table of the same columns.
        raw = read_upload(data, "production_100k.csv", "production")
        parsed = parse_table(raw, match_headers("production", raw.headers), "production")
        records = parsed.frame.drop(ROW).to_dicts()
        source = kind_table("production")
        plain = sa.Table("production_plain", sa.MetaData(),
                         sa.Column("id", sa.Integer, primary_key=True), sa.Column("batch_id", sa.Integer),
                         *[sa.Column(c.name, c.type) for c in source.columns if c.name not in ("id", "batch_id")])
        plain.create(engine)
        for r in records:
            r["batch_id"] = 1
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(plain.insert(), records)
        plain_s = time.perf_counter() - started
        engine.dispose()
    return [
        {"case": "plain Core executemany (parsed rows)", "rows": ROWS, "seconds": plain_s, "ratio": 1.0},
        {"case": "ingest: read+parse+validate+commit", "rows": ROWS, "seconds": pipeline_s,
         "ratio": pipeline_s / plain_s, "goal": "<= 3x and < 5 s",
         "met": "yes" if pipeline_s <= 3 * plain_s and pipeline_s < 5 else "no"},
    ]


if __name__ == "__main__":
    from tests.bench.__main__ import print_table

    print_table("ingest", run())
