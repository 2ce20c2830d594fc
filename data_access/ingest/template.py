"""Upload templates derived from the kind declaration: headers in the chosen language, one
example row, and (XLSX) a second sheet explaining every column. Both header languages import.
Headers and labels come from the kind declaration; the other words (types, sheet names, column
titles) from `tr(key, **params)`, the caller's translator (data_access does not import dashboard.i18n)."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

from data_access.ingest.commit import value_text
from data_access.kinds import KINDS, Field, Kind, get_kind

Translate = Callable[..., str]  # tr(key, **params) -> the text in the template's language


def template_headers(kind: Kind, lang: str) -> list[str]:
    """Canonical field names in English, Chinese labels in Chinese (both are accepted on import)."""
    return [f.zh if lang == "zh" else f.name for f in kind.fields]


def _allowed(f: Field, lang: str, tr: Translate) -> str:
    parts = []
    if f.choices:
        parts.append(", ".join(f.choices))
    if f.min is not None:
        parts.append(tr("ingest.tpl.min", min=f"{f.min:g}"))
    if f.max is not None:
        parts.append(tr("ingest.tpl.max", max=f"{f.max:g}"))
    if f.ref:
        targets = " / ".join(KINDS[tb].label(lang) for tb, _ in f.ref_targets if tb in KINDS)
        parts.append(tr("ingest.tpl.ref", targets=targets))
    if f.field_type.text and not f.ref:
        parts.append(tr("ingest.tpl.max_len", max_len=f.max_len))
    return "; ".join(parts)


def column_help(kind: Kind, lang: str, tr: Translate) -> list[list[str]]:
    """One row per column: header, field, label, type, required, allowed values, notes."""
    headers = template_headers(kind, lang)
    rows = []
    for header, f in zip(headers, kind.fields):
        rows.append([header, f.name, f.label(lang), tr(f"ingest.type.{f.type}"),
                     tr("ingest.tpl.yes" if f.required else "ingest.tpl.no"), _allowed(f, lang, tr),
                     f.help_zh if lang == "zh" else f.help_en])
    return rows


def template_bytes(kind_name: str, lang: str, fmt: str, tr: Translate) -> bytes:
    kind = get_kind(kind_name)
    headers = template_headers(kind, lang)
    example = [value_text(f.example) or "" for f in kind.fields]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerow(example)
        return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")  # BOM: Excel then shows Chinese
    if fmt != "xlsx":
        raise ValueError(f"unknown template format {fmt!r}")
    import xlsxwriter

    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}) as wb:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text_format = wb.add_format({"num_format": "@"})
        ws = wb.add_worksheet(tr("ingest.tpl.sheet_data"))
        for c, (header, f) in enumerate(zip(headers, kind.fields)):
            ws.write_string(0, c, header, bold)
            ws.set_column(c, c, max(12, len(header) * (2 if lang == "zh" else 1) + 2), text_format)
            if example[c]:
                ws.write_string(1, c, example[c])  # as text so Excel keeps 2026-01-05 and codes as written
        ws.freeze_panes(1, 0)
        helpsheet = wb.add_worksheet(tr("ingest.tpl.sheet_help"))
        titles = [tr(k) for k in ("ingest.tpl.col.header", "ingest.tpl.col.field", "ingest.tpl.col.label",
                                      "ingest.tpl.col.type", "ingest.tpl.col.required", "ingest.tpl.col.allowed",
                                      "ingest.tpl.col.help")]
        for c, title in enumerate(titles):
            helpsheet.write_string(0, c, title, bold)
        for r, row in enumerate(column_help(kind, lang, tr), start=1):
            for c, value in enumerate(row):
                helpsheet.write_string(r, c, value)
        key_line = tr("ingest.tpl.key", fields=", ".join(headers[kind.field_names.index(k)] for k in kind.key))
        helpsheet.write_string(len(kind.fields) + 2, 0, key_line)
        helpsheet.set_column(0, 2, 22)
        helpsheet.set_column(3, 4, 14)
        helpsheet.set_column(5, 6, 50)
    return out.getvalue()


def template_file_name(kind_name: str, lang: str = "en", fmt: str = "csv") -> str:
    return f"{kind_name}_template_{lang}.{fmt}"


def write_template(kind_name: str, out: Path, lang: str, fmt: str, tr: Translate) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(template_bytes(kind_name, lang, fmt, tr))
    return out
