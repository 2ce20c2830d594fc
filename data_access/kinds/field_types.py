"""What each field type means everywhere, in one record per type (docs/kinds.md "Field types").

A field declares its type by name (`Field("good_qty", "int", ...)`); everything that differs
between types is read from the type's FieldType here rather than from an `if f.type == ...`
chain in each layer: the column type of the table (data_access.models), the polars dtype of a
loaded frame (data_access.loaders), how a declaration's example becomes a value (templates,
tests), how a file's text is parsed and which message a value that does not parse gets
(data_access.ingest.parse), which checks apply (bounds, length, plausible dates), how SQLite keeps
it as text (seed fast path), and which widget the entry form and the editor show
(dashboard.ui.record_form / editor read `widget`; Streamlit stays up there).
Adding a type is one entry in FIELD_TYPES plus its `ingest.type.<name>` label in en and zh.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

import polars as pl
import sqlalchemy as sa

# `Field` below is data_access.kinds.base.Field, named only in annotations: base imports this
# module, not the other way round (no import cycle).
TypeName = Literal["str", "int", "float", "date", "time", "datetime", "bool", "month", "enum"]

TRUE_WORDS = ("yes", "true", "1", "是")  # how a declaration's example writes a true boolean


def _bool_from_text(text: str) -> bool:
    return str(text).strip().lower() in TRUE_WORDS


# ----------------------------------------------------------------------------- a file's text -> values
# The column parsers of data_access.ingest.parse, one per type: each takes the stripped texts of one
# column (`frame[col]`, None where empty) and returns the values in the type's dtype (None where
# unreadable) and the format it detected, if any.
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {"．": ".", "，": ",", "－": "-", "＋": "+", "：": ":",
                                                             "／": "/", "　": " "}
FILE_TRUE_WORDS = ("true", "1", "yes", "y", "t", "是", "对", "√", "1.0")  # what a file may write for yes / no
FILE_FALSE_WORDS = ("false", "0", "no", "n", "f", "否", "错", "×", "0.0")
_EXCEL_EPOCH = date(1899, 12, 30)

# (strftime format, what the clerk is shown). Order matters: "5-Jan-26" must meet %y before %Y.
DATE_FORMATS = (
    ("%Y-%m-%d", "YYYY-MM-DD"), ("%Y/%m/%d", "YYYY/M/D"), ("%Y.%m.%d", "YYYY.M.D"),
    ("%Y年%m月%d日", "YYYY年M月D日"), ("%d-%b-%y", "D-Mon-YY"), ("%d-%b-%Y", "D-Mon-YYYY"),
    ("%Y%m%d", "YYYYMMDD"),
    ("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD hh:mm:ss"), ("%Y-%m-%dT%H:%M:%S", "ISO date-time"),
    ("%Y/%m/%d %H:%M:%S", "YYYY/M/D hh:mm:ss"), ("%Y-%m-%d %H:%M", "YYYY-MM-DD hh:mm"),
    ("%Y/%m/%d %H:%M", "YYYY/M/D hh:mm"),
)
DATETIME_FORMATS = (
    ("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD hh:mm:ss"), ("%Y-%m-%d %H:%M", "YYYY-MM-DD hh:mm"),
    ("%Y-%m-%dT%H:%M:%S", "ISO date-time"), ("%Y-%m-%dT%H:%M", "ISO date-time"),
    ("%Y/%m/%d %H:%M:%S", "YYYY/M/D hh:mm:ss"), ("%Y/%m/%d %H:%M", "YYYY/M/D hh:mm"),
    ("%Y年%m月%d日 %H:%M", "YYYY年M月D日 hh:mm"), ("%Y年%m月%d日 %H:%M:%S", "YYYY年M月D日 hh:mm:ss"),
)
TIME_FORMATS = (("%H:%M", "hh:mm"), ("%H:%M:%S", "hh:mm:ss"), ("%H时%M分", "h时m分"))
EXCEL_SERIAL = "Excel serial number"
DETECT_SAMPLE = 2_000  # values a format is detected on

ParsedColumn = tuple[pl.Series, "str | None"]


def half_width(s: pl.Expr) -> pl.Expr:
    return s.str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))


def _number(s: pl.Expr) -> pl.Expr:
    s = half_width(s)
    s = s.str.replace_all(r"[,\s_]", "")
    v = s.cast(pl.Float64, strict=False)
    return pl.when(v.is_finite()).then(v)


def _serial_date(s: pl.Expr) -> pl.Expr:
    """Excel serial day numbers (1 = 1900-01-01 in Excel's counting) between 1900 and 2200."""
    v = s.cast(pl.Float64, strict=False)
    ok = (v >= 1) & (v < 109_575)
    return pl.when(ok).then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=v.floor().cast(pl.Int64)))


