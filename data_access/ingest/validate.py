"""The database half of step 4: foreign keys to master data (single, several targets, composite),
natural keys already stored, and the cross-kind sum check of docs/kinds.md (scrap rows vs
production.scrap_qty, a warning). Every query is one IN-list per chunk, never one per row."""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.ingest.parse import ROW, Parsed, key_frame
from data_access.ingest.problems import Msg, Problem, joined, kind_label, problem_rows
from data_access.kinds import Kind, get_kind
from data_access.loaders import text_schema_of
from data_access.models import kind_table

IN_CHUNK = 500


def select_in(conn: Connection, table_name: str, columns: list[str], filter_col: str, values: list) -> pl.DataFrame:
    """Rows of `table_name` whose `filter_col` is one of `values`, as a typed polars frame."""
    table = kind_table(table_name)
    schema = {"id": pl.Int64, "batch_id": pl.Int64} | text_schema_of(table_name)
    out_schema = {c: schema[c] for c in columns}
    rows: list = []
    values = [v for v in values if v is not None]
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start:start + IN_CHUNK]
        rows += conn.execute(sa.select(*[table.c[c] for c in columns]).where(table.c[filter_col].in_(chunk))).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=out_schema, orient="row")


def check_references(conn: Connection, kind: Kind, parsed: Parsed) -> list[Problem]:
    """Codes that must exist in master data (`ref`, also "materials|products"), and composite refs."""
    problems: list[Problem] = []
    frame, texts, match = parsed.frame, parsed.texts, parsed.match
    for f in kind.fields:
        if not f.ref or f.name not in match.columns:
            continue
        wanted = frame.get_column(f.name).drop_nulls().unique().to_list()
        if not wanted:
            continue
        known: set = set()
        for table, column in f.ref_targets:
            known |= set(select_in(conn, table, [column], column, wanted).get_column(column).to_list())
        unknown = [v for v in wanted if v not in known]
        if not unknown:
            continue
        targets = joined([kind_label(tb) for tb, _ in f.ref_targets])
        mask = frame.get_column(f.name).is_in(unknown)
        message = Msg("ingest.val.unknown_ref", {"targets": targets})
        problems += [Problem(int(r), match.header_of(f.name), v, message, key="ingest.val.unknown_ref", field=f.name)
                     for r, v in zip(texts.filter(mask).get_column(ROW).to_list(),
                                     texts.filter(mask).get_column(f.name).to_list())]
    for columns, target in (*kind.composite_refs, *kind.must_exist_in):
        columns = list(columns)
        present = frame.filter(pl.all_horizontal([pl.col(c).is_not_null() for c in columns]))
        if present.height == 0:
            continue
        first = present.get_column(columns[0]).unique().to_list()
        stored = select_in(conn, target, columns, columns[0], first).unique()
        missing = present.join(stored, on=columns, how="anti")
        if missing.height == 0:
            continue
        missing_rows = set(missing.get_column(ROW).to_list())
        message = Msg("ingest.val.unknown_composite", {"target": kind_label(target),
                      "columns": ", ".join(match.header_of(c) for c in columns)})
        hits = texts.filter(pl.col(ROW).is_in(list(missing_rows)))
        for r, *vals in hits.select([ROW] + columns).iter_rows():
            problems.append(Problem(int(r), match.header_of(columns[0]), " / ".join(str(v) for v in vals), message,
                                    key="ingest.val.unknown_composite", field=columns[0]))
    return problems


def stored_matches(conn: Connection, kind: Kind, frame: pl.DataFrame) -> pl.DataFrame:
    """File rows whose natural key is already stored: ROW, the stored row's id and batch_id."""
    keys = key_frame(kind, frame).with_columns(frame.get_column(ROW))
    keys = keys.filter(pl.all_horizontal([pl.col(k).is_not_null() for k in kind.key]))
    if keys.height == 0:
        return pl.DataFrame(schema={ROW: pl.Int64, "id": pl.Int64, "batch_id": pl.Int64})
    first_values = keys.get_column(kind.key[0]).unique().to_list()
    stored = select_in(conn, kind.name, ["id", "batch_id", *kind.key], kind.key[0], first_values)
    return keys.join(stored, on=list(kind.key), how="inner").select(ROW, "id", "batch_id")


