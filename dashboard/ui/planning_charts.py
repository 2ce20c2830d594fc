"""Tables and Altair charts of the planning pages, labelled in the user's language.

Only presentation: every number comes from dashboard.planning; here columns are picked, rounded
and named with t(). Charts get pre-aggregated frames (one row per week × machine, line, ...).
"""
from __future__ import annotations

import altair as alt
import polars as pl

from dashboard.chart_style import category_axis, count_axis, gradient_legend
from dashboard.i18n import t
from data_access.ingest.export import frame_bytes

CJK_FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def week_label(column: str = "week") -> pl.Expr:
    """2026-W10 (Monday 03-02) style label of a week's Monday."""
    return pl.concat_str(pl.col(column).dt.strftime("%G-W%V"), pl.lit(" ("), pl.col(column).dt.strftime("%m-%d"),
                         pl.lit(")"))


def week_short(column: str = "week") -> pl.Expr:
    """W48·11-23: short enough that eight weeks fit side by side on a chart axis."""
    return pl.col(column).dt.strftime("W%V·%m-%d")


def _weeks_in_order(data: pl.DataFrame, column: str = "week") -> list[str]:
    """Week labels sorted by date (the labels themselves sort W01 before W48 across a new year)."""
    return data.get_column(column).unique(maintain_order=True).to_list()


