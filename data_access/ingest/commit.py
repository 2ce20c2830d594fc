"""Steps 4-6 put together: validate against the database and commit one batch in one transaction
(strict / valid_only / replace), undo a batch, single-record entry, edits of stored rows, history.

Whatever the entry point (upload, CLI, form, data editor), rows go through the same read ->
headers -> parse -> validate -> commit path; only how the table of strings is made differs.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data_access.db import write_transaction
from data_access.ingest.bulk import bulk_insert
from data_access.ingest.headers import HeaderMatch, match_headers
from data_access.ingest.parse import ROW, Parsed, parse_table
from data_access.ingest.problems import FileProblem, Msg, Problem, kind_label, problem, problem_order
from data_access.ingest.read import RawTable, ReadInfo, column_names, read_upload
from data_access.ingest.validate import check_routings, check_sums, database_problems, select_in
from data_access.kinds import KINDS, get_kind
from data_access.loaders import text_schema_of
from data_access.models import Batch, ReplacedRow, kind_table, stores_empty_as_blank, utcnow
from data_access.permissions import PermissionDenied, ensure_can_write
from data_access.store import audit, finish_batch, json_default, new_batch

REJECTED_ROW = "row"  # the file row number column of ImportResult.rejected


@dataclass
class ImportResult:
    kind: str
    mode: str = "strict"
    written: bool = False
    batch_id: int | None = None
    rows_in_file: int = 0
    rows_written: int = 0
    rows_replaced: int = 0
    problems: list[Problem] = field(default_factory=list)
    info: ReadInfo | None = None
    match: HeaderMatch | None = None
    valid: pl.DataFrame | None = None  # parsed rows without errors (the preview)
    rejected: pl.DataFrame | None = None  # rejected rows as written in the file + their row number
    earlier_batch: dict | None = None  # set when the same file was imported before

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def rejected_row_numbers(self) -> list[int]:
        return sorted({p.row for p in self.errors if p.row is not None})

    @property
    def summary(self) -> Msg:
        if self.written:
            return Msg("ingest.result.imported", {"batch": self.batch_id, "rows": self.rows_written,
                                                  "replaced": self.rows_replaced,
                                                  "rejected": len(self.rejected_row_numbers)})
        if self.errors:
            return Msg("ingest.result.rejected", {"problems": len(self.errors), "rows": len(self.rejected_row_numbers)})
        return Msg("ingest.result.checked", {"rows": self.rows_in_file})


class _Rollback(Exception):
    """Raised inside the write transaction to leave the database exactly as it was."""


def _mode_name(replace: bool, valid_only: bool) -> str:
    return "+".join([m for m, on in (("valid_only", valid_only), ("replace", replace)) if on]) or "strict"


# --------------------------------------------------------------------------- header problems
def header_problems(kind_name: str, match: HeaderMatch, info: ReadInfo | None) -> list[Problem]:
    kind = get_kind(kind_name)
    problems = []
    merged = ()
    if info is not None and info.merged_header_cells:
        merged = (Msg("ingest.hint.merged_header", {"cells": ", ".join(info.merged_header_cells)}),)
    for name in match.missing_required:
        f = kind.field(name)
        problems.append(Problem(None, f.name, None,
                                Msg("ingest.err.missing_column", {"field": name, "en": f.en, "zh": f.zh}, then=merged),
                                key="ingest.err.missing_column", field=name))
    for name, headers in match.duplicates.items():
        problems.append(Problem(None, headers[1], None,
                                Msg("ingest.err.duplicate_column", {"headers": ", ".join(headers), "field": name}),
                                field=name))
    for header in match.extra:
        problems.append(problem("ingest.warn.extra_column", None, header, warning=True))
    return problems


def _rejected_frame(raw: RawTable, errors: list[Problem]) -> pl.DataFrame:
    """The rejected rows as written in the file, with the file row number first (the reasons are
    the problems, put into words by the caller: dashboard/ingest_messages.py rejected_frame)."""
    rows = sorted({p.row for p in errors if p.row is not None})
    names = column_names(raw.headers, blank="column_{}", repeat="_")
    frame = raw.frame.rename({f"c{i}": n for i, n in enumerate(names)})
    frame = frame.with_columns(raw.row_numbers.alias(REJECTED_ROW)).filter(pl.col(REJECTED_ROW).is_in(rows))
    return frame.select(REJECTED_ROW, *names)


# --------------------------------------------------------------------------- the one path
def _earlier_batch(conn: Connection, kind_name: str, sha256: str) -> dict | None:
    b = Batch.__table__
    row = conn.execute(sa.select(b.c.id, b.c.created_at, b.c.user, b.c.file_name).where(
        b.c.kind == kind_name, b.c.sha256 == sha256, b.c.undone_at.is_(None)).order_by(b.c.id)).first()
    return dict(row._mapping) if row else None


def _duplicate_file_problem(earlier: dict) -> Problem:
    return problem("ingest.err.same_file", batch=earlier["id"], when=local_time(earlier["created_at"]),
                   user=earlier["user"], file=earlier["file_name"] or "")


def local_time(moment: datetime | None) -> str:
    """A stored (UTC) timestamp as the clerk's local time, to the minute."""
    if moment is None:
        return "?"
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def _permission_problem(exc: PermissionDenied) -> Problem:
    return Problem(None, None, None, Msg(f"ingest.err.permission.{exc.reason_key}",
                                         {"user": exc.user, "kind": kind_label(exc.kind)}), key="ingest.err.permission")