def check_existing(conn: Connection, kind: Kind, parsed: Parsed,
                   exclude_ids: set[int] = frozenset()) -> tuple[list[Problem], pl.DataFrame]:
    """Problems for rows whose key is stored already, and the matches (for replace)."""
    matches = stored_matches(conn, kind, parsed.frame)
    if exclude_ids:
        matches = matches.filter(~pl.col("id").is_in(list(exclude_ids)))
    first = kind.key[0]
    header = parsed.match.header_of(first)
    texts = parsed.texts.join(matches.select(ROW), on=ROW, how="semi") if matches.height else parsed.texts.clear()
    values = dict(zip(texts.get_column(ROW).to_list(), texts.get_column(first).to_list()))
    key_text = ", ".join(parsed.match.header_of(k) for k in kind.key)
    problems = [Problem(int(r), header, values.get(r), Msg("ingest.val.key_exists", {"batch": int(b), "keys": key_text}),
                        key="ingest.val.key_exists", field=first)
                for r, b in matches.select(ROW, "batch_id").iter_rows()]
    return problems, matches


# --------------------------------------------------------------------- cross-kind sum check
def check_routings(conn: Connection, kind: Kind, parsed: Parsed, bad_rows: set[int]) -> list[Problem]:
    """Warnings for production rows whose product has no routing on their machine (docs/kinds.md
    Operations): the row is kept and counts for its machine, but not in finished output or WIP."""
    if kind.name != "production":
        return []
    frame = parsed.frame.filter(~pl.col(ROW).is_in(list(bad_rows)), pl.col("product_code").is_not_null(),
                                pl.col("machine_code").is_not_null())
    if frame.height == 0:
        return []
    products = frame.get_column("product_code").unique().to_list()
    routed = select_in(conn, "routings", ["product_code", "machine_code"], "product_code", products).unique()
    pair = ["product_code", "machine_code"]
    missing = frame.join(routed, on=pair, how="anti").select(ROW, *pair)
    if missing.height == 0:
        return []
    # A file of a plant without routings warns on every row (200,000 in issue 15's bench): one message
    # per (product, machine) pair, found by its number (polars), not a dict and a message per row.
    pairs = missing.select(pair).unique(maintain_order=True).with_row_index("_pair")
    missing = missing.join(pairs, on=pair, how="left").sort(ROW)
    messages = [Msg("ops.warn.no_routing", {"product": product, "machine": machine})
                for _, product, machine in pairs.iter_rows()]
    return problem_rows(missing.get_column(ROW).to_list(), missing.get_column("machine_code").to_list(),
                        parsed.match.header_of("machine_code"),
                        [messages[i] for i in missing.get_column("_pair").to_list()], "ops.warn.no_routing",
                        field="machine_code", warning=True)


@dataclass(frozen=True)
class SumCheck:
    """Rows of `detail` summed per `key` should equal `total_field` of the `total` kind's row."""

    detail: str
    detail_field: str
    total: str
    total_field: str
    key: tuple[str, ...]


# docs/kinds.md: "a mismatch with production.scrap_qty is reported as a warning".
SUM_CHECKS = (SumCheck("scrap", "qty", "production", "scrap_qty", ("date", "shift", "machine_code", "product_code")),)


