"""Step 3 and the in-file half of step 4: strings -> declared types, then the checks that need
nothing but the file (required, bounds, enumerations, lengths, the kind's rules, duplicate keys).
Vectorised with polars; Python only loops over the rows that have a problem."""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from data_access.ingest.headers import HeaderMatch
from data_access.ingest.problems import Label, Msg, Problem, problem_order, problem_rows
from data_access.ingest.read import RawTable
from data_access.kinds import Field, Kind, get_kind
from data_access.kinds.field_types import half_width, only_where
from data_access.loaders import text_schema_of
from data_access.kinds.base import stores_empty_as_blank

ROW = "_row"  # the file row number column carried through the pipeline

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
# How each type's text is read is its FieldType's `parse` (data_access.kinds.field_types).
def _clean(s: pl.Expr) -> pl.Expr:
    s = s.str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def _ambiguous_comma(s: pl.Expr) -> pl.Expr:
    s = half_width(s).str.replace_all(r"\s", "")
    return (s.str.contains(",", literal=True) & ~s.str.contains(_THOUSANDS)).fill_null(False)


# ----------------------------------------------------------------------------- the step
def _problems_from(texts: pl.DataFrame, mask: pl.Series, column: str, f: Field | None, text, key: str,
                   warning: bool = False, value_col: str | None = None) -> list[Problem]:
    hits = texts.filter(mask)
    if hits.height == 0:
        return []
    values = hits.get_column(value_col).to_list() if value_col else [None] * hits.height
    return problem_rows(hits.get_column(ROW).to_list(), values, column, text, key, field=f.name if f else None,
                        warning=warning)


def parse_table(raw: RawTable, match: HeaderMatch, kind_name: str) -> Parsed:
    kind = get_kind(kind_name)
    texts = raw.frame.select(
        [_clean(pl.col(f"c{match.columns[f.name]}")).alias(f.name) if f.name in match.columns
         else pl.lit(None, pl.String).alias(f.name) for f in kind.fields]
    ).with_columns(raw.row_numbers.alias(ROW))
    parsed = _typed(kind, texts, match)
    return parsed


def _typed(kind: Kind, texts: pl.DataFrame, match: HeaderMatch) -> Parsed:
    schema = text_schema_of(kind.name)
    columns, problems, formats = {}, [], {}
    for f in kind.fields:
        header = match.header_of(f.name)
        raw = texts.get_column(f.name)
        ft = f.field_type
        values, detected = ft.parse(f, texts, f.name)
        values = values if ft.whole else values.cast(schema[f.name], strict=False)  # ints are range-checked first
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
            problems.extend(_problems_from(texts, mask, header, f, Msg(key, params), key, value_col=f.name))
            failed = failed & ~mask
            return values.clone().scatter(mask.arg_true(), None)

        if ft.numeric:
            comma = raw.str.contains(",", literal=True) | raw.str.contains("，", literal=True)
            ambiguous = only_where(texts, f.name, comma.fill_null(False), _ambiguous_comma(pl.col(f.name)),
                                    pl.repeat(False, len(raw), dtype=pl.Boolean, eager=True))
            values = refuse(values, ambiguous, "ingest.val.ambiguous_comma")
        if ft.whole:  # the column's range first (a 20-digit number is no count), then whole numbers
            low, high = INT_RANGE
            values = refuse(values, (values < low) | (values > high), "ingest.val.out_of_range", min=f"{low:,}", max=f"{high:,}")
            values = refuse(values, values != values.floor(), "ingest.val.not_whole")  # 12.0 is fine, 12.5 is not
            values = values.cast(pl.Int64, strict=False)
        if ft.not_parsed and failed.any():
            key = ft.not_parsed
            params = {"choices": ", ".join(f.choices)} if ft.closed else {}
            problems += _problems_from(texts, failed, header, f, Msg(key, params), key, value_col=f.name)
        if f.required:
            missing = raw.is_null()
            if missing.any() and f.name in match.columns:
                problems += _problems_from(texts, missing, header, f, Msg("ingest.val.required"), "ingest.val.required",
                                           value_col=None)
        if ft.numeric:
            if f.min is not None:
                values = refuse(values, values < f.min, "ingest.val.below_min", min=f"{f.min:g}")
            if f.max is not None:
                values = refuse(values, values > f.max, "ingest.val.above_max", max=f"{f.max:g}")
            if f.max is None or f.max > f.plausible_max:
                values = refuse(values, values.abs() > f.plausible_max, "ingest.val.implausible", max=f"{f.plausible_max:,.0f}")
        if ft.outside_dates:
            values = refuse(values, ft.outside_dates(values, f.first_date(), f.last_date()), "ingest.val.implausible_date",
                            earliest=f.earliest, latest=f.last_date().isoformat())
        if ft.text:
            values = refuse(values, raw.str.len_chars() > f.max_len, "ingest.val.too_long", max_len=f.max_len)
        columns[f.name] = values.alias(f.name).cast(schema[f.name], strict=False)
    frame = pl.DataFrame(columns).with_columns(texts.get_column(ROW))
    for rule in kind.rules:
        ok = frame.select(rule.check.fill_null(True).alias("ok")).to_series()
        if not ok.all():
            first = next((f for f in rule.fields if f in match.columns), rule.fields[0])
            problems += _problems_from(texts, ~ok, match.header_of(first), kind.field(first), Label(rule.en, rule.zh),
                                       f"ingest.rule.{rule.id}", warning=rule.warning, value_col=first)
    problems += _duplicate_keys(kind, frame, texts, match)
    problems.sort(key=problem_order)
    return Parsed(kind.name, frame, texts, match, problems, formats)


def key_frame(kind: Kind, frame: pl.DataFrame) -> pl.DataFrame:
    """The natural-key columns as the database stores them (optional text keys as '')."""
    return frame.select([pl.col(k).fill_null("") if stores_empty_as_blank(kind, kind.field(k)) else pl.col(k)
                         for k in kind.key])


def _duplicate_keys(kind: Kind, frame: pl.DataFrame, texts: pl.DataFrame, match: HeaderMatch) -> list[Problem]:
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
    return [Problem(int(r), header, v, Msg("ingest.val.duplicate_in_file", {"first": int(first), "keys": key_text}),
                    key="ingest.val.duplicate_in_file", field=first_field)
            for r, first, v in zip(hits.get_column(ROW).to_list(), hits.get_column("_first").to_list(), values)]
