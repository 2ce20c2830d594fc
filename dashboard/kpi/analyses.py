"""The special computations behind the KPIs of docs/kpis.md (Pareto, OEE losses, RTY, delivery
detail, balances, ...),
built on the same measures and filters as compute() so that they agree with the KPI figures."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from dashboard.kpi.engine import Filters, _grain_label, _Resolver, compute, filter_frame, measures_table
from dashboard.kpi.registry import KPIS, MEASURES, OTHER, UNASSIGNED, ratio


# --- Pareto -------------------------------------------------------------------------------------
def fold_pareto(frame: pl.DataFrame, *, min_share: float = 0.02, max_categories: int = 10) -> pl.DataFrame:
    """(category, value) -> category, value, share, cum_share, sorted descending; categories below
    `min_share` or beyond `max_categories` are folded into "Other", placed last. Empty or zero
    categories are dropped; a null category shows as "Unassigned"."""
    data = (frame.select(pl.col("category").cast(pl.String).fill_null(UNASSIGNED), pl.col("value").cast(pl.Float64))
            .filter(pl.col("value") > 0).group_by("category").agg(pl.col("value").sum())
            .sort(["value", "category"], descending=[True, False]))
    total = data.get_column("value").sum()
    if data.height == 0 or not total:
        return pl.DataFrame(schema={"category": pl.String, "value": pl.Float64, "share": pl.Float64,
                                    "cum_share": pl.Float64})
    data = data.with_row_index("rank").with_columns(
        small=(pl.col("value") / total < min_share) | (pl.col("rank") >= max_categories))
    kept = data.filter(~pl.col("small")).select("category", "value")
    folded = data.filter(pl.col("small")).get_column("value").sum()
    if folded > 0:
        kept = pl.concat([kept, pl.DataFrame({"category": [OTHER], "value": [float(folded)]})])
    return kept.with_columns(share=pl.col("value") / total, cum_share=pl.col("value").cum_sum() / total)


def pareto(measure_or_kpi: str, facts: Mapping[str, pl.DataFrame], by: str, filters: Filters | None = None,
           *, min_share: float = 0.02, max_categories: int = 10, **kw) -> pl.DataFrame:
    """Pareto of an additive KPI (e.g. scrap_qty, downtime_min, complaints) or a measure by a dimension."""
    if measure_or_kpi in KPIS:
        k = KPIS[measure_or_kpi]
        if not k.additive:
            raise ValueError(f"a Pareto needs a sum, {measure_or_kpi!r} is a {k.unit}")
        measure = k.measures[0]
    else:
        measure = MEASURES[measure_or_kpi].id
    table = compute_measures_labelled([measure], facts, by, filters, **kw)
    return fold_pareto(table.select(pl.col(by).alias("category"), pl.col(measure).alias("value")),
                       min_share=min_share, max_categories=max_categories)


def compute_measures_labelled(measure_ids, facts, by: str, filters, **kw) -> pl.DataFrame:
    table = measures_table(measure_ids, facts, [by], filters, **kw)
    return table.with_columns(_grain_label(by).alias(by)) if by in ("week", "month", "quarter") else table


def scrap_pareto(facts: Mapping[str, pl.DataFrame], by: str, filters: Filters | None = None, **kw) -> pl.DataFrame:
    """Scrap quantity by reason, machine, product, line, shift or inspection stage.

    By reason: the scrap-by-reason records; production scrap not explained by them appears as
    "Unassigned". By stage: rejected inspection quantities disposed as scrap. Otherwise: production."""
    filters = filters or Filters()
    if by == "stage":
        return pareto("rejected_scrapped", facts, "stage", filters, **kw)
    if by != "reason":
        return pareto("scrap_qty", facts, by, filters, **kw)
    min_share, max_categories = kw.pop("min_share", 0.02), kw.pop("max_categories", 10)
    by_reason = measures_table(["scrap_reason_qty"], facts, ["reason"], filters, **kw).select(
        category=pl.col("reason").cast(pl.String), value="scrap_reason_qty")
    if filters.reason is None:
        produced = measures_table(["scrap"], facts, [], filters, **kw).item(0, "scrap") or 0.0
        unexplained = produced - (by_reason.get_column("value").sum() or 0.0)
        if unexplained > 0:
            by_reason = pl.concat([by_reason, pl.DataFrame({"category": [UNASSIGNED], "value": [unexplained]})])
    return fold_pareto(by_reason, min_share=min_share, max_categories=max_categories)


# --- OEE losses ---------------------------------------------------------------------------------
_LOSS_MEASURES = ["planned_s", "operating_s", "rated_operating_s", "ideal_total_s", "ideal_good_s",
                  "ideal_scrap_s", "ideal_defect_s"]


def oee_losses(facts: Mapping[str, pl.DataFrame], filters: Filters | None = None, **kw) -> pl.DataFrame:
    """Planned time -> availability loss by downtime category -> operating time -> performance loss
    -> net operating time -> quality loss (scrap, rework) -> fully productive time, in minutes.

    Columns: step, loss_group (availability|performance|quality|None), category, minutes, share
    (of planned time). The availability losses add up to the production downtime: recorded
    downtime events are split by category (scaled down if they exceed it), the rest is
    "Unassigned". Production without a routing (no ideal cycle) is shown as its own loss."""
    filters = filters or Filters()
    m = measures_table(_LOSS_MEASURES, facts, [], filters, **kw).row(0, named=True)
    if m["planned_s"] is None:
        return pl.DataFrame(schema={"step": pl.String, "loss_group": pl.String, "category": pl.String,
                                    "minutes": pl.Float64, "share": pl.Float64})
    planned, operating = m["planned_s"] / 60, m["operating_s"] / 60
    downtime = planned - operating
    rows = [("planned_time", None, None, planned)]
    by_category = measures_table(["downtime_minutes"], facts, ["category"], filters, **kw)
    recorded = by_category.get_column("downtime_minutes").sum() if by_category.height else 0.0
    scale = downtime / recorded if recorded > downtime and recorded else 1.0
    for category, minutes in by_category.sort("downtime_minutes", descending=True).iter_rows():
        if minutes:
            rows.append(("availability_loss", "availability", category, minutes * scale))
    if downtime - recorded * scale > 1e-9:
        rows.append(("availability_loss", "availability", UNASSIGNED, downtime - recorded * scale))
    rows.append(("operating_time", None, None, operating))
    unrated = (m["operating_s"] - m["rated_operating_s"]) / 60
    if unrated > 0:
        rows.append(("performance_loss", "performance", "no_ideal_cycle", unrated))
    rows.append(("performance_loss", "performance", "speed", (m["rated_operating_s"] - m["ideal_total_s"]) / 60))
    rows.append(("net_operating_time", None, None, m["ideal_total_s"] / 60))
    rows.append(("quality_loss", "quality", "scrap", m["ideal_scrap_s"] / 60))
    rows.append(("quality_loss", "quality", "rework", m["ideal_defect_s"] / 60))
    rows.append(("fully_productive_time", None, None, m["ideal_good_s"] / 60))
    out = pl.DataFrame(rows, schema={"step": pl.String, "loss_group": pl.String, "category": pl.String,
                                     "minutes": pl.Float64}, orient="row")
    return out.with_columns(share=ratio(pl.col("minutes"), pl.lit(planned)))


# --- quality ------------------------------------------------------------------------------------
def fpy_by_stage(facts: Mapping[str, pl.DataFrame], filters: Filters | None = None) -> pl.DataFrame:
    return compute(["fpy"], facts, ["stage"], filters, with_measures=True)


def _operation_output(facts: Mapping[str, pl.DataFrame], filters: Filters | None) -> pl.DataFrame:
    """product, seq, good, total, input: production summed per routing operation (alternative
    machines of one operation pooled). Rows without a routing are left out (see no_routing_rows)."""
    production = filter_frame(facts["production"], filters or Filters())
    if "seq" not in production.columns:  # a bare frame: place its rows on the routing as the facts do
        ops = (facts["routings"].sort("seq").group_by("product", "machine").agg(pl.col("seq").first()))
        production = production.join(ops, on=["product", "machine"], how="left")
    if "input_qty" not in production.columns:
        production = production.with_columns(input_qty=pl.lit(None, pl.Float64))
    return (production.filter(pl.col("seq").is_not_null())
            .group_by("product", pl.col("seq").cast(pl.Int64))
            .agg(good=pl.col("good_qty").sum().cast(pl.Float64), total=pl.col("total_qty").sum().cast(pl.Float64),
                 input=pl.col("input_qty").sum().cast(pl.Float64)))


def _steps(facts: Mapping[str, pl.DataFrame], filters: Filters | None) -> pl.DataFrame:
    """The routing operations of each product (product, seq), in order, with the next seq."""
    steps = facts["routings"].select("product", pl.col("seq").cast(pl.Int64)).unique().sort("product", "seq")
    if filters is not None and filters.product:
        steps = steps.filter(pl.col("product").is_in(list(filters.product)))
    return steps.with_columns(next_seq=pl.col("seq").shift(-1).over("product"))


def rty(facts: Mapping[str, pl.DataFrame], filters: Filters | None = None) -> pl.DataFrame:
    """Rolled throughput yield per product: the product of the real step yields (good / total of
    each routing operation, its alternative machines pooled) along its routing. Null when an
    operation has no output in the period (a step yield is not known)."""
    joined = _steps(facts, filters).join(_operation_output(facts, filters), on=["product", "seq"], how="left") \
        .with_columns(step_yield=ratio("good", "total"))
    return (joined.group_by("product").agg(
        steps=pl.len(), measured_steps=pl.col("step_yield").is_not_null().sum(),
        seqs=pl.col("seq").sort(), step_yields=pl.col("step_yield").sort_by("seq"),
        finished=pl.col("good").sort_by("seq").last(),
        rty=pl.when(pl.col("step_yield").is_null().any()).then(None).otherwise(pl.col("step_yield").product()))
        .sort("product"))


def wip_by_operation(facts: Mapping[str, pl.DataFrame], filters: Filters | None = None) -> pl.DataFrame:
    """Per product and operation: good handed on, the next operation's input and wip_qty = good −
    input of the next over the period (docs/kpis.md); the last operation's good is finished output."""
    output = _operation_output(facts, filters)
    steps = _steps(facts, filters).join(output, on=["product", "seq"], how="left")
    nxt = output.select("product", next_seq=pl.col("seq"), next_input=pl.col("input"))
    return (steps.join(nxt, on=["product", "next_seq"], how="left")
            .with_columns(pl.col("good", "next_input").fill_null(0.0))
            .with_columns(wip_qty=pl.when(pl.col("next_seq").is_not_null())
                          .then(pl.col("good") - pl.col("next_input")))
            .select("product", "seq", "next_seq", "good", "next_input", "wip_qty").sort("product", "seq"))