def _save_replaced(conn: Connection, kind_name: str, ids: list[int], batch_id: int) -> list[dict]:
    """Copy the rows about to be overwritten into replaced_rows (JSON) so undo can restore them."""
    if not ids:
        return []
    old = select_in(conn, kind_name, ["id", "batch_id", *get_kind(kind_name).field_names], "id", ids)
    records = old.to_dicts()
    conn.execute(sa.insert(ReplacedRow.__table__), [
        {"batch_id": batch_id, "kind": kind_name, "row_json": json.dumps(r, ensure_ascii=False, default=json_default)}
        for r in records])
    return records


def _delete_ids(conn: Connection, kind_name: str, ids: list[int]) -> None:
    table = kind_table(kind_name)
    for start in range(0, len(ids), 500):
        conn.execute(sa.delete(table).where(table.c.id.in_(ids[start:start + 500])))


def run_pipeline(engine: Engine, kind_name: str, make_raw, *, user: str, write: bool = True,
                 source: str = "upload", file_name: str | None = None, sha256: str | None = None,
                 replace: bool = False, valid_only: bool = False, department: str | None = None,
                 mapping: dict[str, str] | None = None, edit_ids: list[int] | None = None) -> ImportResult:
    """The one path every entry point takes. `make_raw()` returns the RawTable (or raises FileProblem)."""
    kind = get_kind(kind_name)
    result = ImportResult(kind_name, mode=_mode_name(replace, valid_only))
    try:
        raw = make_raw()
    except FileProblem as exc:
        result.problems = [exc.problem()]
        return result
    result.info = raw.info
    result.rows_in_file = raw.frame.height
    try:
        match = match_headers(kind_name, raw.headers, mapping)
    except ValueError as exc:
        result.problems = [problem("ingest.err.bad_mapping", detail=str(exc))]
        return result
    result.match = match
    result.problems = header_problems(kind_name, match, raw.info)
    if result.errors:
        return result
    if raw.frame.height == 0:
        result.problems.append(problem("ingest.err.no_rows"))
        return result
    parsed: Parsed = parse_table(raw, match, kind_name)
    raw.info.date_formats = parsed.date_formats
    result.problems += parsed.problems
    exclude = set(edit_ids or ())

    def evaluate(conn: Connection) -> tuple[pl.DataFrame, pl.DataFrame]:
        db_problems, matches = database_problems(conn, parsed, replace, exclude)
        result.problems += db_problems
        bad = {p.row for p in result.errors if p.row is not None}
        replaced_ids = set(matches.get_column("id").to_list()) if replace else set()
        result.problems += check_sums(conn, kind, parsed, bad, replaced_ids)
        result.problems += check_routings(conn, kind, parsed, bad)
        result.problems.sort(key=problem_order)
        valid = parsed.frame.filter(~pl.col(ROW).is_in(list(bad)))
        result.valid = valid
        if bad:
            result.rejected = _rejected_frame(raw, result.errors)
        return valid, matches

    if not write:
        try:
            with engine.connect() as conn:
                evaluate(conn)
        except (sa.exc.OperationalError, sa.exc.InternalError) as exc:
            result.problems.insert(0, database_unusable(exc))
        return result
    try:
        with write_transaction(engine) as conn:
            try:
                ensure_can_write(conn, user, kind_name)
            except PermissionDenied as exc:
                result.problems.insert(0, _permission_problem(exc))
                raise _Rollback from None
            if sha256:
                earlier = _earlier_batch(conn, kind_name, sha256)
                if earlier:
                    result.earlier_batch = earlier
                    result.problems.insert(0, _duplicate_file_problem(earlier))
                    raise _Rollback
            valid, matches = evaluate(conn)
            errors = result.errors  # once: a file can bring 200,000 problems
            if (errors and not valid_only) or valid.height == 0 or any(p.row is None for p in errors):
                raise _Rollback
            rejected = len({p.row for p in errors})  # no error without a row is left here
            batch_id = new_batch(conn, kind_name, user, source, department=department, file_name=file_name,
                                 sha256=sha256, mode=result.mode)
            valid_rows = set(valid.get_column(ROW).to_list())
            replaced = matches.filter(pl.col(ROW).is_in(list(valid_rows))) if (replace or edit_ids) else matches.clear()
            if edit_ids:
                _write_edits(conn, kind_name, valid, batch_id, user)
            else:
                ids = replaced.get_column("id").to_list()
                _save_replaced(conn, kind_name, ids, batch_id)
                _delete_ids(conn, kind_name, ids)
                bulk_insert(conn, kind_name, valid.drop(ROW), batch_id)
                audit(conn, user, "import" if source in ("upload", "cli") else source, kind=kind_name, batch_id=batch_id,
                      detail={"file": file_name, "rows": valid.height, "replaced": replaced.height,
                              "rejected": rejected, "mode": result.mode, "source": source})
            rows_replaced = len(edit_ids) if edit_ids else replaced.height
            finish_batch(conn, batch_id, valid.height, rows_replaced)
            result.batch_id, result.rows_written, result.rows_replaced = batch_id, valid.height, rows_replaced
    except _Rollback:
        return result
    except (sa.exc.OperationalError, sa.exc.InternalError) as exc:  # read-only disk, lost server, ...
        result.problems.insert(0, database_unusable(exc))
        result.batch_id, result.rows_written, result.rows_replaced = None, 0, 0
        return result
    except sa.exc.IntegrityError as exc:
        # Another process imported the same file a moment ago (uq_batches_live_file), or a
        # constraint the checks above cannot see: say which, write nothing.
        earlier = None
        if sha256:
            with engine.connect() as conn:
                earlier = _earlier_batch(conn, kind_name, sha256)
        if earlier:
            result.earlier_batch = earlier
            result.problems.insert(0, _duplicate_file_problem(earlier))
        else:
            detail = str(exc.orig).splitlines()[0][:300] if exc.orig else str(exc)[:300]
            result.problems.insert(0, problem("ingest.err.database", detail=detail))
        result.batch_id, result.rows_written, result.rows_replaced = None, 0, 0
        return result
    result.written = True
    return result