def iso_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as YYYY-MM-DD text so that tables do not show a midnight time."""
    return frame.with_columns([pl.col(c).dt.strftime("%Y-%m-%d") for c, d in frame.schema.items() if d == pl.Date])


def _yes(flag: str) -> pl.Expr:
    return pl.when(pl.col(flag)).then(pl.lit(t("planning.yes"))).otherwise(pl.lit(""))


def _pct(column: str) -> pl.Expr:
    return (pl.col(column) * 100).round(1)


# --- capacity --------------------------------------------------------------------------------------
def capacity_table(table: pl.DataFrame, level: str) -> pl.DataFrame:
    """level 'machine' (machine_load rows) or 'line' (line_load rows)."""
    unit = [pl.col("machine_code").alias(t("planning.machine"))] if level == "machine" else []
    extra = ([pl.col("efficiency").round(3).alias(t("planning.capacity.efficiency")),
              pl.col("maintenance_h").round(1).alias(t("planning.capacity.maintenance"))] if level == "machine" else [])
    flags = [_yes("busiest").alias(t("planning.capacity.busiest"))] if level == "machine" else []
    return table.select(
        week_label().alias(t("planning.week")), pl.col("line_code").alias(t("planning.line")), *unit,
        pl.col("required_h").round(1).alias(t("planning.capacity.required")),
        pl.col("available_h").round(1).alias(t("planning.capacity.available")), *extra,
        _pct("load").alias(t("planning.capacity.load")),
        _yes("bottleneck").alias(t("planning.capacity.bottleneck")), *flags)


def capacity_heatmap(table: pl.DataFrame, level: str) -> alt.LayerChart:
    """Weeks across, machines (or lines) down; colour = load %, overloaded cells outlined."""
    unit = "machine_code" if level == "machine" else "line_code"
    data = table.sort("week").select(
        week=week_short(), unit=pl.col(unit), load=_pct("load"), required=pl.col("required_h").round(1),
        available=pl.col("available_h").round(1), bottleneck=pl.col("bottleneck"),
        label=pl.when(pl.col("load").is_null() & (pl.col("required_h") > 0)).then(pl.lit("—"))
        .when(pl.col("load").is_null()).then(pl.lit(""))
        .otherwise((pl.col("load") * 100).round(0).cast(pl.Int64).cast(pl.String)))
    y_title = t("planning.machine") if level == "machine" else t("planning.line")
    base = alt.Chart(data).encode(
        x=alt.X("week:O", title=t("planning.week"), sort=_weeks_in_order(data), axis=alt.Axis(labelAngle=0, labelOverlap=False, labelFont=CJK_FONT,
                                                                  titleFont=CJK_FONT, orient="top")),
        y=alt.Y("unit:N", title=y_title, sort=None, axis=alt.Axis(labelOverlap=False, labelFont=CJK_FONT,
                                                                  titleFont=CJK_FONT)))
    tooltip = [alt.Tooltip("unit:N", title=y_title), alt.Tooltip("week:O", title=t("planning.week")),
               alt.Tooltip("required:Q", title=t("planning.capacity.required")),
               alt.Tooltip("available:Q", title=t("planning.capacity.available")),
               alt.Tooltip("load:Q", title=t("planning.capacity.load"))]
    cells = base.mark_rect().encode(
        color=alt.Color("load:Q", title=t("planning.capacity.load"),
                        scale=alt.Scale(domain=[0, 80, 100, 150], range=["#f1f8e9", "#aed581", "#ffb300", "#c62828"],
                                        clamp=True),
                        legend=gradient_legend("pieces", t("planning.capacity.load"))),
        tooltip=tooltip)
    outline = base.transform_filter(alt.datum.bottleneck).mark_rect(fill=None, stroke="#000000", strokeWidth=2.5)
    text = base.mark_text(fontSize=11, font=CJK_FONT).encode(
        text="label:N",
        color=alt.condition("datum.load > 110 || datum.label == '—'", alt.value("#ffffff"), alt.value("#222222")))
    return (cells + outline + text).properties(height=alt.Step(26), title=t("planning.capacity.chart"))


# --- priority ------------------------------------------------------------------------------------------
_COMPONENTS = ("due_points", "customer_points", "bottleneck_points", "operations_points")


def priority_table(ranked: pl.DataFrame) -> pl.DataFrame:
    return iso_dates(ranked.select(
        pl.col("rank").alias(t("planning.priority.rank")),
        pl.col("order_no").alias(t("planning.order_no")), pl.col("line_no").alias(t("planning.line_no")),
        pl.col("customer_code").alias(t("planning.customer")), pl.col("abc_class").alias(t("planning.abc_class")),
        pl.col("product_code").alias(t("planning.product")), pl.col("remaining_qty").alias(t("planning.remaining")),
        pl.col("from_stock").round(0).alias(t("hplan.from_stock")),
        pl.col("to_make").round(0).alias(t("hplan.to_make")),
        pl.col("promised_date").alias(t("planning.promised")),
        pl.col("days_to_due").alias(t("planning.priority.days_to_due")),
        pl.col("score").round(3).alias(t("planning.priority.score")),
        *[pl.col(c).round(3).alias(t(f"planning.priority.{c}")) for c in _COMPONENTS],
        pl.col("n_steps").alias(t("planning.priority.steps")),
        pl.col("bottleneck_machines").alias(t("planning.priority.bottleneck_machines")),
        pl.col("required_h").round(1).alias(t("planning.priority.required_h")),
        pl.col("expected_finish").alias(t("planning.priority.finish")),
        pl.col("lateness_days").alias(t("planning.priority.lateness")),
        _yes("late").alias(t("planning.priority.late")),
        _status().alias(t("hplan.status")),
        pl.col("sequence").alias(t("hplan.sequence"))))


def priority_chart(ranked: pl.DataFrame, top: int = 20) -> alt.Chart:
    """Stacked points per principle for the top lines: why each ranks where it does."""
    names = {c: t(f"planning.priority.{c}") for c in _COMPONENTS}
    data = (ranked.head(top)
            .select(line=pl.format("{}. {}/{}", "rank", "order_no", "line_no"), rank="rank", *_COMPONENTS)
            .unpivot(index=["line", "rank"], on=list(_COMPONENTS), variable_name="component", value_name="points")
            .with_columns(idx=pl.col("component").replace_strict({c: i for i, c in enumerate(_COMPONENTS)},
                                                                 return_dtype=pl.Int64))
            .with_columns(pl.col("component").replace_strict(names), pl.col("points").round(3)))
    order = [names[c] for c in _COMPONENTS]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("line:N", sort=alt.EncodingSortField("rank", order="ascending"), title=None,
                axis=alt.Axis(labelFont=CJK_FONT, labelLimit=200, labelOverlap=False)),
        x=alt.X("sum(points):Q", title=t("planning.priority.points"), axis=alt.Axis(titleFont=CJK_FONT)),
        color=alt.Color("component:N", title=t("planning.priority.component"), sort=order,
                        scale=alt.Scale(domain=order, range=["#1e88e5", "#43a047", "#e53935", "#8e24aa"]),
                        legend=alt.Legend(orient="bottom", labelFont=CJK_FONT, titleFont=CJK_FONT, labelLimit=300)),
        order=alt.Order("idx:Q"),  # stacked in the legend's order
        tooltip=["line:N", "component:N", "points:Q"],
    ).properties(height=alt.Step(22), title=t("planning.priority.chart"))


# --- MRP --------------------------------------------------------------------------------------------
def mrp_display(table: pl.DataFrame, materials: pl.DataFrame) -> pl.DataFrame:
    names = materials.select("material_code", "name", "unit")
    return iso_dates(table.join(names, on="material_code", how="left").select(
        pl.col("material_code").alias(t("planning.mrp.material")), pl.col("name").alias(t("planning.mrp.name")),
        week_label().alias(t("planning.week")),
        *[pl.col(c).round(2).alias(t(f"planning.mrp.{key}")) for c, key in (
            ("on_hand_start", "on_hand_start"), ("gross_requirement", "gross"), ("scheduled_receipts", "scheduled"),
            ("projected_on_hand", "projected"), ("safety_stock", "safety"), ("net_requirement", "net"),
            ("ending_on_hand", "ending"))],
        pl.col("need_date").alias(t("planning.mrp.need_date")), pl.col("release_date").alias(t("planning.mrp.release")),
        _yes("shortage").alias(t("planning.mrp.shortage")), pl.col("unit").alias(t("planning.mrp.unit"))))


def planned_orders_display(orders: pl.DataFrame) -> pl.DataFrame:
    return iso_dates(orders.select(
        pl.col("material_code").alias(t("planning.mrp.material")), pl.col("name").alias(t("planning.mrp.name")),
        pl.col("quantity").round(2).alias(t("planning.mrp.quantity")), pl.col("unit").alias(t("planning.mrp.unit")),
        pl.col("need_date").alias(t("planning.mrp.need_date")), pl.col("lead_time_days").alias(t("planning.mrp.lead")),
        pl.col("release_date").alias(t("planning.mrp.release")), _yes("shortage").alias(t("planning.mrp.shortage")),
        pl.col("supplier_code").alias(t("planning.mrp.supplier"))))


def planned_orders_xlsx(orders: pl.DataFrame) -> bytes:
    """The planned purchase orders for purchasing: translated headers, ISO dates, formulas neutralised."""
    return frame_bytes(planned_orders_display(orders), "xlsx", sheet="MRP")


# --- progress ----------------------------------------------------------------------------------------
def _status() -> pl.Expr:
    """The projection's status (late, projected_late, on_track; Progress adds behind) in the user's language."""
    names = {s: t(f"hplan.status.{s}") for s in ("late", "projected_late", "on_track")}
    names["behind"] = t("planning.progress.status.behind")
    return pl.col("status").replace_strict(names, default=pl.col("status"))


def progress_table(lines: pl.DataFrame) -> pl.DataFrame:
    return iso_dates(lines.select(
        _status().alias(t("planning.progress.status")),
        pl.col("order_no").alias(t("planning.order_no")), pl.col("line_no").alias(t("planning.line_no")),
        pl.col("customer_code").alias(t("planning.customer")), pl.col("product_code").alias(t("planning.product")),
        pl.col("qty").alias(t("planning.ordered")), pl.col("shipped_qty").alias(t("planning.shipped")),
        _pct("shipped_share").alias(t("planning.progress.shipped_share")),
        pl.col("promised_date").alias(t("planning.promised")),
        pl.col("production_start").alias(t("planning.progress.start")),
        pl.col("days_late").alias(t("planning.progress.days_late")),
        pl.col("covered_qty").round(0).alias(t("planning.progress.covered")),
        pl.col("wip_qty").round(0).alias(t("hplan.from_wip")),
        pl.col("gap_qty").round(0).alias(t("planning.progress.gap")),
        pl.col("projected_finish").alias(t("hplan.projected_finish")),
        pl.col("lateness_days").alias(t("hplan.lateness"))))


def weekly_table(weeks: pl.DataFrame) -> pl.DataFrame:
    return weeks.select(
        week_label().alias(t("planning.week")),
        *[pl.col(c).alias(t(f"planning.progress.{c}")) for c in ("due_qty", "shipped_qty", "needed_qty", "produced_qty",
                                                                   "cum_gap")])


def progress_chart(weeks: pl.DataFrame) -> alt.Chart:
    """Production needed vs good output per week, side by side."""
    series = {"needed_qty": t("planning.progress.needed_qty"), "produced_qty": t("planning.progress.produced_qty")}
    data = (weeks.sort("week").select(week=week_short(), needed_qty="needed_qty", produced_qty="produced_qty")
            .unpivot(index="week", variable_name="series", value_name="qty")
            .with_columns(pl.col("series").replace_strict(series)))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("week:O", title=t("planning.week"), sort=_weeks_in_order(data),
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelFont=CJK_FONT, titleFont=CJK_FONT)),
        xOffset=alt.XOffset("series:N", sort=list(series.values())),
        y=alt.Y("qty:Q", title=t("planning.progress.qty"), axis=count_axis(titleFont=CJK_FONT)),
        color=alt.Color("series:N", title=t("planning.progress.series"), sort=list(series.values()),
                        scale=alt.Scale(range=["#90a4ae", "#1e88e5"]),
                        legend=alt.Legend(orient="bottom", labelFont=CJK_FONT, titleFont=CJK_FONT, labelLimit=300)),
        tooltip=["week:O", "series:N", "qty:Q"],
    ).properties(height=300)  # the page's subheader names it


# --- page pieces ------------------------------------------------------------------------------------
def as_of_input():
    """The plan date (default today), shared by the planning pages through its session key."""
    import streamlit as st
    from datetime import date

    return st.date_input(t("planning.as_of"), value=date.today(), key="planning_as_of", help=t("planning.as_of_help"))


def calendar_inputs(columns) -> "ShiftCalendar":
    """The shift calendar of the projection, the same on every planning page (shared session keys)."""
    import streamlit as st

    from dashboard.planning.schedule import ShiftCalendar

    default = ShiftCalendar()
    with columns[0]:
        shifts = st.number_input(t("planning.capacity.shifts"), min_value=1, max_value=3, value=default.shifts_per_day,
                                 step=1, key="planning_shifts")
    with columns[1]:
        hours = st.number_input(t("planning.capacity.hours_per_shift"), min_value=1.0, max_value=12.0,
                                value=default.hours_per_shift, step=0.5, key="planning_hours")
    with columns[2]:
        days = st.number_input(t("planning.capacity.days"), min_value=1, max_value=7, value=default.days_per_week,
                               step=1, key="planning_days")
    return ShiftCalendar(int(shifts), float(hours), int(days))


def plan_inputs():
    """Plan date and shift calendar in one row, the same widgets (and values) on every planning page."""
    import streamlit as st

    c1, *rest = st.columns(4)
    with c1:
        today = as_of_input()
    return today, calendar_inputs(rest)


def late_metrics(projection) -> None:
    """The projection's late and projected-late line counts, shown alike on the four planning pages."""
    import streamlit as st

    counts = projection.counts()
    m1, m2 = st.columns(2)
    m1.metric(t("hplan.late"), counts["late"], help=t("hplan.late_help"))
    m2.metric(t("hplan.projected_late"), counts["projected_late"], help=t("hplan.late_help"))
    unrouted = projection.lines.filter((pl.col("n_steps") == 0) & (pl.col("to_make") > 0)).height
    if unrouted:
        st.caption(t("hplan.unrouted", n=unrouted))
    with st.expander(t("hplan.projection.title")):
        st.markdown(t("hplan.projection.rules"))


