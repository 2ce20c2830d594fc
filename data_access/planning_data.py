"""The kinds the planning office needs (dashboard.planning). dashboard.facts.load_planning_frames
reads them at one data version, together with the KPI engine's production fact."""
from __future__ import annotations

PLANNING_KINDS = ("orders", "shipments", "customers", "products", "routings", "machines", "lines", "maintenance",
                  "materials", "bom", "material_moves", "stocktake", "purchase_orders", "receipts")