def only_where(frame: pl.DataFrame, col: str, need: pl.Series, expr: pl.Expr, into: pl.Series) -> pl.Series:
    """`into` with the rows of `need` replaced by `expr` evaluated on those rows only: the slow
    forms (full-width digits, thousands separators, other date formats) cost nothing when absent."""
    if not need.any():
        return into
    rows = need.arg_true()
    computed = frame.select(pl.col(col).gather(rows)).select(expr.alias(col)).to_series()
    return into.clone().scatter(rows, computed.cast(into.dtype, strict=False))


def _first_hit(parsers: list[tuple[pl.Expr, str]], frame: pl.DataFrame, col: str) -> ParsedColumn:
    """Several parsers, the file's own format first: the one that reads most of a sample of the
    values (named as the detected format) runs on every row, the others only where it failed."""
    sample = frame.select(pl.col(col)).drop_nulls().head(DETECT_SAMPLE)
    if sample.height == 0:
        return frame.select(parsers[0][0]).to_series(), None
    tries = sample.select([p.alias(f"p{i}") for i, (p, _) in enumerate(parsers)])
    counts = [tries[f"p{i}"].null_count() for i in range(len(parsers))]
    best = min(range(len(parsers)), key=lambda i: counts[i])
    detected = parsers[best][1] if counts[best] < sample.height else None
    values = frame.select(parsers[best][0]).to_series()
    others = [p for i, (p, _) in enumerate(parsers) if i != best]
    need = frame.get_column(col).is_not_null() & values.is_null()
    return only_where(frame, col, need, pl.coalesce(others), values), detected


