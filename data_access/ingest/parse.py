"""Step 3 and the in-file half of step 4: strings -> declared types, then the checks that need
nothing but the file (required, bounds, enumerations, lengths, the kind's rules, duplicate keys).
Vectorised with polars; Python only loops over the rows that have a problem."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import polars as pl

from dashboard.i18n import t
from data_access.ingest.headers import HeaderMatch
from data_access.ingest.problems import Problem
from data_access.ingest.read import RawTable
from data_access.kinds import Field, Kind, get_kind
from data_access.loaders import schema_of
from data_access.models import stores_empty_as_blank

ROW = "_row"  # the file row number column carried through the pipeline

_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {"．": ".", "，": ",", "－": "-", "＋": "+", "：": ":",
                                                             "／": "/", "　": " "}
TRUE_WORDS = ("true", "1", "yes", "y", "t", "是", "对", "√", "1.0")
FALSE_WORDS = ("false", "0", "no", "n", "f", "否", "错", "×", "0.0")
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
# What an "int" column holds (sa.Integer, see data_access.models: 32 bits on PostgreSQL).
INT_RANGE = (-2_147_483_648, 2_147_483_647)
# A comma in a number is a thousands separator only in groups of three ("1,234", "12,345.5");
# anything else ("7,5", "1.234,5") is ambiguous and refused rather than guessed.
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"


@dataclass
class Parsed:
    kind: str
    frame: pl.DataFrame  # field columns in declared types + ROW
    texts: pl.DataFrame  # the stripped strings of each field + ROW (for messages and rejected rows)
    match: HeaderMatch
    problems: list[Problem] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)

    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if not p.warning and p.row is not None}


# ----------------------------------------------------------------------------- per type
def _clean(s: pl.Expr) -> pl.Expr:
    s = s.str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def _half_width(s: pl.Expr) -> pl.Expr:
    return s.str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))


def _ambiguous_comma(s: pl.Expr) -> pl.Expr:
    s = _half_width(s).str.replace_all(r"\s", "")
    return (s.str.contains(",", literal=True) & ~s.str.contains(_THOUSANDS)).fill_null(False)


def _number(s: pl.Expr) -> pl.Expr:
    s = _half_width(s)
    s = s.str.replace_all(r"[,\s_]", "")
    v = s.cast(pl.Float64, strict=False)
    return pl.when(v.is_finite()).then(v)


def _serial_date(s: pl.Expr) -> pl.Expr:
    """Excel serial day numbers (1 = 1900-01-01 in Excel's counting) between 1900 and 2200."""
    v = s.cast(pl.Float64, strict=False)
    ok = (v >= 1) & (v < 109_575)
    return pl.when(ok).then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=v.floor().cast(pl.Int64)))


DETECT_SAMPLE = 2_000  # values a format is detected on


def _only_where(frame: pl.DataFrame, col: str, need: pl.Series, expr: pl.Expr, into: pl.Series) -> pl.Series:
    """`into` with the rows of `need` replaced by `expr` evaluated on those rows only: the slow
    forms (full-width digits, thousands separators, other date formats) cost nothing when absent."""
    if not need.any():
        return into
    rows = need.arg_true()
    computed = frame.select(pl.col(col).gather(rows)).select(expr.alias(col)).to_series()
    return into.clone().scatter(rows, computed.cast(into.dtype, strict=False))


def _first_hit(s: pl.Expr, parsers: list[tuple[pl.Expr, str]], frame: pl.DataFrame, col: str):
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
    return _only_where(frame, col, need, pl.coalesce(others), values), detected