# SQLite on a read-only disk or folder, PostgreSQL in a read-only transaction or on a standby.
_READ_ONLY = ("readonly database", "read-only", "read only", "unable to open database file", "permission denied",
              "disk i/o error")


def database_unusable(exc: sa.exc.DBAPIError) -> Problem:
    """The clerk's message for a database that cannot be written (or reached), instead of the
    driver's text alone; nothing was written (the transaction rolled back)."""
    detail = str(exc.orig).splitlines()[0][:200] if exc.orig else str(exc).splitlines()[0][:200]
    if any(words in detail.lower() for words in _READ_ONLY):
        return problem("ingest.err.read_only", detail=detail)
    return problem("ingest.err.database", detail=detail)


# --------------------------------------------------------------------------- uploads
def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def same_file_problem(engine: Engine, kind_name: str, data: bytes) -> Problem | None:
    """The "already imported as batch #N" problem when these bytes were imported before (and not
    undone), else None; lets a preview warn before the clerk presses import."""
    with engine.connect() as conn:
        earlier = _earlier_batch(conn, kind_name, file_sha256(data))
    return _duplicate_file_problem(earlier) if earlier else None


def check_upload(engine: Engine, kind_name: str, data: bytes, file_name: str, *, mapping: dict | None = None,
                 sheet: str | None = None, replace: bool = False) -> ImportResult:
    """Everything import_upload does except writing: the preview and validation report."""
    return run_pipeline(engine, kind_name, lambda: read_upload(data, file_name, kind_name, sheet=sheet, mapping=mapping),
                        user="", write=False, file_name=file_name, replace=replace, mapping=mapping)


