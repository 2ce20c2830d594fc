"""The frames the planning office needs (dashboard.planning), read at one data version.

Kinds come from data_access.loaders (cached until the next write); the production data comes as
the KPI engine's production fact (data_access.facts), so that machine availability and
performance are computed by the one KPI definition.
"""
from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from data_access.db import get_engine
from data_access.facts import load_facts
from data_access.loaders import load_kinds

PLANNING_KINDS = ("orders", "shipments", "customers", "products", "routings", "machines", "lines", "maintenance",
                  "materials", "bom", "material_moves", "stocktake", "purchase_orders", "receipts")


def load_planning_frames(engine: Engine | None = None) -> dict[str, pl.DataFrame]:
    """{kind name: frame} for PLANNING_KINDS plus "production_fact" (the KPI engine's production fact)."""
    engine = engine or get_engine()
    frames = dict(load_kinds(PLANNING_KINDS, engine))
    frames["production_fact"] = load_facts(engine)["production"]
    return frames



def load_manpower_frames(engine: Engine | None = None) -> dict[str, pl.DataFrame]:
    """The frames of the manpower load (dashboard.planning.manpower): the attendance and employees facts
    and the work_tickets kind."""
    engine = engine or get_engine()
    facts = load_facts(engine)
    return {"attendance": facts["attendance"], "employees": facts["employees"],
            "work_tickets": load_kinds(("work_tickets",), engine)["work_tickets"]}
