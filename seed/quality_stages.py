"""The demo's inspection lots of the stages docs/kinds.md names besides incoming, in-process and final
(品管: 入库、出库检验, issue 17 item 6), from their own random stream (the demo's seed + SEED_OFFSET),
so adding them leaves every other demo figure as it was:

- receipt: one lot per product and day semi-finished goods went into stock (material_moves semi_in,
  lot SRI-…) and one per product and day finished goods did (finished_in, lot FRI-…)
- outgoing: one lot per product and day shipped (shipments, product from the order line)

Sample sizes are AQL-like (never more than the quantity moved); reject rates fall as goods move on
(what the earlier stages caught no longer reaches the later ones); a rejected lot is reworked, a
few are scrapped (semi-finished goods more often).
"""
from __future__ import annotations

import numpy as np
import polars as pl

SEED_OFFSET = 29
# source (a material_moves move, or outgoing for shipments): stage, lot prefix, sample sizes, reject rate,
# share of rejected lots scrapped, reasons
SOURCES = {
    "semi_in": ("receipt", "SRI", (50, 80, 125), 0.010, 0.35, ("DF-DIM", "DF-COSMETIC", "DF-COLOR")),
    "finished_in": ("receipt", "FRI", (80, 125, 200), 0.005, 0.15, ("DF-COSMETIC", "DF-PACK", "DF-DIM")),
    "outgoing": ("outgoing", "OQC", (50, 80, 125), 0.002, 0.05, ("DF-PACK", "DF-COSMETIC")),
}


def _lots(source: pl.DataFrame, origin: str, rng: np.random.Generator) -> pl.DataFrame:
    stage, prefix, sizes, rate, scrapped, reasons = SOURCES[origin]
    source = source.filter(pl.col("qty") > 0).sort("date", "item_code")
    n = source.height
    inspected = np.minimum(source["qty"].to_numpy().astype(np.int64), rng.choice(sizes, size=n))
    rejected = rng.binomial(inspected, rate)
    scrap = rng.random(n) < scrapped
    return source.select(
        "date", stage=pl.lit(stage),
        lot_no=pl.format("{}-{}-{}", pl.lit(prefix), pl.col("date").dt.strftime("%y%m%d"), pl.col("item_code")),
        item_code="item_code", supplier_code=pl.lit(None, pl.String), machine_code=pl.lit(None, pl.String),
    ).with_columns(
        inspected_qty=pl.Series(inspected), passed_first_qty=pl.Series(inspected - rejected),
        rejected_qty=pl.Series(rejected),
        reason_code=pl.when(pl.Series(rejected) > 0)
        .then(pl.Series(np.array(reasons)[rng.integers(0, len(reasons), n)])),
        disposition=pl.when(pl.Series(rejected) == 0).then(pl.lit("accept"))
        .when(pl.Series(scrap)).then(pl.lit("scrap")).otherwise(pl.lit("rework")),
    )


def generate(frames: dict[str, pl.DataFrame], seed: int) -> dict[str, pl.DataFrame]:
    """{"inspections": the demo's lots plus the receipt and outgoing lots}."""
    rng = np.random.default_rng(seed + SEED_OFFSET)
    moves = frames["material_moves"]
    daily = lambda move: (moves.filter(pl.col("move") == move).group_by("date", "item_code")  # noqa: E731
                          .agg(pl.col("qty").sum()))
    shipped = (frames["shipments"].join(frames["orders"].select("order_no", "line_no", "product_code"),
                                        on=["order_no", "line_no"])
               .group_by(date="ship_date", item_code="product_code").agg(pl.col("qty").sum()))
    existing = frames["inspections"]
    lots = [_lots(daily("semi_in"), "semi_in", rng), _lots(daily("finished_in"), "finished_in", rng),
            _lots(shipped, "outgoing", rng)]
    added = pl.concat([lot.select(existing.columns).cast(existing.schema) for lot in lots])
    return {"inspections": pl.concat([existing, added]).sort("date", "stage", "lot_no")}