def _parse_column(f: Field, frame: pl.DataFrame, col: str) -> tuple[pl.Series, str | None]:
    s = pl.col(col)
    if f.type in ("int", "float"):
        raw = frame.get_column(col)
        plain = raw.cast(pl.Float64, strict=False)  # most cells: a plain number
        out = _only_where(frame, col, raw.is_not_null() & plain.is_null(), _number(s), plain)
        return frame.select(pl.when(out.is_finite()).then(out)).to_series() if len(out) else out, None
    if f.type == "bool":
        words = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
        return frame.select(s.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)).to_series(), None
    if f.type == "enum":
        lookup = {c.casefold(): c for c in f.choices}
        return frame.select(s.str.to_lowercase().replace_strict(lookup, default=None, return_dtype=pl.String)).to_series(), None
    if f.type == "date":
        s2 = s.str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))
        parsers = [(s2.str.to_date(fmt, strict=False), label) for fmt, label in DATE_FORMATS]
        parsers.append((_serial_date(s2), EXCEL_SERIAL))
        return _first_hit(s2, parsers, frame, col)
    if f.type == "datetime":
        s2 = s.str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))
        parsers = [(s2.str.to_datetime(fmt, strict=False, time_unit="us"), label) for fmt, label in DATETIME_FORMATS]
        parsers += [(s2.str.to_date(fmt, strict=False).cast(pl.Datetime("us")), label) for fmt, label in DATE_FORMATS[:6]]
        v = s2.cast(pl.Float64, strict=False)
        parsers.append((pl.when((v >= 1) & (v < 109_575)).then(
            pl.lit(_EXCEL_EPOCH).cast(pl.Datetime("us")) + pl.duration(microseconds=(v * 86_400_000_000).round().cast(pl.Int64))),
            EXCEL_SERIAL))
        return _first_hit(s2, parsers, frame, col)
    if f.type == "time":
        s2 = s.str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))
        parsers = [(s2.str.to_time(fmt, strict=False), label) for fmt, label in TIME_FORMATS]
        v = s2.cast(pl.Float64, strict=False)  # Excel stores a time as a fraction of a day
        parsers.append((pl.when((v >= 0) & (v < 1)).then(
            (pl.lit(0, pl.Int64) + (v * 86_400_000_000_000).round().cast(pl.Int64)).cast(pl.Time)), EXCEL_SERIAL))
        return _first_hit(s2, parsers, frame, col)
    if f.type == "month":
        s2 = s.str.replace_many(list(_FULL_WIDTH), list(_FULL_WIDTH.values()))
        groups = s2.str.extract_groups(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
        y, m = groups.struct.field("1").cast(pl.Int32), groups.struct.field("2").cast(pl.Int32)
        from_parts = pl.when(m.is_between(1, 12)).then(pl.format("{}-{}", y, m.cast(pl.String).str.zfill(2)))
        from_date = pl.coalesce([s2.str.to_date(fmt, strict=False) for fmt, _ in DATE_FORMATS[:4]] + [_serial_date(s2)]).dt.strftime("%Y-%m")
        return frame.select(pl.coalesce(from_parts, from_date)).to_series(), None
    return frame.get_column(col), None  # str: stored as written (never evaluated)


def _type_message(f: Field) -> str:
    return {"int": "ingest.val.not_number", "float": "ingest.val.not_number", "date": "ingest.val.not_date",
            "datetime": "ingest.val.not_datetime", "time": "ingest.val.not_time", "month": "ingest.val.not_month",
            "bool": "ingest.val.not_bool", "enum": "ingest.val.not_choice"}[f.type]


# ----------------------------------------------------------------------------- the step
def _problems_from(texts: pl.DataFrame, mask: pl.Series, column: str, f: Field | None, message: str, key: str,
                   warning: bool = False, value_col: str | None = None) -> list[Problem]:
    hits = texts.filter(mask)
    if hits.height == 0:
        return []
    values = hits.get_column(value_col) if value_col else pl.Series([None] * hits.height, dtype=pl.String)
    return [Problem(int(r), column, v, message, key=key, field=f.name if f else None, warning=warning)
            for r, v in zip(hits.get_column(ROW).to_list(), values.to_list())]


def parse_table(raw: RawTable, match: HeaderMatch, kind_name: str, lang: str = "en") -> Parsed:
    kind = get_kind(kind_name)
    texts = raw.frame.select(
        [_clean(pl.col(f"c{match.columns[f.name]}")).alias(f.name) if f.name in match.columns
         else pl.lit(None, pl.String).alias(f.name) for f in kind.fields]
    ).with_columns(raw.row_numbers.alias(ROW))
    parsed = _typed(kind, texts, match, lang)
    return parsed


def _typed(kind: Kind, texts: pl.DataFrame, match: HeaderMatch, lang: str) -> Parsed:
    schema = schema_of(kind.name)
    columns, problems, formats = {}, [], {}
    for f in kind.fields:
        header = match.header_of(f.name)
        raw = texts.get_column(f.name)
        values, detected = _parse_column(f, texts, f.name)
        values = values.cast(schema[f.name], strict=False) if f.type != "int" else values
        if detected:
            formats[f.name] = detected
        present = raw.is_not_null()
        failed = present & values.is_null()

        def refuse(values: pl.Series, mask: pl.Series, key: str, **params) -> pl.Series:
            """Report the cells of `mask` and take them out of the values (one problem per cell)."""
            nonlocal failed
            mask = mask.fill_null(False)
            if not mask.any():
                return values
            problems.extend(_problems_from(texts, mask, header, f, t(key, lang, **params), key, value_col=f.name))
            failed = failed & ~mask
            return values.clone().scatter(mask.arg_true(), None)

        if f.type in ("int", "float"):
            comma = raw.str.contains(",", literal=True) | raw.str.contains("，", literal=True)
            ambiguous = _only_where(texts, f.name, comma.fill_null(False), _ambiguous_comma(pl.col(f.name)),
                                    pl.repeat(False, len(raw), dtype=pl.Boolean, eager=True))
            values = refuse(values, ambiguous, "ingest.val.ambiguous_comma")
        if f.type == "int":  # the column's range first (a 20-digit number is no count), then whole numbers
            low, high = INT_RANGE
            values = refuse(values, (values < low) | (values > high), "ingest.val.out_of_range", min=f"{low:,}", max=f"{high:,}")
            values = refuse(values, values != values.floor(), "ingest.val.not_whole")  # 12.0 is fine, 12.5 is not
            values = values.cast(pl.Int64, strict=False)
        if f.type != "str" and failed.any():
            key = _type_message(f)
            params = {"choices": ", ".join(f.choices)} if f.type == "enum" else {}
            problems += _problems_from(texts, failed, header, f, t(key, lang, **params), key, value_col=f.name)
        if f.required:
            missing = raw.is_null()
            if missing.any() and f.name in match.columns:
                problems += _problems_from(texts, missing, header, f, t("ingest.val.required", lang), "ingest.val.required",
                                           value_col=None)
        if f.type in ("int", "float"):
            if f.min is not None:
                values = refuse(values, values < f.min, "ingest.val.below_min", min=f"{f.min:g}")
            if f.max is not None:
                values = refuse(values, values > f.max, "ingest.val.above_max", max=f"{f.max:g}")
            if f.max is None or f.max > f.plausible_max:
                values = refuse(values, values.abs() > f.plausible_max, "ingest.val.implausible", max=f"{f.plausible_max:,.0f}")
        if f.type in ("date", "datetime", "month"):
            values = refuse(values, _outside_dates(f, values), "ingest.val.implausible_date",
                            earliest=f.earliest, latest=f.last_date().isoformat())
        if f.type == "str":
            values = refuse(values, raw.str.len_chars() > f.max_len, "ingest.val.too_long", max_len=f.max_len)
        columns[f.name] = values.alias(f.name).cast(schema[f.name], strict=False)
    frame = pl.DataFrame(columns).with_columns(texts.get_column(ROW))
    for rule in kind.rules:
        ok = frame.select(rule.check.fill_null(True).alias("ok")).to_series()
        if not ok.all():
            first = next((f for f in rule.fields if f in match.columns), rule.fields[0])
            problems += _problems_from(texts, ~ok, match.header_of(first), kind.field(first), rule.message(lang),
                                       f"ingest.rule.{rule.id}", warning=rule.warning, value_col=first)
    problems += _duplicate_keys(kind, frame, texts, match, lang)
    problems.sort(key=lambda p: (p.row or 0, p.warning))
    return Parsed(kind.name, frame, texts, match, problems, formats)


def _outside_dates(f: Field, values: pl.Series) -> pl.Series:
    """True where a date, date-time or month (YYYY-MM) lies outside the field's plausible dates."""
    earliest, latest = f.first_date(), f.last_date()
    if f.type == "month":
        return (values < earliest.strftime("%Y-%m")) | (values > latest.strftime("%Y-%m"))
    if f.type == "datetime":
        return (values < datetime.combine(earliest, datetime.min.time())) | \
            (values >= datetime.combine(latest, datetime.min.time()) + timedelta(days=1))
    return (values < earliest) | (values > latest)


def key_frame(kind: Kind, frame: pl.DataFrame) -> pl.DataFrame:
    """The natural-key columns as the database stores them (optional text keys as '')."""
    return frame.select([pl.col(k).fill_null("") if stores_empty_as_blank(kind, kind.field(k)) else pl.col(k)
                         for k in kind.key])


def _duplicate_keys(kind: Kind, frame: pl.DataFrame, texts: pl.DataFrame, match: HeaderMatch, lang: str) -> list[Problem]:
    keys = key_frame(kind, frame).with_columns(frame.get_column(ROW))
    complete = pl.all_horizontal([pl.col(k).is_not_null() for k in kind.key])
    keys = keys.with_columns(complete.alias("_complete"), pl.col(ROW).first().over(kind.key).alias("_first"))
    dup = keys.select((pl.col("_complete") & (pl.col(ROW) != pl.col("_first"))).alias("d")).to_series()
    if not dup.any():
        return []
    hits = keys.filter(dup)
    first_field = kind.key[0]
    header = match.header_of(first_field)
    values = texts.filter(dup).get_column(first_field).to_list()
    key_text = ", ".join(match.header_of(k) for k in kind.key)
    return [Problem(int(r), header, v, t("ingest.val.duplicate_in_file", lang, first=int(first), keys=key_text),
                    key="ingest.val.duplicate_in_file", field=first_field)
            for r, first, v in zip(hits.get_column(ROW).to_list(), hits.get_column("_first").to_list(), values)]