def import_upload(engine: Engine, kind_name: str, data: bytes, file_name: str, user: str, *,
                  mapping: dict | None = None, sheet: str | None = None, replace: bool = False,
                  valid_only: bool = False, department: str | None = None,
                  source: str = "upload") -> ImportResult:
    """Validate an uploaded file and commit it as one batch (or nothing, see ImportResult)."""
    return run_pipeline(engine, kind_name, lambda: read_upload(data, file_name, kind_name, sheet=sheet, mapping=mapping),
                        user=user, source=source, file_name=file_name, sha256=file_sha256(data),
                        replace=replace, valid_only=valid_only, department=department, mapping=mapping)


# --------------------------------------------------------------------------- forms and edits
def value_text(value: Any) -> str | None:
    """A form or editor value as the text the parser reads (so forms take the upload's path)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN from a data editor means empty
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _records_table(kind_name: str, records: list[dict], row_numbers: list[int], source: str) -> RawTable:
    names = get_kind(kind_name).field_names
    headers = [n for n in names if any(n in r for r in records)]
    frame = pl.DataFrame({f"c{i}": pl.Series([value_text(r.get(h)) for r in records], dtype=pl.String)
                          for i, h in enumerate(headers)})
    info = ReadInfo(file_name=source, format=source, size=0)
    return RawTable(headers, frame, pl.Series("row", row_numbers, dtype=pl.Int64), info)


def submit_record(engine: Engine, kind_name: str, values: dict[str, Any], user: str, *,
                  replace: bool = False, department: str | None = None) -> ImportResult:
    """One record from a form (strings or python values), validated like an upload; source="form".
    Problems name the field in `column` and `field`; `row` is 1."""
    return run_pipeline(engine, kind_name, lambda: _records_table(kind_name, [values], [1], "form"),
                        user=user, source="form", replace=replace, department=department)


def apply_edits(engine: Engine, kind_name: str, edited_rows: list[dict[str, Any]], user: str) -> ImportResult:
    """Edits of stored rows (from st.data_editor): each dict has the row's `id` and the fields
    (all or only the changed ones). Validated like an upload, written as one batch with
    source="edit" (undo restores the old values), audited with before/after. `row` in the
    problems is the record id."""
    kind = get_kind(kind_name)
    ids = [int(r["id"]) for r in edited_rows]
    with engine.connect() as conn:
        stored = {r["id"]: r for r in select_in(conn, kind_name, ["id", *kind.field_names], "id", ids).to_dicts()}
    result = ImportResult(kind_name, mode="edit")
    unknown = [i for i in ids if i not in stored]
    if unknown:
        result.problems = [problem("ingest.err.no_such_row", i, id=i) for i in unknown]
        return result
    merged, changed_ids = [], []
    for r in edited_rows:
        before = stored[int(r["id"])]
        after = before | {k: v for k, v in r.items() if k in kind.field_names}
        if any(value_text(after[k]) != value_text(before[k]) for k in kind.field_names):
            merged.append(after)
            changed_ids.append(int(r["id"]))
    if not merged:
        return result
    return run_pipeline(engine, kind_name, lambda: _records_table(kind_name, merged, changed_ids, "edit"),
                        user=user, source="edit", edit_ids=changed_ids)


def _write_edits(conn: Connection, kind_name: str, valid: pl.DataFrame, batch_id: int, user: str) -> None:
    kind = get_kind(kind_name)
    table = kind_table(kind_name)
    ids = valid.get_column(ROW).to_list()  # for edits the row number is the record id
    before = {r["id"]: r for r in _save_replaced(conn, kind_name, ids, batch_id)}
    changes = []
    for row in valid.to_dicts():
        rid = row.pop(ROW)
        values = {k: ("" if v is None and k in kind.key and not kind.field(k).required else v) for k, v in row.items()}
        conn.execute(sa.update(table).where(table.c.id == rid).values(**values, batch_id=batch_id))
        old = before[rid]
        diff = {k: (old[k], row[k]) for k in kind.field_names if value_text(old[k]) != value_text(row[k])}
        changes.append({"id": rid, "before": {k: a for k, (a, _) in diff.items()},
                        "after": {k: b for k, (_, b) in diff.items()}})
    audit(conn, user, "edit", kind=kind_name, batch_id=batch_id, detail={"rows": changes})


# --------------------------------------------------------------------------- undo
@dataclass
class UndoResult:
    ok: bool
    text: Msg  # what happened or why not (rendered by the caller, dashboard/ingest_messages.py)
    rows_deleted: int = 0
    rows_restored: int = 0


def _typed_row(kind_name: str, row: dict) -> dict:
    """A replaced row back from JSON into python values of the declared types."""
    kind = get_kind(kind_name)
    out = dict(row)
    for f in kind.fields:
        v = out.get(f.name)
        if v is None or not isinstance(v, str):
            continue
        out[f.name] = f.field_type.from_text(v)  # JSON keeps dates and times as ISO text (numbers and booleans as such)
    return out


def _referencing_rows(conn: Connection, kind_name: str, codes: pl.DataFrame) -> Msg | None:
    """If rows of other kinds still point at `codes` (natural keys being removed), say which."""
    if codes.height == 0:
        return None
    for other in KINDS.values():
        for f in other.fields:
            for table, column in f.ref_targets:
                if table != kind_name or column not in codes.columns:
                    continue
                values = codes.get_column(column).drop_nulls().unique().to_list()
                used = select_in(conn, other.name, [f.name], f.name, values)
                if used.height:
                    return Msg("ingest.undo.referenced", {"rows": used.height, "kind": kind_label(other.name),
                                                          "example": str(used.get_column(f.name)[0])})
        for columns, target in other.composite_refs:
            if target != kind_name:
                continue
            used = select_in(conn, other.name, list(columns), columns[0],
                             codes.get_column(columns[0]).unique().to_list())
            used = used.join(codes.select(list(columns)), on=list(columns), how="semi")
            if used.height:
                return Msg("ingest.undo.referenced", {"rows": used.height, "kind": kind_label(other.name),
                                                      "example": " / ".join(str(v) for v in used.row(0))})
    return None


def undo_batch(engine: Engine, batch_id: int, user: str) -> UndoResult:
    """Delete the batch's rows, restore what it replaced, mark it undone; or refuse and say why."""
    b, rr = Batch.__table__, ReplacedRow.__table__
    try:
        with write_transaction(engine) as conn:
            batch = conn.execute(sa.select(b).where(b.c.id == batch_id)).first()
            if batch is None:
                raise _Refused(Msg("ingest.undo.no_batch", {"batch": batch_id}))
            if batch.undone_at is not None:
                raise _Refused(Msg("ingest.undo.already", {"batch": batch_id, "user": batch.undone_by,
                                                           "when": local_time(batch.undone_at)}))
            try:
                ensure_can_write(conn, user, batch.kind)
            except PermissionDenied as exc:
                raise _Refused(_permission_problem(exc).text) from None
            kind = get_kind(batch.kind)
            # A later live batch replaced or edited rows of this one: that batch must go first.
            later = conn.execute(sa.select(rr.c.batch_id, rr.c.row_json).join(b, b.c.id == rr.c.batch_id).where(
                rr.c.kind == batch.kind, rr.c.batch_id > batch_id, b.c.undone_at.is_(None))).all()
            blocking = sorted({r.batch_id for r in later if json.loads(r.row_json).get("batch_id") == batch_id})
            if blocking:
                raise _Refused(Msg("ingest.undo.later_batch", {"batch": batch_id,
                                                               "later": ", ".join(f"#{x}" for x in blocking)}))
            table = kind_table(batch.kind)
            rows = conn.execute(sa.select(table).where(table.c.batch_id == batch_id)).all()
            current = pl.DataFrame([tuple(r) for r in rows], schema=text_schema_of(batch.kind), orient="row") if rows else None
            restored = [_typed_row(batch.kind, json.loads(r.row_json))
                        for r in conn.execute(sa.select(rr.c.row_json).where(rr.c.batch_id == batch_id)).all()]
            if kind.master and current is not None:
                keys = current.select(list(kind.key))
                if restored:
                    back = pl.DataFrame([{k: r[k] for k in kind.key} for r in restored], schema=keys.schema)
                    keys = keys.join(back, on=list(kind.key), how="anti")
                blocked = _referencing_rows(conn, batch.kind, keys)
                if blocked:
                    raise _Refused(Msg("ingest.undo.blocked", {"batch": batch_id}, then=(blocked,), sep=" "))
            conn.execute(sa.delete(table).where(table.c.batch_id == batch_id))
            if restored:
                conn.execute(table.insert(), restored)
            conn.execute(sa.update(b).where(b.c.id == batch_id).values(undone_at=utcnow(), undone_by=user))
            audit(conn, user, "undo", kind=batch.kind, batch_id=batch_id,
                  detail={"deleted": len(rows), "restored": len(restored)})
            return UndoResult(True, Msg("ingest.undo.done", {"batch": batch_id, "deleted": len(rows),
                                                             "restored": len(restored)}), len(rows), len(restored))
    except _Refused as exc:
        return UndoResult(False, exc.text)
    except sa.exc.IntegrityError as exc:
        detail = str(exc.orig).splitlines()[0][:300] if exc.orig else ""
        return UndoResult(False, Msg("ingest.undo.conflict", {"batch": batch_id, "detail": detail}))


