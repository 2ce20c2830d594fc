"""`plantkpi import` (README "Command line"): exit 0 when imported, 2 when rejected (problems
printed one per line, nothing written), 1 for anything else."""
from __future__ import annotations

from pathlib import Path

from dashboard.commands.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_REJECTED
from dashboard.i18n import t
from dashboard.ingest_messages import describe
from data_access.ingest.commit import import_upload
from data_access.ingest.headers import load_mapping_file
from data_access.permissions import database_owner


def import_file(kind: str, path: Path, mapping_file=None, replace: bool = False, valid_only: bool = False,
                user: str | None = None, lang: str = "en", engine=None) -> int:
    from data_access.db import get_engine

    path = Path(path)
    if not path.is_file():
        print(t("ingest.cli.no_file", lang, path=path))
        return EXIT_FAILED
    mapping = load_mapping_file(mapping_file) if mapping_file else None
    user = user or database_owner()  # no account named: whoever holds the database (docs/auth.md)
    result = import_upload(engine or get_engine(), kind, path.read_bytes(), path.name, user, mapping=mapping,
                           replace=replace, valid_only=valid_only, source="cli")
    if result.info is not None:
        info = result.info
        details = [d for d in (info.encoding, info.line_ending, info.delimiter and repr(info.delimiter),
                               info.sheet and t("ingest.cli.sheet", lang, sheet=info.sheet),
                               t("ingest.cli.header_row", lang, row=info.header_row),
                               ", ".join(f"{k}: {v}" for k, v in info.date_formats.items())) if d]
        print(t("ingest.cli.detected", lang, file=path.name, details="; ".join(details)))
    for problem in result.problems:
        print(describe(problem, lang))
    if result.written:
        if result.rejected_row_numbers:
            print(t("ingest.cli.skipped", lang, rows=len(result.rejected_row_numbers)))
        print(t("ingest.cli.imported", lang, batch=result.batch_id, rows=result.rows_written,
                replaced=result.rows_replaced))
        return EXIT_OK
    print(t("ingest.cli.rejected", lang, problems=len(result.errors)))
    return EXIT_REJECTED
