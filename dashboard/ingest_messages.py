"""The ingestion pipeline's messages in the clerk's language. data_access.ingest returns message
keys and parameters (Msg), or text a declaration gives in both languages (Label); this module is
where they become words, for the input pages and the CLI alike (docs/architecture.md "The arrows")."""
from __future__ import annotations

import polars as pl

from dashboard.i18n import t
from data_access.ingest.commit import REJECTED_ROW, ImportResult
from data_access.ingest.export import frame_bytes
from data_access.ingest.problems import Label, Msg, Problem

# The rejected-rows file's own columns (the others are the file's headers as written).
ROW_COLUMN = {"en": "row", "zh": "行号"}
REASON_COLUMN = {"en": "reason", "zh": "原因"}


def render(text: Msg | Label | str, lang: str) -> str:
    """A Msg (parameters rendered in the same language), a Label, or plain text."""
    if isinstance(text, Label):
        return text.zh if lang == "zh" else text.en
    if not isinstance(text, Msg):
        return str(text)
    params = {k: render(v, lang) if isinstance(v, (Msg, Label)) else v for k, v in text.params.items()}
    out = t(text.key, lang, **params)
    for more in text.then:
        out += text.sep + render(more, lang)
    return out


def message(problem: Problem, lang: str) -> str:
    """What is wrong, without where: "not a number"."""
    return render(problem.text, lang)


def describe(problem: Problem, lang: str) -> str:
    """One line: "row 5, column good_qty, value 'abc': not a number"."""
    parts = []
    if problem.row is not None:
        parts.append(t("ingest.where.row", lang, row=problem.row))
    if problem.column is not None:
        parts.append(t("ingest.where.column", lang, column=problem.column))
    if problem.value is not None:
        parts.append(t("ingest.where.value", lang, value=problem.value))
    prefix = t("ingest.where.sep", lang).join(parts)
    text = message(problem, lang)
    text = f"{prefix}{t('ingest.where.colon', lang)}{text}" if prefix else text
    return f"{t('ingest.warning_prefix', lang)}{text}" if problem.warning else text


def summary(result: ImportResult, lang: str) -> str:
    """"Imported as batch #3: 2 rows (0 replaced, 0 rejected)." and the like."""
    return render(result.summary, lang)


def translator(lang: str):
    """tr(key, **params) in `lang`, for the upload templates (data_access.ingest.template)."""
    return lambda key, **params: t(key, lang, **params)


def rejected_frame(result: ImportResult, lang: str) -> pl.DataFrame:
    """The rejected rows as written in the file, with the file row number and the reasons
    ("column: message; ..."), the row and reason columns named in `lang`."""
    frame = result.rejected if result.rejected is not None else pl.DataFrame({REJECTED_ROW: []}, {REJECTED_ROW: pl.Int64})
    reasons: dict[int, list[str]] = {}
    for p in result.errors:
        if p.row is not None:
            where = f"{p.column}: " if p.column else ""
            reasons.setdefault(p.row, []).append(f"{where}{message(p, lang)}")
    row_col, reason_col = ROW_COLUMN.get(lang, "row"), REASON_COLUMN.get(lang, "reason")
    reason_frame = pl.DataFrame({REJECTED_ROW: list(reasons), reason_col: ["; ".join(v) for v in reasons.values()]},
                                schema={REJECTED_ROW: pl.Int64, reason_col: pl.String})
    names = [c for c in frame.columns if c != REJECTED_ROW]
    return (frame.join(reason_frame, on=REJECTED_ROW, how="left").select(REJECTED_ROW, *names, reason_col)
            .rename({REJECTED_ROW: row_col}))


def rejected_rows_bytes(result: ImportResult, fmt: str, lang: str) -> bytes:
    """The rejected rows of an ImportResult as the clerk wrote them, plus row number and reason."""
    if result.rejected is None:
        return frame_bytes(pl.DataFrame(), fmt, sheet="rejected")
    return frame_bytes(rejected_frame(result, lang), fmt, sheet="rejected")