def check_sums(conn: Connection, kind: Kind, parsed: Parsed, bad_rows: set[int],
               replaced_ids: set[int] = frozenset()) -> list[Problem]:
    """Warnings where the detail rows (stored plus those of this file) do not add up to the total."""
    warnings: list[Problem] = []
    frame = parsed.frame.filter(~pl.col(ROW).is_in(list(bad_rows)))
    for check in SUM_CHECKS:
        if kind.name not in (check.detail, check.total) or frame.height == 0:
            continue
        key = list(check.key)
        dates = frame.get_column(key[0]).drop_nulls().unique().to_list()
        detail_db = select_in(conn, check.detail, ["id", *key, check.detail_field], key[0], dates)
        total_db = select_in(conn, check.total, ["id", *key, check.total_field], key[0], dates)
        if kind.name == check.detail:  # file rows add to (and replace) stored detail rows
            file_rows = frame.select(*key, check.detail_field)
            stored = detail_db.filter(~pl.col("id").is_in(list(replaced_ids))).select(*key, check.detail_field)
            sums = pl.concat([file_rows, stored]).group_by(key).agg(pl.col(check.detail_field).sum().alias("_detail"))
            firsts = frame.group_by(key).agg(pl.col(ROW).min())
            totals = total_db.select(*key, pl.col(check.total_field).alias("_total"))
            compared = firsts.join(sums, on=key).join(totals, on=key)
            column = parsed.match.header_of(check.detail_field)
        else:  # file rows are the totals; stored detail rows are the breakdown
            sums = detail_db.group_by(key).agg(pl.col(check.detail_field).sum().alias("_detail"))
            compared = frame.select(*key, ROW, pl.col(check.total_field).alias("_total")).join(sums, on=key)
            column = parsed.match.header_of(check.total_field)
        bad = compared.filter(pl.col("_detail") != pl.col("_total")).sort(ROW)
        for row in bad.iter_rows(named=True):
            where = " ".join(str(row[k]) for k in key)
            message = Msg("ingest.warn.sum_mismatch", {
                "detail": kind_label(check.detail), "detail_sum": f"{row['_detail']:g}", "total": kind_label(check.total),
                "total_field": check.total_field, "total_value": f"{row['_total']:g}", "where": where})
            warnings.append(Problem(int(row[ROW]), column, None, message, key="ingest.warn.sum_mismatch", warning=True))
    return warnings


def check_settlements(conn: Connection, kind: Kind, parsed: Parsed,
                      replaced_ids: set[int] = frozenset()) -> list[Problem]:
    """Rows that settle another kind's row (payments on an invoice) may not take more than its amount:
    the stored rows (less those replaced or edited) plus this file's, per target row."""
    rule = kind.settles
    if rule is None:
        return []
    on, frame = list(rule.on), parsed.frame.filter(pl.all_horizontal([pl.col(c).is_not_null() for c in rule.on]))
    if frame.height == 0:
        return []
    firsts = frame.get_column(on[-1]).unique().to_list()
    stored = select_in(conn, kind.name, ["id", *on, rule.amount], on[-1], firsts)
    stored = stored.filter(~pl.col("id").is_in(list(replaced_ids))).select(*on, rule.amount)
    targets = select_in(conn, rule.target, [*on, rule.target_amount], on[-1], firsts).select(
        *on, pl.col(rule.target_amount).alias("_whole"))
    totals = (pl.concat([stored, frame.select(*on, rule.amount)], how="vertical_relaxed")
              .group_by(on).agg(pl.col(rule.amount).sum().alias("_settled")))
    over = totals.join(targets, on=on).filter(pl.col("_settled") > pl.col("_whole") + 1e-9)
    if over.height == 0:
        return []
    stored_sums = stored.group_by(on).agg(pl.col(rule.amount).sum().alias("_before"))
    hits = frame.join(over.join(stored_sums, on=on, how="left"), on=on).sort(ROW)
    column = parsed.match.header_of(rule.amount)
    return [Problem(int(row[ROW]), column, f"{row[rule.amount]:g}",
                    Msg("ingest.val.over_settled", {
                        "target": kind_label(rule.target), "ref": " ".join(str(row[c]) for c in on),
                        "whole": f"{row['_whole']:,.2f}", "open": f"{row['_whole'] - (row['_before'] or 0):,.2f}",
                        "total": f"{row['_settled']:,.2f}"}),
                    key="ingest.val.over_settled", field=rule.amount)
            for row in hits.iter_rows(named=True)]


def database_problems(conn: Connection, parsed: Parsed, replace: bool,
                      exclude_ids: set[int] = frozenset()) -> tuple[list[Problem], pl.DataFrame]:
    """All database checks; returns the problems and the stored rows matching file keys."""
    kind = get_kind(parsed.kind)
    problems = check_references(conn, kind, parsed)
    existing, matches = check_existing(conn, kind, parsed, exclude_ids)
    if kind.append_only and (exclude_ids or replace):  # history is never overwritten: no edit, no replace
        rows = parsed.frame.get_column(ROW).to_list() if exclude_ids else matches.get_column(ROW).to_list()
        problems += [Problem(int(r), None, None, Msg("ingest.val.append_only", {"kind": kind_label(kind.name)}),
                             key="ingest.val.append_only") for r in rows]
    elif not replace:
        problems += existing
    replaced = set(matches.get_column("id").to_list()) if replace and not kind.append_only else set()
    problems += check_settlements(conn, kind, parsed, replaced | set(exclude_ids))
    return problems, matches