class _Refused(Exception):
    def __init__(self, text: Msg):
        super().__init__(text.key)
        self.text = text


# --------------------------------------------------------------------------- history
def list_batches(engine: Engine, kind: str | None = None, department: str | None = None,
                 limit: int = 200) -> list[dict]:
    """Upload history, newest first: id, kind, department, user, source, file_name, rows,
    replaced, mode, created_at, undone_at, undone_by."""
    b = Batch.__table__
    query = sa.select(b.c.id, b.c.kind, b.c.department, b.c.user, b.c.source, b.c.file_name, b.c.rows,
                      b.c.replaced, b.c.mode, b.c.created_at, b.c.undone_at, b.c.undone_by).order_by(b.c.id.desc())
    if kind:
        query = query.where(b.c.kind == kind)
    if department:
        query = query.where(b.c.department == department)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query.limit(limit)).all()]


def recent_rows(engine: Engine, kind_name: str, limit: int = 200) -> pl.DataFrame:
    """The latest stored rows of a kind (id first), for st.data_editor."""
    table = kind_table(kind_name)
    kind = get_kind(kind_name)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.id, *[table.c[n] for n in kind.field_names])
                            .order_by(table.c.id.desc()).limit(limit)).all()
    schema = {"id": pl.Int64} | text_schema_of(kind_name)
    schema.pop("batch_id", None)
    blank = [f.name for f in kind.fields if stores_empty_as_blank(kind, f)]  # '' in the table, empty to the user
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row").with_columns(
        [pl.col(c).replace("", None) for c in blank])