def late_lines_table(projection) -> pl.DataFrame:
    """The projection's late and projected-late lines (late first, then by promised date)."""
    lines = projection.lines.filter(pl.col("status") != "on_track").sort(
        pl.col("status") != "late", "promised_date", "sequence")
    return iso_dates(lines.select(
        _status().alias(t("hplan.status")),
        pl.col("order_no").alias(t("planning.order_no")), pl.col("line_no").alias(t("planning.line_no")),
        pl.col("customer_code").alias(t("planning.customer")), pl.col("abc_class").alias(t("planning.abc_class")),
        pl.col("product_code").alias(t("planning.product")), pl.col("remaining_qty").alias(t("planning.remaining")),
        pl.col("from_stock").round(0).alias(t("hplan.from_stock")), pl.col("to_make").round(0).alias(t("hplan.to_make")),
        pl.col("promised_date").alias(t("planning.promised")),
        pl.col("projected_finish").alias(t("hplan.projected_finish")),
        pl.col("lateness_days").alias(t("hplan.lateness"))))


def late_lines(projection) -> None:
    """The same list of late and projected-late lines at the foot of every planning page."""
    import streamlit as st

    table = late_lines_table(projection)
    st.subheader(t("hplan.late_lines", n=table.height))
    if table.height == 0:
        st.success(t("hplan.no_late_lines"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def rules(key: str, **params) -> None:
    """The page's calculation rules, folded away."""
    import streamlit as st

    with st.expander(t("planning.rules")):
        st.markdown(t(key, **params))
