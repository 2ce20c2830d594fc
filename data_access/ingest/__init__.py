"""One ingestion pipeline for every data kind (docs/kinds.md; docs/architecture.md "Ingestion"):
read -> headers -> parse -> validate
-> commit one batch; undo; forms and data-editor edits take the same path.

Public API (for the input pages, the CLI and the seed):
    check_upload(engine, kind, data, file_name, *, mapping=None, sheet=None, replace=False, lang="en") -> ImportResult
    import_upload(engine, kind, data, file_name, user, *, mapping=None, sheet=None, replace=False,
                  valid_only=False, lang="en", department=None, source="upload") -> ImportResult
    submit_record(engine, kind, values, user, lang="en", *, replace=False) -> ImportResult
    apply_edits(engine, kind, edited_rows, user, lang="en") -> ImportResult
    undo_batch(engine, batch_id, user, lang="en") -> UndoResult
    list_batches(engine, kind=None, department=None, limit=200) -> list[dict]
    recent_rows(engine, kind, limit=200) -> pl.DataFrame
    save_preset(engine, department, kind, mapping, *, user) / load_preset(engine, department, kind) -> dict | None
    rejected_rows_bytes(result, fmt="csv"|"xlsx") -> bytes; neutralise_formula(value); frame_bytes(frame, fmt)
    template_bytes(kind, lang, fmt) -> bytes; write_template(kind, out, lang, fmt)
"""
from data_access.ingest.commit import (ImportResult, UndoResult, apply_edits, check_upload, import_upload,
                                       list_batches, recent_rows, submit_record, undo_batch, value_text)
from data_access.ingest.export import frame_bytes, neutralise_formula, rejected_rows_bytes
from data_access.ingest.headers import HeaderMatch, load_preset, match_headers, save_preset
from data_access.ingest.problems import Problem
from data_access.ingest.read import MAX_BYTES, ReadInfo, read_upload
from data_access.ingest.template import column_help, template_bytes, template_file_name, template_headers, write_template

__all__ = ["HeaderMatch", "ImportResult", "MAX_BYTES", "Problem", "ReadInfo", "UndoResult", "apply_edits",
           "check_upload", "column_help", "frame_bytes", "import_upload", "list_batches", "load_preset",
           "match_headers", "neutralise_formula", "read_upload", "recent_rows", "rejected_rows_bytes",
           "save_preset", "submit_record", "template_bytes", "template_file_name", "template_headers",
           "undo_batch", "value_text", "write_template"]