def _parse_number(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    raw = frame.get_column(col)
    plain = raw.cast(pl.Float64, strict=False)  # most cells: a plain number
    out = only_where(frame, col, raw.is_not_null() & plain.is_null(), _number(pl.col(col)), plain)
    return frame.select(pl.when(out.is_finite()).then(out)).to_series() if len(out) else out, None


def _parse_bool(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    words = {w: True for w in FILE_TRUE_WORDS} | {w: False for w in FILE_FALSE_WORDS}
    return frame.select(pl.col(col).str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)).to_series(), None


def _parse_choice(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    lookup = {c.casefold(): c for c in f.choices}
    return frame.select(pl.col(col).str.to_lowercase().replace_strict(lookup, default=None, return_dtype=pl.String)).to_series(), None


def _parse_date(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    s = half_width(pl.col(col))
    parsers = [(s.str.to_date(fmt, strict=False), label) for fmt, label in DATE_FORMATS]
    parsers.append((_serial_date(s), EXCEL_SERIAL))
    return _first_hit(parsers, frame, col)


def _parse_datetime(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    s = half_width(pl.col(col))
    parsers = [(s.str.to_datetime(fmt, strict=False, time_unit="us"), label) for fmt, label in DATETIME_FORMATS]
    parsers += [(s.str.to_date(fmt, strict=False).cast(pl.Datetime("us")), label) for fmt, label in DATE_FORMATS[:6]]
    v = s.cast(pl.Float64, strict=False)
    parsers.append((pl.when((v >= 1) & (v < 109_575)).then(
        pl.lit(_EXCEL_EPOCH).cast(pl.Datetime("us")) + pl.duration(microseconds=(v * 86_400_000_000).round().cast(pl.Int64))),
        EXCEL_SERIAL))
    return _first_hit(parsers, frame, col)


def _parse_time(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    s = half_width(pl.col(col))
    parsers = [(s.str.to_time(fmt, strict=False), label) for fmt, label in TIME_FORMATS]
    v = s.cast(pl.Float64, strict=False)  # Excel stores a time as a fraction of a day
    parsers.append((pl.when((v >= 0) & (v < 1)).then(
        (pl.lit(0, pl.Int64) + (v * 86_400_000_000_000).round().cast(pl.Int64)).cast(pl.Time)), EXCEL_SERIAL))
    return _first_hit(parsers, frame, col)


def _parse_month(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    s = half_width(pl.col(col))
    groups = s.str.extract_groups(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
    y, m = groups.struct.field("1").cast(pl.Int32), groups.struct.field("2").cast(pl.Int32)
    from_parts = pl.when(m.is_between(1, 12)).then(pl.format("{}-{}", y, m.cast(pl.String).str.zfill(2)))
    from_date = pl.coalesce([s.str.to_date(fmt, strict=False) for fmt, _ in DATE_FORMATS[:4]] + [_serial_date(s)]).dt.strftime("%Y-%m")
    return frame.select(pl.coalesce(from_parts, from_date)).to_series(), None


def _as_written(f: Field, frame: pl.DataFrame, col: str) -> ParsedColumn:
    return frame.get_column(col), None  # text: stored as written (never evaluated)


# Where a dated value lies outside [earliest, latest] (the field's plausible dates), per type.
def _outside_day(values: pl.Series, earliest: date, latest: date) -> pl.Series:
    return (values < earliest) | (values > latest)


def _outside_instant(values: pl.Series, earliest: date, latest: date) -> pl.Series:
    return (values < datetime.combine(earliest, datetime.min.time())) | \
        (values >= datetime.combine(latest, datetime.min.time()) + timedelta(days=1))


def _outside_month(values: pl.Series, earliest: date, latest: date) -> pl.Series:
    return (values < earliest.strftime("%Y-%m")) | (values > latest.strftime("%Y-%m"))


@dataclass(frozen=True)
class FieldType:
    name: str
    polars: pl.DataType  # dtype of the column in a loaded frame
    sql: Callable[[Field], sa.types.TypeEngine]  # column type of the table (may read max_len, choices)
    from_text: Callable[[str], object]  # an example value as written in a declaration -> Python value
    widget: str  # entry form and editor: "choice", "checkbox", "whole", "number", "date", "time",
    #              "datetime", "month" or "text" (dashboard.ui maps each to a Streamlit widget)
    parse: Callable[[Field, pl.DataFrame, str], ParsedColumn] = _as_written  # a file's texts -> values
    not_parsed: str | None = None  # message key of a value that does not parse (None: every text is valid)
    outside_dates: Callable[[pl.Series, date, date], pl.Series] | None = None  # plausible-date check
    sqlite_text: str | None = None  # strftime format SQLite keeps the value in (stored as text)
    numeric: bool = False  # min / max bounds apply
    whole: bool = False  # an integer column: its 32-bit range and whole numbers are checked
    text: bool = False  # free text: max_len applies (and optional key text is stored as '')
    closed: bool = False  # only the declared choices are allowed (a CHECK ... IN constraint)
    monthly: bool = False  # kept as 'YYYY-MM' text: a date window keeps the months it touches

    def example(self, f: Field) -> object:
        """The declaration's example of field `f` as a Python value of this type (None if none)."""
        return None if f.example is None else self.from_text(f.example)


FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in (
    FieldType("str", pl.String, lambda f: sa.String(f.max_len), str, "text", text=True),
    FieldType("int", pl.Int64, lambda f: sa.Integer(), int, "whole", _parse_number, "ingest.val.not_number",
              numeric=True, whole=True),
    FieldType("float", pl.Float64, lambda f: sa.Float(), float, "number", _parse_number, "ingest.val.not_number",
              numeric=True),
    FieldType("date", pl.Date, lambda f: sa.Date(), date.fromisoformat, "date", _parse_date, "ingest.val.not_date",
              _outside_day, sqlite_text="%Y-%m-%d"),
    FieldType("time", pl.Time, lambda f: sa.Time(), time.fromisoformat, "time", _parse_time, "ingest.val.not_time",
              sqlite_text="%H:%M:%S%.6f"),
    FieldType("datetime", pl.Datetime("us"), lambda f: sa.DateTime(), datetime.fromisoformat, "datetime",
              _parse_datetime, "ingest.val.not_datetime", _outside_instant, sqlite_text="%Y-%m-%d %H:%M:%S%.6f"),
    FieldType("bool", pl.Boolean, lambda f: sa.Boolean(), _bool_from_text, "checkbox", _parse_bool, "ingest.val.not_bool"),
    FieldType("month", pl.String, lambda f: sa.String(7), str, "month", _parse_month, "ingest.val.not_month",
              _outside_month, monthly=True),
    FieldType("enum", pl.String, lambda f: sa.String(max(len(c) for c in f.choices)), str, "choice", _parse_choice,
              "ingest.val.not_choice", closed=True),
)}


def field_type(f: Field) -> FieldType:
    """The FieldType record of a field (a clear error for a type that is not declared here)."""
    try:
        return FIELD_TYPES[f.type]
    except KeyError:
        raise KeyError(f"field {f.name!r}: unknown type {f.type!r}; known: {', '.join(FIELD_TYPES)}") from None


__all__ = ["DATE_FORMATS", "DATETIME_FORMATS", "FIELD_TYPES", "FieldType", "TIME_FORMATS", "TRUE_WORDS", "TypeName",
           "field_type", "half_width", "only_where"]