# --- delivery -----------------------------------------------------------------------------------
LATENESS_BUCKETS = ((None, -1, "early"), (0, 0, "0"), (1, 3, "1-3"), (4, 7, "4-7"), (8, 14, "8-14"),
                    (15, 30, "15-30"), (31, None, ">30"))


def _lines(facts, today: date | None, tolerance_days: int) -> pl.DataFrame:
    resolver = facts if isinstance(facts, _Resolver) else _Resolver(facts, today or date.today(), tolerance_days)
    return resolver["delivery_lines_all"]


def lateness_distribution(facts, filters: Filters | None = None, *, today: date | None = None,
                          tolerance_days: int = 0) -> pl.DataFrame:
    """Evaluated lines by lateness in days (complete date − promised; open overdue: today − promised)."""
    lines = filter_frame(_lines(facts, today, tolerance_days), filters or Filters()).filter(
        pl.col("evaluated") & pl.col("lateness_days").is_not_null())
    rows = []
    for low, high, label in LATENESS_BUCKETS:
        cond = pl.lit(True)
        if low is not None:
            cond = cond & (pl.col("lateness_days") >= low)
        if high is not None:
            cond = cond & (pl.col("lateness_days") <= high)
        part = lines.filter(cond)
        rows.append({"bucket": label, "lines": part.height, "qty": float(part.get_column("qty").sum() or 0),
                     "open_lines": int(part.get_column("open").sum() or 0)})
    return pl.DataFrame(rows)


