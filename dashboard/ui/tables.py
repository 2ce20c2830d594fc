"""Tables with CSV and XLSX downloads; formula-looking text is neutralised in every download
(data_access.ingest.export.frame_bytes, the one guard every export of the app uses)."""
from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl
import streamlit as st

from dashboard.i18n import current_lang, t
from dashboard.i18n.codes import COLUMN_GROUPS, EMPTY, code_labels
from dashboard.i18n.numbers import UNITS, fmt_value, unit
from data_access.ingest.export import frame_bytes

MAX_SHOWN = 500  # rows drawn in the page; downloads always hold every row


def _file_stem(name: str) -> str:
    return re.sub(r"[^\w\-]+", "_", name, flags=re.UNICODE).strip("_") or "table"


def download_buttons(frame: pl.DataFrame | Callable[[], pl.DataFrame], name: str, key: str) -> None:
    """CSV and XLSX of the whole frame (or of what the callable returns), made only when clicked:
    writing 100,000 rows to XLSX takes seconds, which no rerun of the page should pay."""
    c1, c2, _ = st.columns([1, 1, 4])
    stem = _file_stem(name)
    whole = frame if callable(frame) else (lambda: frame)
    c1.download_button(t("analysis.download.csv"), lambda: frame_bytes(whole(), "csv"), f"{stem}.csv", "text/csv",
                       key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    c2.download_button(t("analysis.download.xlsx"), lambda: frame_bytes(whole(), "xlsx", sheet=stem[:31]),
                       f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")


def unit_column(unit_id: str, label: str | None = None, **kwargs):
    """A table column of a unit's numbers, formatted as the tiles, the PDF and the XLSX are."""
    return st.column_config.NumberColumn(label, format=unit(unit_id).grid, **kwargs)


# the unit of a column configured with unit_column (or with the same printf format), by that format
_BY_GRID = {u.grid: u.id for u in reversed(list(UNITS.values()))} | {"percent": "ratio"}


def _unit_of(spec) -> str | None:
    if not isinstance(spec, dict):
        return None
    return _BY_GRID.get((spec.get("type_config") or {}).get("format"))


def kpi_columns(kpis, name_of: Callable[[str], str]) -> dict:
    """column_config for a table of KPI columns headed name_of(kpi): each in its KPI's unit."""
    from dashboard.kpi import KPIS

    return {name_of(k): unit_column(KPIS[k].unit) for k in kpis if k in KPIS}


# columns of the rows behind a chart that hold a unit's figures, by their field name
ROW_UNITS = {"cost": "currency", "amount": "currency"}


def _dashes_for_gaps(shown: pl.DataFrame, column_config: dict | None) -> tuple[pl.DataFrame, dict | None]:
    """An empty cell says "—", never "None" (what the grid prints for a null): text columns get the
    dash, a number column with gaps and no unit becomes text (a unit column is written by its unit)."""
    shown = shown.with_columns(pl.selectors.categorical().cast(pl.String))  # codes are shown as the text they are
    shown = shown.with_columns(pl.selectors.string().fill_null(EMPTY), pl.selectors.float().fill_nan(None))
    config = dict(column_config or {})
    for name, dtype in shown.schema.items():
        if not dtype.is_numeric() or not shown[name].null_count() or _unit_of(config.get(name)):
            continue
        config.pop(name, None)
        text = [EMPTY if v is None else fmt_value(v, "number" if isinstance(v, float) else "pieces") for v in shown[name]]
        shown = shown.with_columns(pl.Series(name, text, dtype=pl.String))
    return shown, (config or None) if column_config is not None else None


def _whole(column: pl.Series) -> bool:
    """A float column of whole numbers (counts summed as floats): written 6, not 6.00."""
    values = column.drop_nulls()
    return bool(values.len()) and bool((values == values.round(0)).all())


def unit_grid(shown: pl.DataFrame, column_config: dict | None):
    """The frame for st.dataframe with its unit columns written as the tiles write them ("36.7 %",
    "−¥4,351.00", "—"), which no printf format of the grid can do (it prints "36.70%", "¥-4,351.00").
    The text is the Styler's display value, so the column still sorts by the number beneath."""
    config = dict(column_config or {})
    units = {name: u for name, spec in config.items()
             if name in shown.columns and shown.schema[name].is_numeric() and (u := _unit_of(spec))
             and (u in ("ratio", "currency") or (shown[name] < 0).any() or shown[name].null_count())}
    if not units:  # the grid's printf prints the others alike
        return shown, column_config
    for name in units:  # the grid's own format would override the display text
        spec = dict(config[name])
        spec["type_config"] = {k: v for k, v in (spec.get("type_config") or {}).items() if k != "format"}
        config[name] = spec
    # a Styler writes every cell: the other number columns as numbers are written ("—" for a gap)
    others = {name: unit("pieces" if dtype.is_integer() or _whole(shown[name]) else "number").text
              for name, dtype in shown.schema.items() if dtype.is_numeric() and name not in units}
    styler = shown.to_pandas().style.format(others | {name: unit(u).text for name, u in units.items()})
    return styler, config


def with_grouped_integers(shown: pl.DataFrame, column_config: dict | None) -> dict:
    """Whole-number columns without a format of their own get thousand separators (1,264, not 1264)."""
    config = dict(column_config or {})
    for name, dtype in shown.schema.items():
        if dtype.is_integer() and name not in config:
            config[name] = unit_column("pieces")
    return config


def without_gaps(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame for st.dataframe with "—" in its empty cells (for tables drawn without data_table)."""
    return _dashes_for_gaps(frame, None)[0]


def grid(frame: pl.DataFrame, *, column_config: dict | None = None, **kwargs) -> None:
    """st.dataframe as every table of the app draws it: "—" in a gap, thousands grouped, a unit's
    figures as the tiles write them (for a table without downloads; data_table adds them)."""
    shown, config = _dashes_for_gaps(frame, column_config)
    config = with_grouped_integers(shown, config)
    shown, config = unit_grid(shown, config)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, **kwargs)


def data_table(frame: pl.DataFrame, name: str, key: str, *, column_config: dict | None = None,
               height: int | str = "auto", total: int | None = None,
               whole: Callable[[], pl.DataFrame] | None = None) -> None:
    """The table (first MAX_SHOWN rows) with its downloads; says so in words when it is empty.

    With `whole` (a callable giving every row, called only for a download) `frame` is just what is
    shown and `total` the number of all rows."""
    total = frame.height if total is None else total
    if total == 0:
        st.info(t("common.no_data"))
        return
    # dates as plain text on screen (the grid would add 00:00:00); downloads keep real dates
    shown = frame.head(MAX_SHOWN).with_columns(pl.selectors.date().dt.strftime("%Y-%m-%d"))
    grid(shown, column_config=column_config, height=height, key=key)
    if total > MAX_SHOWN:
        st.caption(t("analysis.table.truncated", shown=MAX_SHOWN, total=f"{total:,}"))
    download_buttons(whole or frame, name, key)


def labelled_codes(rows: pl.DataFrame, reasons: pl.DataFrame | None = None) -> pl.DataFrame:
    """Code columns (category, move, severity, stage, ...: dashboard.i18n.codes.COLUMN_GROUPS) as
    their labels in the user's language; with `reasons` (the reasons master) a `reason_name`
    column beside the reason code, which a person reads while the code stays for a search."""
    out = rows.with_columns([pl.col(c).cast(pl.String).replace(code_labels(group)).alias(c)
                             for c, group in COLUMN_GROUPS.items() if c in rows.columns])
    if reasons is not None and "reason" in out.columns and "reason_code" in reasons.columns:
        column = "name_zh" if current_lang() == "zh" else "name_en"
        mapping = {c: (n or c) for c, n in reasons.select("reason_code", column).iter_rows()}
        out = out.with_columns(reason_name=pl.col("reason").cast(pl.String).replace(mapping))
    return out


def rows_behind_table(frame: pl.DataFrame, headers: dict[str, str], name: str, key: str, *,
                      newest_first: str | None = None, reasons: pl.DataFrame | None = None) -> None:
    """"Rows behind this": the records under the current filters and drill-down, columns renamed;
    codes shown as their labels, reason codes followed by the reason's name (with `reasons`).

    With `newest_first` (a date column) the rows are shown latest first: a rerun sorts only the
    rows it shows (a year of production is 700,000 rows), a download sorts them all."""
    st.subheader(t("analysis.rows_behind"))
    present = {c: h for c, h in headers.items() if c in frame.columns}
    if reasons is not None and "reason" in present:  # the name right after the code
        at = list(present).index("reason") + 1
        items = list(present.items())
        present = dict(items[:at] + [("reason_name", t("r2zh.col.reason_name"))] + items[at:])

    config = {present[c]: unit_column(u) for c, u in ROW_UNITS.items() if c in present}

    def shaped(rows: pl.DataFrame) -> pl.DataFrame:
        rows = labelled_codes(rows, reasons)
        # dates stored with a midnight time show as plain dates
        return rows.select([(pl.col(c).dt.date() if rows.schema[c] == pl.Datetime else pl.col(c)).alias(h)
                            for c, h in present.items()])

    st.caption(t("analysis.rows_behind.count", rows=f"{frame.height:,}"))
    if newest_first is None or newest_first not in frame.columns:
        data_table(shaped(frame), name, key, column_config=config)
        return
    latest = frame.top_k(MAX_SHOWN, by=newest_first).sort(newest_first, descending=True)
    data_table(shaped(latest), name, key, column_config=config, total=frame.height,
               whole=lambda: shaped(frame.sort(newest_first, descending=True, maintain_order=True)))


__all__ = ["MAX_SHOWN", "data_table", "download_buttons", "grid", "headers", "kpi_columns", "labelled_codes", "rows_behind_table", "translated", "unit_column", "unit_grid", "without_gaps"]


def headers(*columns: str) -> dict[str, str]:
    """{column: translated header} for the analysis tables (keys analysis.col.<column>)."""
    return {c: t(f"analysis.col.{c}") for c in columns}


def translated(frame: pl.DataFrame, columns: dict[str, str] | None = None) -> pl.DataFrame:
    """The frame with its columns renamed to translated headers (only those named)."""
    columns = columns or headers(*frame.columns)
    return frame.select([pl.col(c).alias(h) for c, h in columns.items() if c in frame.columns])
