"""The demo plant's department transfers and R&D pipeline (issue 17), from their own random stream
(the demo's seed + SEED_OFFSET), so adding them leaves every other demo figure as it was:

- transfers: TRANSFERS production staff employed throughout move to another department part-way
  through the history; the detail says where, "to:<department>" (dashboard.kpi.people), so
  headcount by department follows them. (The demo's other transfers, "INJ -> DMC", are moves
  between lines inside Production.)
- projects: besides the ten projects of seed.demo (design, launch, market), NEW_PROJECTS early ones
  (concept and development), so that the pipeline shows all five stages; most have a budget.
Over-limit overtime (more than 36 h a month) comes from the demo's own busy season: production
overtime peaks in the weeks before Chinese New Year, when some employees pass 36 h.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

SEED_OFFSET = 17
TRANSFERS = (("quality", "调品管部 to QC"), ("warehouse", "调仓库 to the warehouse"), ("engineering", "调工程部"))
NEW_PROJECTS = (("concept", 30, 90), ("concept", 10, 45), ("development", 60, 150), ("development", 40, 120))


def transfers(employees: pl.DataFrame, hr_events: pl.DataFrame, start: date, today: date,
              rng: np.random.Generator) -> pl.DataFrame:
    """The department transfers (hr_events rows) of production staff employed over the whole history."""
    staying = employees.filter(pl.col("department") == "production", pl.col("hire_date") < start,
                               pl.col("leave_date").is_null())
    moved = set(hr_events.filter(pl.col("event") == "transfer").get_column("employee_code").to_list())
    codes = [c for c in staying.get_column("employee_code").to_list() if c not in moved]
    span = (today - start).days
    rows = []
    for (department, note), i in zip(TRANSFERS, rng.choice(len(codes), size=len(TRANSFERS), replace=False)):
        day = start + timedelta(days=int(rng.integers(span // 4, span - 20)))
        rows.append((day, codes[int(i)], "transfer", f"to:{department} {note}", None))
    return pl.DataFrame(rows, schema=hr_events.schema, orient="row")


def projects(existing: pl.DataFrame, products: pl.DataFrame, today: date, rng: np.random.Generator) -> pl.DataFrame:
    """Early-stage projects (concept, development) on products not yet in a project."""
    taken = set(existing.get_column("product_code").to_list())
    free = [c for c in products.get_column("product_code").to_list() if c not in taken] or \
        products.get_column("product_code").to_list()
    rows = []
    for n, (stage, low, high) in enumerate(NEW_PROJECTS):
        begun = today - timedelta(days=int(rng.integers(low, high)))
        rows.append((f"RD-{begun:%y}{81 + n:02d}", free[n % len(free)], stage, begun, None,
                     round(float(rng.uniform(8000, 60000) if stage == "concept" else rng.uniform(40000, 150000)), 0)))
    return pl.DataFrame(rows, schema=existing.schema, orient="row")


def budgets(cost: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Each project's budget, rounded to ¥1,000: mostly 0.85-1.4 × its cost so far (some projects over
    budget), one in five without a budget (the kind's budget is optional)."""
    n = len(cost)
    budget = np.round(cost.to_numpy() * rng.uniform(0.85, 1.4, n) / 1000) * 1000
    return pl.Series("budget", np.where(rng.random(n) < 0.2, np.nan, budget)).fill_nan(None)


def generate(frames: dict[str, pl.DataFrame], start: date, today: date, seed: int) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng(seed + SEED_OFFSET)
    events = frames["hr_events"]
    events = pl.concat([events, transfers(frames["employees"], events, start, today, rng)]) \
        .unique(["date", "employee_code", "event"], keep="first", maintain_order=True) \
        .sort("date", "employee_code", "event")
    project_rows = pl.concat([frames["projects"], projects(frames["projects"], frames["products"], today, rng)]) \
        .unique("project_code", keep="first", maintain_order=True).sort("project_code")
    project_rows = project_rows.with_columns(budget=budgets(project_rows.get_column("cost"), rng))
    return {"hr_events": events, "projects": project_rows}