def overdue_backlog(facts, filters: Filters | None = None, *, today: date | None = None,
                    tolerance_days: int = 0) -> pl.DataFrame:
    """Open lines past their promised date (+ tolerance) on `today`, most overdue first."""
    lines = filter_frame(_lines(facts, today, tolerance_days), filters or Filters()).filter(pl.col("overdue"))
    return (lines.select("order_no", "line_no", "customer", "abc_class", "product", "promised_date", "qty",
                         "delivered_qty", open_qty=pl.col("qty") - pl.col("delivered_qty"),
                         days_overdue=pl.col("lateness_days"))
            .sort(["days_overdue", "order_no", "line_no"], descending=[True, False, False]))


# --- materials and cost -------------------------------------------------------------------------
_SIGN = {"receipt": 1, "return": 1, "semi_in": 1, "finished_in": 1, "issue": -1, "semi_out": -1,
         "sales_out": -1, "scrap_out": -1, "adjust": 1}  # adjust carries its own sign


def item_balances(facts, date_from: date | None = None, date_to: date | None = None) -> pl.DataFrame:
    """Per item: opening + receipts + returns + semi_in + finished_in − issues − semi_out − sales_out
    − scrap_out ± adjust = closing over the period; the latest stocktake in the period against the
    book balance on its date (difference = counted − book)."""
    moves = facts["material_moves"].with_columns(
        signed=pl.col("qty") * pl.col("move").replace_strict(_SIGN, return_dtype=pl.Float64))
    before = moves.filter(pl.col("date") < date_from) if date_from else moves.clear()
    within = filter_frame(moves, Filters(date_from=date_from, date_to=date_to))
    opening = before.group_by("item").agg(opening=pl.col("signed").sum())
    flows = within.group_by("item").agg(
        [pl.col("qty").filter(pl.col("move") == mv).sum().alias(mv) for mv in _SIGN])
    items = pl.concat([opening.select("item"), flows.select("item")]).unique()
    out = (items.join(opening, on="item", how="left").join(flows, on="item", how="left")
           .with_columns([pl.col(c).fill_null(0.0) for c in ["opening", *_SIGN]]))
    out = out.with_columns(closing=pl.col("opening") + sum(pl.col(mv) * sign for mv, sign in _SIGN.items()))
    counts = filter_frame(facts["stocktakes"], Filters(date_from=date_from, date_to=date_to))
    latest = counts.sort("date").group_by("item").agg(count_date=pl.col("date").last(),
                                                       counted_qty=pl.col("counted_qty").last())
    book = (latest.join(moves.select("item", "date", "signed"), on="item", how="left")
            .filter(pl.col("date") <= pl.col("count_date"))
            .group_by("item").agg(book_qty=pl.col("signed").sum()))
    latest = latest.join(book, on="item", how="left").with_columns(pl.col("book_qty").fill_null(0.0))
    return (out.join(latest, on="item", how="full", coalesce=True)
            .with_columns(difference=pl.col("counted_qty") - pl.col("book_qty"))
            .sort("item"))


