"""Material requirements planning for MC (docs/architecture.md "The plant", "Pages"): per material
and week of the horizon.

gross_requirement  Σ over open order lines of the projection's quantity still to make at the
                   operation consuming the material (projection.py: after finished stock and WIP)
                   × BOM qty_per_unit × (1 + loss_rate), needed on that operation's need date
                   (promised_date − op_lead_days per operation from it to the last; the first
                   operation by default); needs before the current week fall in the current week,
                   needs after the horizon are left out.
on_hand            at today, from the material balance of docs/kpis.md: the latest stocktake on or
                   before today plus the signed moves after its date up to today; without a
                   stocktake, opening 0 plus every move up to today (basis column says which).
scheduled_receipts open purchase order lines (ordered − received) in the week of their promised
                   date (overdue ones in the current week).
projected_on_hand  previous week's ending stock + scheduled receipts − gross requirement.
net_requirement    what brings the projected stock back to the safety stock: max(0, safety − projected).
planned_receipt    lot for lot = net requirement; ending_on_hand = projected + planned receipt.
need_date          the earliest need date of the week's requirements (a top-up to safety stock
                   with no requirement that week: the week's Monday, not before today).
release_date       need_date − material lead_time_days; shortage when it is before today (the
                   order can no longer arrive in time).
"""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from dashboard.planning.projection import Projection, project
from dashboard.planning.schedule import (DEFAULT_WEEKS, OPERATION_LEAD_DAYS, Frames, horizon_weeks, routing_steps,
                                         stock_on_hand, week_start)

def on_hand(frames: Frames, today: date) -> pl.DataFrame:
    """material_code, on_hand, basis ('stocktake' or 'moves'), stocktake_date."""
    materials = frames["materials"].get_column("material_code").to_list()
    return stock_on_hand(frames, today, materials).rename({"item_code": "material_code"})


def _consuming_step(frames: Frames) -> pl.DataFrame:
    """product_code, material_code, qty_per_unit, loss_rate, step: the operation whose input consumes the
    material (bom.seq when the BOM has it, else the product's first operation)."""
    bom = frames["bom"]
    steps = routing_steps(frames).select("product_code", "seq", "step").unique()
    if "seq" in bom.columns:
        with_seq = bom.join(steps, on=["product_code", "seq"], how="left")
    else:
        with_seq = bom.with_columns(step=pl.lit(None, pl.Int64))
    return with_seq.select("product_code", "material_code", "qty_per_unit", "loss_rate",
                           step=pl.col("step").fill_null(1).cast(pl.Int64))


def gross_requirements(frames: Frames, today: date, op_lead_days: int = OPERATION_LEAD_DAYS,
                       projection: Projection | None = None) -> pl.DataFrame:
    """One row per open order line and BOM material: material_code, order_no, line_no, need_date, week, qty.

    The quantity is the projection's quantity still to make at the consuming operation (finished
    stock and WIP that passed that operation need no material); needed on that operation's need date.
    A product without routing needs its material for to_make on promised_date − op_lead_days."""
    projection = projection or project(frames, today, op_lead_days=op_lead_days)
    current = week_start(today)
    bom = _consuming_step(frames)
    routed = (projection.operations.join(bom, on=["product_code", "step"], how="inner")
              .select("material_code", "order_no", "line_no", "product_code", need_date="op_date",
                      qty=pl.col("qty") * pl.col("qty_per_unit") * (1 + pl.col("loss_rate"))))
    unrouted = (projection.lines.filter((pl.col("n_steps") == 0) & (pl.col("to_make") > 0))
                .join(bom.drop("step"), on="product_code", how="inner")
                .select("material_code", "order_no", "line_no", "product_code",
                        need_date=pl.col("promised_date") - pl.duration(days=op_lead_days),
                        qty=pl.col("to_make") * pl.col("qty_per_unit") * (1 + pl.col("loss_rate"))))
    return (pl.concat([routed, unrouted])
            .with_columns(week=pl.max_horizontal(pl.col("need_date").dt.truncate("1w"), pl.lit(current)))
            .select("material_code", "order_no", "line_no", "product_code", "need_date", "week", "qty"))


