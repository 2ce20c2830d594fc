"""One ingestion pipeline for every data kind (docs/kinds.md; docs/architecture.md "Ingestion"):
read -> headers -> parse -> validate
-> commit one batch; undo; forms and data-editor edits take the same path.

Public API (for the input pages, the CLI and the seed):
    check_upload(engine, kind, data, file_name, *, mapping=None, sheet=None, replace=False) -> ImportResult
    import_upload(engine, kind, data, file_name, user, *, mapping=None, sheet=None, replace=False,
                  valid_only=False, department=None, source="upload") -> ImportResult
    submit_record(engine, kind, values, user, *, replace=False) -> ImportResult
    apply_edits(engine, kind, edited_rows, user) -> ImportResult
    undo_batch(engine, batch_id, user) -> UndoResult
    list_batches(engine, kind=None, department=None, limit=200) -> list[dict]
    recent_rows(engine, kind, limit=200) -> pl.DataFrame
    save_preset(engine, department, kind, mapping, *, user) / load_preset(engine, department, kind) -> dict | None
    neutralise_formula(value); frame_bytes(frame, fmt)
    template_bytes(kind, lang, fmt, tr) -> bytes; write_template(kind, out, lang, fmt, tr)

Nothing here is in a language: a Problem, ImportResult.summary and UndoResult.text are message keys
and parameters (Msg) or bilingual declaration text (Label); dashboard/ingest_messages.py renders them.
"""
from data_access.ingest.commit import (ImportResult, UndoResult, apply_edits, check_upload, import_upload,
                                       list_batches, recent_rows, submit_record, undo_batch, value_text)
from data_access.ingest.export import frame_bytes, neutralise_formula
from data_access.ingest.headers import HeaderMatch, load_preset, match_headers, save_preset
from data_access.ingest.problems import Label, Msg, Problem
from data_access.ingest.read import MAX_BYTES, ReadInfo, read_upload
from data_access.ingest.template import column_help, template_bytes, template_file_name, template_headers, write_template

__all__ = ["HeaderMatch", "ImportResult", "Label", "MAX_BYTES", "Msg", "Problem", "ReadInfo", "UndoResult", "apply_edits",
           "check_upload", "column_help", "frame_bytes", "import_upload", "list_batches", "load_preset",
           "match_headers", "neutralise_formula", "read_upload", "recent_rows",
           "save_preset", "submit_record", "template_bytes", "template_file_name", "template_headers",
           "undo_batch", "value_text", "write_template"]