def material_loss_by_material(facts, filters: Filters | None = None) -> pl.DataFrame:
    """Per material: issued (net of returns) vs BOM requirement of the output (good + scrap);
    loss = issued / required − 1 against the BOM normal loss rate; excess = loss − allowed."""
    table = measures_table(["issued_qty", "issued_value", "required_qty", "required_value", "allowed_loss_value"],
                           facts, ["material"], filters)
    return table.with_columns(
        material_loss=ratio("issued_qty", "required_qty") - 1,
        bom_loss_rate=ratio("allowed_loss_value", "required_value"),
    ).with_columns(excess_loss=pl.col("material_loss") - pl.col("bom_loss_rate")).sort("material")


def material_loss_by_line(facts, filters: Filters | None = None) -> pl.DataFrame:
    """Per line: material loss of the materials its consuming operations need, pooled by standard
    value. Issues are recorded per material, not per line, so each material's issued value is
    shared among the lines by their part of its requirement (a line's loss is its material mix);
    material issued without any requirement in the period cannot be placed and is left out."""
    issued = measures_table(["issued_value"], facts, ["material"], filters)
    need = measures_table(["required_value", "allowed_loss_value"], facts, ["line", "material"], filters)
    shares = need.join(issued, on="material", how="left").with_columns(
        allocated=pl.col("issued_value").fill_null(0.0) * ratio("required_value",
                                                                 pl.col("required_value").sum().over("material")))
    return (shares.group_by("line").agg(pl.col("allocated", "required_value", "allowed_loss_value").sum())
            .with_columns(material_loss=ratio("allocated", "required_value") - 1,
                          bom_loss_rate=ratio("allowed_loss_value", "required_value"))
            .with_columns(excess_loss=pl.col("material_loss") - pl.col("bom_loss_rate"))
            .filter(pl.col("required_value") > 0).sort("line"))


def cost_structure(facts, by: tuple[str, ...] = ("category",), filters: Filters | None = None) -> pl.DataFrame:
    """Costs by category and/or department with their share of the total."""
    table = compute(["total_cost"], facts, list(by), filters)
    total = table.get_column("total_cost").sum()
    return table.with_columns(share=ratio(pl.col("total_cost"), pl.lit(total))).sort("total_cost", descending=True)