def open_purchase_lines(frames: Frames) -> pl.DataFrame:
    """po_no, line_no, supplier_code, material_code, promised_date, open_qty (ordered − received > 0)."""
    received = frames["receipts"].group_by("po_no", "line_no").agg(received=pl.col("qty").cast(pl.Float64).sum())
    return (frames["purchase_orders"].join(received, on=["po_no", "line_no"], how="left")
            .with_columns(open_qty=pl.col("qty").cast(pl.Float64) - pl.col("received").fill_null(0.0))
            .filter(pl.col("open_qty") > 0)
            .select("po_no", "line_no", "supplier_code", "material_code", "promised_date", "open_qty"))


MRP_SCHEMA = {
    "material_code": pl.Categorical, "week": pl.Date, "on_hand_start": pl.Float64, "gross_requirement": pl.Float64,
    "scheduled_receipts": pl.Float64, "projected_on_hand": pl.Float64, "safety_stock": pl.Float64,
    "net_requirement": pl.Float64, "planned_receipt": pl.Float64, "ending_on_hand": pl.Float64,
    "need_date": pl.Date, "lead_time_days": pl.Int64, "release_date": pl.Date, "shortage": pl.Boolean,
}


def mrp_table(frames: Frames, today: date, weeks: int = DEFAULT_WEEKS,
              op_lead_days: int = OPERATION_LEAD_DAYS, projection: Projection | None = None) -> pl.DataFrame:
    """One row per material and week (columns MRP_SCHEMA), netting as in the module docstring."""
    week_list = horizon_weeks(today, weeks)
    end = week_list[-1] + timedelta(days=7)
    current = week_list[0]
    gross = (gross_requirements(frames, today, op_lead_days, projection).filter(pl.col("week") < end)
             .group_by("material_code", "week").agg(gross=pl.col("qty").sum(), first_need=pl.col("need_date").min()))
    receipts = (open_purchase_lines(frames)
                .with_columns(week=pl.max_horizontal(pl.col("promised_date").dt.truncate("1w"), pl.lit(current)))
                .filter(pl.col("week") < end)
                .group_by("material_code", "week").agg(scheduled=pl.col("open_qty").sum()))
    stock = on_hand(frames, today).select("material_code", "on_hand")
    materials = (frames["materials"].select("material_code", "lead_time_days", "safety_stock")
                 .join(stock, on="material_code", how="left").sort("material_code"))
    gross_map = {(r["material_code"], r["week"]): (r["gross"], r["first_need"]) for r in gross.iter_rows(named=True)}
    receipt_map = {(r["material_code"], r["week"]): r["scheduled"] for r in receipts.iter_rows(named=True)}
    rows = []
    for m in materials.iter_rows(named=True):
        stock_level = float(m["on_hand"] or 0.0)
        safety = float(m["safety_stock"] or 0.0)
        lead = int(m["lead_time_days"] or 0)
        for week in week_list:
            need, first_need = gross_map.get((m["material_code"], week), (0.0, None))
            scheduled = receipt_map.get((m["material_code"], week), 0.0)
            projected = stock_level + scheduled - need
            net = max(0.0, safety - projected)
            need_date = first_need or max(week, today)
            release = need_date - timedelta(days=lead) if net > 0 else None
            rows.append({
                "material_code": m["material_code"], "week": week, "on_hand_start": stock_level,
                "gross_requirement": need, "scheduled_receipts": scheduled, "projected_on_hand": projected,
                "safety_stock": safety, "net_requirement": net, "planned_receipt": net,
                "ending_on_hand": projected + net, "need_date": need_date if net > 0 else first_need,
                "lead_time_days": lead, "release_date": release, "shortage": bool(net > 0 and release < today),
            })
            stock_level = projected + net
    return pl.DataFrame(rows, schema=MRP_SCHEMA, orient="row") if rows else pl.DataFrame(schema=MRP_SCHEMA)


def planned_orders(table: pl.DataFrame, frames: Frames) -> pl.DataFrame:
    """The weeks with a net requirement, for purchasing: material, name, unit, quantity, need and
    release dates, shortage flag and the supplier of the material's latest purchase order."""
    names = frames["materials"].select("material_code", "name", "unit")
    last_supplier = (frames["purchase_orders"].sort("order_date", "po_no")
                     .group_by("material_code").agg(supplier_code=pl.col("supplier_code").last()))
    return (table.filter(pl.col("net_requirement") > 0)
            .join(names, on="material_code", how="left").join(last_supplier, on="material_code", how="left")
            .select("material_code", "name", "unit", "supplier_code", "week", "need_date", "release_date",
                    "lead_time_days", quantity=pl.col("planned_receipt"), shortage="shortage")
            .sort("release_date", "material_code"))
